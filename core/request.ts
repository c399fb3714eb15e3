/**
 * The run request (the execution input): its structural schema (schema.ts: strict sections of optional
 * fields), whose problems name the field, the bad value and what is allowed.
 *
 * Domain rules that need more than one field, the environment or the reference tables (instance types,
 * S3 buckets, hyperparameters, mode rules) live beside this file and run on what the schema accepted.
 *
 * Each field's `doc` is its documentation: run-request.schema.json (for editors) and docs/run-request.md
 * are generated from this file with `npm run docs`, and a test fails when they are stale.
 */
import {
  DEFAULT_ENDPOINT_INSTANCE_COUNT,
  DEFAULT_ENDPOINT_INSTANCE_TYPE,
  DEFAULT_REGISTRY_APPROVAL,
  ENDPOINT_NAME_PATTERN,
  MAX_ENDPOINT_NAME_LENGTH,
  REGISTRY_APPROVALS,
} from './endpoint';
import { DEFAULT_SPOT_EXTRA_WAIT_SECONDS, MAX_PAYLOAD_IN_MB, MAX_RUNTIME_IN_SECONDS, MAX_WAIT_TIME_IN_SECONDS } from './api-limits';
import { describeHyperparameter, HYPERPARAMETERS } from './hyperparameters';
import limits from './reference/sagemaker-api-limits.json';
import type { ProblemList } from './problems';
import { DEFAULT_INPUT_PREFIXES } from './s3-layout';
import { anything, bool, doc, type Infer, int, num, oneOf, parse, record, required, section, text } from './schema';
import { DEFAULT_TUNING, describeRanges, describeTunable, TUNABLE_HYPERPARAMETERS } from './tuning';
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

/** `s3://<data bucket>/train/`: where a run reads `field` when the request names no URI. */
const defaultInput = (field: keyof typeof DEFAULT_INPUT_PREFIXES) => `\`s3://<data bucket>/${DEFAULT_INPUT_PREFIXES[field]}\``;

export const trainingSchema = section(
  {
    instanceType: doc(text('an instance type string like "ml.g4dn.xlarge"'), {
      description:
        'The training instance type: a GPU type of the P2, P3, G4dn or G5 families (the algorithm trains on GPUs only; ' +
        'P2 and P3 with a warning, as AWS is retiring them).',
    }),
    instanceCount: doc(int(1), { description: 'How many training instances; more than one trains distributed (see `kv_store`).' }),
    volumeSizeInGB: doc(int(1), { description: 'The storage volume of each training instance, in GB.' }),
    maxRuntimeInSeconds: doc(int(1, MAX_RUNTIME_IN_SECONDS, ' (28 days)'), {
      description: 'The longest a training job may run; SageMaker stops it after that.',
    }),
    inputMode: doc(oneOf(TRAINING_INPUT_MODES), {
      description: 'How the job reads its data: `File` copies it to the instance first, `Pipe` streams it (RecordIO only); the algorithm does not support `FastFile`.',
    }),
    contentType: doc(oneOf(TRAINING_CONTENT_TYPES), {
      description:
        'The training data: RecordIO files (`application/x-recordio`), or image files listed by `.lst` files ' +
        '(`application/x-image`, with `trainingLst` and `validationLst`; needs the `resize` hyperparameter).',
    }),
    spot: doc(bool(), {
      description:
        '`true`: managed spot training, on spare capacity at a discount (typically 60-70 %); the job may be interrupted ' +
        'and resumes from its checkpoints under `runs/<run id>/checkpoints/`. A JSON boolean.',
    }),
    maxWaitTimeInSeconds: doc(int(1, MAX_WAIT_TIME_IN_SECONDS, ' (28 days)'), {
      description:
        'Only with `spot`: the longest the job may take in all, waiting for spot capacity included; greater than `maxRuntimeInSeconds`.',
      whenOmitted: `with \`spot\`: \`maxRuntimeInSeconds\` + ${DEFAULT_SPOT_EXTRA_WAIT_SECONDS} (one more day), at most ${MAX_WAIT_TIME_IN_SECONDS}`,
    }),
  },
  'an object of training settings',
);

