/**
 * Hyperparameter tuning of the image-classification algorithm: which hyperparameters can be tuned and over
 * which ranges, the run request's `tuning` section checked against them, and the API-shaped
 * HyperParameterTuningJobConfig that `Tune model` sends.
 *
 * Sources (cited where a rule relies on them):
 * - "Tune an Image Classification Model", https://docs.aws.amazon.com/sagemaker/latest/dg/IC-tuning.html:
 *   the objective (`validation:accuracy`, Maximize) and the tunable hyperparameters with their ranges.
 * - "Define Hyperparameter Ranges", https://docs.aws.amazon.com/sagemaker/latest/dg/automatic-model-tuning-define-ranges.html:
 *   scaling types (logarithmic only above 0; reverse logarithmic only for continuous ranges within 0 <= x < 1),
 *   at most 100 hyperparameters in all, static and tuned, counting the `_tuning_objective_metric` SageMaker adds.
 * - HyperParameterTuningJobConfig (API reference): "TrainingJobEarlyStoppingType must be OFF to use Hyperband".
 * - "Amazon SageMaker Automatic Model Tuning now supports grid search" (AWS ML blog): grid search runs every
 *   combination of categorical values; only categorical ranges.
 * - The SageMaker API model (reference/sagemaker-api-limits.json): at most 30 ranges of each kind, 1-30
 *   values per categorical range, at least one training job.
 */
import { MAX_TUNING_SECONDS } from './api-limits';
import { HYPERPARAMETERS, ignoredByOptimizers } from './hyperparameters';
import { isPlainObject } from './json';
import { describeValue, didYouMean, type ProblemList } from './problems';
import limits from './reference/sagemaker-api-limits.json';
import {
  type EarlyStoppingType,
  MAX_TUNING_JOBS,
  OPTIMIZERS,
  type Optimizer,
  SCALING_TYPES,
  type ScalingType,
  type TuningStrategy,
} from './vocabularies';

/** What every tuning job of the pipeline maximizes: the one metric the algorithm documents for tuning. */
export const TUNING_OBJECTIVE = { Type: 'Maximize', MetricName: 'validation:accuracy' } as const;

/** API model: values per categorical range (ParameterValues). */
export const MAX_CATEGORICAL_VALUES: number = limits.shapes.ParameterValues.max;
/** "You can use up to 100 hyperparameters in total (static + tunable)", one of them SageMaker's `_tuning_objective_metric`. */
export const MAX_TUNING_HYPERPARAMETERS = 100;

/** A tunable hyperparameter and its documented range (IC-tuning: "Tunable Image Classification Hyperparameters"). */
export type TunableSpec =
  | { readonly name: string; readonly kind: 'continuous' | 'integer'; readonly min: number; readonly max: number }
  | { readonly name: string; readonly kind: 'categorical'; readonly values: readonly string[] };

export const TUNABLE_HYPERPARAMETERS: readonly TunableSpec[] = [
  { name: 'beta_1', kind: 'continuous', min: 1e-6, max: 0.999 },
  { name: 'beta_2', kind: 'continuous', min: 1e-6, max: 0.999 },
  { name: 'eps', kind: 'continuous', min: 1e-8, max: 1.0 },
  { name: 'gamma', kind: 'continuous', min: 1e-8, max: 0.999 },
  { name: 'learning_rate', kind: 'continuous', min: 1e-6, max: 0.5 },
  { name: 'mini_batch_size', kind: 'integer', min: 8, max: 512 },
  { name: 'momentum', kind: 'continuous', min: 0, max: 0.999 },
  { name: 'optimizer', kind: 'categorical', values: OPTIMIZERS },
  { name: 'weight_decay', kind: 'continuous', min: 0, max: 0.999 },
];
export const TUNABLE_NAMES: readonly string[] = TUNABLE_HYPERPARAMETERS.map((spec) => spec.name);
const TUNABLE = new Map(TUNABLE_HYPERPARAMETERS.map((spec) => [spec.name, spec]));

/** A range as the request gives it: numbers from `min` to `max`, or a list of values to choose from. */
export type TuningRange =
  | { readonly min: number; readonly max: number; readonly scaling: ScalingType }
  | { readonly values: readonly (string | number)[] };

