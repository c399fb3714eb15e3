import { isPlainObject } from '../core/json';
import limits from '../core/reference/sagemaker-api-limits.json';

/**
 * The request model of the SageMaker operations the pipeline calls, and the two checks a request
 * goes through on AWS before SageMaker acts on it:
 *
 * 1. Step Functions resolves the state's Parameters and checks them against its own model of the
 *    integration: a field it does not know, or a value of the wrong JSON type, fails the state with
 *    `States.Runtime` ({@link parameterProblems}).
 * 2. SageMaker validates the request against its service model: required members, lengths, patterns,
 *    enums, ranges, list and map sizes; a violation is a `ValidationException` whose message lists every
 *    violation in the service's words ({@link constraintViolations}).
 *
 * Every limit comes from `lambda/shared/reference/sagemaker-api-limits.json`; each API member is mapped to
 * its shape there explicitly below. The member lists (which members exist, and the few required members
 * the reference file does not list) come from the SageMaker service model as published in
 * `@aws-sdk/client-sagemaker` 3.1142 (`CreateTrainingJobRequest`, `CreateModelInput`,
 * `CreateTransformJobRequest`) and, for `CreateHyperParameterTuningJobRequest` and
 * `DescribeTrainingJobRequest`, in the botocore 1.43.11 service description. Members the pipeline never
 * sends are accepted with their JSON type checked, or as opaque documents where their structure is deep
 * and irrelevant here.
 */

export type SageMakerApi =
  | 'CreateTrainingJob'
  | 'CreateModel'
  | 'CreateTransformJob'
  | 'CreateHyperParameterTuningJob'
  | 'DescribeTrainingJob'
  | 'CreateModelPackage'
  | 'DescribeModelPackage'
  | 'CreateEndpointConfig'
  | 'CreateEndpoint'
  | 'UpdateEndpoint'
  | 'DescribeEndpoint';

/** Every API, for tables keyed by API. */
export const SAGEMAKER_APIS: readonly SageMakerApi[] = [
  'CreateTrainingJob',
  'CreateModel',
  'CreateTransformJob',
  'CreateHyperParameterTuningJob',
  'DescribeTrainingJob',
  'CreateModelPackage',
  'DescribeModelPackage',
  'CreateEndpointConfig',
  'CreateEndpoint',
  'UpdateEndpoint',
  'DescribeEndpoint',
];

interface StringShape {
  readonly type: 'string';
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly enum?: readonly string[];
}
interface IntegerShape {
  readonly type: 'integer';
  readonly min?: number;
  readonly max?: number;
}
interface MapShape {
  readonly type: 'map';
  readonly min?: number;
  readonly max?: number;
  readonly key: ShapeName;
  readonly value: ShapeName;
}
interface ListShape {
  readonly type: 'list';
  readonly min?: number;
  readonly max?: number;
  readonly member: string;
}
type ReferenceShape = StringShape | IntegerShape | MapShape | ListShape;

/** A shape of the reference file. */
export type ShapeName = keyof typeof limits.shapes;

// The JSON import types `type` as string; the module-load check below makes the narrowing honest.
const SHAPES = limits.shapes as unknown as Readonly<Record<ShapeName, ReferenceShape>>;
for (const [name, shape] of Object.entries(SHAPES)) {
  if (!['string', 'integer', 'map', 'list'].includes(shape.type)) {
    throw new Error(`sagemaker-api-limits.json: shape ${name} has unsupported type ${String(shape.type)}`);
  }
}

/**
 * Required members the reference file does not list, from the service model (`@aws-sdk/client-sagemaker`
 * 3.1142 types: non-optional members). `TransformDataSource` is the `DataSource` of a transform input.
 */
const SERVICE_MODEL_REQUIRED: Readonly<Record<string, readonly string[]>> = {
  TransformDataSource: ['S3DataSource'],
  Tag: ['Key', 'Value'],
  CheckpointConfig: ['S3Uri'],
  RetryStrategy: ['MaximumRetryAttempts'],
};

const REQUIRED: Readonly<Record<string, readonly string[]>> = { ...limits.requiredMembers, ...SERVICE_MODEL_REQUIRED };