export const transformSchema = section(
  {
    instanceType: doc(text('an instance type string like "ml.c5.xlarge"'), { description: 'The batch transform instance type: any SageMaker transform instance type.' }),
    instanceCount: doc(int(1), { description: 'How many batch transform instances.' }),
    maxConcurrentTransforms: doc(int(0), {
      description: 'Requests each instance handles at once (0: SageMaker chooses); times `maxPayloadInMB`, at most 100.',
    }),
    maxPayloadInMB: doc(int(0, MAX_PAYLOAD_IN_MB), { description: 'The largest request (one image, or a batch with `MultiRecord`), in MB.' }),
    batchStrategy: doc(oneOf(BATCH_STRATEGIES), { description: 'One image per request (`SingleRecord`) or several (`MultiRecord`).' }),
    contentType: doc(oneOf(TRANSFORM_CONTENT_TYPES), { description: 'The content type the images are sent with; the algorithm classifies one image per request.' }),
  },
  'an object of batch transform settings',
);

/**
 * Hyperparameter tuning (core/tuning.ts checks the ranges): `Train model` becomes a tuning job that maximizes
 * validation:accuracy, and the model is created from its best training job.
 */
export const tuningSchema = section(
  {
    strategy: doc(oneOf(TUNING_STRATEGIES), {
      description: 'How SageMaker picks the next hyperparameters: `Hyperband` needs `earlyStopping` `Off`; `Grid` takes only lists of values.',
    }),
    maxJobs: doc(int(1, MAX_TUNING_JOBS, ' (the pipeline\'s cap on training jobs per run)'), {
      description: 'How many training jobs the tuning job runs in all; with `Grid`, exactly the number of combinations.',
      whenOmitted: 'with `Grid`: the number of combinations',
    }),
    maxParallelJobs: doc(int(1, MAX_PARALLEL_TUNING_JOBS, ' (the pipeline\'s cap on parallel training jobs)'), {
      description: 'How many training jobs run at a time; at most `maxJobs`.',
      whenOmitted: 'at most `maxJobs`',
    }),
    earlyStopping: doc(oneOf(EARLY_STOPPING_TYPES), { description: '`Auto`: SageMaker stops training jobs unlikely to beat the best so far.' }),
    // Each range is checked against the algorithm's tunable hyperparameters (tuning.ts), one by one.
    ranges: doc(
      record(
        'an object of hyperparameter names and ranges, e.g. {"learning_rate": {"min": 0.001, "max": 0.1}, "optimizer": {"values": ["sgd", "adam"]}}',
        Object.fromEntries(TUNABLE_HYPERPARAMETERS.map((spec) => [spec.name, describeTunable(spec)])),
      ),
      {
        description:
          'The hyperparameters to tune: `{"<name>": {"min", "max", "scaling"?}}` or `{"<name>": {"values": [...]}}`, over the ' +
          'tunable hyperparameters within their documented ranges. Replaces the default ranges.',
        whenOmitted: `${describeRanges(DEFAULT_TUNING.ranges)}, less any of them the request fixes in \`hyperparameters\``,
      },
    ),
  },
  'an object of tuning settings {strategy?, maxJobs?, maxParallelJobs?, earlyStopping?, ranges?} ({} tunes with the defaults)',
);

/** Model registry settings of a run that creates a model. */
export const registrySchema = section(
  {
    approval: doc(oneOf(REGISTRY_APPROVALS), {
      description:
        'The approval status of the model package version the run registers: `Approved` lets it be deployed at once ' +
        '(`mode` `deploy`), `PendingManualApproval` waits for `ic-pipeline approve`.',
      whenOmitted: `\`${DEFAULT_REGISTRY_APPROVAL}\``,
    }),
  },
  'an object of model registry settings {approval?}',
);

