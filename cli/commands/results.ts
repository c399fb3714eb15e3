import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type AwsDeps } from '../aws/clients';
import { DEFAULT_STACK_NAME } from '../aws/stack';
import { type ClassNames, loadClassNames, readClassNames } from '../class-names';
import { CsvWriter } from '../csv';
import { CliError, EXIT, toCliError } from '../errors';
import { describeTransformJob, inputLocation, listInputs } from '../evaluation/inputs';
import { EvaluationTally } from '../evaluation/metrics';
import { interrupted } from '../interrupt';
import type { Output } from '../output';
import { prepareOutDir } from '../out-dir';
import { className, DEFAULT_CONCURRENCY, LOW_CONFIDENCE, PredictionTally, type PredictionRow, readPredictions } from '../predictions';
import { showProgress } from '../prepare-data/progress';
import { predictionsRun } from '../run-predictions';

export { DEFAULT_CLASSES_FILE, readClassNames } from '../class-names';

/** Every image is listed on its own line up to this many images; above it only the summary. */
export const LIST_IMAGES_UP_TO = 20;
/** Classes shown in the summary's count per class (all of them are in the CSV). */
export const SUMMARY_CLASSES = 15;

export interface ResultsOptions {
  /** Execution name, ARN or run id. @default - the latest run that made predictions */
  readonly execution?: string;
  readonly stackName?: string;
  /** Where the CSV goes. @default `./results/<run id>/` */
  readonly outDir?: string;
  /** One class name per line. @default the `classes.txt` beside the run's training data (a prepare-data dataset), else the Caltech-256 names */
  readonly classesFile?: string;
  /** Classes per image in the CSV (and `--json`). @default 1 */
  readonly topK?: number;
  /** Prediction files downloaded at once. @default DEFAULT_CONCURRENCY */
  readonly concurrency?: number;
}

/** What `--json` lists per image. */
export interface ImagePrediction {
  /** The image's key under the batch input, e.g. `008.bathtub/008_0001.jpg`. */
  readonly image: string;
  readonly key: string;
  readonly classIndex: number;
  readonly topClass: string;
  readonly probability: number;
  /** How many probabilities the prediction has. */
  readonly probabilities: number;
  /** The `--top` best classes, best first. */
  readonly top: { classIndex: number; className: string; probability: number }[];
}

/**
 * The CSV header for `k` classes per image: the first class's columns keep their names of one class.
 * With `labeled` (some image's folder names a class), `actual` (the class its folder names, empty when
 * it names none) and `correct` (`true` when the top class is the actual one) follow.
 */
export function csvHeader(k: number, labeled = false): string[] {
  const header = ['image', 'top_class', 'probability', 'class_index'];
  for (let rank = 2; rank <= k; rank += 1) header.push(`class_${rank}`, `probability_${rank}`, `class_index_${rank}`);
  if (labeled) header.push('actual', 'correct');
  return header;
}

function csvFields(row: PredictionRow, names: readonly string[], k: number, label: number | undefined | false): (string | number)[] {
  const fields: (string | number)[] = [row.image];
  for (let rank = 0; rank < k; rank += 1) {
    const score = row.top[rank];
    fields.push(score ? className(names, score.index) : '', score ? score.probability : '', score ? score.index : '');
  }
  if (label !== false) fields.push(label === undefined ? '' : className(names, label), label === undefined ? '' : String(row.top[0]?.index === label));
  return fields;
}

/**
 * `results [execution] [--out dir] [--classes file] [--top k]`: downloads the `*.out` predictions of a
 * succeeded run (16 at a time, a progress bar on a terminal), streams a CSV with the k best classes per
 * image, and prints a summary: images per class, confidence, the least confident images.
 */
