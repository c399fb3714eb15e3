/**
 * Hyperparameters of the built-in image-classification algorithm, as data, and the rules that tie them
 * together. Source: reference/image-classification-hyperparameters.md (the algorithm's public documentation).
 *
 * A run sends the Caltech-256 reference values (`REFERENCE_HYPERPARAMETERS`) with the request's values merged
 * over them. Requests may give numbers, booleans or strings; CreateTrainingJob receives strings only.
 */
import limits from './reference/sagemaker-api-limits.json';
import { describeValue, didYouMean, type Problem, ProblemList } from './problems';
import { OPTIMIZERS, type Optimizer, type TrainingContentType } from './vocabularies';

/** `num_layers` for large images; the only depths with pretrained networks (`use_pretrained_model=1`). */
export const LARGE_IMAGE_LAYERS: readonly number[] = [18, 34, 50, 101, 152, 200];
/** `num_layers` for small images. */
export const SMALL_IMAGE_LAYERS: readonly number[] = [20, 32, 44, 56, 110];
/** The only `image_shape` pretrained networks accept. */
export const PRETRAINED_IMAGE_SHAPE = '3,224,224';

interface SpecBase {
  readonly name: string;
  /** What the algorithm uses when the hyperparameter is not sent (documentation; used in messages). */
  readonly algorithmDefault?: string;
  /** The optimizers that read this hyperparameter; any other optimizer ignores it. */
  readonly optimizers?: readonly Optimizer[];
}

/** How a hyperparameter's value is checked and turned into the string SageMaker receives. */
export type HyperparameterSpec = SpecBase &
  (
    | { readonly kind: 'int'; readonly min: number }
    | { readonly kind: 'float'; readonly min: number; readonly max: number }
    | { readonly kind: 'enum'; readonly values: readonly string[] }
    | { readonly kind: 'intEnum'; readonly values: readonly number[]; readonly allowed: string }
    /** 0 or 1; booleans become "1" / "0". */
    | { readonly kind: 'flag' }
    /** Python-style "True" / "False"; booleans become "True" / "False". */
    | { readonly kind: 'pythonBool' }
    /** "channels,height,width", three positive integers. */
    | { readonly kind: 'imageShape' }
    /** Comma-separated epoch numbers, strictly increasing, e.g. "10,20". */
    | { readonly kind: 'epochList' }
  );

const unitFloat = { kind: 'float', min: 0, max: 1 } as const;