/** How one request member is checked. */
export type MemberSpec =
  /** A string, integer or map shape of the reference file: type and every limit of the shape. */
  | { readonly kind: 'shape'; readonly shape: ShapeName }
  /** A list; its size limits from the reference shape when there is one. */
  | { readonly kind: 'list'; readonly shape?: ShapeName; readonly member: MemberSpec }
  /** A structure: its known members, and its required members (`REQUIRED[name]`). */
  | { readonly kind: 'structure'; readonly name: string; readonly members: Readonly<Record<string, MemberSpec>> }
  /** A member whose limits the reference file does not give: its JSON type only. */
  | { readonly kind: 'string' | 'integer' | 'boolean' }
  /** A member the pipeline never sends and the stand-in does not model: accepted as is. */
  | { readonly kind: 'document' };

const shape = (name: ShapeName): MemberSpec => ({ kind: 'shape', shape: name });
const list = (member: MemberSpec, listShape?: ShapeName): MemberSpec =>
  listShape === undefined ? { kind: 'list', member } : { kind: 'list', shape: listShape, member };
const structure = (name: string, members: Record<string, MemberSpec>): MemberSpec => ({ kind: 'structure', name, members });
const STRING: MemberSpec = { kind: 'string' };
const INTEGER: MemberSpec = { kind: 'integer' };
const BOOLEAN: MemberSpec = { kind: 'boolean' };
const DOCUMENT: MemberSpec = { kind: 'document' };

const TAGS = list(structure('Tag', { Key: shape('TagKey'), Value: shape('TagValue') }), 'TagList');
const VPC_CONFIG = structure('VpcConfig', {
  SecurityGroupIds: list(shape('SecurityGroupId'), 'VpcSecurityGroupIds'),
  Subnets: list(shape('SubnetId'), 'Subnets'),
});
const EXPERIMENT_CONFIG = DOCUMENT;

const CHANNEL = structure('Channel', {
  ChannelName: shape('ChannelName'),
  DataSource: structure('DataSource', {
    S3DataSource: structure('S3DataSource', {
      S3DataType: shape('S3DataType'),
      S3Uri: shape('S3Uri'),
      S3DataDistributionType: shape('S3DataDistribution'),
      AttributeNames: list(STRING),
      InstanceGroupNames: list(STRING),
      ModelAccessConfig: DOCUMENT,
      HubAccessConfig: DOCUMENT,
    }),
    FileSystemDataSource: DOCUMENT,
    DatasetSource: DOCUMENT,
  }),
  ContentType: shape('ContentType'),
  CompressionType: shape('CompressionType'),
  RecordWrapperType: shape('RecordWrapper'),
  InputMode: shape('TrainingInputMode'),
  ShuffleConfig: DOCUMENT,
});

const OUTPUT_DATA_CONFIG = structure('OutputDataConfig', {
  KmsKeyId: shape('KmsKeyId'),
  S3OutputPath: shape('S3Uri'),
  CompressionType: STRING,
});
const STOPPING_CONDITION = structure('StoppingCondition', {
  MaxRuntimeInSeconds: shape('MaxRuntimeInSeconds'),
  MaxWaitTimeInSeconds: shape('MaxWaitTimeInSeconds'),
  MaxPendingTimeInSeconds: INTEGER,
});
const RESOURCE_CONFIG = structure('ResourceConfig', {
  InstanceType: shape('TrainingInstanceType'),
  InstanceCount: shape('TrainingInstanceCount'),
  VolumeSizeInGB: shape('VolumeSizeInGB'),
  VolumeKmsKeyId: shape('KmsKeyId'),
  KeepAlivePeriodInSeconds: INTEGER,
  InstanceGroups: list(DOCUMENT),
  TrainingPlanArn: STRING,
  InstancePlacementConfig: DOCUMENT,
  InstancePreferences: list(DOCUMENT),
  SelectedInstanceType: STRING,
  SelectedInstanceCount: INTEGER,
});
const CHECKPOINT_CONFIG = structure('CheckpointConfig', { S3Uri: shape('S3Uri'), LocalPath: STRING });
const RETRY_STRATEGY = structure('RetryStrategy', { MaximumRetryAttempts: INTEGER });

