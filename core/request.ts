/**
 * The run request (the execution input): its structural schema (zod, strict objects) and the translation
 * of schema issues into problems that name the field, the bad value and what is allowed.
 *
 * Domain rules that need more than one field, the environment or the reference tables (instance types,
 * S3 buckets, hyperparameters, mode rules) live beside this file and run on what the schema accepted.
 */
import * as z from 'zod';
import limits from './reference/sagemaker-api-limits.json';
import { isPlainObject } from './json';
import { describeValue, didYouMean, type ProblemList } from './problems';

export const RUN_MODES = ['full', 'train', 'transform'] as const;
/** `full`: train, create the model, batch transform. `train`: stop after the model. `transform`: classify with an existing model. */
export type RunMode = (typeof RUN_MODES)[number];

export const TRAINING_INPUT_MODES = ['File', 'Pipe', 'FastFile'] as const;
export type TrainingInputMode = (typeof TRAINING_INPUT_MODES)[number];
/** RecordIO files, or image files listed by .lst files. */
export const TRAINING_CONTENT_TYPES = ['application/x-recordio', 'application/x-image'] as const;
export type TrainingContentType = (typeof TRAINING_CONTENT_TYPES)[number];
/** What the algorithm's inference accepts, one image per request. */
export const TRANSFORM_CONTENT_TYPES = ['application/x-image', 'image/jpeg', 'image/png'] as const;
export type TransformContentType = (typeof TRANSFORM_CONTENT_TYPES)[number];
export const BATCH_STRATEGIES = ['SingleRecord', 'MultiRecord'] as const;
export type BatchStrategy = (typeof BATCH_STRATEGIES)[number];

export const RUN_NAME_MAX_LENGTH = 24;
/** Lower-case letters and digits, single hyphens between them: the run name appears unchanged in the run id. */
export const RUN_NAME_PATTERN = /^[a-z0-9](-?[a-z0-9])*$/;
export const MODEL_NAME_MAX_LENGTH: number = limits.shapes.ModelName.max;
export const MODEL_NAME_PATTERN = new RegExp(`^(?:${limits.shapes.ModelName.pattern})$`);
/** CreateTrainingJob StoppingCondition.MaxRuntimeInSeconds: at most 28 days (documentedLimits). */
export const MAX_RUNTIME_IN_SECONDS = 2_419_200;
/** CreateTransformJob MaxPayloadInMB: at most 100 MB, also for MaxConcurrentTransforms x MaxPayloadInMB. */
export const MAX_PAYLOAD_IN_MB = 100;

/** An integer schema whose every failure reads "<value> must be an integer …". */
function integer(min: number, max?: number, note = '') {
  const allowed = max === undefined ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
  const error = (issue: { input?: unknown }): string =>
    `must be ${allowed}${note}${typeof issue.input === 'string' ? ' (a JSON number, not a string)' : ''}`;
  const schema = z.int({ error }).min(min, { error });
  return max === undefined ? schema : schema.max(max, { error });
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `must be one of ${values.map((value) => JSON.stringify(value)).join(', ')}` });
}

function text(allowed: string) {
  return z.string({ error: `must be ${allowed}` });
}

/** A strict object: unknown fields are reported (by `formatIssues`, which lists the allowed ones). */
function section<T extends z.ZodRawShape>(shape: T, what: string) {
  return z.strictObject(shape, { error: `must be ${what}` });
}

const s3UriText = text('an S3 URI string like "s3://<bucket>/<prefix>/"');

export const trainingSchema = section(
  {
    instanceType: text('an instance type string like "ml.p3.2xlarge"').optional(),
    instanceCount: integer(1).optional(),
    volumeSizeInGB: integer(1).optional(),
    maxRuntimeInSeconds: integer(1, MAX_RUNTIME_IN_SECONDS, ' (28 days)').optional(),
    inputMode: oneOf(TRAINING_INPUT_MODES).optional(),
    contentType: oneOf(TRAINING_CONTENT_TYPES).optional(),
  },
  'an object of training settings',
);

export const transformSchema = section(
  {
    instanceType: text('an instance type string like "ml.c5.xlarge"').optional(),
    instanceCount: integer(1).optional(),
    maxConcurrentTransforms: integer(0).optional(),
    maxPayloadInMB: integer(0, MAX_PAYLOAD_IN_MB).optional(),
    batchStrategy: oneOf(BATCH_STRATEGIES).optional(),
    contentType: oneOf(TRANSFORM_CONTENT_TYPES).optional(),
  },
  'an object of batch transform settings',
);

/** Set by the S3 trigger (start-run Lambda): the request file a run came from. */
export const sourceSchema = section(
  {
    bucket: text('a non-empty string').min(1, { error: 'must be a non-empty string' }),
    key: text('a non-empty string').min(1, { error: 'must be a non-empty string' }),
    versionId: text('a string').optional(),
    sequencer: text('a string').optional(),
    /** Why the request file could not be used; the run fails with it. */
    problem: text('a string').optional(),
  },
  'an object {bucket, key, versionId?, sequencer?, problem?} (set by the S3 trigger)',
);