/**
 * A small, cheap default: 6 jobs, 2 at a time, Bayesian, over the three hyperparameters with "the greatest
 * impact" (IC-tuning), within the documented ranges. A request's `ranges` replace these entirely; without
 * `ranges`, the defaults leave out whatever the request fixes in `hyperparameters`.
 */
export const DEFAULT_TUNING = {
  strategy: 'Bayesian',
  maxJobs: 6,
  maxParallelJobs: 2,
  earlyStopping: 'Off',
  ranges: {
    learning_rate: { min: 0.0001, max: 0.1, scaling: 'Logarithmic' },
    mini_batch_size: { min: 32, max: 128, scaling: 'Linear' },
    optimizer: { values: ['sgd', 'adam'] },
  },
} as const satisfies {
  strategy: TuningStrategy;
  maxJobs: number;
  maxParallelJobs: number;
  earlyStopping: EarlyStoppingType;
  ranges: Record<string, TuningRange>;
};

/** One range of HyperParameterTuningJobConfig.ParameterRanges (API shape: every value a string). */
export interface NumericParameterRange {
  Name: string;
  MinValue: string;
  MaxValue: string;
  ScalingType: ScalingType;
}
export interface CategoricalParameterRange {
  Name: string;
  Values: string[];
}

/** CreateHyperParameterTuningJob HyperParameterTuningJobConfig (API shape). */
export interface HyperParameterTuningJobConfig {
  Strategy: TuningStrategy;
  HyperParameterTuningJobObjective: { Type: 'Maximize'; MetricName: 'validation:accuracy' };
  ResourceLimits: { MaxNumberOfTrainingJobs: number; MaxParallelTrainingJobs: number };
  /** Only the kinds in use: an empty list is left out. */
  ParameterRanges: {
    IntegerParameterRanges?: NumericParameterRange[];
    ContinuousParameterRanges?: NumericParameterRange[];
    CategoricalParameterRanges?: CategoricalParameterRange[];
  };
  TrainingJobEarlyStoppingType: EarlyStoppingType;
}

/** The tuning of a run, validated, with every default applied. */
export interface PreparedTuning {
  strategy: TuningStrategy;
  maxJobs: number;
  maxParallelJobs: number;
  earlyStopping: EarlyStoppingType;
  /** The ranges searched (the request's, or the defaults), as given. */
  ranges: Record<string, TuningRange>;
  /** What `Tune model` sends as HyperParameterTuningJobConfig. */
  config: HyperParameterTuningJobConfig;
}

/** The request's `tuning` section after the structural schema (request.ts). */
export interface TuningRequest {
  readonly strategy?: TuningStrategy;
  readonly maxJobs?: number;
  readonly maxParallelJobs?: number;
  readonly earlyStopping?: EarlyStoppingType;
  readonly ranges?: Readonly<Record<string, unknown>>;
}

/** What the tuning rules need from the rest of the request. */
export interface TuningContext {
  /** The request's `hyperparameters` as given (names and raw values). */
  readonly fixedHyperparameters: Readonly<Record<string, unknown>>;
  /** Each training job's limit: maxRuntimeInSeconds, or maxWaitTimeInSeconds with spot; undefined when that field is invalid. */
  readonly jobLimit: { readonly seconds: number; readonly field: string } | undefined;
  /** How many hyperparameters the training jobs get besides the tuned ones (static, after merging). */
  readonly staticHyperparameterCount: number;
}

const RANGE_KEYS = ['min', 'max', 'scaling', 'values'];
const RANGE_SHAPE = 'an object {"min": <number>, "max": <number>, "scaling"?: "Auto" | "Linear" | "Logarithmic" | "ReverseLogarithmic"} or {"values": [...]}';

/** Which hyperparameters a tuning request searches: its `ranges`, or the default ones the request does not fix. */
export function rangesOf(requested: TuningRequest | undefined, fixed: Readonly<Record<string, unknown>>): Record<string, unknown> {
  if (requested?.ranges !== undefined) return { ...requested.ranges };
  return Object.fromEntries(Object.entries(DEFAULT_TUNING.ranges).filter(([name]) => !Object.hasOwn(fixed, name)));
}