const CREATE_TRAINING_JOB = structure('CreateTrainingJob', {
  TrainingJobName: shape('TrainingJobName'),
  HyperParameters: shape('HyperParameters'),
  AlgorithmSpecification: structure('AlgorithmSpecification', {
    TrainingImage: shape('AlgorithmImage'),
    AlgorithmName: STRING,
    TrainingInputMode: shape('TrainingInputMode'),
    MetricDefinitions: list(DOCUMENT),
    EnableSageMakerMetricsTimeSeries: BOOLEAN,
    ContainerEntrypoint: list(STRING),
    ContainerArguments: list(STRING),
    TrainingImageConfig: DOCUMENT,
  }),
  RoleArn: shape('RoleArn'),
  InputDataConfig: list(CHANNEL, 'InputDataConfig'),
  OutputDataConfig: OUTPUT_DATA_CONFIG,
  ResourceConfig: RESOURCE_CONFIG,
  VpcConfig: VPC_CONFIG,
  StoppingCondition: STOPPING_CONDITION,
  Tags: TAGS,
  EnableNetworkIsolation: BOOLEAN,
  EnableInterContainerTrafficEncryption: BOOLEAN,
  EnableManagedSpotTraining: BOOLEAN,
  CheckpointConfig: CHECKPOINT_CONFIG,
  DebugHookConfig: DOCUMENT,
  DebugRuleConfigurations: list(DOCUMENT),
  TensorBoardOutputConfig: DOCUMENT,
  ExperimentConfig: EXPERIMENT_CONFIG,
  ProfilerConfig: DOCUMENT,
  ProfilerRuleConfigurations: list(DOCUMENT),
  Environment: shape('TrainingEnvironmentMap'),
  RetryStrategy: RETRY_STRATEGY,
  RemoteDebugConfig: DOCUMENT,
  InfraCheckConfig: DOCUMENT,
  SessionChainingConfig: DOCUMENT,
  ServerlessJobConfig: DOCUMENT,
  MlflowConfig: DOCUMENT,
  ModelPackageConfig: DOCUMENT,
});

const CONTAINER_DEFINITION = structure('ContainerDefinition', {
  ContainerHostname: STRING,
  Image: shape('ContainerImage'),
  ImageConfig: DOCUMENT,
  Mode: STRING,
  ModelDataUrl: shape('Url'),
  ModelDataSource: DOCUMENT,
  AdditionalModelDataSources: list(DOCUMENT),
  Environment: shape('EnvironmentMap'),
  ModelPackageName: STRING,
  InferenceSpecificationName: STRING,
  MultiModelConfig: DOCUMENT,
  ContainerMetricsConfig: DOCUMENT,
});

const CREATE_MODEL = structure('CreateModel', {
  ModelName: shape('ModelName'),
  PrimaryContainer: CONTAINER_DEFINITION,
  Containers: list(CONTAINER_DEFINITION),
  InferenceExecutionConfig: DOCUMENT,
  ExecutionRoleArn: shape('RoleArn'),
  Tags: TAGS,
  VpcConfig: VPC_CONFIG,
  EnableNetworkIsolation: BOOLEAN,
});

const CREATE_TRANSFORM_JOB = structure('CreateTransformJob', {
  TransformJobName: shape('TransformJobName'),
  ModelName: shape('ModelName'),
  MaxConcurrentTransforms: shape('MaxConcurrentTransforms'),
  ModelClientConfig: structure('ModelClientConfig', { InvocationsTimeoutInSeconds: INTEGER, InvocationsMaxRetries: INTEGER }),
  MaxPayloadInMB: shape('MaxPayloadInMB'),
  BatchStrategy: shape('BatchStrategy'),
  Environment: shape('TransformEnvironmentMap'),
  TransformInput: structure('TransformInput', {
    DataSource: structure('TransformDataSource', {
      S3DataSource: structure('S3DataSource', { S3DataType: shape('S3DataType'), S3Uri: shape('S3Uri') }),
    }),
    ContentType: shape('ContentType'),
    CompressionType: shape('CompressionType'),
    SplitType: shape('SplitType'),
  }),
  TransformOutput: structure('TransformOutput', {
    S3OutputPath: shape('S3Uri'),
    Accept: shape('Accept'),
    // The member is AssembleWith; AssemblyType is the name of its shape.
    AssembleWith: shape('AssemblyType'),
    KmsKeyId: shape('KmsKeyId'),
  }),
  DataCaptureConfig: DOCUMENT,
  TransformResources: structure('TransformResources', {
    InstanceType: shape('TransformInstanceType'),
    InstanceCount: shape('TransformInstanceCount'),
    VolumeKmsKeyId: shape('KmsKeyId'),
    TransformAmiVersion: STRING,
  }),
  DataProcessing: structure('DataProcessing', { InputFilter: STRING, OutputFilter: STRING, JoinSource: STRING }),
  Tags: TAGS,
  ExperimentConfig: EXPERIMENT_CONFIG,
});

