/**
 * Prepare run: the pure core of the first state of the state machine. It validates the whole run request,
 * merges it over the Caltech-256 reference configuration and derives the run id, the SageMaker names, the
 * API-shaped training and transform settings and the S3 prefixes the run writes.
 *
 * Every problem is collected and reported together in one `RunRequestError`, before any SageMaker call.
 */
import { DEFAULT_SPOT_EXTRA_WAIT_SECONDS, MAX_WAIT_TIME_IN_SECONDS } from './api-limits';
import { InvalidEventError, ProblemList, RunRequestError, describeValue, requestFileError } from './problems';
import { resolveHyperparameters } from './hyperparameters';
import { trainingInstanceTypeProblem, transformInstanceTypeProblem, volumeKmsKeyFor } from './instance-types';
import { deriveRunId, runNames, type RunNames } from './names';
import { type PreparedTuning, resolveTuning, tunedNamesOf, tunedOptimizersOf } from './tuning';
import { type RunRequest, type TrainingRequest, parseRunRequest, parseSource } from './request';
import { type BatchStrategy, DEFAULT_RUN_MODE, type RunMode, type TrainingContentType, type TrainingInputMode, type TransformContentType } from './vocabularies';
import { isPlainObject } from './json';
import {
  DEFAULT_ENDPOINT_INSTANCE_COUNT,
  DEFAULT_ENDPOINT_INSTANCE_TYPE,
  DEFAULT_REGISTRY_APPROVAL,
  defaultEndpointName,
  endpointConfigName,
  isStackEndpointName,
  modelPackageGroupName,
  modelPackageReference,
  type RegistryApproval,
  resourceNamePrefix,
} from './endpoint';
import { endpointInstanceTypeProblem } from './instance-types';
import type { RunRequestSource } from './request-file';
import { DEFAULT_INPUT_PREFIXES, runPrefix } from './s3-layout';
import { type PipelineBuckets, s3Uri, s3UriProblem } from './s3-uri';

export type { RunMode } from './vocabularies';

/** Where an S3-triggered run request came from (set by the S3 trigger). */
export type RunSource = RunRequestSource;

/** One CreateTrainingJob InputDataConfig channel (API shape). */
export interface Channel {
  ChannelName: string;
  DataSource: {
    S3DataSource: { S3DataType: 'S3Prefix'; S3Uri: string; S3DataDistributionType: 'FullyReplicated' };
  };
  ContentType: TrainingContentType;
  CompressionType: 'None';
}

