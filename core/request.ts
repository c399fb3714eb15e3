/**
 * The run request (the execution input): its structural schema (schema.ts: strict sections of optional
 * fields), whose problems name the field, the bad value and what is allowed.
 *
 * Domain rules that need more than one field, the environment or the reference tables (instance types,
 * S3 buckets, hyperparameters, mode rules) live beside this file and run on what the schema accepted.
 */
import { MAX_PAYLOAD_IN_MB, MAX_RUNTIME_IN_SECONDS, MAX_WAIT_TIME_IN_SECONDS } from './api-limits';
import limits from './reference/sagemaker-api-limits.json';
import type { ProblemList } from './problems';
import { anything, bool, type Infer, int, num, oneOf, parse, record, required, section, text } from './schema';
import {
  BATCH_STRATEGIES,
  EARLY_STOPPING_TYPES,
  MAX_PARALLEL_TUNING_JOBS,
  MAX_TUNING_JOBS,
  RUN_MODES,
  TRAINING_CONTENT_TYPES,
  TRAINING_INPUT_MODES,
  TRANSFORM_CONTENT_TYPES,
  TUNING_STRATEGIES,
} from './vocabularies';

export { MAX_PAYLOAD_IN_MB, MAX_RUNTIME_IN_SECONDS, MAX_WAIT_TIME_IN_SECONDS };

export const RUN_NAME_MAX_LENGTH = 24;
/** Lower-case letters and digits, single hyphens between them: the run name appears unchanged in the run id. */
export const RUN_NAME_PATTERN = /^[a-z0-9](-?[a-z0-9])*$/;
export const MODEL_NAME_MAX_LENGTH: number = limits.shapes.ModelName.max;
export const MODEL_NAME_PATTERN = new RegExp(`^(?:${limits.shapes.ModelName.pattern})$`);
export const TRAINING_JOB_NAME_MAX_LENGTH: number = limits.shapes.TrainingJobName.max;
export const TRAINING_JOB_NAME_PATTERN = new RegExp(`^(?:${limits.shapes.TrainingJobName.pattern})$`);

const s3Uri = () => text('an S3 URI string like "s3://<bucket>/<prefix>/"');

export const trainingSchema = section(
  {
    instanceType: text('an instance type string like "ml.g4dn.xlarge"'),
    instanceCount: int(1),
    volumeSizeInGB: int(1),
    maxRuntimeInSeconds: int(1, MAX_RUNTIME_IN_SECONDS, ' (28 days)'),
    inputMode: oneOf(TRAINING_INPUT_MODES),
    contentType: oneOf(TRAINING_CONTENT_TYPES),
    /** Managed spot training: spare capacity at a discount; the job may be interrupted and resumes from checkpoints. */
    spot: bool(),
    /** Spot only: how long the job may take in all, waiting for capacity included; more than maxRuntimeInSeconds. */
    maxWaitTimeInSeconds: int(1, MAX_WAIT_TIME_IN_SECONDS, ' (28 days)'),
  },
  'an object of training settings',
);

export const transformSchema = section(
  {
    instanceType: text('an instance type string like "ml.c5.xlarge"'),
    instanceCount: int(1),
    maxConcurrentTransforms: int(0),
    maxPayloadInMB: int(0, MAX_PAYLOAD_IN_MB),
    batchStrategy: oneOf(BATCH_STRATEGIES),
    contentType: oneOf(TRANSFORM_CONTENT_TYPES),
  },
  'an object of batch transform settings',
);

/**
 * Hyperparameter tuning (core/tuning.ts checks the ranges): `Train model` becomes a tuning job that maximizes
 * validation:accuracy, and the model is created from its best training job.
 */
export const tuningSchema = section(
  {
    strategy: oneOf(TUNING_STRATEGIES),
    maxJobs: int(1, MAX_TUNING_JOBS, ' (the pipeline\'s cap on training jobs per run)'),
    maxParallelJobs: int(1, MAX_PARALLEL_TUNING_JOBS, ' (the pipeline\'s cap on parallel training jobs)'),
    earlyStopping: oneOf(EARLY_STOPPING_TYPES),
    // Each range is checked against the algorithm's tunable hyperparameters (tuning.ts), one by one.
    ranges: record(
      'an object of hyperparameter names and ranges, e.g. {"learning_rate": {"min": 0.001, "max": 0.1}, "optimizer": {"values": ["sgd", "adam"]}}',
    ),
  },
  'an object of tuning settings {strategy?, maxJobs?, maxParallelJobs?, earlyStopping?, ranges?} ({} tunes with the defaults)',
);