/**
 * The names `tuning` would tune, before any check: what the hyperparameter rules must leave to the tuning
 * job. Empty without tuning.
 */
export function tunedNamesOf(requested: TuningRequest | undefined, fixed: Readonly<Record<string, unknown>>): string[] {
  return requested === undefined ? [] : Object.keys(rangesOf(requested, fixed));
}

/** The optimizers `tuning` would try, before any check; undefined when it does not tune `optimizer`. */
export function tunedOptimizersOf(requested: TuningRequest | undefined, fixed: Readonly<Record<string, unknown>>): Optimizer[] | undefined {
  if (requested === undefined) return undefined;
  const range = rangesOf(requested, fixed).optimizer;
  if (!isPlainObject(range) || !Array.isArray(range.values)) return undefined;
  const values: readonly unknown[] = range.values;
  const tried = OPTIMIZERS.filter((optimizer) => values.includes(optimizer));
  // No valid optimizer in the list: the range itself is rejected, so do not judge the other hyperparameters by it.
  return tried.length === 0 ? undefined : tried;
}

/**
 * Checks `requested` (the request's `tuning`) and builds the tuning job's configuration. Every problem names
 * its field (`tuning.ranges.learning_rate.min`, `tuning.maxJobs`, …); the result's `tuning` is undefined
 * when there were any.
 * @returns the tuning, or undefined when there were problems
 */
