import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DescribeTrainingJobCommand, type DescribeTrainingJobCommandOutput, DescribeTransformJobCommand, type DescribeTransformJobCommandOutput } from '@aws-sdk/client-sagemaker';
import { metricValue } from '../../core/run-summary';
import { type AwsDeps } from '../aws/clients';
import { jobLogConsoleUrl, readJobLog } from '../aws/job-logs';
import { DEFAULT_STACK_NAME } from '../aws/stack';
import { loadClassNames, readClassNames } from '../class-names';
import { getBytes } from '../download/s3-objects';
import { CliError, EXIT, toCliError, UsageError } from '../errors';
import { type InputLocation, inputLocation, listInputs } from '../evaluation/inputs';
import { DEFAULT_TOP_K, EvaluationTally } from '../evaluation/metrics';
import { executionConsoleUrl, regionOfArn } from '../format';
import { interrupted } from '../interrupt';
import type { Output } from '../output';
import { prepareOutDir } from '../out-dir';
import { className, DEFAULT_CONCURRENCY, LOW_CONFIDENCE, PredictionTally, type PredictionRow, readPredictions } from '../predictions';
import { showProgress } from '../prepare-data/progress';
import { makeThumbnail } from '../report/thumbnails';
import { confusionCells, type GalleryEntry, renderDataJs, renderIndexHtml, REPORT_MARKER, type ReportModel } from '../report/render';
import { predictionsRun, type PredictionsRun } from '../run-predictions';
import { costLines, costOfRun } from '../run-cost';
import { EPOCH_FILTER_PATTERN, epochResults, type EpochResult } from '../training-log';

/** The gallery script and style, copied into every report. */
const ASSETS = resolve(__dirname, '../report/assets');
/** Classes shown per image in the gallery. */
export const GALLERY_TOP_K = 3;

export interface ReportOptions {
  /** Execution name, ARN or run id. @default - the latest run that made predictions */
  readonly execution?: string;
  readonly stackName?: string;
  /** @default `./reports/<run id>/` */
  readonly outDir?: string;
  readonly classesFile?: string;
  /** @default DEFAULT_CONCURRENCY */
  readonly concurrency?: number;
}

/**
 * `report [execution] [--out dir]`: a self-contained HTML report of a run in one folder (index.html,
 * data.js, the gallery script and style, thumbs/): the run, its metrics and hyperparameters, images per
 * predicted class, accuracy per epoch (from the training log, when readable) and every classified image
 * as a thumbnail with its three best classes, sortable and filterable. Opens from disk, no network.
 */