/** Everything the later states need, validated. Fields a mode does not use are null. */
export interface PreparedRun {
  runId: string;
  runName: string | null;
  mode: RunMode;
  source: RunSource | null;
  names: RunNames;
  /** `baseTrainingJob`: the earlier training job this run continues from (incremental training); null: from scratch. */
  baseTrainingJob: string | null;
  /** `minValidationAccuracy`: below it the run stops before Create model; null: no gate. */
  minValidationAccuracy: number | null;
  /** The gate as the failure message shows it, e.g. "0.60"; null: no gate. */
  minValidationAccuracyText: string | null;
  /** Null in mode "transform". */
  training: {
    trainingData: string;
    validationData: string;
    /** API-shaped CreateTrainingJob InputDataConfig. */
    inputDataConfig: Channel[];
    /** `s3://<artifact bucket>/runs/<run id>/model/` */
    outputPath: string;
    inputMode: TrainingInputMode;
    /** Every value a string, as CreateTrainingJob requires. */
    hyperparameters: Record<string, string>;
    resourceConfig: { InstanceType: string; InstanceCount: number; VolumeSizeInGB: number; VolumeKmsKeyId?: string };
    /** MaxWaitTimeInSeconds only with spot: SageMaker rejects it otherwise. */
    stoppingCondition: { MaxRuntimeInSeconds: number; MaxWaitTimeInSeconds?: number };
    /** Managed spot training (`training.spot`): the state machine then sends EnableManagedSpotTraining and CheckpointConfig. */
    spot: boolean;
    /**
     * `s3://<artifact bucket>/runs/<run id>/checkpoints/` with spot (CheckpointConfig.S3Uri); null without, and
     * with tuning: the tuning job's parallel training jobs would share one prefix and resume from each other's
     * checkpoints, so a tuned spot job that is interrupted starts again.
     */
    checkpointUri: string | null;
    /** Hyperparameter tuning (`tuning`): `Tune model` replaces `Train model`; null: one training job. */
    tuning: PreparedTuning | null;
    /** Incremental training (`baseTrainingJob`): what the state machine checks against the base job; null: from scratch. */
    incremental: PreparedIncremental | null;
  } | null;
  /** Null in mode "train". */
  transform: {
    /** `names.model`, or the request's `modelName` in mode "transform". */
    modelName: string;
    batchInput: string;
    /** `s3://<artifact bucket>/runs/<run id>/predictions/` */
    outputPath: string;
    contentType: TransformContentType;
    batchStrategy: BatchStrategy;
    maxConcurrentTransforms: number;
    maxPayloadInMB: number;
    transformResources: { InstanceType: string; InstanceCount: number; VolumeKmsKeyId?: string };
  } | null;
  /** Modes `full` and `train`: how the model is registered in the stack's model package group. */
  registry: {
    modelPackageGroup: string;
    approval: RegistryApproval;
    /**
     * Where the class names are (the training data set, whose `classes.json` prepare-data writes), as a customer
     * metadata value: the training data URI when it fits CustomerMetadataProperties' value pattern (letters,
     * digits, spaces and `_.:/=+-@`, at most 256 characters), else a pointer to the description, which has it.
     */
    classNamesLocation: string;
  } | null;
  /** The endpoint the run deploys to (`endpoint`); null: no deployment. */
  endpoint: PreparedEndpoint | null;
  /**
   * Mode `deploy` with `modelPackage`: the version to deploy, as DescribeModelPackage takes it (`<group>/<n>` or
   * its ARN); the model `names.model` is created from it once it is found Approved. Null otherwise.
   */
  modelPackage: string | null;
  /** The S3 prefixes this run writes; null when the mode writes none there. */
  output: { modelPrefix: string | null; predictionsPrefix: string | null; checkpointPrefix: string | null };
}

/** The hyperparameters that must match the base training job's in incremental training (the algorithm's documentation). */
export const INHERITED_HYPERPARAMETERS = ['num_layers', 'image_shape', 'num_classes'] as const;
export type InheritedHyperparameter = (typeof INHERITED_HYPERPARAMETERS)[number];

/**
 * Incremental training, as far as Prepare run can tell: the base job is described at run time, by the state
 * machine, which compares it with this before any training.
 */
export interface PreparedIncremental {
  /**
   * The request's values of num_layers, image_shape and num_classes (as sent), to be compared with the base
   * job's; null where the request leaves one out: the run then takes the base job's value.
   */
  requestedHyperparameters: Record<InheritedHyperparameter, string | null>;
}

/** The endpoint deployment of a run, with every default applied. */
export interface PreparedEndpoint {
  /** The endpoint to create or update. */
  name: string;
  /** The endpoint config this run creates: `<prefix>-<run id>` (core/endpoint.ts). */
  configName: string;
  /** The model the endpoint serves: the run's, or mode deploy's. */
  modelName: string;
  instanceType: string;
  instanceCount: number;
  /**
   * Whether the endpoint config carries the stack's key (KmsKeyId): not for instance types with local NVMe
   * storage, for which CreateEndpointConfig rejects a KmsKeyId (CreateEndpointConfig API reference, KmsKeyId).
   */
  encrypted: boolean;
}

/** What the Lambda's environment provides. */
export interface PrepareRunConfig extends PipelineBuckets {
  /** Customer managed key for training and transform volumes; unset = SageMaker's default encryption. */
  kmsKeyArn?: string;
  /**
   * The stack's name prefix (core/endpoint.ts): endpoints, endpoint configs and the model package group are named
   * with it. @default - the prefix of the app's stack, ImageClassificationPipeline
   */
  namePrefix?: string;
}

