import { PutObjectCommand } from '@aws-sdk/client-s3';
import { EVALUATION_FILE } from '../../core/s3-layout';
import { type AwsDeps } from '../aws/clients';
import { DEFAULT_STACK_NAME } from '../aws/stack';
import { loadClassNames, readClassNames } from '../class-names';
import { CliError, EXIT, toCliError, UsageError } from '../errors';
import { describeTransformJob, inputLocation, listInputs } from '../evaluation/inputs';
import { DEFAULT_TOP_K, type EvaluationDocument, EvaluationTally } from '../evaluation/metrics';
import { interrupted } from '../interrupt';
import { fitToWidth, type Output } from '../output';
import { DEFAULT_CONCURRENCY, readPredictions } from '../predictions';
import { showProgress } from '../prepare-data/progress';
import { predictionsRun, type PredictionsRun } from '../run-predictions';

/** Classes in the human per-class table (every class is in `--json`). */
export const TABLE_CLASSES = 15;
/** Confused pairs shown on the terminal. */
export const SHOWN_PAIRS = 10;
/** Inputs without output listed on the terminal. */
export const SHOWN_MISSING = 10;

export interface EvaluateOptions {
  /** Execution name, ARN or run id. @default - the latest run that made predictions */
  readonly execution?: string;
  readonly stackName?: string;
  /** @default DEFAULT_TOP_K (5) */
  readonly topK?: number;
  /** Also write the document as `evaluation.json` next to the run's predictions. */
  readonly save?: boolean;
  readonly classesFile?: string;
  /** @default DEFAULT_CONCURRENCY */
  readonly concurrency?: number;
}

/** What `evaluate --json` prints: the evaluation document and where it came from. */
export interface EvaluateJson extends EvaluationDocument {
  readonly executionArn: string;
  readonly predictions: string;
  readonly input: string | null;
  readonly classesFile: string;
  /** SUCCEEDED, or the status of a run whose transform ended part-way (FAILED, ABORTED, TIMED_OUT). */
  readonly runStatus: string;
  /** The transform job's status when the run did not succeed (Failed, Stopped); null otherwise. */
  readonly transformStatus: string | null;
  /** `s3://…/evaluation.json` with `--save`; else null. */
  readonly saved: string | null;
  readonly warnings: string[];
}

/** `runs/<run id>/predictions/` → `runs/<run id>/evaluation.json`: beside the predictions folder. */
export function evaluationKey(predictionsPrefix: string): string {
  const folder = predictionsPrefix.replace(/\/+$/, '');
  const parent = folder.includes('/') ? folder.slice(0, folder.lastIndexOf('/') + 1) : '';
  return `${parent}${EVALUATION_FILE}`;
}

/** The label rules in one sentence, for the error of a run with no labelled input. */
export const LABEL_RULE =
  'an image is labelled by the folder that holds it, when that folder equals a class name (or the class name after a leading "<digits>.", e.g. 008.bathtub is bathtub)';

/**
 * Reads a run's inputs and predictions and computes the evaluation: the shared part of `evaluate` (and
 * the figures `results` and `report` show come from the same tally). Inputs that have no output are
 * counted as such.
 */
export async function evaluateRun(
  deps: AwsDeps,
  run: PredictionsRun,
  options: { topK: number; concurrency: number; classesFile?: string; warnings: string[]; out: Output },
): Promise<{ document: EvaluationDocument; input: string | null; classesFile: string; files: number }> {
  const explicit = options.classesFile ? { names: readClassNames(options.classesFile), source: options.classesFile } : undefined;
  const classes = await loadClassNames({ explicit, s3: deps.s3, executionInput: run.execution.input, warn: (text) => options.warnings.push(text) });
  const transform = run.partial?.transform ?? (run.summary.transformJobName ? await describeTransformJob(deps, run.summary.transformJobName, options.warnings) : undefined);
  const location = inputLocation(transform, run.execution.input);
  const inputs = await listInputs(deps, location, options.warnings);
  const tally = new EvaluationTally(classes.names, options.topK);
  const skipped = new Set<string>();
  const result = await readPredictions({
    s3: deps.s3,
    bucket: run.bucket,
    prefix: run.prefix,
    topK: options.topK,
    concurrency: options.concurrency,
    signal: deps.signal,
    onProgress: (done, total) => showProgress(options.out, 'Downloading predictions', done, total),
    onSkipped: (key) => {
      skipped.add(key.slice(run.prefix.length).replace(/\.out$/, ''));
      options.warnings.push(`${key}: not a {"prediction": [numbers]} document; skipped`);
    },
    onRow: (row) => {
      tally.add(row.image, row.top.map((score) => score.index));
      inputs?.delete(row.image);
    },
  });
  options.out.endProgress();
  // A skipped file's input is not "without output": it has one, unreadable, and a warning says so.
  if (inputs) for (const image of inputs) if (!skipped.has(image)) tally.addMissing(image);
  return { document: tally.result(run.runId), input: location?.uri ?? null, classesFile: classes.source, files: result.files };
}