export function resolveTuning(requested: TuningRequest, context: TuningContext, problems: ProblemList): PreparedTuning | undefined {
  const before = problems.size;
  const strategy = requested.strategy ?? DEFAULT_TUNING.strategy;
  const earlyStopping = requested.earlyStopping ?? DEFAULT_TUNING.earlyStopping;
  const rawRanges = rangesOf(requested, context.fixedHyperparameters);
  const defaulted = requested.ranges === undefined;

  if (Object.keys(rawRanges).length === 0) {
    problems.add(
      'tuning.ranges',
      defaulted
        ? `is empty: the default ranges (${Object.keys(DEFAULT_TUNING.ranges).join(', ')}) are all fixed in hyperparameters; ` +
            'give tuning.ranges, or leave one of them out of hyperparameters'
        : `{} must name at least one hyperparameter to tune; tunable: ${TUNABLE_NAMES.join(', ')}`,
    );
  }

  const ranges: Record<string, TuningRange> = {};
  for (const [name, raw] of Object.entries(rawRanges)) {
    const range = parseRange(name, raw, problems);
    if (range !== undefined) ranges[name] = range;
  }

  for (const name of Object.keys(rawRanges)) {
    if (!Object.hasOwn(context.fixedHyperparameters, name)) continue;
    problems.add(
      `hyperparameters.${name}`,
      `${describeValue(context.fixedHyperparameters[name])} is also tuned (tuning.ranges.${name}): a hyperparameter is either ` +
        `fixed or tuned; remove it from hyperparameters or from tuning.ranges`,
    );
  }

  const tunedOptimizers = optimizersOf(ranges.optimizer);
  checkOptimizerUse(ranges, tunedOptimizers, context.fixedHyperparameters, problems);

  // Grid search runs every combination of categorical values.
  let maxJobs = requested.maxJobs ?? DEFAULT_TUNING.maxJobs;
  if (strategy === 'Grid') {
    let combinations = 1;
    for (const [name, range] of Object.entries(ranges)) {
      if ('values' in range) combinations *= range.values.length;
      else {
        problems.add(
          `tuning.ranges.${name}`,
          `${describeValue(rawRanges[name])} is a range of numbers; grid search ("strategy": "Grid") takes only lists of values: ` +
            `give {"values": [...]} or choose another strategy${defaulted ? ' (this is a default range: give tuning.ranges)' : ''}`,
        );
      }
    }
    if (requested.maxJobs !== undefined && requested.maxJobs !== combinations && !problems.touches('tuning.ranges')) {
      problems.add(
        'tuning.maxJobs',
        `${requested.maxJobs} must be ${combinations} with grid search, the number of combinations of the values in tuning.ranges ` +
          '(grid search runs each once); leave maxJobs out to run them all',
      );
    }
    if (requested.maxJobs === undefined) maxJobs = combinations;
    if (combinations > MAX_TUNING_JOBS && !problems.touches('tuning.ranges')) {
      problems.add(
        'tuning.ranges',
        `give ${combinations} combinations of values, more training jobs than the ${MAX_TUNING_JOBS} a run may start; use fewer values`,
      );
    }
  }

  if (strategy === 'Hyperband' && earlyStopping !== 'Off') {
    problems.add(
      'tuning.earlyStopping',
      `"${earlyStopping}" cannot be used with "strategy": "Hyperband", which stops training jobs early by itself ` +
        '(SageMaker requires TrainingJobEarlyStoppingType Off with Hyperband): set it to "Off" or leave it out',
    );
  }

  const maxParallelJobs = requested.maxParallelJobs ?? Math.min(DEFAULT_TUNING.maxParallelJobs, maxJobs);
  if (maxParallelJobs > maxJobs && !problems.touches('tuning.maxJobs')) {
    problems.add(
      'tuning.maxParallelJobs',
      `${maxParallelJobs} must not exceed tuning.maxJobs (${maxJobs}${requested.maxJobs === undefined ? ', the default' : ''})`,
    );
  }

  const total = context.staticHyperparameterCount + Object.keys(rawRanges).length + 1;
  if (total > MAX_TUNING_HYPERPARAMETERS) {
    problems.add(
      'tuning.ranges',
      `${total} hyperparameters in all (static, tuned and SageMaker's _tuning_objective_metric) are too many; SageMaker accepts at most ${MAX_TUNING_HYPERPARAMETERS}`,
    );
  }

  // Worst case: every round of parallel jobs runs to its limit. The tuning job must end before Tune model times out.
  if (context.jobLimit !== undefined && !problems.touches('tuning.maxJobs') && !problems.touches('tuning.maxParallelJobs')) {
    const rounds = Math.ceil(maxJobs / maxParallelJobs);
    const longest = rounds * context.jobLimit.seconds;
    if (longest > MAX_TUNING_SECONDS) {
      problems.add(
        'tuning.maxJobs',
        `${maxJobs} training jobs, ${maxParallelJobs} at a time, may take ${rounds} rounds of up to ${context.jobLimit.seconds} s ` +
          `(${context.jobLimit.field}) = ${longest} s, more than the ${MAX_TUNING_SECONDS} s (28 days) a tuning job of the pipeline ` +
          `may take: run more jobs in parallel, fewer jobs, or lower ${context.jobLimit.field}`,
      );
    }
  }

  if (problems.size > before) return undefined;
  return {
    strategy,
    maxJobs,
    maxParallelJobs,
    earlyStopping,
    ranges,
    config: {
      Strategy: strategy,
      HyperParameterTuningJobObjective: { ...TUNING_OBJECTIVE },
      ResourceLimits: { MaxNumberOfTrainingJobs: maxJobs, MaxParallelTrainingJobs: maxParallelJobs },
      ParameterRanges: parameterRanges(ranges),
      TrainingJobEarlyStoppingType: earlyStopping,
    },
  };
}