/** The real-time endpoint a run deploys its model to. */
export const endpointSchema = section(
  {
    name: doc(
      text('a string', {
        maxLength: MAX_ENDPOINT_NAME_LENGTH,
        pattern: ENDPOINT_NAME_PATTERN,
        patternAllowed: 'a SageMaker endpoint name: letters, digits and hyphens, starting and ending with a letter or digit, that starts with the stack\'s name prefix and `-`',
      }),
      {
        description:
          'The endpoint to create, or to update when it exists (SageMaker then switches traffic without downtime and rolls back ' +
          'by itself when the new model fails). It must start with the stack\'s name prefix (the stack name, lower-case) and `-`: ' +
          'the pipeline may manage only its own endpoints.',
        whenOmitted: '`<prefix>-endpoint`',
      },
    ),
    instanceType: doc(text('an instance type string like "ml.m5.large"'), {
      description: 'The endpoint\'s instance type: any SageMaker real-time inference instance type. An endpoint bills every hour it exists.',
      whenOmitted: `\`${DEFAULT_ENDPOINT_INSTANCE_TYPE}\``,
    }),
    instanceCount: doc(int(1, 10, ' (the pipeline\'s cap)'), {
      description: 'How many instances serve the endpoint.',
      whenOmitted: `${DEFAULT_ENDPOINT_INSTANCE_COUNT}`,
    }),
  },
  'an object of endpoint settings {name?, instanceType?, instanceCount?} ({} deploys with the defaults)',
);

/** Set by the S3 trigger (start-run Lambda): the request file a run came from. */
export const sourceSchema = section(
  {
    bucket: doc(required(text('a non-empty string', { minLength: 1 })), { description: 'The bucket of the request file.' }),
    key: doc(required(text('a non-empty string', { minLength: 1 })), { description: 'The key of the request file.' }),
    versionId: doc(text('a string'), { description: 'The version of the request file.' }),
    sequencer: doc(text('a string'), { description: 'The S3 event sequencer of the upload.' }),
    problem: doc(text('a string'), { description: 'Why the request file could not be used; the run fails with it.' }),
  },
  'an object {bucket, key, versionId?, sequencer?, problem?} (set by the S3 trigger)',
);