/** Every hyperparameter of the algorithm, in the order of its documentation. Any other name is rejected. */
export const HYPERPARAMETERS: readonly HyperparameterSpec[] = [
  { name: 'num_classes', kind: 'int', min: 1 },
  // Should equal the number of training images; lr_scheduler_step scheduling is undefined otherwise.
  { name: 'num_training_samples', kind: 'int', min: 1 },
  // Required for image-file training; see the cross-field rules below.
  { name: 'resize', kind: 'int', min: 1 },
  { name: 'image_shape', kind: 'imageShape', algorithmDefault: '3,224,224' },
  {
    name: 'num_layers',
    kind: 'intEnum',
    values: [...LARGE_IMAGE_LAYERS, ...SMALL_IMAGE_LAYERS],
    allowed: `${LARGE_IMAGE_LAYERS.join(', ')} (large images) or ${SMALL_IMAGE_LAYERS.join(', ')} (small images)`,
    algorithmDefault: '152',
  },
  { name: 'epochs', kind: 'int', min: 1, algorithmDefault: '30' },
  { name: 'mini_batch_size', kind: 'int', min: 1, algorithmDefault: '32' },
  { name: 'learning_rate', ...unitFloat, algorithmDefault: '0.1' },
  { name: 'optimizer', kind: 'enum', values: OPTIMIZERS, algorithmDefault: 'sgd' },
  { name: 'momentum', ...unitFloat, optimizers: ['sgd', 'nag'], algorithmDefault: '0.9' },
  { name: 'weight_decay', ...unitFloat, optimizers: ['sgd', 'nag'], algorithmDefault: '0.0001' },
  { name: 'beta_1', ...unitFloat, optimizers: ['adam'], algorithmDefault: '0.9' },
  { name: 'beta_2', ...unitFloat, optimizers: ['adam'], algorithmDefault: '0.999' },
  { name: 'eps', ...unitFloat, optimizers: ['adam', 'rmsprop'], algorithmDefault: '1e-8' },
  { name: 'gamma', ...unitFloat, optimizers: ['rmsprop'], algorithmDefault: '0.9' },
  { name: 'lr_scheduler_factor', ...unitFloat, algorithmDefault: '0.1' },
  { name: 'lr_scheduler_step', kind: 'epochList' },
  { name: 'augmentation_type', kind: 'enum', values: ['crop', 'crop_color', 'crop_color_transform'] },
  { name: 'use_pretrained_model', kind: 'flag', algorithmDefault: '0' },
  // Algorithm default: the epoch with the best validation accuracy.
  { name: 'checkpoint_frequency', kind: 'int', min: 1 },
  { name: 'early_stopping', kind: 'pythonBool', algorithmDefault: 'False' },
  { name: 'early_stopping_min_epochs', kind: 'int', min: 1, algorithmDefault: '10' },
  { name: 'early_stopping_patience', kind: 'int', min: 1, algorithmDefault: '5' },
  { name: 'early_stopping_tolerance', ...unitFloat, algorithmDefault: '0.0' },
  { name: 'top_k', kind: 'int', min: 2 },
  { name: 'multi_label', kind: 'flag', algorithmDefault: '0' },
  { name: 'use_weighted_loss', kind: 'flag', algorithmDefault: '0' },
  { name: 'precision_dtype', kind: 'enum', values: ['float32', 'float16'], algorithmDefault: 'float32' },
  { name: 'kv_store', kind: 'enum', values: ['dist_sync', 'dist_async'] },
];

export const HYPERPARAMETER_NAMES: readonly string[] = HYPERPARAMETERS.map((spec) => spec.name);
const SPECS = new Map(HYPERPARAMETERS.map((spec) => [spec.name, spec]));

/** The Caltech-256 reference run: always sent, unless the request overrides a value. */
export const REFERENCE_HYPERPARAMETERS: Readonly<Record<string, string>> = {
  num_layers: '18',
  image_shape: '3,224,224',
  num_training_samples: '15420',
  num_classes: '257',
  mini_batch_size: '64',
  epochs: '2',
  learning_rate: '0.01',
};

/** Limits of CreateTrainingJob's HyperParameters map. */
export const HYPERPARAMETER_API_LIMITS = {
  maxCount: limits.shapes.HyperParameters.max,
  maxKeyLength: limits.shapes.HyperParameterKey.max,
  maxValueLength: limits.shapes.HyperParameterValue.max,
} as const;

/** A valid value: the string sent to SageMaker and the parsed value the cross-field rules read. */
export type ParsedHyperparameter = { text: string; value: number | string | readonly number[] };