/** Set by the S3 trigger (start-run Lambda): the request file a run came from. */
export const sourceSchema = section(
  {
    bucket: required(text('a non-empty string', { minLength: 1 })),
    key: required(text('a non-empty string', { minLength: 1 })),
    versionId: text('a string'),
    sequencer: text('a string'),
    /** Why the request file could not be used; the run fails with it. */
    problem: text('a string'),
  },
  'an object {bucket, key, versionId?, sequencer?, problem?} (set by the S3 trigger)',
);

export const runRequestSchema = section(
  {
    /** Pre-filled by the Step Functions console; accepted and ignored. */
    Comment: anything(),
    mode: oneOf(RUN_MODES),
    runName: text('a string', {
      maxLength: RUN_NAME_MAX_LENGTH,
      pattern: RUN_NAME_PATTERN,
      patternAllowed:
        `1-${RUN_NAME_MAX_LENGTH} lower-case letters, digits and single hyphens, starting and ending ` +
        'with a letter or digit (e.g. "caltech-baseline")',
    }),
    trainingData: s3Uri(),
    validationData: s3Uri(),
    trainingLst: s3Uri(),
    validationLst: s3Uri(),
    batchInput: s3Uri(),
    modelName: text('a string', {
      maxLength: MODEL_NAME_MAX_LENGTH,
      pattern: MODEL_NAME_PATTERN,
      patternAllowed: 'a SageMaker model name: letters, digits and hyphens, starting and ending with a letter or digit',
    }),
    // Values are checked against the algorithm's table (hyperparameters.ts), which reports them one by one.
    hyperparameters: record(
      'an object of hyperparameter names and values, e.g. {"epochs": 10, "learning_rate": 0.05}',
    ),
    training: trainingSchema,
    tuning: tuningSchema,
    /** The accuracy gate: below it (validation:accuracy of the trained or best tuned model), no model and no transform. */
    minValidationAccuracy: num(0, 1),
    /** Incremental training: the training job whose model this run continues from. */
    baseTrainingJob: text('a string', {
      maxLength: TRAINING_JOB_NAME_MAX_LENGTH,
      pattern: TRAINING_JOB_NAME_PATTERN,
      patternAllowed:
        'a SageMaker training job name: letters, digits and hyphens, starting and ending with a letter or digit ' +
        '(e.g. the trainingJobName in the summary of an earlier run)',
    }),
    transform: transformSchema,
    source: sourceSchema,
  },
  'a JSON object (every field is optional: {} runs the reference configuration)',
  // Accepted but not advertised in "allowed" hints: the console's Comment and the reserved source.
  { hidden: ['Comment', 'source'] },
);

/** A structurally valid run request: every field optional, defaults not yet applied. */
export type RunRequest = Infer<typeof runRequestSchema>;
export type TrainingRequest = Infer<typeof trainingSchema>;
export type TransformRequest = Infer<typeof transformSchema>;
export type TuningSectionRequest = Infer<typeof tuningSchema>;
export type SourceRequest = Infer<typeof sourceSchema>;

/**
 * Checks the structure of `raw`. Every problem is added to `problems`; what is returned is the part of the
 * request that passed, so the domain rules can still check it and report their problems in the same error.
 * Returns undefined when `raw` is not an object at all.
 */
export function parseRunRequest(raw: unknown, problems: ProblemList): RunRequest | undefined {
  const result = parse(runRequestSchema, raw, 'the run request');
  // `request` names the whole input.
  for (const issue of result.issues) problems.add(issue.path.length === 0 ? 'request' : issue.path.join('.'), issue.message);
  return result.value;
}

/** `value` as a request file source (the `source` field), or undefined when it is not a valid one. */
export function parseSource(value: unknown): SourceRequest | undefined {
  const result = parse(sourceSchema, value);
  return result.ok ? result.value : undefined;
}