export async function resultsCommand(options: ResultsOptions, deps: AwsDeps, out: Output): Promise<number> {
  const stackName = options.stackName ?? DEFAULT_STACK_NAME;
  const topK = options.topK ?? 1;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  // What can be checked without AWS is checked first: a bad --classes or --out fails before any call.
  const explicit = options.classesFile ? { names: readClassNames(options.classesFile), source: options.classesFile } : undefined;
  let outDir = options.outDir;
  let created = outDir !== undefined ? prepareOutDir(outDir).created : false;

  const run = await predictionsRun(deps, stackName, options.execution);
  if (outDir === undefined) {
    outDir = join('results', run.runId);
    created = prepareOutDir(outDir).created;
  }
  const csvPath = join(outDir, 'predictions.csv');
  const partialPath = `${csvPath}.partial`;
  const warnings: string[] = [];
  let csv: CsvWriter | undefined;
  try {
    csv = await CsvWriter.open(partialPath);
    const classes = await loadClassNames({ explicit, s3: deps.s3, executionInput: run.execution.input, warn: (text) => warnings.push(text) });
    const tally = new PredictionTally(classes.names);
    const evaluation = new EvaluationTally(classes.names, 1);
    const images: ImagePrediction[] = [];
    const listed: PredictionRow[] = [];
    // The inputs, to tell which have no output (a transform that failed part-way).
    const transform = run.partial?.transform ?? (run.summary.transformJobName ? await describeTransformJob(deps, run.summary.transformJobName, warnings) : undefined);
    const inputs = await listInputs(deps, inputLocation(transform, run.execution.input), warnings);
    let labeled = false;
    const started = Date.now();
    const progress = (done: number, total: number) => showProgress(out, 'Downloading predictions', done, total);
    const writer = csv;
    let result;
    try {
      result = await readPredictions({
        s3: deps.s3,
        bucket: run.bucket,
        prefix: run.prefix,
        topK: Math.max(topK, 3),
        concurrency,
        signal: deps.signal,
        onListed: (count) => out.tty && out.progress(`Listing predictions: ${count}`),
        onListComplete: async (_total, names) => {
          labeled = names.some((image) => evaluation.labelOf(image) !== undefined);
          await writer.write(csvHeader(topK, labeled));
        },
        onProgress: progress,
        onSkipped: (key) => warnings.push(`${key}: not a {"prediction": [numbers]} document; skipped`),
        onRow: async (row) => {
          tally.add(row);
          inputs?.delete(row.image);
          const label = evaluation.add(row.image, [(row.top[0] as { index: number }).index]);
          await writer.write(csvFields(row, classes.names, topK, labeled ? label : false));
          if (out.jsonMode) images.push(jsonImage(row, classes.names, topK));
          else if (tally.images <= LIST_IMAGES_UP_TO) listed.push(row);
        },
      });
    } catch (error) {
      if (deps.signal?.aborted) throw interrupted(`Interrupted: the download stopped and nothing was written; to download: ic-pipeline results ${run.executionName}`);
      throw toCliError(error, { region: deps.region, resume: `ic-pipeline results ${run.executionName}` });
    } finally {
      out.endProgress();
    }
    const seconds = (Date.now() - started) / 1000;
    for (const image of inputs ?? []) evaluation.addMissing(image);
    const missingOutputs = [...evaluation.missingOutputs].sort();
    if (run.partial) {
      warnings.unshift(
        `Run ${run.executionName} is ${run.partial.runStatus}: its transform job ended ${run.partial.transformStatus}${run.partial.failureReason ? ` (${run.partial.failureReason})` : ''}; these are the outputs it wrote before it ended.`,
      );
    }
    if (result.files === 0) {
      throw new CliError(`No predictions (*.out) under ${run.predictions}.`, {
        hint: 'The batch transform wrote nothing: check that the batch input prefix held images when the run started.',
        code: 'NoPredictions',
      });
    }
    await csv.close();
    csv = undefined;
    renameSync(partialPath, csvPath);
    if (tally.mismatched > 0) {
      warnings.unshift(
        `${tally.mismatched} of ${tally.images} predictions have ${tally.mismatchLength} probabilities, but ${classes.source} lists ${classes.names.length} class names: ` +
          'the names may not match the model; pass --classes <file> with one name per line (line i = class i)',
      );
    }
    const counts = tally.counts().map(({ className: name, count }) => ({ className: name, count }));
    if (out.jsonMode) {
      out.json({
        executionArn: run.executionArn,
        runId: run.runId,
        predictions: run.predictions,
        classesFile: classes.source,
        images,
        counts,
        summary: {
          images: tally.images,
          labeled: evaluation.labeled,
          accuracy: evaluation.labeled === 0 ? null : evaluation.correct / evaluation.labeled,
          missingOutputs,
          skipped: result.skipped,
          lowConfidence: tally.lowConfidence,
          lowConfidenceBelow: LOW_CONFIDENCE,
          medianConfidence: tally.medianConfidence(),
          leastConfident: tally.lowest.map((row) => jsonImage(row, classes.names, 3)),
        },
        download: { files: result.files, concurrency, maxInFlight: result.maxInFlight, seconds },
        csv: csvPath,
        warnings,
      });
      return EXIT.ok;
    }
    printSummary(out, { run, classes, tally, listed, counts, warnings, csvPath, seconds, concurrency, topK, evaluation, missingOutputs });
    return EXIT.ok;
  } catch (error) {
    csv?.destroy();
    rmSync(partialPath, { force: true });
    // A folder this command created holds nothing of use after a failure.
    if (created) rmSync(outDir, { recursive: true, force: true });
    throw error;
  }
}