const TUNING_OBJECTIVE = structure('HyperParameterTuningJobObjective', {
  Type: shape('HyperParameterTuningJobObjectiveType'),
  MetricName: shape('MetricName'),
});
const numericRange = (name: 'IntegerParameterRange' | 'ContinuousParameterRange'): MemberSpec =>
  structure(name, {
    Name: shape('ParameterKey'),
    MinValue: shape('ParameterValue'),
    MaxValue: shape('ParameterValue'),
    ScalingType: shape('HyperParameterScalingType'),
  });
const PARAMETER_RANGES = structure('ParameterRanges', {
  IntegerParameterRanges: list(numericRange('IntegerParameterRange'), 'IntegerParameterRanges'),
  ContinuousParameterRanges: list(numericRange('ContinuousParameterRange'), 'ContinuousParameterRanges'),
  CategoricalParameterRanges: list(
    structure('CategoricalParameterRange', { Name: shape('ParameterKey'), Values: list(shape('ParameterValue'), 'ParameterValues') }),
    'CategoricalParameterRanges',
  ),
  AutoParameters: list(DOCUMENT),
});

/** The training jobs a tuning job launches: CreateTrainingJob's members, with static hyperparameters. */
const TRAINING_JOB_DEFINITION = structure('HyperParameterTrainingJobDefinition', {
  DefinitionName: shape('HyperParameterTrainingJobDefinitionName'),
  TuningObjective: TUNING_OBJECTIVE,
  HyperParameterRanges: PARAMETER_RANGES,
  StaticHyperParameters: shape('HyperParameters'),
  AlgorithmSpecification: structure('HyperParameterAlgorithmSpecification', {
    TrainingImage: shape('AlgorithmImage'),
    TrainingInputMode: shape('TrainingInputMode'),
    AlgorithmName: STRING,
    MetricDefinitions: list(DOCUMENT),
  }),
  RoleArn: shape('RoleArn'),
  InputDataConfig: list(CHANNEL, 'InputDataConfig'),
  VpcConfig: VPC_CONFIG,
  OutputDataConfig: OUTPUT_DATA_CONFIG,
  ResourceConfig: RESOURCE_CONFIG,
  HyperParameterTuningResourceConfig: DOCUMENT,
  StoppingCondition: STOPPING_CONDITION,
  EnableNetworkIsolation: BOOLEAN,
  EnableInterContainerTrafficEncryption: BOOLEAN,
  EnableManagedSpotTraining: BOOLEAN,
  CheckpointConfig: CHECKPOINT_CONFIG,
  RetryStrategy: RETRY_STRATEGY,
  Environment: DOCUMENT,
});

const CREATE_HYPER_PARAMETER_TUNING_JOB = structure('CreateHyperParameterTuningJob', {
  HyperParameterTuningJobName: shape('HyperParameterTuningJobName'),
  HyperParameterTuningJobConfig: structure('HyperParameterTuningJobConfig', {
    Strategy: shape('HyperParameterTuningJobStrategyType'),
    StrategyConfig: DOCUMENT,
    HyperParameterTuningJobObjective: TUNING_OBJECTIVE,
    ResourceLimits: structure('ResourceLimits', {
      MaxNumberOfTrainingJobs: shape('MaxNumberOfTrainingJobs'),
      MaxParallelTrainingJobs: shape('MaxParallelTrainingJobs'),
      MaxRuntimeInSeconds: shape('HyperParameterTuningMaxRuntimeInSeconds'),
    }),
    ParameterRanges: PARAMETER_RANGES,
    TrainingJobEarlyStoppingType: shape('TrainingJobEarlyStoppingType'),
    TuningJobCompletionCriteria: DOCUMENT,
    RandomSeed: INTEGER,
  }),
  TrainingJobDefinition: TRAINING_JOB_DEFINITION,
  TrainingJobDefinitions: list(TRAINING_JOB_DEFINITION),
  WarmStartConfig: DOCUMENT,
  Tags: TAGS,
  Autotune: DOCUMENT,
});