/**
 * `evaluate [execution] [--top-k N] [--json] [--save]`: how good the model is on the run's labelled
 * inputs (docs/evaluation.md): accuracy, top-k accuracy, macro precision / recall / F1, a per-class
 * table (worst recall first), the most confused pairs and the inputs with no output. Exits 1 when no
 * input is labelled.
 */
export async function evaluateCommand(options: EvaluateOptions, deps: AwsDeps, out: Output): Promise<number> {
  const stackName = options.stackName ?? DEFAULT_STACK_NAME;
  const topK = options.topK ?? DEFAULT_TOP_K;
  if (!Number.isInteger(topK) || topK < 1) throw new UsageError(`--top-k ${topK} is not allowed: pass a whole number from 1.`);
  if (options.classesFile) readClassNames(options.classesFile); // a bad path fails before any AWS call
  const run = await predictionsRun(deps, stackName, options.execution);
  const warnings: string[] = [];
  const resume = `ic-pipeline evaluate ${run.executionName}`;
  let evaluation;
  try {
    evaluation = await evaluateRun(deps, run, { topK, concurrency: options.concurrency ?? DEFAULT_CONCURRENCY, classesFile: options.classesFile, warnings, out });
  } catch (error) {
    out.endProgress();
    if (deps.signal?.aborted) throw interrupted(`Interrupted: nothing was evaluated; to evaluate: ${resume}`);
    throw toCliError(error, { region: deps.region, resume });
  }
  const { document } = evaluation;
  if (evaluation.files === 0 && document.images === 0) {
    throw new CliError(`No predictions (*.out) under ${run.predictions}, and no inputs found.`, { code: 'NoPredictions' });
  }
  if (document.labeled === 0) {
    throw new CliError(
      `None of the ${document.images} input${document.images === 1 ? '' : 's'} of run ${run.runId} is labelled${document.labeledWithoutOutput > 0 ? ' and has an output' : ''}: there is nothing to evaluate.`,
      {
        hint: `Labels come from the keys: ${LABEL_RULE} in ${evaluation.classesFile}. Classify images laid out as <class folder>/<file> (prepare-data's test split is).`,
        code: 'NoLabels',
      },
    );
  }
  if (run.partial) {
    warnings.unshift(
      `Run ${run.executionName} is ${run.partial.runStatus}: its transform job ended ${run.partial.transformStatus}${run.partial.failureReason ? ` (${run.partial.failureReason})` : ''}; these figures are over the outputs it wrote before it ended.`,
    );
  }
  let saved: string | null = null;
  if (options.save) {
    const key = evaluationKey(run.prefix);
    try {
      await deps.s3.send(
        new PutObjectCommand({ Bucket: run.bucket, Key: key, Body: `${JSON.stringify(document, null, 2)}\n`, ContentType: 'application/json' }),
        { abortSignal: deps.signal },
      );
    } catch (error) {
      throw toCliError(error, { region: deps.region, resume: `${resume} --save` });
    }
    saved = `s3://${run.bucket}/${key}`;
  }
  if (out.jsonMode) {
    const json: EvaluateJson = {
      ...document,
      executionArn: run.executionArn,
      predictions: run.predictions,
      input: evaluation.input,
      classesFile: evaluation.classesFile,
      runStatus: run.partial?.runStatus ?? 'SUCCEEDED',
      transformStatus: run.partial?.transformStatus ?? null,
      saved,
      warnings,
    };
    out.json(json);
    return EXIT.ok;
  }
  for (const warning of warnings) out.warn(`${out.ce.yellow('Warning:')} ${warning}`);
  for (const line of evaluationLines(document, { columns: out.columns(), classesFile: evaluation.classesFile, bold: out.c.bold, dim: out.c.dim })) out.line(line);
  if (saved) out.line(`Saved to ${saved}`);
  return EXIT.ok;
}