/** Training settings with every default applied; the spot wait is null without spot. */
export type TrainingSettings = Required<Omit<TrainingRequest, 'maxWaitTimeInSeconds'>> & { maxWaitTimeInSeconds: number | null };

/**
 * Training settings of the Caltech-256 reference run. The instance is the cheapest current-generation GPU
 * type the algorithm trains on (docs/operations.md, "Cost"): the reference example used ml.p2.xlarge, later
 * ml.p3.2xlarge, both of families AWS is retiring. Without spot there is no spot wait; with spot and no
 * `maxWaitTimeInSeconds`, the wait defaults to `defaultMaxWaitTimeInSeconds(maxRuntimeInSeconds)`.
 */
export const REFERENCE_TRAINING = {
  instanceType: 'ml.g4dn.xlarge',
  instanceCount: 1,
  volumeSizeInGB: 50,
  maxRuntimeInSeconds: 360_000,
  inputMode: 'File',
  contentType: 'application/x-recordio',
  spot: false,
} as const satisfies Required<Omit<TrainingRequest, 'maxWaitTimeInSeconds'>>;

/** The spot wait of a request that sets none: one more day than the runtime, at most 28 days. */
export function defaultMaxWaitTimeInSeconds(maxRuntimeInSeconds: number): number {
  return Math.min(maxRuntimeInSeconds + DEFAULT_SPOT_EXTRA_WAIT_SECONDS, MAX_WAIT_TIME_IN_SECONDS);
}

/** Batch transform settings of the Caltech-256 reference run. */
export const REFERENCE_TRANSFORM = {
  instanceType: 'ml.c5.xlarge',
  instanceCount: 1,
  maxConcurrentTransforms: 16,
  maxPayloadInMB: 6,
  batchStrategy: 'SingleRecord',
  contentType: 'application/x-image',
} as const satisfies Required<NonNullable<RunRequest['transform']>>;

const MODE_PURPOSE: Record<RunMode, string> = {
  full: 'which trains a model, creates it and runs a batch transform',
  train: 'which stops after creating the model',
  transform: 'which classifies with an existing model',
  deploy: 'which deploys a registered version or an existing model to an endpoint',
};

/** Request fields that only some modes use: setting one in another mode is an error, not silently ignored. */
const MODE_SCOPED_FIELDS: readonly { field: keyof RunRequest; modes: readonly RunMode[]; what: string }[] = [
  { field: 'modelName', modes: ['transform', 'deploy'], what: 'an existing SageMaker model' },
  { field: 'modelPackage', modes: ['deploy'], what: 'the model package version to deploy' },
  { field: 'registry', modes: ['full', 'train'], what: 'the registration of the model the run creates' },
  { field: 'endpoint', modes: ['full', 'train', 'deploy'], what: 'the endpoint the model is deployed to' },
  { field: 'trainingData', modes: ['full', 'train'], what: 'training input' },
  { field: 'validationData', modes: ['full', 'train'], what: 'training input' },
  { field: 'trainingLst', modes: ['full', 'train'], what: 'training input' },
  { field: 'validationLst', modes: ['full', 'train'], what: 'training input' },
  { field: 'hyperparameters', modes: ['full', 'train'], what: 'training settings' },
  { field: 'training', modes: ['full', 'train'], what: 'training settings' },
  { field: 'tuning', modes: ['full', 'train'], what: 'hyperparameter tuning' },
  { field: 'minValidationAccuracy', modes: ['full', 'train'], what: 'the accuracy gate of a trained model' },
  { field: 'baseTrainingJob', modes: ['full', 'train'], what: 'incremental training' },
  { field: 'batchInput', modes: ['full', 'transform'], what: 'batch transform input' },
  { field: 'transform', modes: ['full', 'transform'], what: 'batch transform settings' },
];

const trains = (mode: RunMode): boolean => mode === 'full' || mode === 'train';
const transforms = (mode: RunMode): boolean => mode === 'full' || mode === 'transform';

/**
 * Validates `request` (the execution input) and prepares the run of execution `executionName`.
 * @throws RunRequestError listing every problem of the request, or the request file's problem
 * @throws InvalidEventError when `executionName` is not a non-empty string (a wiring bug)
 */