/** DescribeTrainingJob, as the AWS SDK integration (`aws-sdk:sagemaker:describeTrainingJob`) takes it. */
const DESCRIBE_TRAINING_JOB = structure('DescribeTrainingJob', { TrainingJobName: shape('TrainingJobName') });

/**
 * The model registry and endpoint operations (botocore 1.43.11 service description: CreateModelPackageInput,
 * CreateEndpointConfigInput, CreateEndpointInput, UpdateEndpointInput, DescribeEndpointInput,
 * DescribeModelPackageInput), as the AWS SDK integration takes them. Members the pipeline never sends are documents.
 */
const CREATE_MODEL_PACKAGE = structure('CreateModelPackage', {
  ModelPackageName: shape('EntityName'),
  ModelPackageGroupName: shape('ArnOrName'),
  ModelPackageDescription: shape('EntityDescription'),
  ModelPackageRegistrationType: STRING,
  InferenceSpecification: structure('InferenceSpecification', {
    Containers: list(
      structure('ModelPackageContainerDefinition', {
        ContainerHostname: STRING,
        Image: shape('ContainerImage'),
        ImageDigest: STRING,
        ModelDataUrl: shape('Url'),
        ModelDataSource: DOCUMENT,
        ProductId: STRING,
        Environment: shape('EnvironmentMap'),
        ModelInput: DOCUMENT,
        Framework: STRING,
        FrameworkVersion: STRING,
        NearestModelName: STRING,
        AdditionalModelDataSources: list(DOCUMENT),
        AdditionalS3DataSource: DOCUMENT,
        ModelDataETag: STRING,
        IsCheckpoint: BOOLEAN,
        BaseModel: DOCUMENT,
      }),
      'ModelPackageContainerDefinitionList',
    ),
    SupportedTransformInstanceTypes: list(shape('TransformInstanceType'), 'TransformInstanceTypes'),
    SupportedRealtimeInferenceInstanceTypes: list(shape('ProductionVariantInstanceType'), 'RealtimeInferenceInstanceTypes'),
    SupportedContentTypes: list(shape('ContentType'), 'ContentTypes'),
    SupportedResponseMIMETypes: list(shape('ResponseMIMEType'), 'ResponseMIMETypes'),
  }),
  ValidationSpecification: DOCUMENT,
  SourceAlgorithmSpecification: DOCUMENT,
  CertifyForMarketplace: BOOLEAN,
  Tags: TAGS,
  ModelApprovalStatus: shape('ModelApprovalStatus'),
  MetadataProperties: structure('MetadataProperties', {
    CommitId: shape('MetadataPropertyValue'),
    Repository: shape('MetadataPropertyValue'),
    GeneratedBy: shape('MetadataPropertyValue'),
    ProjectId: shape('MetadataPropertyValue'),
  }),
  ModelMetrics: DOCUMENT,
  ClientToken: STRING,
  Domain: STRING,
  Task: STRING,
  SamplePayloadUrl: shape('S3Uri'),
  CustomerMetadataProperties: shape('CustomerMetadataMap'),
  DriftCheckBaselines: DOCUMENT,
  AdditionalInferenceSpecifications: list(DOCUMENT),
  SkipModelValidation: STRING,
  SourceUri: STRING,
  SecurityConfig: DOCUMENT,
  ModelCard: DOCUMENT,
  ModelLifeCycle: DOCUMENT,
  ManagedStorageType: STRING,
});
const DESCRIBE_MODEL_PACKAGE = structure('DescribeModelPackage', { ModelPackageName: shape('VersionedArnOrName') });
const CREATE_ENDPOINT_CONFIG = structure('CreateEndpointConfig', {
  EndpointConfigName: shape('EndpointConfigName'),
  ProductionVariants: list(
    structure('ProductionVariant', {
      VariantName: shape('VariantName'),
      ModelName: shape('ModelName'),
      InitialInstanceCount: shape('InitialTaskCount'),
      InstanceType: shape('ProductionVariantInstanceType'),
      InstancePools: list(DOCUMENT),
      VariantInstanceProvisionTimeoutInSeconds: INTEGER,
      InitialVariantWeight: DOCUMENT,
      AcceleratorType: STRING,
      CoreDumpConfig: DOCUMENT,
      ServerlessConfig: DOCUMENT,
      VolumeSizeInGB: INTEGER,
      ModelDataDownloadTimeoutInSeconds: INTEGER,
      ContainerStartupHealthCheckTimeoutInSeconds: INTEGER,
      EnableSSMAccess: BOOLEAN,
      ManagedInstanceScaling: DOCUMENT,
      RoutingConfig: DOCUMENT,
      InferenceAmiVersion: STRING,
      CapacityReservationConfig: DOCUMENT,
    }),
    'ProductionVariantList',
  ),
  DataCaptureConfig: DOCUMENT,
  Tags: TAGS,
  KmsKeyId: shape('KmsKeyId'),
  AsyncInferenceConfig: DOCUMENT,
  ExplainerConfig: DOCUMENT,
  ShadowProductionVariants: list(DOCUMENT),
  ExecutionRoleArn: shape('RoleArn'),
  VpcConfig: VPC_CONFIG,
  EnableNetworkIsolation: BOOLEAN,
  MetricsConfig: DOCUMENT,
});
const CREATE_ENDPOINT = structure('CreateEndpoint', {
  EndpointName: shape('EndpointName'),
  EndpointConfigName: shape('EndpointConfigName'),
  DeploymentConfig: DOCUMENT,
  Tags: TAGS,
});
const UPDATE_ENDPOINT = structure('UpdateEndpoint', {
  EndpointName: shape('EndpointName'),
  EndpointConfigName: shape('EndpointConfigName'),
  RetainAllVariantProperties: BOOLEAN,
  ExcludeRetainedVariantProperties: list(DOCUMENT),
  DeploymentConfig: DOCUMENT,
  RetainDeploymentConfig: BOOLEAN,
});
const DESCRIBE_ENDPOINT = structure('DescribeEndpoint', { EndpointName: shape('EndpointName') });