/** Checks one range of `tuning.ranges`; undefined (with problems added) when it is not valid. */
function parseRange(name: string, raw: unknown, problems: ProblemList): TuningRange | undefined {
  const field = `tuning.ranges.${name}`;
  const spec = TUNABLE.get(name);
  if (spec === undefined) {
    const known = HYPERPARAMETERS.some((hyperparameter) => hyperparameter.name === name);
    problems.add(
      field,
      known
        ? `${name} is not one of the image-classification algorithm's tunable hyperparameters; tunable: ${TUNABLE_NAMES.join(', ')}`
        : `${describeValue(raw)} is not a hyperparameter of the image-classification algorithm${didYouMean(name, TUNABLE_NAMES)}; ` +
            `tunable: ${TUNABLE_NAMES.join(', ')}`,
    );
    return undefined;
  }
  if (!isPlainObject(raw)) {
    problems.add(field, `${describeValue(raw)} must be ${RANGE_SHAPE}`);
    return undefined;
  }
  const before = problems.size;
  for (const key of Object.keys(raw)) {
    if (!RANGE_KEYS.includes(key)) {
      problems.add(`${field}.${key}`, `${describeValue(raw[key])} is not a field of a range${didYouMean(key, RANGE_KEYS)}; allowed: ${RANGE_KEYS.join(', ')}`);
    }
  }
  if (problems.size > before) return undefined;

  if (raw.values !== undefined) {
    const extra = ['min', 'max', 'scaling'].filter((key) => raw[key] !== undefined);
    if (extra.length > 0) {
      problems.add(field, `gives both values and ${extra.join(', ')}: a range is either {"values": [...]} or {"min", "max", "scaling"?}`);
      return undefined;
    }
    return parseValues(spec, field, raw.values, problems);
  }
  if (spec.kind === 'categorical') {
    problems.add(field, `${describeValue(raw)} must be {"values": [...]} with some of ${spec.values.map((v) => `"${v}"`).join(', ')}`);
    return undefined;
  }
  return parseNumericRange(spec, field, raw, problems);
}

/** What a value of `spec` must be, to follow "must be". */
function allowedOf(spec: TunableSpec): string {
  if (spec.kind === 'categorical') return `one of ${spec.values.map((value) => `"${value}"`).join(', ')}`;
  return `${spec.kind === 'integer' ? 'an integer' : 'a number'} from ${spec.min} to ${spec.max} (the documented range of ${spec.name})`;
}

/** What a range of `spec` may be, for editors and docs. */
export function describeTunable(spec: TunableSpec): string {
  if (spec.kind === 'categorical') return `Tunable: {"values": [...]} with some of ${spec.values.map((value) => `"${value}"`).join(', ')}.`;
  return `Tunable: {"min", "max", "scaling"?}, ${spec.kind === 'integer' ? 'integers' : 'numbers'} from ${spec.min} to ${spec.max}.`;
}

function validValue(spec: TunableSpec, value: unknown): boolean {
  if (spec.kind === 'categorical') return typeof value === 'string' && spec.values.includes(value);
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (spec.kind === 'integer' && !Number.isInteger(value)) return false;
  return value >= spec.min && value <= spec.max;
}

function parseValues(spec: TunableSpec, field: string, raw: unknown, problems: ProblemList): TuningRange | undefined {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_CATEGORICAL_VALUES) {
    problems.add(`${field}.values`, `${describeValue(raw)} must be a list of 1 to ${MAX_CATEGORICAL_VALUES} values, each ${allowedOf(spec)}`);
    return undefined;
  }
  const before = problems.size;
  raw.forEach((value, index) => {
    if (!validValue(spec, value)) problems.add(`${field}.values.${index}`, `${describeValue(value)} must be ${allowedOf(spec)}`);
  });
  if (problems.size > before) return undefined;
  const texts = raw.map((value) => String(value));
  const repeated = texts.find((text, index) => texts.indexOf(text) !== index);
  if (repeated !== undefined) {
    problems.add(`${field}.values`, `${describeValue(raw)} lists ${repeated} more than once; each value must be different`);
    return undefined;
  }
  return { values: raw as (string | number)[] };
}