function jsonImage(row: PredictionRow, names: readonly string[], k: number): ImagePrediction {
  const best = row.top[0] as { index: number; probability: number };
  return {
    image: row.image,
    key: row.key,
    classIndex: best.index,
    topClass: className(names, best.index),
    probability: best.probability,
    probabilities: row.classes,
    top: row.top.slice(0, k).map((score) => ({ classIndex: score.index, className: className(names, score.index), probability: score.probability })),
  };
}

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
const count = (value: number) => value.toLocaleString('en-US');

/** Terminal control characters in a key would move the cursor: they are shown as `?`. */
// eslint-disable-next-line no-control-regex
const printable = (text: string) => text.replace(/[\x00-\x1f\x7f]/g, '?');

function printSummary(
  out: Output,
  data: {
    run: Awaited<ReturnType<typeof predictionsRun>>;
    classes: ClassNames;
    tally: PredictionTally;
    listed: PredictionRow[];
    counts: { className: string; count: number }[];
    warnings: string[];
    csvPath: string;
    seconds: number;
    concurrency: number;
    topK: number;
    evaluation: EvaluationTally;
    missingOutputs: string[];
  },
): void {
  const { run, classes, tally, counts, evaluation } = data;
  const c = out.c;
  const accuracy = evaluation.labeled > 0 ? `; accuracy ${percent(evaluation.correct / evaluation.labeled)} (${count(evaluation.correct)} of ${count(evaluation.labeled)} labelled)` : '';
  out.line(`Predictions of run ${c.bold(run.runId)}: ${count(tally.images)} image${tally.images === 1 ? '' : 's'} from ${run.predictions}${accuracy}`);
  out.line(c.dim(`  downloaded in ${data.seconds.toFixed(1)} s, ${data.concurrency} at a time`));
  if (classes.fromDataset) out.line(`Class names: ${classes.source} (the dataset the run trained on)`);
  for (const warning of data.warnings) out.warn(`${out.ce.yellow('Warning:')} ${warning}`);
  if (tally.images <= LIST_IMAGES_UP_TO) {
    const width = Math.max(...data.listed.map((row) => printable(row.image).length));
    for (const row of data.listed) {
      const best = row.top[0] as { index: number; probability: number };
      out.line(`  ${printable(row.image).padEnd(width)}  ${className(classes.names, best.index)} (${percent(best.probability)})`);
    }
  }
  out.line(`Images per predicted class${counts.length > SUMMARY_CLASSES ? ` (the ${SUMMARY_CLASSES} most predicted of ${counts.length})` : ''}:`);
  for (const { className: name, count: n } of counts.slice(0, SUMMARY_CLASSES)) out.line(`  ${String(n).padStart(5)}  ${name}`);
  if (counts.length > SUMMARY_CLASSES) out.line(c.dim(`  … ${counts.length - SUMMARY_CLASSES} more classes: see the CSV`));
  const median = tally.medianConfidence();
  out.line(
    `Confidence of the top class: median about ${median === undefined ? '-' : percent(median)}; ` +
      `${count(tally.lowConfidence)} image${tally.lowConfidence === 1 ? '' : 's'} below ${percent(LOW_CONFIDENCE)}`,
  );
  const least = tally.lowest.filter((row) => (row.top[0]?.probability ?? 1) < LOW_CONFIDENCE);
  if (least.length > 0 && tally.images > LIST_IMAGES_UP_TO) {
    out.line('Least confident images:');
    for (const row of least) {
      const [best, next] = row.top;
      const runnerUp = next ? `, then ${className(classes.names, next.index)} ${percent(next.probability)}` : '';
      out.line(`  ${percent(best?.probability ?? 0).padStart(6)}  ${printable(row.image)} → ${className(classes.names, best?.index ?? 0)}${runnerUp}`);
    }
  }
  if (data.missingOutputs.length > 0) {
    out.line(`Inputs with no output (${count(data.missingOutputs.length)}):`);
    for (const image of data.missingOutputs.slice(0, LIST_IMAGES_UP_TO)) out.line(`  ${printable(image)}`);
    if (data.missingOutputs.length > LIST_IMAGES_UP_TO) out.line(c.dim(`  … ${count(data.missingOutputs.length - LIST_IMAGES_UP_TO)} more (all with --json)`));
  }
  out.line(`CSV written to ${data.csvPath}${data.topK > 1 ? ` (the ${data.topK} best classes per image)` : ''}`);
  out.line(c.dim(`  see every image with its classes: ic-pipeline report ${run.executionName}`));
  if (evaluation.labeled > 0) out.line(c.dim(`  per-class precision, recall and confusions: ic-pipeline evaluate ${run.executionName}`));
}