export async function reportCommand(options: ReportOptions, deps: AwsDeps, out: Output): Promise<number> {
  const stackName = options.stackName ?? DEFAULT_STACK_NAME;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const explicit = options.classesFile ? { names: readClassNames(options.classesFile), source: options.classesFile } : undefined;
  if (options.outDir !== undefined) checkReportFolder(options.outDir);

  const run = await predictionsRun(deps, stackName, options.execution);
  const outDir = options.outDir ?? join('reports', run.runId);
  if (options.outDir === undefined) checkReportFolder(outDir);
  const region = regionOfArn(run.executionArn) ?? deps.region ?? 'us-east-1';
  const warnings: string[] = [];
  const resume = `ic-pipeline report ${run.executionName}`;

  try {
    const [training, transform] = await Promise.all([
      run.summary.trainingJobName ? describeJob(deps, 'training', run.summary.trainingJobName, warnings) : undefined,
      run.partial?.transform ?? (run.summary.transformJobName ? describeJob(deps, 'transform', run.summary.transformJobName, warnings) : undefined),
    ]);
    if (run.partial) {
      warnings.push(
        `Run ${run.executionName} is ${run.partial.runStatus}: its transform job ended ${run.partial.transformStatus}${run.partial.failureReason ? ` (${run.partial.failureReason})` : ''}; this report shows the outputs it wrote before it ended.`,
      );
    }
    const log = run.summary.trainingJobName ? await epochsOf(deps, run.summary.trainingJobName) : { epochs: [] as EpochResult[], note: 'This run did not train: it classified with an existing model.' };
    const classes = await loadClassNames({ explicit, s3: deps.s3, executionInput: run.execution.input, warn: (text) => warnings.push(text) });

    // The predictions, in key order, reduced to the three best classes each; inside the same pool, each
    // classified image is downloaded once and made into a thumbnail in thumbs/ (the two kinds of
    // download overlap, and the thumbnails are made while other files are on their way).
    const input = inputLocation(transform, run.execution.input);
    if (!input) warnings.push('The batch input of the transform job is not known: the gallery has no images.');
    // The inputs, to tell which have no output; labels come from their folders (docs/evaluation.md).
    const inputs = await listInputs(deps, input, warnings);
    const evaluation = new EvaluationTally(classes.names, DEFAULT_TOP_K);
    const labels: number[] = [];
    const thumbsDir = join(outDir, 'thumbs');
    rmSync(thumbsDir, { recursive: true, force: true });
    mkdirSync(thumbsDir, { recursive: true });
    const thumbs = new Map<string, string>();
    let missing = 0;
    let unreadable = 0;
    const tally = new PredictionTally(classes.names);
    const rows: PredictionRow[] = [];
    await readPredictions({
      s3: deps.s3,
      bucket: run.bucket,
      prefix: run.prefix,
      // The gallery shows three; top-k accuracy counts the five best, as `evaluate` does by default.
      topK: Math.max(GALLERY_TOP_K, DEFAULT_TOP_K),
      concurrency,
      signal: deps.signal,
      onProgress: (done, total) => showProgress(out, input ? 'Downloading predictions and images' : 'Downloading predictions', done, total),
      onSkipped: (key) => warnings.push(`${key}: not a {"prediction": [numbers]} document; skipped`),
      afterDownload: async (row, fileIndex) => {
        if (!input) return;
        let bytes: Uint8Array | undefined;
        try {
          bytes = await getBytes(deps.s3, input.bucket, `${input.prefix}${row.image}`, deps.signal);
        } catch (error) {
          const name = (error as { name?: string })?.name;
          if (name !== 'NoSuchKey' && name !== 'AccessDenied' && name !== 'NotFound') throw error;
          missing += 1;
          return;
        }
        const thumbnail = await makeThumbnail(bytes);
        if (!thumbnail) {
          unreadable += 1;
          return;
        }
        const file = `thumbs/${String(fileIndex).padStart(6, '0')}.jpg`;
        await writeFile(join(outDir, file), thumbnail);
        thumbs.set(row.key, file);
      },
      onRow: (row) => {
        tally.add(row);
        rows.push(row);
        inputs?.delete(row.image);
        labels.push(evaluation.add(row.image, row.top.map((score) => score.index)) ?? -1);
      },
    });
    out.endProgress();
    if (rows.length === 0) {
      throw new CliError(`No predictions (*.out) under ${run.predictions}.`, { code: 'NoPredictions', hint: 'The batch transform wrote nothing to show.' });
    }
    if (missing > 0) warnings.push(`${missing} image${missing === 1 ? '' : 's'} not found under ${input ? `s3://${input.bucket}/${input.prefix}` : 'the batch input'} (deleted or moved since the run): shown without a picture.`);
    if (unreadable > 0) warnings.push(`${unreadable} image${unreadable === 1 ? ' is' : 's are'} not readable as an image: shown without a picture.`);
    if (tally.mismatched > 0) {
      warnings.push(`${tally.mismatched} of ${tally.images} predictions have ${tally.mismatchLength} probabilities, but ${classes.source} lists ${classes.names.length} class names: pass --classes <file> if the names do not match the model.`);
    }

    // 3. The files of the report; index.html last, so a report folder with one is complete.
    const maxIndex = Math.max(classes.names.length - 1, ...rows.flatMap((row) => row.top.map((score) => score.index)));
    const names = Array.from({ length: maxIndex + 1 }, (_, i) => className(classes.names, i));
    for (const image of inputs ?? []) evaluation.addMissing(image);
    const evaluated = evaluation.labeled > 0 ? evaluation.result(run.runId) : undefined;
    const entries: GalleryEntry[] = rows.map((row) => [
      thumbs.get(row.key) ?? null,
      row.image,
      ...row.top.slice(0, GALLERY_TOP_K).flatMap((score) => [score.index, round(score.probability)]),
    ]);
    const galleryEvaluation = evaluated ? { labels, cells: confusionCells(evaluated.confusion.matrix), n: evaluated.confusion.labels.length } : undefined;
    const allNames = evaluated && evaluated.confusion.labels.length > names.length ? evaluated.confusion.labels : names;
    writeFileSync(join(outDir, 'data.js'), renderDataJs(allNames, entries, LOW_CONFIDENCE, galleryEvaluation));
    copyFileSync(join(ASSETS, 'report.js'), join(outDir, 'report.js'));
    copyFileSync(join(ASSETS, 'report.css'), join(outDir, 'report.css'));
    const model = { ...reportModel({ run, training, transform, log, classes, tally, input, warnings, thumbnails: thumbs.size, region, deps }), ...(evaluated ? { evaluation: evaluated } : {}) };
    const indexPath = join(outDir, 'index.html');
    writeFileSync(indexPath, renderIndexHtml(model));

    const url = pathToFileURL(resolve(indexPath)).href;
    if (out.jsonMode) {
      out.json({
        executionArn: run.executionArn, runId: run.runId, report: indexPath, url, images: rows.length, thumbnails: model.withThumbnail, epochs: log.epochs,
        evaluation: evaluated ? { labeled: evaluated.labeled, accuracy: evaluated.accuracy, topK: evaluated.topK, missingOutputs: evaluated.missingOutputs.length } : null,
        warnings,
      });
      return EXIT.ok;
    }
    for (const warning of warnings) out.warn(`${out.ce.yellow('Warning:')} ${warning}`);
    out.line(`${out.c.green('Report')} of run ${out.c.bold(run.runId)}: ${rows.length.toLocaleString('en-US')} images (${model.withThumbnail.toLocaleString('en-US')} with a thumbnail), ${log.epochs.length} epoch${log.epochs.length === 1 ? '' : 's'} from the log.`);
    if (evaluated) {
      out.line(`  accuracy ${((evaluated.accuracy ?? 0) * 100).toFixed(1)}% on ${evaluated.labeled.toLocaleString('en-US')} labelled images (top-${evaluated.topK.k} ${((evaluated.topK.accuracy ?? 0) * 100).toFixed(1)}%)${evaluated.missingOutputs.length ? `; ${evaluated.missingOutputs.length.toLocaleString('en-US')} inputs without output` : ''}`);
    }
    out.line(`  written to ${indexPath}: one folder, opens from disk without a server or network`);
    out.line(`  open it: ${url}`);
    return EXIT.ok;
  } catch (error) {
    out.endProgress();
    if (deps.signal?.aborted) throw interrupted(`Interrupted; the report in ${outDir} is incomplete: ${resume}`);
    throw toCliError(error, { region: deps.region, resume });
  }
}

function round(value: number): number {
  return Math.round(value * 1e5) / 1e5;
}

/** A folder a report may be written to: new, empty, or an earlier report (whose thumbnails are replaced). */
function checkReportFolder(dir: string): void {
  prepareOutDir(dir);
  const index = join(dir, 'index.html');
  if (existsSync(index) && statSync(index).isFile() && !readFileSync(index, 'utf8').includes(REPORT_MARKER)) {
    throw new UsageError(`--out ${dir} holds an index.html that is not an ic-pipeline report; it is left alone.`, 'Pass --out <folder>: a new or empty folder, or an earlier report.');
  }
}

async function describeJob(deps: AwsDeps, kind: 'training', name: string, warnings: string[]): Promise<DescribeTrainingJobCommandOutput | undefined>;
async function describeJob(deps: AwsDeps, kind: 'transform', name: string, warnings: string[]): Promise<DescribeTransformJobCommandOutput | undefined>;
async function describeJob(deps: AwsDeps, kind: 'training' | 'transform', name: string, warnings: string[]) {
  try {
    return kind === 'training'
      ? await deps.sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: name }))
      : await deps.sagemaker.send(new DescribeTransformJobCommand({ TransformJobName: name }));
  } catch (error) {
    warnings.push(`Could not describe the ${kind} job ${name} (${(error as { name?: string })?.name ?? 'error'}): the report leaves its details out.`);
    return undefined;
  }
}