/** What `spec` allows, phrased to follow "must be". */
export function allowedValues(spec: HyperparameterSpec): string {
  switch (spec.kind) {
    case 'int':
      return `an integer >= ${spec.min}`;
    case 'float':
      return `a number from ${spec.min} to ${spec.max}`;
    case 'enum':
      return `one of ${spec.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'intEnum':
      return `one of ${spec.allowed}`;
    case 'flag':
      return '0 or 1 (or false or true)';
    case 'pythonBool':
      return 'true or false (or the strings "True" or "False")';
    case 'imageShape':
      return 'a string "channels,height,width" of three positive integers, e.g. "3,224,224"';
    case 'epochList':
      return 'a string of comma-separated epoch numbers in increasing order, e.g. "10,20"';
  }
}

/**
 * One sentence or three about a hyperparameter, for editors and docs: what it allows, its reference value,
 * the algorithm's default, and the optimizers that read it.
 */
export function describeHyperparameter(spec: HyperparameterSpec): string {
  const reference = REFERENCE_HYPERPARAMETERS[spec.name];
  return [
    `${allowedValues(spec).replace(/^./, (first) => first.toUpperCase())}.`,
    reference !== undefined ? `Reference run: ${reference}.` : undefined,
    spec.algorithmDefault !== undefined ? `Algorithm default: ${spec.algorithmDefault}.` : undefined,
    spec.optimizers !== undefined ? `Only with optimizer ${spec.optimizers.join(' or ')}.` : undefined,
  ]
    .filter((part) => part !== undefined)
    .join(' ');
}

const INTEGER_TEXT = /^[+-]?\d+$/;
const FLOAT_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const POSITIVE_INTEGER_LIST = /^[1-9]\d*(,[1-9]\d*)*$/;
const IMAGE_SHAPE_TEXT = /^[1-9]\d*,[1-9]\d*,[1-9]\d*$/;

/**
 * Checks one value against its spec. Numbers are sent as `String(n)`, valid strings trimmed as given,
 * booleans as "1"/"0" (0/1 hyperparameters) or "True"/"False" (`early_stopping`).
 * Returns undefined when the value is not allowed.
 */
export function parseHyperparameter(spec: HyperparameterSpec, raw: unknown): ParsedHyperparameter | undefined {
  const text = typeof raw === 'string' ? raw.trim() : undefined;
  switch (spec.kind) {
    case 'int': {
      const parsed = parseInteger(raw);
      return parsed !== undefined && parsed.value >= spec.min ? parsed : undefined;
    }
    case 'intEnum': {
      const parsed = parseInteger(raw);
      return parsed !== undefined && spec.values.includes(parsed.value) ? parsed : undefined;
    }
    case 'float': {
      let value: number | undefined;
      if (typeof raw === 'number' && Number.isFinite(raw)) value = raw;
      else if (text !== undefined && FLOAT_TEXT.test(text)) value = Number(text);
      if (value === undefined || value < spec.min || value > spec.max) return undefined;
      return { text: text ?? String(value), value };
    }
    case 'enum':
      return text !== undefined && spec.values.includes(text) ? { text, value: text } : undefined;
    case 'flag':
      if (raw === true || raw === 1 || text === '1') return { text: text ?? '1', value: 1 };
      if (raw === false || raw === 0 || text === '0') return { text: text ?? '0', value: 0 };
      return undefined;
    case 'pythonBool':
      if (raw === true || text === 'True') return { text: 'True', value: 'True' };
      if (raw === false || text === 'False') return { text: 'False', value: 'False' };
      return undefined;
    case 'imageShape':
      return text !== undefined && IMAGE_SHAPE_TEXT.test(text) ? { text, value: text.split(',').map(Number) } : undefined;
    case 'epochList': {
      const listText = typeof raw === 'number' && Number.isSafeInteger(raw) ? String(raw) : text;
      if (listText === undefined || !POSITIVE_INTEGER_LIST.test(listText)) return undefined;
      const epochs = listText.split(',').map(Number);
      const increasing = epochs.every((epoch, index) => index === 0 || epoch > (epochs[index - 1] ?? 0));
      return increasing && epochs.every(Number.isSafeInteger) ? { text: listText, value: epochs } : undefined;
    }
  }
}

function parseInteger(raw: unknown): { text: string; value: number } | undefined {
  if (typeof raw === 'number') return Number.isSafeInteger(raw) ? { text: String(raw), value: raw } : undefined;
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim();
  const value = Number(text);
  return INTEGER_TEXT.test(text) && Number.isSafeInteger(value) ? { text, value } : undefined;
}

/**
 * The optimizers the training jobs of a run use: the ones a tuning job tries (when it tunes `optimizer`), or
 * the one the request fixes (undefined: not set, so the algorithm's default "sgd").
 */
export type OptimizersInUse = { readonly tuned: readonly Optimizer[] } | { readonly fixed: string | undefined };

/**
 * The one rule for optimizer-specific hyperparameters (`beta_1` for adam, `momentum` for sgd and nag, …, as the
 * table's `optimizers` say), used for fixed values and tuned ranges alike: `name` has an effect only when an
 * optimizer in use reads it. Returns why it has none, to follow the value or the name in a message, e.g.
 * `only applies to optimizer "adam"; optimizer is "sgd", which ignores it`; undefined when it has an effect
 * (or when every optimizer reads it).
 */
export function ignoredByOptimizers(name: string, inUse: OptimizersInUse): string | undefined {
  const users = SPECS.get(name)?.optimizers;
  const optimizers: readonly string[] = 'tuned' in inUse ? inUse.tuned : [inUse.fixed ?? 'sgd'];
  if (users === undefined || users.some((user) => optimizers.includes(user))) return undefined;
  const quoted = (names: readonly string[]) => names.map((optimizer) => `"${optimizer}"`);
  const current =
    'tuned' in inUse
      ? `tuning.ranges.optimizer tries only ${quoted(optimizers).join(', ')}, which ${optimizers.length === 1 ? 'ignores' : 'ignore'} it`
      : inUse.fixed !== undefined
        ? `optimizer is "${inUse.fixed}", which ignores it`
        : 'optimizer is not set (algorithm default: "sgd"), which ignores it';
  return `only applies to optimizer ${quoted(users).join(' or ')}; ${current}`;
}

/** The training settings some hyperparameter rules depend on (effective values, defaults applied). */
export interface HyperparameterContext {
  trainingContentType: TrainingContentType;
  trainingInstanceCount: number;
  /**
   * Hyperparameters whose reference value is not sent: the ones a tuning job tunes, and the ones an
   * incremental run takes from its base training job. The rules see them only when the request sets them.
   * @default - none
   */
  withoutReference?: readonly string[];
  /** The optimizers a tuning job tries (when it tunes `optimizer`), for the optimizer-specific rules. @default - none */
  tunedOptimizers?: readonly Optimizer[];
}

interface Entry extends ParsedHyperparameter {
  /** The value as the request (or the reference table) gave it, for messages. */
  raw: unknown;
  origin: 'request' | 'reference';
}

/** Read access to the merged hyperparameters for the cross-field rules. */
export class MergedHyperparameters {
  constructor(private readonly entries: ReadonlyMap<string, Entry>) {}

  has(name: string): boolean {
    return this.entries.has(name);
  }

  number(name: string): number | undefined {
    const value = this.entries.get(name)?.value;
    return typeof value === 'number' ? value : undefined;
  }

  numbers(name: string): readonly number[] | undefined {
    const value = this.entries.get(name)?.value;
    return Array.isArray(value) ? value : undefined;
  }

  string(name: string): string | undefined {
    const value = this.entries.get(name)?.value;
    return typeof value === 'string' ? value : undefined;
  }

  /** `1`, `"3,112,112"`: the value as sent, as it appears in a message. */
  show(name: string): string {
    const entry = this.entries.get(name);
    return entry === undefined ? 'missing' : describeValue(entry.raw);
  }

  /** `epochs is 2 (the reference value)`, `multi_label is 0 (the algorithm default)`: for "because" clauses. */
  explain(name: string): string {
    const entry = this.entries.get(name);
    if (entry === undefined) return `${name} is not set (algorithm default: ${SPECS.get(name)?.algorithmDefault ?? 'none'})`;
    return `${name} is ${entry.text}${entry.origin === 'reference' ? ' (the reference value)' : ''}`;
  }
}

/** A rule across fields; skipped when a field it `uses` already has a problem, so a mistake is reported once. */
export interface CrossFieldRule {
  readonly uses: readonly string[];
  readonly check: (hp: MergedHyperparameters, context: HyperparameterContext) => Problem | undefined;
}

const field = (name: string): string => `hyperparameters.${name}`;

/** Rules between hyperparameters, and between hyperparameters and the training settings. */
export const CROSS_FIELD_RULES: readonly CrossFieldRule[] = [
  {
    uses: [field('checkpoint_frequency'), field('epochs')],
    check: (hp) => {
      const frequency = hp.number('checkpoint_frequency');
      const epochs = hp.number('epochs');
      if (frequency === undefined || epochs === undefined || frequency <= epochs) return undefined;
      return {
        field: field('checkpoint_frequency'),
        message: `${hp.show('checkpoint_frequency')} must be an integer from 1 to epochs; ${hp.explain('epochs')}`,
      };
    },
  },
  {
    // A step at or after the last epoch would never lower the learning rate, so each must be < epochs.
    uses: [field('lr_scheduler_step'), field('epochs')],
    check: (hp) => {
      const steps = hp.numbers('lr_scheduler_step');
      const epochs = hp.number('epochs');
      if (steps === undefined || epochs === undefined || steps.every((step) => step < epochs)) return undefined;
      return {
        field: field('lr_scheduler_step'),
        message:
          `${hp.show('lr_scheduler_step')} must list epochs below epochs (a step at or after the last epoch never ` +
          `takes effect); ${hp.explain('epochs')}`,
      };
    },
  },
  {
    uses: [field('use_pretrained_model'), field('num_layers')],
    check: (hp) => {
      const layers = hp.number('num_layers');
      if (hp.number('use_pretrained_model') !== 1 || layers === undefined || LARGE_IMAGE_LAYERS.includes(layers)) {
        return undefined;
      }
      return {
        field: field('num_layers'),
        message:
          `${hp.show('num_layers')} cannot be used with use_pretrained_model=1; pretrained networks exist for ` +
          `num_layers ${LARGE_IMAGE_LAYERS.join(', ')}`,
      };
    },
  },
  {
    uses: [field('use_pretrained_model'), field('image_shape')],
    check: (hp) => {
      const shape = hp.numbers('image_shape');
      if (hp.number('use_pretrained_model') !== 1 || shape === undefined || shape.join(',') === PRETRAINED_IMAGE_SHAPE) {
        return undefined;
      }
      return {
        field: field('image_shape'),
        message: `${hp.show('image_shape')} must be "${PRETRAINED_IMAGE_SHAPE}" with use_pretrained_model=1 (the input size of the pretrained networks)`,
      };
    },
  },
  {
    uses: [field('resize'), field('image_shape')],
    check: (hp) => {
      const resize = hp.number('resize');
      const [, height = 0, width = 0] = hp.numbers('image_shape') ?? [];
      if (resize === undefined || resize > Math.max(height, width)) return undefined;
      return {
        field: field('resize'),
        message:
          `${hp.show('resize')} must be larger than the height and width in image_shape ${hp.show('image_shape')}, ` +
          `i.e. an integer >= ${Math.max(height, width) + 1}`,
      };
    },
  },
  {
    uses: [field('resize'), 'training.contentType'],
    check: (hp, context) => {
      if (context.trainingContentType !== 'application/x-image' || hp.has('resize')) return undefined;
      return {
        field: field('resize'),
        message:
          'missing; required when training.contentType is "application/x-image": the algorithm resizes each image ' +
          'file so that its shorter side is `resize` pixels before cropping it to image_shape; set an integer larger ' +
          `than the height and width in image_shape ${hp.show('image_shape')}`,
      };
    },
  },
  {
    uses: [field('use_weighted_loss'), field('multi_label')],
    check: (hp) => {
      if (hp.number('use_weighted_loss') !== 1 || hp.number('multi_label') === 1) return undefined;
      return {
        field: field('use_weighted_loss'),
        message: `${hp.show('use_weighted_loss')} is only allowed with multi_label=1; ${hp.explain('multi_label')}`,
      };
    },
  },
  {
    uses: [field('kv_store'), 'training.instanceCount'],
    check: (hp, context) => {
      if (!hp.has('kv_store') || context.trainingInstanceCount > 1) return undefined;
      return {
        field: field('kv_store'),
        message:
          `${hp.show('kv_store')} is only meaningful with more than one training instance; training.instanceCount ` +
          `is ${context.trainingInstanceCount}: remove kv_store or set training.instanceCount >= 2`,
      };
    },
  },
  // Optimizer-specific hyperparameters (the table's `optimizers`): a user who sets a value expects it to matter.
  ...HYPERPARAMETERS.filter((spec) => spec.optimizers !== undefined).map(
    (spec): CrossFieldRule => ({
      uses: [field(spec.name), field('optimizer')],
      check: (hp, context) => {
        if (!hp.has(spec.name)) return undefined;
        const inUse: OptimizersInUse =
          context.tunedOptimizers !== undefined ? { tuned: context.tunedOptimizers } : { fixed: hp.string('optimizer') };
        const ignored = ignoredByOptimizers(spec.name, inUse);
        return ignored === undefined ? undefined : { field: field(spec.name), message: `${hp.show(spec.name)} ${ignored}` };
      },
    }),
  ),
];

/**
 * Merges the request's hyperparameters over the reference values, checks every value and every rule,
 * and returns what CreateTrainingJob receives (all strings, in documentation order).
 * Problems are added to `problems`; the result is only meaningful when none were added.
 */
export function resolveHyperparameters(
  requested: Readonly<Record<string, unknown>> | undefined,
  context: HyperparameterContext,
  problems: ProblemList,
): Record<string, string> {
  const entries = new Map<string, Entry>();
  for (const [name, text] of Object.entries(REFERENCE_HYPERPARAMETERS)) {
    if (context.withoutReference?.includes(name)) continue;
    const spec = SPECS.get(name);
    const parsed = spec && parseHyperparameter(spec, text);
    if (parsed === undefined) throw new Error(`Reference hyperparameter ${name}=${text} is not valid`);
    entries.set(name, { ...parsed, raw: text, origin: 'reference' });
  }

  for (const [name, raw] of Object.entries(requested ?? {})) {
    const spec = SPECS.get(name);
    if (spec === undefined) {
      problems.add(
        field(name),
        `${describeValue(raw)} is not a hyperparameter of the image-classification algorithm${didYouMean(name, HYPERPARAMETER_NAMES)}; ` +
          `valid names: ${HYPERPARAMETER_NAMES.join(', ')}`,
      );
      continue;
    }
    const parsed = parseHyperparameter(spec, raw);
    if (parsed === undefined) {
      problems.add(field(name), `${describeValue(raw)} must be ${allowedValues(spec)}`);
      // An invalid value must not fall back to the reference value in the cross-field rules.
      entries.delete(name);
      continue;
    }
    entries.set(name, { ...parsed, raw, origin: 'request' });
  }

  const merged = new MergedHyperparameters(entries);
  for (const rule of CROSS_FIELD_RULES) {
    if (rule.uses.some((used) => problems.touches(used))) continue;
    const problem = rule.check(merged, context);
    if (problem !== undefined) problems.add(problem.field, problem.message);
  }

  const result: Record<string, string> = {};
  for (const name of HYPERPARAMETER_NAMES) {
    const entry = entries.get(name);
    if (entry !== undefined) result[name] = entry.text;
  }
  problems.addAll(hyperparameterApiLimitProblems(result));
  return result;
}

/** Breaches of the HyperParameters limits of CreateTrainingJob (count, key length, value length). */
export function hyperparameterApiLimitProblems(hyperparameters: Readonly<Record<string, string>>): Problem[] {
  const { maxCount, maxKeyLength, maxValueLength } = HYPERPARAMETER_API_LIMITS;
  const problems: Problem[] = [];
  const names = Object.keys(hyperparameters);
  if (names.length > maxCount) {
    problems.push({
      field: 'hyperparameters',
      message: `${names.length} hyperparameters are too many; SageMaker accepts at most ${maxCount}`,
    });
  }
  for (const [name, value] of Object.entries(hyperparameters)) {
    if (name.length > maxKeyLength) {
      problems.push({
        field: field(name),
        message: `the name is ${name.length} characters long; SageMaker accepts hyperparameter names of at most ${maxKeyLength}`,
      });
    }
    if (value.length > maxValueLength) {
      problems.push({
        field: field(name),
        message: `${describeValue(value)} is ${value.length} characters long; SageMaker accepts hyperparameter values of at most ${maxValueLength}`,
      });
    }
  }
  return problems;
}