export const runRequestSchema = section(
  {
    /** Pre-filled by the Step Functions console; accepted and ignored. */
    Comment: z.unknown().optional(),
    mode: oneOf(RUN_MODES).optional(),
    runName: text('a string')
      .max(RUN_NAME_MAX_LENGTH, { error: `must be at most ${RUN_NAME_MAX_LENGTH} characters` })
      .regex(RUN_NAME_PATTERN, {
        error:
          `must be 1-${RUN_NAME_MAX_LENGTH} lower-case letters, digits and single hyphens, starting and ending ` +
          'with a letter or digit (e.g. "caltech-baseline")',
      })
      .optional(),
    trainingData: s3UriText.optional(),
    validationData: s3UriText.optional(),
    trainingLst: s3UriText.optional(),
    validationLst: s3UriText.optional(),
    batchInput: s3UriText.optional(),
    modelName: text('a string')
      .max(MODEL_NAME_MAX_LENGTH, { error: `must be at most ${MODEL_NAME_MAX_LENGTH} characters` })
      .regex(MODEL_NAME_PATTERN, {
        error: 'must be a SageMaker model name: letters, digits and hyphens, starting and ending with a letter or digit',
      })
      .optional(),
    // Values are checked against the algorithm's table (hyperparameters.ts), which reports them one by one.
    hyperparameters: z
      .record(z.string(), z.unknown(), {
        error: 'must be an object of hyperparameter names and values, e.g. {"epochs": 10, "learning_rate": 0.05}',
      })
      .optional(),
    training: trainingSchema.optional(),
    transform: transformSchema.optional(),
    source: sourceSchema.optional(),
  },
  'a JSON object (every field is optional: {} runs the reference configuration)',
);

/** A structurally valid run request: every field optional, defaults not yet applied. */
export type RunRequest = z.infer<typeof runRequestSchema>;
export type TrainingRequest = z.infer<typeof trainingSchema>;
export type TransformRequest = z.infer<typeof transformSchema>;
export type SourceRequest = z.infer<typeof sourceSchema>;

/** Fields listed in "allowed" hints; `Comment` and the reserved `source` are accepted but not advertised. */
const UNADVERTISED_FIELDS = new Set(['Comment', 'source']);

/**
 * Checks the structure of `raw`. Every problem is added to `problems`; what is returned is the part of the
 * request that passed, so the domain rules can still check it and report their problems in the same error.
 * Returns undefined when `raw` is not an object at all.
 */
export function parseRunRequest(raw: unknown, problems: ProblemList): RunRequest | undefined {
  const result = runRequestSchema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    for (const problem of formatIssue(issue)) problems.add(problem.field, problem.message);
  }
  // Each field of a section with only optional fields is independent: keep the valid ones.
  return salvage(runRequestSchema, raw) as RunRequest | undefined;
}

/** The valid part of `value`: all of it, the valid fields of an all-optional object, or undefined. */
function salvage(schema: z.ZodType, value: unknown): unknown {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const inner = schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
  if (!(inner instanceof z.ZodObject) || !isPlainObject(value)) return undefined;
  const fields = Object.entries(inner.shape as Record<string, z.ZodType>);
  if (!fields.every(([, fieldSchema]) => fieldSchema instanceof z.ZodOptional)) return undefined;
  const kept: Record<string, unknown> = {};
  for (const [name, fieldSchema] of fields) {
    if (!Object.hasOwn(value, name)) continue;
    const fieldValue = salvage(fieldSchema, value[name]);
    if (fieldValue !== undefined) kept[name] = fieldValue;
  }
  return kept;
}


/** `training.instanceCount`, or `request` for the whole input. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? 'request' : path.map(String).join('.');
}

/** One issue as problems: one per unknown field, otherwise `<value> <must be …>` (or `missing (…)`). */
function formatIssue(issue: z.core.$ZodIssue): { field: string; message: string }[] {
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedFieldsAt(issue.path);
    const where = issue.path.length === 0 ? 'the run request' : fieldPath(issue.path);
    const input = isPlainObject(issue.input) ? issue.input : {};
    return issue.keys.map((key) => ({
      field: fieldPath([...issue.path, key]),
      message:
        `${describeValue(input[key])} is not a field of ${where}${didYouMean(key, allowed)}; ` +
        `allowed: ${allowed.join(', ')}`,
    }));
  }
  const field = fieldPath(issue.path);
  if (issue.input === undefined) return [{ field, message: `missing (${issue.message})` }];
  return [{ field, message: `${describeValue(issue.input)} ${issue.message}` }];
}

/** The fields the schema defines at `path` (for "allowed:" and "did you mean" hints). */
function allowedFieldsAt(path: readonly PropertyKey[]): string[] {
  let schema: z.ZodType | undefined = runRequestSchema;
  for (const segment of path) {
    const object = unwrapObject(schema);
    schema = object?.shape[String(segment)] as z.ZodType | undefined;
  }
  const object = unwrapObject(schema);
  const names = object ? Object.keys(object.shape) : [];
  return path.length === 0 ? names.filter((name) => !UNADVERTISED_FIELDS.has(name)) : names;
}

function unwrapObject(schema: z.ZodType | undefined): z.ZodObject | undefined {
  const inner = schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
  return inner instanceof z.ZodObject ? inner : undefined;
}