function parseNumericRange(
  spec: Extract<TunableSpec, { kind: 'continuous' | 'integer' }>,
  field: string,
  raw: Record<string, unknown>,
  problems: ProblemList,
): TuningRange | undefined {
  const before = problems.size;
  for (const bound of ['min', 'max'] as const) {
    const value = raw[bound];
    if (value === undefined) problems.add(`${field}.${bound}`, `missing (must be ${allowedOf(spec)})`);
    else if (!validValue(spec, value)) {
      problems.add(`${field}.${bound}`, `${describeValue(value)} must be ${allowedOf(spec)}${typeof value === 'string' ? ' (a JSON number, not a string)' : ''}`);
    }
  }
  const scaling = raw.scaling ?? 'Auto';
  if (!SCALING_TYPES.some((type) => type === scaling)) {
    problems.add(`${field}.scaling`, `${describeValue(scaling)} must be one of ${SCALING_TYPES.map((type) => `"${type}"`).join(', ')}`);
  }
  if (problems.size > before) return undefined;
  const min = raw.min as number;
  const max = raw.max as number;
  const scalingType = scaling as ScalingType;
  if (!(min < max)) {
    problems.add(`${field}.min`, `${min} must be less than max (${max}); to fix ${spec.name}, set it in hyperparameters instead`);
    return undefined;
  }
  if (scalingType === 'Logarithmic' && !(min > 0)) {
    problems.add(`${field}.scaling`, `"Logarithmic" works only for ranges above 0; min is ${min}: raise min or use "Linear" or "Auto"`);
    return undefined;
  }
  if (scalingType === 'ReverseLogarithmic') {
    if (spec.kind === 'integer') {
      problems.add(`${field}.scaling`, `"ReverseLogarithmic" works only for continuous ranges; ${spec.name} is an integer: use "Linear", "Logarithmic" or "Auto"`);
      return undefined;
    }
    if (!(min >= 0 && max < 1)) {
      problems.add(`${field}.scaling`, `"ReverseLogarithmic" works only for ranges within 0 <= x < 1; max is ${max}: lower max or use another scaling`);
      return undefined;
    }
  }
  return { min, max, scaling: scalingType };
}

function optimizersOf(range: TuningRange | undefined): Optimizer[] | undefined {
  if (range === undefined || !('values' in range)) return undefined;
  return OPTIMIZERS.filter((optimizer) => range.values.includes(optimizer));
}

/**
 * An optimizer-specific hyperparameter (beta_1 for adam, …) is tuned only when some optimizer the jobs use
 * reads it (`ignoredByOptimizers`): the fixed optimizer (the algorithm's default "sgd" when none), or one of
 * the tuned ones.
 */
function checkOptimizerUse(
  ranges: Record<string, TuningRange>,
  tunedOptimizers: readonly Optimizer[] | undefined,
  fixed: Readonly<Record<string, unknown>>,
  problems: ProblemList,
): void {
  if (problems.touches('tuning.ranges.optimizer') || problems.touches('hyperparameters.optimizer')) return;
  const fixedOptimizer = typeof fixed.optimizer === 'string' ? fixed.optimizer.trim() : undefined;
  const inUse = tunedOptimizers !== undefined ? { tuned: tunedOptimizers } : { fixed: fixedOptimizer };
  for (const name of Object.keys(ranges)) {
    const ignored = ignoredByOptimizers(name, inUse);
    if (ignored !== undefined) problems.add(`tuning.ranges.${name}`, `${name} ${ignored}: tuning it would only repeat the same training`);
  }
}

/** The API's ParameterRanges of `ranges`: numbers as strings, kinds with no range left out. */
export function parameterRanges(ranges: Readonly<Record<string, TuningRange>>): HyperParameterTuningJobConfig['ParameterRanges'] {
  const integer: NumericParameterRange[] = [];
  const continuous: NumericParameterRange[] = [];
  const categorical: CategoricalParameterRange[] = [];
  for (const [name, range] of Object.entries(ranges)) {
    if ('values' in range) {
      categorical.push({ Name: name, Values: range.values.map((value) => String(value)) });
      continue;
    }
    const entry = { Name: name, MinValue: String(range.min), MaxValue: String(range.max), ScalingType: range.scaling };
    if (TUNABLE.get(name)?.kind === 'integer') integer.push(entry);
    else continuous.push(entry);
  }
  return {
    ...(integer.length > 0 ? { IntegerParameterRanges: integer } : {}),
    ...(continuous.length > 0 ? { ContinuousParameterRanges: continuous } : {}),
    ...(categorical.length > 0 ? { CategoricalParameterRanges: categorical } : {}),
  };
}

/** "learning_rate 0.0001-0.1 (Logarithmic), optimizer sgd|adam": a range list for people. */
export function describeRanges(ranges: Readonly<Record<string, TuningRange>>): string {
  return Object.entries(ranges)
    .map(([name, range]) => ('values' in range ? `${name} ${range.values.join('|')}` : `${name} ${range.min}-${range.max} (${range.scaling})`))
    .join(', ');
}
