import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { type AwsDeps } from '../aws/clients';
import { datasetClassNames } from '../dataset-classes';
import { describeExecution, resolveExecutionArn } from '../aws/run-status';
import { DEFAULT_STACK_NAME } from '../aws/stack';
import { CliError, EXIT, toCliError, UsageError } from '../errors';
import type { Output } from '../output';

/** The Caltech-256 class names, line i = class i (as the reference run's 257 outputs are numbered). */
export const DEFAULT_CLASSES_FILE = resolve(__dirname, '../../core/reference/caltech256-classes.txt');

export interface ResultsOptions {
  /** Execution name or ARN. @default - the latest succeeded run */
  readonly execution?: string;
  readonly stackName?: string;
  /** Where the CSV goes. @default `./results/<run id>/` */
  readonly outDir?: string;
  /** One class name per line. @default the `classes.txt` beside the run's training data (a prepare-data dataset), else the Caltech-256 names */
  readonly classesFile?: string;
}

export interface ImagePrediction {
  /** The image's key under the batch input, e.g. `008.bathtub/008_0001.jpg`. */
  readonly image: string;
  readonly key: string;
  readonly classIndex: number;
  readonly topClass: string;
  readonly probability: number;
  readonly probabilities: number;
}

/** Class names from a file: one per line, blank trailing lines ignored. */
export function readClassNames(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`Cannot read the class names file ${path}.`, 'Pass --classes <file> with one class name per line (line i = class i).');
  }
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function parseS3Uri(uri: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new CliError(`The run summary's predictions location ${uri} is not an S3 URI.`);
  return { bucket: match[1] as string, prefix: match[2] ?? '' };
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * `results [execution] [--out dir] [--classes file]`: downloads the `*.out` predictions of a succeeded
 * run, prints the top class of each image and a count per class, and writes a CSV.
 */
export async function resultsCommand(options: ResultsOptions, deps: AwsDeps, out: Output): Promise<number> {
  const stackName = options.stackName ?? DEFAULT_STACK_NAME;
  // An explicit list is read first, so a bad path fails before any AWS call.
  let classesFile = options.classesFile ?? DEFAULT_CLASSES_FILE;
  let classNames = options.classesFile ? readClassNames(options.classesFile) : [];
  const executionArn = await resolveExecutionArn(deps, stackName, options.execution, options.execution ? undefined : 'SUCCEEDED');
  const execution = await describeExecution(deps, executionArn);
  const name = execution.name ?? executionArn.split(':').pop();
  if (execution.status !== 'SUCCEEDED') {
    throw new CliError(`Run ${name} is ${execution.status}: predictions exist only once a run has succeeded.`, {
      hint: execution.status === 'RUNNING' ? `Wait for it: ic-pipeline status ${name} --wait` : '`ic-pipeline list` shows the runs that succeeded.',
      code: 'RunNotSucceeded',
    });
  }
  const summary = JSON.parse(execution.output ?? '{}') as { runId?: string; predictions?: string | null; mode?: string };
  if (!summary.predictions) {
    throw new CliError(`Run ${name} (mode ${summary.mode ?? 'unknown'}) made no predictions.`, {
      hint: 'Only runs in mode "full" or "transform" run a batch transform.',
      code: 'NoPredictions',
    });
  }
  const warnings: string[] = [];
  let classesFromDataset = false;
  if (!options.classesFile) {
    const dataset = await datasetClassNames(deps.s3, execution.input, (text) => warnings.push(text));
    if (dataset) {
      classNames = dataset.names;
      classesFile = dataset.source;
      classesFromDataset = true;
    } else {
      classNames = readClassNames(DEFAULT_CLASSES_FILE);
    }
  }
  const { bucket, prefix } = parseS3Uri(summary.predictions);
  const runId = summary.runId ?? String(name);

  const keys: string[] = [];
  try {
    let token: string | undefined;
    do {
      const page = await deps.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      for (const object of page.Contents ?? []) if (object.Key?.endsWith('.out')) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  } catch (error) {
    throw toCliError(error, { region: deps.region });
  }
  if (keys.length === 0) {
    throw new CliError(`No predictions (*.out) under ${summary.predictions}.`, {
      hint: 'The batch transform wrote nothing: check that the batch input prefix held images when the run started.',
      code: 'NoPredictions',
    });
  }

  const predictions: ImagePrediction[] = [];
  let mismatched = 0;
  let mismatchLength = 0;
  for (const key of keys.sort()) {
    let body: string;
    try {
      const object = await deps.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      body = (await object.Body?.transformToString('utf-8')) ?? '';
    } catch (error) {
      throw toCliError(error, { region: deps.region });
    }
    const image = key.slice(prefix.length).replace(/\.out$/, '');
    let probabilities: unknown;
    try {
      probabilities = (JSON.parse(body) as { prediction?: unknown }).prediction;
    } catch {
      probabilities = undefined;
    }
    if (!Array.isArray(probabilities) || probabilities.length === 0 || !probabilities.every((p) => typeof p === 'number')) {
      warnings.push(`${key}: not a {"prediction": [numbers]} document; skipped`);
      continue;
    }
    const values = probabilities as number[];
    if (values.length !== classNames.length) {
      mismatched += 1;
      mismatchLength = values.length;
    }
    let best = 0;
    values.forEach((value, index) => {
      if (value > (values[best] ?? -Infinity)) best = index;
    });
    predictions.push({
      image,
      key,
      classIndex: best,
      topClass: classNames[best] ?? `class ${best}`,
      probability: values[best] as number,
      probabilities: values.length,
    });
  }
  if (mismatched > 0) {
    warnings.unshift(
      `${mismatched} of ${predictions.length} predictions have ${mismatchLength} probabilities, but ${classesFile} lists ${classNames.length} class names: ` +
        'the names may not match the model; pass --classes <file> with one name per line (line i = class i)',
    );
  }

  const counts = new Map<string, number>();
  for (const p of predictions) counts.set(p.topClass, (counts.get(p.topClass) ?? 0) + 1);
  const countList = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([className, count]) => ({ className, count }));

  const outDir = options.outDir ?? join('results', runId);
  const csvPath = join(outDir, 'predictions.csv');
  mkdirSync(outDir, { recursive: true });
  const csv = ['image,top_class,probability,class_index', ...predictions.map((p) => [p.image, p.topClass, p.probability, p.classIndex].map(csvField).join(','))];
  writeFileSync(csvPath, `${csv.join('\n')}\n`);

  if (out.jsonMode) {
    out.json({ executionArn, runId, predictions: summary.predictions, classesFile, images: predictions, counts: countList, csv: csvPath, warnings });
    return EXIT.ok;
  }
  out.line(`Predictions of run ${out.c.bold(runId)}: ${predictions.length} image${predictions.length === 1 ? '' : 's'} from ${summary.predictions}`);
  if (classesFromDataset) out.line(`Class names: ${classesFile} (the dataset the run trained on)`);
  for (const warning of warnings) out.warn(`${out.c.yellow('Warning:')} ${warning}`);
  const width = Math.max(...predictions.map((p) => p.image.length));
  for (const p of predictions) out.line(`  ${p.image.padEnd(width)}  ${p.topClass} (${(p.probability * 100).toFixed(1)}%)`);
  out.line('Images per predicted class:');
  for (const { className, count } of countList) out.line(`  ${String(count).padStart(5)}  ${className}`);
  out.line(`CSV written to ${csvPath}`);
  return EXIT.ok;
}