export function prepareRun(request: unknown, executionName: string, config: PrepareRunConfig): PreparedRun {
  if (typeof executionName !== 'string' || executionName === '') {
    throw new InvalidEventError(
      `executionName must be the non-empty Step Functions execution name ($$.Execution.Name), got ${describeValue(executionName)}`,
      executionName,
    );
  }
  throwIfRequestFileProblem(request);

  const problems = new ProblemList();
  const parsed = parseRunRequest(request, problems);
  if (parsed === undefined) throw new RunRequestError(problems.list());

  const rawFields = isPlainObject(request) ? request : {};
  const mode: RunMode = parsed.mode ?? DEFAULT_RUN_MODE;
  if (!problems.touches('mode')) checkModeFields(mode, rawFields, problems);

  const run = resolveRun(mode, parsed, config, problems);
  if (problems.size > 0) throw new RunRequestError(problems.list());
  return assemble(run, executionName, config);
}

/** An S3-triggered request whose file could not be read fails with the trigger's explanation, whatever else it holds. */
function throwIfRequestFileProblem(request: unknown): void {
  if (!isPlainObject(request)) return;
  const source = parseSource(request.source);
  if (source?.problem !== undefined) throw requestFileError(source, source.problem);
}

function checkModeFields(mode: RunMode, raw: Record<string, unknown>, problems: ProblemList): void {
  for (const { field, modes, what } of MODE_SCOPED_FIELDS) {
    if (!Object.hasOwn(raw, field) || modes.includes(mode)) continue;
    const where = modes.length === 1 ? `mode "${modes[0]}"` : `modes ${modes.map((m) => `"${m}"`).join(' and ')}`;
    problems.add(
      field,
      `${describeValue(raw[field])} is not used in mode "${mode}", ${MODE_PURPOSE[mode]}; ` +
        `${field} (${what}) is only used in ${where}: remove it or change mode`,
    );
  }
  if (mode === 'deploy') {
    const both = Object.hasOwn(raw, 'modelName') && Object.hasOwn(raw, 'modelPackage');
    const neither = !Object.hasOwn(raw, 'modelName') && !Object.hasOwn(raw, 'modelPackage');
    if (both) {
      problems.add(
        'modelName',
        `${describeValue(raw.modelName)} cannot be combined with modelPackage ${describeValue(raw.modelPackage)}: mode "deploy" ` +
          'deploys either a model package version (modelPackage) or an existing model (modelName); remove one',
      );
    } else if (neither) {
      problems.add(
        'modelPackage',
        'missing; mode "deploy" deploys a model package version: set modelPackage to its version number (e.g. "3", see ' +
          'ic-pipeline models) or its ARN, or set modelName to an existing SageMaker model instead',
      );
    }
  }
  if (mode === 'transform' && !Object.hasOwn(raw, 'modelName')) {
    problems.add(
      'modelName',
      'missing; mode "transform" classifies with an existing SageMaker model: set modelName to its name ' +
        '(letters, digits and hyphens, e.g. the modelName in the summary of an earlier run)',
    );
  }
}

/** The validated request with every default applied. */
interface ResolvedRun {
  mode: RunMode;
  registry: { approval: RegistryApproval } | null;
  endpoint: { name: string | null; instanceType: string; instanceCount: number; modelName: string | null } | null;
  modelPackage: string | null;
  runName: string | null;
  source: RunSource | null;
  baseTrainingJob: string | null;
  minValidationAccuracy: number | null;
  training: {
    settings: TrainingSettings;
    trainingData: string;
    validationData: string;
    trainingLst: string;
    validationLst: string;
    hyperparameters: Record<string, string>;
    tuning: PreparedTuning | null;
    incremental: boolean;
  } | null;
  transform: {
    settings: Required<NonNullable<RunRequest['transform']>>;
    batchInput: string;
    modelName: string | null;
  } | null;
}