const pct = (value: number | null) => (value === null ? '-' : `${(value * 100).toFixed(1)}%`);
const count = (value: number) => value.toLocaleString('en-US');
// eslint-disable-next-line no-control-regex
const printable = (text: string) => text.replace(/[\x00-\x1f\x7f]/g, '?');

/** Worst recall first; classes without support (recall null) last; then more support first, then name. */
export function worstRecallFirst(perClass: EvaluationDocument['perClass']): EvaluationDocument['perClass'] {
  return [...perClass].sort(
    (a, b) =>
      (a.recall === null ? 2 : a.recall) - (b.recall === null ? 2 : b.recall) || b.support - a.support || a.classIndex - b.classIndex,
  );
}

/**
 * The human display of an evaluation, every line at most `columns` wide: headline figures, the per-class
 * table (worst recall first), the most confused pairs, the inputs with no output.
 */
export function evaluationLines(
  d: EvaluationDocument,
  options: { columns: number; classesFile: string; bold?: (text: string) => string; dim?: (text: string) => string },
): string[] {
  const width = Math.max(40, options.columns);
  const bold = options.bold ?? ((text: string) => text);
  const dim = options.dim ?? ((text: string) => text);
  const fit = (text: string) => fitToWidth(text, width);
  const lines: string[] = [];
  lines.push(fit(`Evaluation of run ${bold(d.run)}`));
  lines.push(fit(`  ${count(d.images)} input${d.images === 1 ? '' : 's'}: ${count(d.labeled)} labelled with an output`));
  const aside = [
    d.missingOutputs.length > 0 ? `${count(d.missingOutputs.length)} without output` : undefined,
    d.unlabeled > 0 ? `${count(d.unlabeled)} unlabelled` : undefined,
  ].filter(Boolean);
  if (aside.length > 0) lines.push(fit(`  ${aside.join(', ')}`));
  lines.push(fit(dim(`  labels: the folder of each input, matched to ${options.classesFile}`)));
  const label = (text: string) => `  ${text.padEnd(16)} `;
  lines.push(fit(`${label('accuracy')}${pct(d.accuracy).padStart(6)}  (${count(d.correct)} of ${count(d.labeled)})`));
  lines.push(fit(`${label(`top-${d.topK.k} accuracy`)}${pct(d.topK.accuracy).padStart(6)}  (${count(d.topK.correct)} of ${count(d.labeled)})`));
  lines.push(fit(`${label('macro precision')}${pct(d.macro.precision).padStart(6)}  recall ${pct(d.macro.recall)}  F1 ${pct(d.macro.f1)}`));

  const sorted = worstRecallFirst(d.perClass);
  const shown = sorted.slice(0, TABLE_CLASSES);
  const numbers = '  support   pred    prec  recall      F1';
  const nameWidth = Math.max(8, Math.min(Math.max(5, ...shown.map((c) => printable(c.class).length)), width - 2 - numbers.length));
  const cell = (name: string) => (name.length > nameWidth ? `${name.slice(0, nameWidth - 1)}…` : name.padEnd(nameWidth));
  lines.push(fit(`Per class, worst recall first${sorted.length > shown.length ? ` (${shown.length} of ${sorted.length}; all with --json)` : ''}:`));
  lines.push(fit(`  ${'class'.padEnd(nameWidth)}${numbers}`));
  for (const c of shown) {
    lines.push(
      fit(`  ${cell(printable(c.class))}  ${String(c.support).padStart(7)}  ${String(c.predicted).padStart(5)}  ${pct(c.precision).padStart(6)}  ${pct(c.recall).padStart(6)}  ${pct(c.f1).padStart(6)}`),
    );
  }
  if (d.mostConfused.length > 0) {
    lines.push(fit('Most confused (actual → predicted):'));
    for (const pair of d.mostConfused.slice(0, SHOWN_PAIRS)) lines.push(fit(`  ${String(pair.count).padStart(5)}  ${printable(pair.actual)} → ${printable(pair.predicted)}`));
  } else {
    lines.push(fit('No labelled input was predicted as another class.'));
  }
  if (d.missingOutputs.length > 0) {
    lines.push(fit(`Inputs with no output (${count(d.missingOutputs.length)}):`));
    for (const image of d.missingOutputs.slice(0, SHOWN_MISSING)) lines.push(fit(`  ${printable(image)}`));
    if (d.missingOutputs.length > SHOWN_MISSING) lines.push(fit(dim(`  … ${count(d.missingOutputs.length - SHOWN_MISSING)} more (all with --json)`)));
  }
  return lines;
}