/** The epochs of the training log; a log that cannot be read is said, not fatal. */
async function epochsOf(deps: AwsDeps, jobName: string): Promise<{ epochs: EpochResult[]; note?: string }> {
  if (!deps.logs) return { epochs: [], note: 'The training log was not read.' };
  try {
    const lines = await readJobLog(deps.logs, 'training', jobName, { filterPattern: EPOCH_FILTER_PATTERN, signal: deps.signal });
    const epochs = epochResults(lines.map((line) => line.message));
    return epochs.length ? { epochs } : { epochs, note: 'The training log has no epoch lines (it may have expired, or the job wrote none).' };
  } catch (error) {
    return { epochs: [], note: `The training log could not be read (${(error as { name?: string })?.name ?? 'error'}).` };
  }
}

function reportModel(data: {
  run: PredictionsRun;
  training?: DescribeTrainingJobCommandOutput;
  transform?: DescribeTransformJobCommandOutput;
  log: { epochs: EpochResult[]; note?: string };
  classes: { source: string; fromDataset: boolean };
  tally: PredictionTally;
  input?: InputLocation;
  warnings: string[];
  thumbnails: number;
  region: string;
  deps: AwsDeps;
}): ReportModel {
  const { run, training, transform, tally } = data;
  const summary = run.summary;
  const seconds = (start?: Date, end?: Date) => (start && end ? (end.getTime() - start.getTime()) / 1000 : undefined);
  let request: unknown;
  try {
    request = JSON.parse(run.execution.input ?? '{}');
  } catch {
    request = run.execution.input;
  }
  const accuracy = metricValue(summary.metrics, 'validation:accuracy');
  return {
    generatedAt: data.deps.now?.() ?? new Date(),
    run: {
      runId: run.runId,
      executionName: run.executionName,
      executionArn: run.executionArn,
      consoleUrl: executionConsoleUrl(run.executionArn),
      status: run.execution.status ?? 'UNKNOWN',
      mode: summary.mode ?? 'full',
      ...(run.execution.startDate ? { startDate: run.execution.startDate } : {}),
      ...(run.execution.stopDate ? { stopDate: run.execution.stopDate } : {}),
    },
    request,
    hyperparameters: training?.HyperParameters ?? {},
    metrics: (summary.metrics ?? []).map((m) => ({ name: m.MetricName, value: m.Value })),
    ...(summary.trainingJobName
      ? {
          training: {
            jobName: summary.trainingJobName,
            ...(training?.ResourceConfig?.InstanceType ? { instance: `${training.ResourceConfig.InstanceCount ?? 1} × ${training.ResourceConfig.InstanceType}` } : {}),
            ...(summary.trainingTimeInSeconds != null ? { trainingSeconds: summary.trainingTimeInSeconds } : {}),
            ...(summary.billableTimeInSeconds != null ? { billableSeconds: summary.billableTimeInSeconds } : {}),
            ...(training?.EnableManagedSpotTraining !== undefined ? { spot: training.EnableManagedSpotTraining } : {}),
          },
        }
      : {}),
    ...(summary.transformJobName
      ? {
          transform: {
            jobName: summary.transformJobName,
            ...(transform?.TransformResources?.InstanceType ? { instance: `${transform.TransformResources.InstanceCount ?? 1} × ${transform.TransformResources.InstanceType}` } : {}),
            ...(seconds(transform?.TransformStartTime, transform?.TransformEndTime) !== undefined ? { seconds: seconds(transform?.TransformStartTime, transform?.TransformEndTime) } : {}),
            ...(data.input ? { input: data.input.uri } : {}),
          },
        }
      : {}),
    cost: runCostText(summary, run.executionArn, training, transform),
    epochs: data.log.epochs,
    ...(data.log.note ? { epochsNote: data.log.note } : {}),
    ...(summary.trainingJobName ? { trainingLogUrl: jobLogConsoleUrl(data.region, 'training', summary.trainingJobName) } : {}),
    classNames: data.classes,
    counts: tally.counts(),
    images: tally.images,
    withThumbnail: data.thumbnails,
    lowConfidence: tally.lowConfidence,
    lowConfidenceBelow: LOW_CONFIDENCE,
    ...(tally.medianConfidence() !== undefined ? { medianConfidence: tally.medianConfidence() } : {}),
    predictions: run.predictions,
    warnings: [...data.warnings, ...(accuracy === undefined && summary.trainingJobName ? ['SageMaker reported no validation:accuracy for the training job.'] : [])],
  };
}