function resolveRun(mode: RunMode, request: RunRequest, config: PrepareRunConfig, problems: ProblemList): ResolvedRun {
  const input = (field: keyof typeof DEFAULT_INPUT_PREFIXES): string => {
    const uri = request[field] ?? s3Uri(config.dataBucket, DEFAULT_INPUT_PREFIXES[field]);
    // A field already reported (e.g. a .lst URI with RecordIO data) is not checked again.
    if (problems.touches(field)) return uri;
    const problem = s3UriProblem(uri, config);
    if (problem !== undefined) problems.add(field, problem);
    return uri;
  };

  let training: ResolvedRun['training'] = null;
  if (trains(mode)) {
    const { maxWaitTimeInSeconds: requestedWait, ...requested } = request.training ?? {};
    const merged = { ...REFERENCE_TRAINING, ...requested };
    const settings: TrainingSettings = { ...merged, maxWaitTimeInSeconds: spotWait(merged, requestedWait, problems) };
    const instanceTypeProblem = trainingInstanceTypeProblem(settings.instanceType);
    if (instanceTypeProblem !== undefined && !problems.touches('training.instanceType')) {
      problems.add('training.instanceType', instanceTypeProblem);
    }
    checkTrainingInput(settings, request, problems);
    const fixed = request.hyperparameters ?? {};
    const incremental = request.baseTrainingJob !== undefined && !problems.touches('baseTrainingJob');
    // Tuned hyperparameters and, in incremental training, the base job's num_layers, image_shape and
    // num_classes are not sent with their reference values.
    const inherited = incremental ? INHERITED_HYPERPARAMETERS.filter((name) => !Object.hasOwn(fixed, name)) : [];
    const tuned = problems.touches('tuning') ? [] : tunedNamesOf(request.tuning, fixed);
    const hyperparameters = resolveHyperparameters(
      request.hyperparameters,
      {
        trainingContentType: settings.contentType,
        trainingInstanceCount: settings.instanceCount,
        withoutReference: [...tuned, ...inherited],
        tunedOptimizers: problems.touches('tuning') ? undefined : tunedOptimizersOf(request.tuning, fixed),
      },
      problems,
    );
    let tuning: PreparedTuning | null = null;
    if (request.tuning !== undefined && !problems.touches('tuning')) {
      const limitField = settings.spot ? 'training.maxWaitTimeInSeconds' : 'training.maxRuntimeInSeconds';
      const limitSeconds = settings.spot ? settings.maxWaitTimeInSeconds : settings.maxRuntimeInSeconds;
      const jobLimit =
        limitSeconds === null || problems.touches(limitField) || problems.touches('training.spot')
          ? undefined
          : { seconds: limitSeconds, field: limitField };
      tuning =
        resolveTuning(request.tuning, { fixedHyperparameters: fixed, jobLimit, staticHyperparameterCount: Object.keys(hyperparameters).length }, problems) ??
        null;
    }
    training = {
      settings,
      trainingData: input('trainingData'),
      validationData: input('validationData'),
      trainingLst: input('trainingLst'),
      validationLst: input('validationLst'),
      hyperparameters,
      tuning,
      incremental,
    };
  }

  let transform: ResolvedRun['transform'] = null;
  if (transforms(mode)) {
    const settings = { ...REFERENCE_TRANSFORM, ...request.transform };
    const instanceTypeProblem = transformInstanceTypeProblem(settings.instanceType);
    if (instanceTypeProblem !== undefined && !problems.touches('transform.instanceType')) {
      problems.add('transform.instanceType', instanceTypeProblem);
    }
    checkTransformPayload(settings, request.transform ?? {}, problems);
    transform = { settings, batchInput: input('batchInput'), modelName: mode === 'transform' ? (request.modelName ?? null) : null };
  }

  const prefix = namePrefixOf(config);
  let endpoint: ResolvedRun['endpoint'] = null;
  if (request.endpoint !== undefined || mode === 'deploy') {
    const requested = request.endpoint ?? {};
    const instanceType = requested.instanceType ?? DEFAULT_ENDPOINT_INSTANCE_TYPE;
    const typeProblem = endpointInstanceTypeProblem(instanceType);
    if (typeProblem !== undefined && !problems.touches('endpoint.instanceType')) problems.add('endpoint.instanceType', typeProblem);
    if (requested.name !== undefined && !problems.touches('endpoint.name') && !isStackEndpointName(requested.name, prefix)) {
      problems.add(
        'endpoint.name',
        `${describeValue(requested.name)} is not one of this stack's endpoint names: they start with "${prefix}-" (the stack's ` +
          `name prefix), so that the pipeline's role may manage them and no other endpoint; e.g. "${prefix}-${requested.name.toLowerCase()}"`,
      );
    }
    endpoint = {
      name: requested.name ?? null,
      instanceType,
      instanceCount: requested.instanceCount ?? DEFAULT_ENDPOINT_INSTANCE_COUNT,
      modelName: mode === 'deploy' ? (request.modelName ?? null) : null,
    };
  }
  let modelPackage: string | null = null;
  if (mode === 'deploy' && request.modelPackage !== undefined && !problems.touches('modelPackage')) {
    const group = modelPackageGroupName(prefix);
    const reference = modelPackageReference(request.modelPackage, group);
    if (reference === undefined) {
      problems.add(
        'modelPackage',
        `${describeValue(request.modelPackage)} is not a version of this stack's model package group "${group}": give its ` +
          `version number (e.g. "3", see ic-pipeline models) or its ARN (arn:aws:sagemaker:<region>:<account>:model-package/${group}/<version>)`,
      );
    } else {
      modelPackage = reference;
    }
  }

  return {
    mode,
    registry: trains(mode) ? { approval: request.registry?.approval ?? DEFAULT_REGISTRY_APPROVAL } : null,
    endpoint,
    modelPackage,
    runName: request.runName ?? null,
    source: request.source ?? null,
    baseTrainingJob: trains(mode) ? (request.baseTrainingJob ?? null) : null,
    minValidationAccuracy: trains(mode) ? (request.minValidationAccuracy ?? null) : null,
    training,
    transform,
  };
}