/** The request model of each operation. */
export const REQUEST_MODELS: Readonly<Record<SageMakerApi, MemberSpec>> = {
  CreateTrainingJob: CREATE_TRAINING_JOB,
  CreateModel: CREATE_MODEL,
  CreateTransformJob: CREATE_TRANSFORM_JOB,
  CreateHyperParameterTuningJob: CREATE_HYPER_PARAMETER_TUNING_JOB,
  DescribeTrainingJob: DESCRIBE_TRAINING_JOB,
  CreateModelPackage: CREATE_MODEL_PACKAGE,
  DescribeModelPackage: DESCRIBE_MODEL_PACKAGE,
  CreateEndpointConfig: CREATE_ENDPOINT_CONFIG,
  CreateEndpoint: CREATE_ENDPOINT,
  UpdateEndpoint: UPDATE_ENDPOINT,
  DescribeEndpoint: DESCRIBE_ENDPOINT,
};

/** The top-level members each operation accepts. */
export function requestMembers(api: SageMakerApi): string[] {
  const model = REQUEST_MODELS[api];
  return model.kind === 'structure' ? Object.keys(model.members) : [];
}

export { isPlainObject };

/** Absent, for both Step Functions and SageMaker: JSON null is how an unset member travels. */
function isAbsent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

const joinPath = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

// ---------------------------------------------------------------------------------------------------
// 1. Step Functions: unknown fields and JSON types
// ---------------------------------------------------------------------------------------------------

const TYPE_WORDS = { string: 'a STRING', integer: 'an INTEGER', boolean: 'a BOOLEAN', object: 'an OBJECT', array: 'an ARRAY' } as const;

/**
 * What Step Functions would refuse in resolved Parameters: fields the integration does not have, at any
 * depth the stand-in models, and values of the wrong JSON type. Paths are PascalCase, as in Parameters.
 * (Wording: "The field "X" is not supported by Step Functions" is the reported one; the type wording
 * follows Step Functions' "The value for the field 'X' must be …" messages.)
 */