/**
 * What the run cost, from list prices and what SageMaker reported (cli/run-cost.ts, as `status` says it);
 * the jobs' descriptions fill in what an older run summary does not record (instance types, times).
 */
function runCostText(
  summary: PredictionsRun['summary'],
  executionArn: string,
  training: DescribeTrainingJobCommandOutput | undefined,
  transform: DescribeTransformJobCommandOutput | undefined,
): { text: string; known: boolean } {
  const filled = {
    ...summary,
    trainingInstanceType: summary.trainingInstanceType ?? (summary.trainingJobName ? training?.ResourceConfig?.InstanceType : undefined) ?? null,
    trainingInstanceCount: summary.trainingInstanceCount ?? training?.ResourceConfig?.InstanceCount ?? null,
    transformInstanceType: summary.transformInstanceType ?? transform?.TransformResources?.InstanceType ?? null,
    transformInstanceCount: summary.transformInstanceCount ?? transform?.TransformResources?.InstanceCount ?? null,
    transformStartTime: summary.transformStartTime ?? transform?.TransformStartTime?.getTime() ?? null,
    transformEndTime: summary.transformEndTime ?? transform?.TransformEndTime?.getTime() ?? null,
  };
  const cost = costOfRun(filled, executionArn);
  const line = costLines(filled, executionArn)[0];
  if (cost === undefined || line === undefined) return { known: false, text: 'not known: the run records no instance types' };
  return { known: cost.total !== null, text: line.replace(/^cost: /, '') };
}