/** The accuracy gate as a message shows it: at least two decimals ("0.60"), more when given ("0.655"). */
export function gateText(value: number): string {
  const text = String(value);
  if (text.includes('e')) return text;
  const decimals = text.includes('.') ? (text.split('.')[1] ?? '').length : 0;
  return decimals >= 2 ? text : value.toFixed(2);
}

/**
 * The spot wait (MaxWaitTimeInSeconds) of the run, or null without spot. SageMaker rejects a wait without
 * spot and a wait shorter than the runtime; the wait must be longer than the runtime, since it counts the
 * time spent waiting for spot capacity as well as the training itself.
 */
function spotWait(
  settings: Omit<TrainingSettings, 'maxWaitTimeInSeconds'>,
  requested: number | undefined,
  problems: ProblemList,
): number | null {
  const WAIT = 'training.maxWaitTimeInSeconds';
  const RUNTIME = 'training.maxRuntimeInSeconds';
  if (problems.touches('training.spot') || problems.touches(WAIT)) return null;
  if (!settings.spot) {
    if (requested !== undefined) {
      problems.add(
        WAIT,
        `${requested} is only used with managed spot training (SageMaker rejects MaxWaitTimeInSeconds without it): ` +
          'set training.spot to true, or remove training.maxWaitTimeInSeconds',
      );
    }
    return null;
  }
  const wait = requested ?? defaultMaxWaitTimeInSeconds(settings.maxRuntimeInSeconds);
  if (!problems.touches(RUNTIME) && wait <= settings.maxRuntimeInSeconds) {
    if (requested !== undefined) {
      problems.add(
        WAIT,
        `${requested} must be greater than training.maxRuntimeInSeconds (${settings.maxRuntimeInSeconds}): with spot it is ` +
          'the longest the job may take in all, waiting for spot capacity included',
      );
    } else {
      problems.add(
        RUNTIME,
        `${settings.maxRuntimeInSeconds} leaves no time to wait for spot capacity: with training.spot, ` +
          `maxRuntimeInSeconds must be below the longest wait (${MAX_WAIT_TIME_IN_SECONDS} s, 28 days)`,
      );
    }
  }
  return wait;
}