export const runRequestSchema = section(
  {
    $schema: doc(text('a string'), {
      description: 'The JSON Schema that editors check the file with (`run-request.schema.json`); ignored by the pipeline.',
    }),
    Comment: doc(anything(), {
      description: 'Accepted and ignored: the Step Functions console pre-fills its input box with `{"Comment": "Insert your JSON here"}`.',
    }),
    mode: doc(oneOf(RUN_MODES), {
      description:
        '`full`: train, create the model, run the batch transform. `train`: stop after the model. ' +
        '`transform`: classify with an existing model (`modelName`). `deploy`: deploy an approved model package version ' +
        '(`modelPackage`) or an existing model (`modelName`) to an endpoint, without training. Fields the mode does not use are rejected.',
    }),
    runName: doc(
      text('a string', {
        maxLength: RUN_NAME_MAX_LENGTH,
        pattern: RUN_NAME_PATTERN,
        patternAllowed:
          `1-${RUN_NAME_MAX_LENGTH} lower-case letters, digits and single hyphens, starting and ending ` +
          'with a letter or digit (e.g. "caltech-baseline")',
      }),
      { description: 'A label for the run: it prefixes the run id and the names of its jobs and model.', whenOmitted: 'none' },
    ),
    trainingData: doc(s3Uri(), {
      description: 'The training channel: an S3 prefix in the data or artifact bucket.',
      whenOmitted: defaultInput('trainingData'),
    }),
    validationData: doc(s3Uri(), {
      description: 'The validation channel: an S3 prefix in the data or artifact bucket.',
      whenOmitted: defaultInput('validationData'),
    }),
    trainingLst: doc(s3Uri(), {
      description: 'The `.lst` file of the training images; only with `training.contentType` `application/x-image`.',
      whenOmitted: `with image files: ${defaultInput('trainingLst')}`,
    }),
    validationLst: doc(s3Uri(), {
      description: 'The `.lst` file of the validation images; only with `training.contentType` `application/x-image`.',
      whenOmitted: `with image files: ${defaultInput('validationLst')}`,
    }),
    batchInput: doc(s3Uri(), {
      description: 'The images to classify with the batch transform; not in mode `train`.',
      whenOmitted: defaultInput('batchInput'),
    }),
    modelName: doc(
      text('a string', {
        maxLength: MODEL_NAME_MAX_LENGTH,
        pattern: MODEL_NAME_PATTERN,
        patternAllowed: 'a SageMaker model name: letters, digits and hyphens, starting and ending with a letter or digit',
      }),
      {
        description:
          'The existing SageMaker model to use: in mode `transform` (required there) to classify with, in mode `deploy` ' +
          '(instead of `modelPackage`) to deploy.',
        whenOmitted: 'none',
      },
    ),
    // Values are checked against the algorithm's table (hyperparameters.ts), which reports them one by one.
    hyperparameters: doc(
      record(
        'an object of hyperparameter names and values, e.g. {"epochs": 10, "learning_rate": 0.05}',
        Object.fromEntries(HYPERPARAMETERS.map((spec) => [spec.name, describeHyperparameter(spec)])),
      ),
      {
        description:
          'Hyperparameters of the image-classification algorithm, merged over the reference values; numbers, booleans or ' +
          'strings, each checked against its documented type and range; every value reaches SageMaker as a string.',
        whenOmitted: 'the Caltech-256 reference values',
      },
    ),
    training: doc(trainingSchema, { description: 'The training job: instances, limits, input, spot.' }),
    tuning: doc(tuningSchema, {
      description:
        '`Train model` becomes a hyperparameter tuning job that maximizes `validation:accuracy`, and the model is created ' +
        'from its best training job; `{}` tunes with every default. Modes `full` and `train`.',
      whenOmitted: 'no tuning: one training job',
    }),
    minValidationAccuracy: doc(num(0, 1), {
      description:
        'The accuracy gate: when the `validation:accuracy` of the trained (or best tuned) model is below it, the run stops ' +
        'before `Create model` with `AccuracyBelowGate`.',
      whenOmitted: 'no gate',
    }),
    baseTrainingJob: doc(
      text('a string', {
        maxLength: TRAINING_JOB_NAME_MAX_LENGTH,
        pattern: TRAINING_JOB_NAME_PATTERN,
        patternAllowed:
          'a SageMaker training job name: letters, digits and hyphens, starting and ending with a letter or digit ' +
          '(e.g. the trainingJobName in the summary of an earlier run)',
      }),
      {
        description: 'Incremental training: the training job of an earlier run (its summary\'s `trainingJobName`) whose model this run trains on from.',
        whenOmitted: 'train from scratch',
      },
    ),
    transform: doc(transformSchema, { description: 'The batch transform job: instances, request sizes, content type.' }),
    registry: doc(registrySchema, {
      description: 'Modes `full` and `train`: every model a run creates (and that passed the gate) is registered as a new version of the stack\'s model package group.',
      whenOmitted: `registered with approval \`${DEFAULT_REGISTRY_APPROVAL}\``,
    }),
    endpoint: doc(endpointSchema, {
      description:
        'Deploy the model to a real-time endpoint after it is created (modes `full` and `train`), or the `deploy` mode\'s ' +
        'model. An endpoint bills every hour it exists, used or not: `ic-pipeline undeploy` deletes it.',
      whenOmitted: 'no endpoint (mode `deploy`: `{}`, the defaults)',
    }),
    modelPackage: doc(
      text('a model package version ARN, or its version number in the stack\'s group, e.g. "3"', { minLength: 1, maxLength: 176 }),
      { description: 'Mode `deploy`: the model package version to deploy; it must be `Approved`.', whenOmitted: 'none' },
    ),
    source: doc(sourceSchema, { description: 'Reserved: the S3 trigger sets it to the request file (bucket, key, version) a run came from.' }),
  },
  'a JSON object (every field is optional: {} runs the reference configuration)',
  // Accepted but not advertised in "allowed" hints: the editors' $schema, the console's Comment and the reserved source.
  { hidden: ['$schema', 'Comment', 'source'] },
);

/** A structurally valid run request: every field optional, defaults not yet applied. */
export type RunRequest = Infer<typeof runRequestSchema>;
export type TrainingRequest = Infer<typeof trainingSchema>;
export type TransformRequest = Infer<typeof transformSchema>;
export type TuningSectionRequest = Infer<typeof tuningSchema>;
export type SourceRequest = Infer<typeof sourceSchema>;
export type EndpointRequest = Infer<typeof endpointSchema>;

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