export function parameterProblems(api: SageMakerApi, request: unknown): string[] {
  const problems: string[] = [];
  if (!isPlainObject(request)) {
    return [`The Parameters of a ${api} task must be ${TYPE_WORDS.object}`];
  }
  typeProblems(REQUEST_MODELS[api], request, '', problems);
  return problems;
}

function typeProblems(spec: MemberSpec, value: unknown, path: string, problems: string[]): void {
  if (isAbsent(value)) {
    return;
  }
  const wrongType = (type: keyof typeof TYPE_WORDS) => problems.push(`The value for the field '${path}' must be ${TYPE_WORDS[type]}`);
  switch (spec.kind) {
    case 'document':
      return;
    case 'string':
      if (typeof value !== 'string') wrongType('string');
      return;
    case 'integer':
      if (!Number.isInteger(value)) wrongType('integer');
      return;
    case 'boolean':
      if (typeof value !== 'boolean') wrongType('boolean');
      return;
    case 'list':
      if (!Array.isArray(value)) {
        wrongType('array');
        return;
      }
      value.forEach((element, index) => typeProblems(spec.member, element, `${path}[${index}]`, problems));
      return;
    case 'structure':
      if (!isPlainObject(value)) {
        wrongType('object');
        return;
      }
      for (const [key, memberValue] of Object.entries(value)) {
        const member = Object.hasOwn(spec.members, key) ? spec.members[key] : undefined;
        if (member === undefined) {
          problems.push(`The field "${key}" is not supported by Step Functions${path === '' ? '' : ` (in ${path})`}`);
        } else {
          typeProblems(member, memberValue, joinPath(path, key), problems);
        }
      }
      return;
    case 'shape': {
      const referenceShape = SHAPES[spec.shape];
      if (referenceShape.type === 'string') {
        if (typeof value !== 'string') wrongType('string');
      } else if (referenceShape.type === 'integer') {
        if (!Number.isInteger(value)) wrongType('integer');
      } else if (referenceShape.type === 'map') {
        if (!isPlainObject(value)) {
          wrongType('object');
          return;
        }
        for (const [key, entry] of Object.entries(value)) {
          if (typeof entry !== 'string') {
            problems.push(`The value for the field '${joinPath(path, key)}' must be ${TYPE_WORDS.string}`);
          }
        }
      } else if (!Array.isArray(value)) {
        wrongType('array');
      }
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// 2. SageMaker: the service model's constraints, in the service's words
// ---------------------------------------------------------------------------------------------------

const PATTERNS = new Map<string, RegExp>();

/**
 * The shape's pattern as a whole-value match (the service model's patterns are Java regular expressions
 * applied to the whole value). Compiled with the `u` flag, which `\p{L}` (TagKey, TagValue) requires and
 * the other patterns allow.
 */
export function compiledPattern(pattern: string): RegExp {
  let regex = PATTERNS.get(pattern);
  if (regex === undefined) {
    // Java accepts a quantifier on `$` (CustomerMetadataKey's `…*)${1,128}`), where it still means the end of the
    // value; JavaScript rejects it ("Nothing to repeat"), so it is read as the plain `$` it is.
    regex = new RegExp(`^(?:${pattern.replace(/\$\{\d+,\d+\}/g, '$')})$`, 'u');
    PATTERNS.set(pattern, regex);
  }
  return regex;
}

/** A value as the service quotes it in a message. */
export function renderValue(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** lowerCamel member names, as the service's messages spell paths (`resourceConfig.instanceType`). */
const wireName = (member: string): string => member.charAt(0).toLowerCase() + member.slice(1);

function stringConstraintFailures(stringShape: StringShape, value: string): string[] {
  const failures: string[] = [];
  if (stringShape.max !== undefined && value.length > stringShape.max) {
    failures.push(`Member must have length less than or equal to ${stringShape.max}`);
  }
  if (stringShape.min !== undefined && value.length < stringShape.min) {
    failures.push(`Member must have length greater than or equal to ${stringShape.min}`);
  }
  if (stringShape.pattern !== undefined && !compiledPattern(stringShape.pattern).test(value)) {
    failures.push(`Member must satisfy regular expression pattern: ${stringShape.pattern}`);
  }
  if (stringShape.enum !== undefined && !stringShape.enum.includes(value)) {
    failures.push(`Member must satisfy enum value set: [${stringShape.enum.join(', ')}]`);
  }
  return failures;
}

function sizeFailures(limitsOf: { readonly min?: number; readonly max?: number }, size: number): string[] {
  const failures: string[] = [];
  if (limitsOf.max !== undefined && size > limitsOf.max) failures.push(`Member must have length less than or equal to ${limitsOf.max}`);
  if (limitsOf.min !== undefined && size < limitsOf.min) failures.push(`Member must have length greater than or equal to ${limitsOf.min}`);
  return failures;
}

/**
 * Every constraint of the service model the request breaks, each as the service words it:
 * `Value 'x' at 'trainingJobName' failed to satisfy constraint: Member must …`. Expects a request that
 * passed {@link parameterProblems} (types are right).
 */
export function constraintViolations(api: SageMakerApi, request: Record<string, unknown>): string[] {
  const violations: string[] = [];
  checkConstraints(REQUEST_MODELS[api], request, '', violations);
  return violations;
}

function checkConstraints(spec: MemberSpec, value: unknown, path: string, violations: string[]): void {
  if (isAbsent(value)) {
    return;
  }
  const violation = (failure: string, shown: unknown = value) =>
    violations.push(`Value '${renderValue(shown)}' at '${path}' failed to satisfy constraint: ${failure}`);
  switch (spec.kind) {
    case 'structure': {
      if (!isPlainObject(value)) return;
      for (const required of REQUIRED[spec.name] ?? []) {
        if (isAbsent(value[required])) {
          violations.push(`Value null at '${joinPath(path, wireName(required))}' failed to satisfy constraint: Member must not be null`);
        }
      }
      for (const [key, member] of Object.entries(spec.members)) {
        checkConstraints(member, value[key], joinPath(path, wireName(key)), violations);
      }
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) return;
      if (spec.shape !== undefined) {
        sizeFailures(SHAPES[spec.shape], value.length).forEach((failure) => violation(failure));
      }
      value.forEach((element, index) => checkConstraints(spec.member, element, `${path}.${index + 1}.member`, violations));
      return;
    }
    case 'shape': {
      const referenceShape = SHAPES[spec.shape];
      if (referenceShape.type === 'string' && typeof value === 'string') {
        stringConstraintFailures(referenceShape, value).forEach((failure) => violation(failure));
      } else if (referenceShape.type === 'integer' && typeof value === 'number') {
        if (referenceShape.min !== undefined && value < referenceShape.min) {
          violation(`Member must have value greater than or equal to ${referenceShape.min}`);
        }
        if (referenceShape.max !== undefined && value > referenceShape.max) {
          violation(`Member must have value less than or equal to ${referenceShape.max}`);
        }
      } else if (referenceShape.type === 'map' && isPlainObject(value)) {
        checkMap(referenceShape, value, violation);
      }
      return;
    }
    default:
      return;
  }
}

function checkMap(mapShape: MapShape, value: Record<string, unknown>, violation: (failure: string) => void): void {
  const entries = Object.entries(value);
  sizeFailures(mapShape, entries.length).forEach((failure) => violation(failure));
  const keyShape = SHAPES[mapShape.key];
  const valueShape = SHAPES[mapShape.value];
  const keyFailures = new Set<string>();
  const valueFailures = new Set<string>();
  for (const [key, entry] of entries) {
    if (keyShape.type === 'string') stringConstraintFailures(keyShape, key).forEach((failure) => keyFailures.add(failure));
    if (valueShape.type === 'string' && typeof entry === 'string') {
      stringConstraintFailures(valueShape, entry).forEach((failure) => valueFailures.add(failure));
    }
  }
  if (keyFailures.size > 0) violation(`Map keys must satisfy constraint: [${[...keyFailures].join(', ')}]`);
  if (valueFailures.size > 0) violation(`Map value must satisfy constraint: [${[...valueFailures].join(', ')}]`);
}

/** The service's summary line: `1 validation error detected: …` / `3 validation errors detected: …; …`. */
export function validationMessage(violations: readonly string[]): string {
  const count = violations.length;
  return `${count} validation error${count === 1 ? '' : 's'} detected: ${violations.join('; ')}`;
}