/** Input mode and content type rules of the algorithm (reference/image-classification-hyperparameters.md, Inputs). */
function checkTrainingInput(
  settings: TrainingSettings,
  request: RunRequest,
  problems: ProblemList,
): void {
  const contentTypeKnown = !problems.touches('training.contentType');
  const contentType = `training.contentType is "${settings.contentType}"${request.training?.contentType === undefined ? ' (the default)' : ''}`;
  if (!problems.touches('training.inputMode')) {
    if (settings.inputMode === 'FastFile') {
      problems.add('training.inputMode', '"FastFile" is not supported by the image-classification algorithm; use "File" or "Pipe"');
    } else if (settings.inputMode === 'Pipe' && contentTypeKnown && settings.contentType !== 'application/x-recordio') {
      problems.add(
        'training.inputMode',
        `"Pipe" requires training.contentType "application/x-recordio"; ${contentType}, which the algorithm reads in "File" mode only`,
      );
    }
  }
  if (contentTypeKnown && settings.contentType !== 'application/x-image') {
    for (const field of ['trainingLst', 'validationLst'] as const) {
      if (request[field] === undefined) continue;
      problems.add(
        field,
        `${describeValue(request[field])} is only used when training.contentType is "application/x-image" ` +
          `(image files listed by .lst files); ${contentType}`,
      );
    }
  }
}

/** CreateTransformJob: MaxConcurrentTransforms x MaxPayloadInMB must not exceed 100 MB (documentedLimits). */
function checkTransformPayload(
  settings: Required<NonNullable<RunRequest['transform']>>,
  requested: NonNullable<RunRequest['transform']>,
  problems: ProblemList,
): void {
  const fields = ['transform.maxConcurrentTransforms', 'transform.maxPayloadInMB'];
  if (fields.some((field) => problems.touches(field))) return;
  const { maxConcurrentTransforms: concurrent, maxPayloadInMB: payload } = settings;
  if (concurrent * payload <= 100) return;
  const blamed = requested.maxConcurrentTransforms !== undefined ? 'maxConcurrentTransforms' : 'maxPayloadInMB';
  const note = (field: 'maxConcurrentTransforms' | 'maxPayloadInMB') =>
    requested[field] === undefined ? ' (the default)' : '';
  problems.add(
    `transform.${blamed}`,
    `${settings[blamed]} is too large: maxConcurrentTransforms ${concurrent}${note('maxConcurrentTransforms')} x ` +
      `maxPayloadInMB ${payload}${note('maxPayloadInMB')} = ${concurrent * payload} MB; SageMaker allows at most 100 MB`,
  );
}

function channel(name: string, uri: string, contentType: TrainingContentType): Channel {
  return {
    ChannelName: name,
    DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: uri, S3DataDistributionType: 'FullyReplicated' } },
    ContentType: contentType,
    CompressionType: 'None',
  };
}

/** `value` when it is a valid CustomerMetadataProperties value (CreateModelPackage API reference), else undefined. */
function metadataValue(value: string): string | undefined {
  return /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u.test(value) ? value : undefined;
}

/** The stack's name prefix (core/endpoint.ts). */
function namePrefixOf(config: PrepareRunConfig): string {
  return config.namePrefix ?? resourceNamePrefix('ImageClassificationPipeline');
}

/** Builds the PreparedRun of a valid, resolved request. */
function assemble(run: ResolvedRun, executionName: string, config: PrepareRunConfig): PreparedRun {
  const runId = deriveRunId(executionName, run.runName);
  const names = runNames(runId);
  const modelPrefix = run.training ? s3Uri(config.artifactBucket, runPrefix(runId, 'model')) : null;
  const predictionsPrefix = run.transform ? s3Uri(config.artifactBucket, runPrefix(runId, 'predictions')) : null;
  // A prefix of this run only, so that no run ever resumes from another run's checkpoints.
  // With tuning, no checkpoints (see PreparedRun.training.checkpointUri).
  const checkpointPrefix =
    run.training?.settings.spot && run.training.tuning === null ? s3Uri(config.artifactBucket, runPrefix(runId, 'checkpoints')) : null;

  let training: PreparedRun['training'] = null;
  if (run.training && modelPrefix) {
    const { settings } = run.training;
    const contentType = settings.contentType;
    const inputDataConfig = [
      channel('train', run.training.trainingData, contentType),
      channel('validation', run.training.validationData, contentType),
    ];
    if (contentType === 'application/x-image') {
      inputDataConfig.push(
        channel('train_lst', run.training.trainingLst, contentType),
        channel('validation_lst', run.training.validationLst, contentType),
      );
    }
    const volumeKmsKeyId = volumeKmsKeyFor(settings.instanceType, config.kmsKeyArn);
    training = {
      trainingData: run.training.trainingData,
      validationData: run.training.validationData,
      inputDataConfig,
      outputPath: modelPrefix,
      inputMode: settings.inputMode,
      hyperparameters: run.training.hyperparameters,
      resourceConfig: {
        InstanceType: settings.instanceType,
        InstanceCount: settings.instanceCount,
        VolumeSizeInGB: settings.volumeSizeInGB,
        ...(volumeKmsKeyId === undefined ? {} : { VolumeKmsKeyId: volumeKmsKeyId }),
      },
      stoppingCondition: {
        MaxRuntimeInSeconds: settings.maxRuntimeInSeconds,
        ...(settings.maxWaitTimeInSeconds === null ? {} : { MaxWaitTimeInSeconds: settings.maxWaitTimeInSeconds }),
      },
      spot: settings.spot,
      checkpointUri: checkpointPrefix,
      tuning: run.training.tuning,
      incremental: run.training.incremental
        ? {
            requestedHyperparameters: {
              num_layers: run.training.hyperparameters.num_layers ?? null,
              image_shape: run.training.hyperparameters.image_shape ?? null,
              num_classes: run.training.hyperparameters.num_classes ?? null,
            },
          }
        : null,
    };
  }

  let transform: PreparedRun['transform'] = null;
  if (run.transform && predictionsPrefix) {
    const { settings } = run.transform;
    const volumeKmsKeyId = volumeKmsKeyFor(settings.instanceType, config.kmsKeyArn);
    transform = {
      modelName: run.transform.modelName ?? names.model,
      batchInput: run.transform.batchInput,
      outputPath: predictionsPrefix,
      contentType: settings.contentType,
      batchStrategy: settings.batchStrategy,
      maxConcurrentTransforms: settings.maxConcurrentTransforms,
      maxPayloadInMB: settings.maxPayloadInMB,
      transformResources: {
        InstanceType: settings.instanceType,
        InstanceCount: settings.instanceCount,
        ...(volumeKmsKeyId === undefined ? {} : { VolumeKmsKeyId: volumeKmsKeyId }),
      },
    };
  }

  const prefix = namePrefixOf(config);
  const endpoint: PreparedEndpoint | null = run.endpoint && {
    name: run.endpoint.name ?? defaultEndpointName(prefix),
    configName: endpointConfigName(prefix, runId),
    modelName: run.endpoint.modelName ?? names.model,
    instanceType: run.endpoint.instanceType,
    instanceCount: run.endpoint.instanceCount,
    encrypted: volumeKmsKeyFor(run.endpoint.instanceType, config.kmsKeyArn) !== undefined,
  };

  return {
    runId,
    runName: run.runName,
    mode: run.mode,
    registry: run.registry && {
      modelPackageGroup: modelPackageGroupName(prefix),
      approval: run.registry.approval,
      classNamesLocation: metadataValue(run.training?.trainingData ?? '') ?? 'the training data in ModelPackageDescription',
    },
    endpoint,
    modelPackage: run.modelPackage,
    source: run.source,
    baseTrainingJob: run.baseTrainingJob,
    minValidationAccuracy: run.minValidationAccuracy,
    minValidationAccuracyText: run.minValidationAccuracy === null ? null : gateText(run.minValidationAccuracy),
    names,
    training,
    transform,
    output: { modelPrefix, predictionsPrefix, checkpointPrefix },
  };
}
