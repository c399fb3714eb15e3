import limits from '../../core/reference/sagemaker-api-limits.json';
import { modelRequest, trainingRequest, transformRequest, tuningRequest } from '../support/sagemaker-fixtures';
import { compiledPattern, requestMembers } from '../../simulation/sagemaker-request-model';
import {
  type DescribeTrainingJobResponse,
  type DescribeTransformJobResponse,
  SAGEMAKER_ERROR_NAMES,
  SageMakerStandIn,
  StepFunctionsTaskError,
} from '../../simulation/sagemaker-stand-in';

const VALIDATION = 'SageMaker.AmazonSageMakerException';
const START = '2025-01-06T09:00:00.000Z';

/** The error a promise rejects with (fails the test if it resolves). */
async function rejectionOf(promise: Promise<unknown>): Promise<StepFunctionsTaskError> {
  try {
    await promise;
  } catch (error) {
    return error as StepFunctionsTaskError;
  }
  throw new Error('expected the call to be rejected');
}

describe('SageMakerStandIn: valid requests', () => {
  test('answers a reference training request with the DescribeTrainingJob shape of a completed job', async () => {
    const sageMaker = new SageMakerStandIn({ startTime: START, trainingSeconds: 1800 });
    const request = trainingRequest();
    const job = await sageMaker.createTrainingJobSync(request);

    const created = Date.parse(START);
    expect(job).toEqual({
      TrainingJobName: 'caltech-baseline-a1b2c3-train',
      TrainingJobArn: 'arn:aws:sagemaker:us-east-1:123456789012:training-job/caltech-baseline-a1b2c3-train',
      ModelArtifacts: {
        S3ModelArtifacts: 's3://ic-artifact-bucket/runs/caltech-baseline-a1b2c3/model/caltech-baseline-a1b2c3-train/output/model.tar.gz',
      },
      TrainingJobStatus: 'Completed',
      SecondaryStatus: 'Completed',
      HyperParameters: request.HyperParameters,
      AlgorithmSpecification: { ...request.AlgorithmSpecification, EnableSageMakerMetricsTimeSeries: false },
      RoleArn: request.RoleArn,
      InputDataConfig: request.InputDataConfig.map((channel: object) => ({ ...channel, RecordWrapperType: 'None' })),
      OutputDataConfig: request.OutputDataConfig,
      ResourceConfig: request.ResourceConfig,
      StoppingCondition: request.StoppingCondition,
      CreationTime: created,
      TrainingStartTime: created + 120_000,
      TrainingEndTime: created + 120_000 + 1_800_000,
      LastModifiedTime: created + 120_000 + 1_800_000 + 5_000,
      SecondaryStatusTransitions: expect.any(Array),
      FinalMetricDataList: [
        { MetricName: 'train:accuracy', Value: 0.9, Timestamp: created + 1_920_000 },
        { MetricName: 'validation:accuracy', Value: 0.85, Timestamp: created + 1_920_000 },
      ],
      EnableNetworkIsolation: true,
      EnableInterContainerTrafficEncryption: false,
      EnableManagedSpotTraining: false,
      TrainingTimeInSeconds: 1800,
      BillableTimeInSeconds: 1800,
    });
    expect(job.SecondaryStatusTransitions.map((transition) => transition.Status)).toEqual([
      'Starting',
      'Downloading',
      'Training',
      'Uploading',
      'Completed',
    ]);
    expect(job.FailureReason).toBeUndefined();
  });

  test('adds the trailing slash to S3OutputPath only when it is missing', async () => {
    const sageMaker = new SageMakerStandIn();
    const request = trainingRequest();
    request.OutputDataConfig.S3OutputPath = 's3://ic-artifact-bucket/runs/r1/model/';
    const job = await sageMaker.createTrainingJobSync(request);
    expect(job.ModelArtifacts?.S3ModelArtifacts).toBe('s3://ic-artifact-bucket/runs/r1/model/caltech-baseline-a1b2c3-train/output/model.tar.gz');
  });

  test('fills the channel defaults SageMaker reports and takes the metrics, Region and account from its options', async () => {
    const sageMaker = new SageMakerStandIn({
      region: 'cn-north-1',
      account: '210987654321',
      finalMetrics: { 'train:accuracy': 0.5, 'validation:accuracy': 0.42 },
    });
    const request = trainingRequest('Caltech-Upper');
    delete request.InputDataConfig[0].DataSource.S3DataSource.S3DataDistributionType;
    delete request.InputDataConfig[0].CompressionType;
    const job = await sageMaker.createTrainingJobSync(request);
    // SageMaker lower-cases names in ARNs; China Regions are in the aws-cn partition.
    expect(job.TrainingJobArn).toBe('arn:aws-cn:sagemaker:cn-north-1:210987654321:training-job/caltech-upper');
    expect(job.TrainingJobName).toBe('Caltech-Upper');
    expect(job.InputDataConfig?.[0]).toMatchObject({
      CompressionType: 'None',
      RecordWrapperType: 'None',
      DataSource: { S3DataSource: { S3DataDistributionType: 'FullyReplicated' } },
    });
    expect(job.FinalMetricDataList?.map(({ MetricName, Value }) => [MetricName, Value])).toEqual([
      ['train:accuracy', 0.5],
      ['validation:accuracy', 0.42],
    ]);
  });

  test('answers CreateModel with the model ARN', async () => {
    const sageMaker = new SageMakerStandIn();
    await expect(sageMaker.createModel(modelRequest())).resolves.toEqual({
      ModelArn: 'arn:aws:sagemaker:us-east-1:123456789012:model/caltech-baseline-a1b2c3-model',
    });
  });

  test('answers a reference transform request with the DescribeTransformJob shape of a completed job', async () => {
    const sageMaker = new SageMakerStandIn({ startTime: START, transformSeconds: 300 });
    const request = transformRequest();
    const job = await sageMaker.createTransformJobSync(request);
    const created = Date.parse(START);
    expect(job).toEqual({
      TransformJobName: 'caltech-baseline-a1b2c3-transform',
      TransformJobArn: 'arn:aws:sagemaker:us-east-1:123456789012:transform-job/caltech-baseline-a1b2c3-transform',
      TransformJobStatus: 'Completed',
      ModelName: 'caltech-baseline-a1b2c3-model',
      MaxConcurrentTransforms: 16,
      MaxPayloadInMB: 6,
      BatchStrategy: 'SingleRecord',
      Environment: {},
      TransformInput: request.TransformInput,
      TransformOutput: request.TransformOutput,
      TransformResources: request.TransformResources,
      CreationTime: created,
      TransformStartTime: created + 120_000,
      TransformEndTime: created + 420_000,
      DataProcessing: { InputFilter: '$', OutputFilter: '$', JoinSource: 'None' },
    });
  });

  test('reports SageMaker defaults for transform members the request leaves out', async () => {
    const request = transformRequest();
    delete request.MaxPayloadInMB;
    delete request.TransformOutput.AssembleWith;
    delete request.TransformInput.SplitType;
    const job = await new SageMakerStandIn().createTransformJobSync(request);
    expect(job.MaxPayloadInMB).toBe(6);
    expect(job.TransformOutput.AssembleWith).toBe('None');
    expect(job.TransformInput.SplitType).toBe('None');
  });

  test('keeps a fake clock: later jobs start later, and equal runs give equal answers', async () => {
    const run = async () => {
      const sageMaker = new SageMakerStandIn({ startTime: START });
      const training = await sageMaker.createTrainingJobSync(trainingRequest());
      await sageMaker.createModel(modelRequest());
      const transform = await sageMaker.createTransformJobSync(transformRequest());
      return { training, transform };
    };
    const first = await run();
    expect(first.transform.CreationTime).toBeGreaterThan(first.training.LastModifiedTime);
    expect(await run()).toEqual(first);
  });

  test('accepts unicode letters in tags (TagKey/TagValue use \\p{L}) and a volume key on an EBS-backed instance', async () => {
    const request = trainingRequest();
    request.Tags = [{ Key: 'Projekt:Zürich', Value: 'Überprüfung 1' }];
    request.ResourceConfig.VolumeKmsKeyId = 'arn:aws:kms:us-east-1:123456789012:key/abcd';
    await expect(new SageMakerStandIn().createTrainingJobSync(request)).resolves.toMatchObject({ TrainingJobStatus: 'Completed' });
  });

  test('records every call with its request and answer', async () => {
    const sageMaker = new SageMakerStandIn();
    const request = trainingRequest();
    await sageMaker.createTrainingJobSync(request);
    request.TrainingJobName = 'changed-afterwards';
    await sageMaker.createModel(modelRequest());
    expect(sageMaker.calls.map((call) => call.api)).toEqual(['CreateTrainingJob', 'CreateModel']);
    expect(sageMaker.calls[0]?.request.TrainingJobName).toBe('caltech-baseline-a1b2c3-train');
    expect(sageMaker.calls[0]?.response).toMatchObject({ TrainingJobStatus: 'Completed' });
    expect(sageMaker.callsTo('CreateModel')).toHaveLength(1);
  });
});

describe('SageMakerStandIn: invalid requests, rejected as SageMaker or Step Functions would', () => {
  type Case = [description: string, api: 'train' | 'model' | 'transform', mutate: (request: Record<string, any>) => void, error: string, message: string[]];
  const LONG_NAME = `a${'b'.repeat(63)}`;
  const cases: Case[] = [
    [
      'a name that breaks the pattern',
      'train',
      (r) => (r.TrainingJobName = 'caltech_baseline'),
      VALIDATION,
      [
        "1 validation error detected: Value 'caltech_baseline' at 'trainingJobName' failed to satisfy constraint: " +
          'Member must satisfy regular expression pattern: [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}',
        'Error Code: ValidationException',
      ],
    ],
    [
      'a name longer than 63 characters',
      'train',
      (r) => (r.TrainingJobName = LONG_NAME),
      VALIDATION,
      ['2 validation errors detected', `Value '${LONG_NAME}' at 'trainingJobName' failed to satisfy constraint: Member must have length less than or equal to 63`],
    ],
    [
      'a training instance type outside the enum',
      'train',
      (r) => (r.ResourceConfig.InstanceType = 'ml.p3.2xlarg'),
      VALIDATION,
      ["Value 'ml.p3.2xlarg' at 'resourceConfig.instanceType' failed to satisfy constraint: Member must satisfy enum value set: [ml.m4.xlarge,"],
    ],
    [
      'a missing required member',
      'train',
      (r) => delete r.RoleArn,
      VALIDATION,
      ["Value null at 'roleArn' failed to satisfy constraint: Member must not be null"],
    ],
    [
      'a missing required member of a channel',
      'train',
      (r) => delete r.InputDataConfig[1].DataSource.S3DataSource.S3Uri,
      VALIDATION,
      ["Value null at 'inputDataConfig.2.member.dataSource.s3DataSource.s3Uri' failed to satisfy constraint: Member must not be null"],
    ],
    [
      '101 hyperparameters',
      'train',
      (r) => {
        for (let i = 0; i < 94; i += 1) r.HyperParameters[`extra_${i}`] = '1';
      },
      VALIDATION,
      ["at 'hyperParameters' failed to satisfy constraint: Member must have length less than or equal to 100"],
    ],
    [
      'a hyperparameter key longer than 256 characters',
      'train',
      (r) => (r.HyperParameters['k'.repeat(257)] = '1'),
      VALIDATION,
      ["at 'hyperParameters' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 256]"],
    ],
    [
      'MaxConcurrentTransforms x MaxPayloadInMB above 100',
      'transform',
      (r) => (r.MaxPayloadInMB = 7),
      VALIDATION,
      ['MaxConcurrentTransforms x MaxPayloadInMB (16 x 7 = 112) must not exceed 100 MB', "'maxConcurrentTransforms'"],
    ],
    [
      'MaxPayloadInMB above 100',
      'transform',
      (r) => {
        r.MaxPayloadInMB = 101;
        delete r.MaxConcurrentTransforms;
      },
      VALIDATION,
      ["Invalid MaxPayloadInMB '101' at 'maxPayloadInMB'"],
    ],
    [
      'a VolumeKmsKeyId on an instance with local NVMe storage',
      'train',
      (r) => {
        r.ResourceConfig.InstanceType = 'ml.g4dn.xlarge';
        r.ResourceConfig.VolumeKmsKeyId = 'arn:aws:kms:us-east-1:123456789012:key/abcd';
      },
      VALIDATION,
      ["VolumeKmsKeyId at 'resourceConfig.volumeKmsKeyId' is not supported for instance type ml.g4dn.xlarge"],
    ],
    [
      'a MaxRuntimeInSeconds above 28 days',
      'train',
      (r) => (r.StoppingCondition.MaxRuntimeInSeconds = 2_419_201),
      VALIDATION,
      ["Invalid MaxRuntimeInSeconds '2419201' at 'stoppingCondition.maxRuntimeInSeconds'", '2419200 seconds (28 days)'],
    ],
    [
      'a MaxWaitTimeInSeconds without managed spot training',
      'train',
      (r) => (r.StoppingCondition.MaxWaitTimeInSeconds = 400_000),
      VALIDATION,
      ["MaxWaitTimeInSeconds at 'stoppingCondition.maxWaitTimeInSeconds' is only valid with managed spot training"],
    ],
    [
      'managed spot training without a MaxWaitTimeInSeconds',
      'train',
      (r) => (r.EnableManagedSpotTraining = true),
      VALIDATION,
      ['Managed spot training (EnableManagedSpotTraining: true) needs a MaxWaitTimeInSeconds'],
    ],
    [
      'a spot MaxWaitTimeInSeconds shorter than MaxRuntimeInSeconds',
      'train',
      (r) => {
        r.EnableManagedSpotTraining = true;
        r.StoppingCondition.MaxWaitTimeInSeconds = r.StoppingCondition.MaxRuntimeInSeconds - 1;
      },
      VALIDATION,
      ["at 'stoppingCondition.maxWaitTimeInSeconds': it must be greater than or equal to MaxRuntimeInSeconds"],
    ],
    [
      'an S3 URI without a scheme',
      'train',
      (r) => (r.InputDataConfig[0].DataSource.S3DataSource.S3Uri = 'ic-data-bucket/train/'),
      VALIDATION,
      ["Value 'ic-data-bucket/train/' at 'inputDataConfig.1.member.dataSource.s3DataSource.s3Uri' failed to satisfy constraint: Member must satisfy regular expression pattern: (https|s3)://([^/]+)/?(.*)"],
    ],
    [
      'no input channel',
      'train',
      (r) => (r.InputDataConfig = []),
      VALIDATION,
      ["Value '[]' at 'inputDataConfig' failed to satisfy constraint: Member must have length greater than or equal to 1"],
    ],
    [
      '21 input channels',
      'train',
      (r) => (r.InputDataConfig = Array.from({ length: 21 }, (_, i) => ({ ...r.InputDataConfig[0], ChannelName: `c${i}` }))),
      VALIDATION,
      ["at 'inputDataConfig' failed to satisfy constraint: Member must have length less than or equal to 20"],
    ],
    [
      'a volume of 0 GB',
      'train',
      (r) => (r.ResourceConfig.VolumeSizeInGB = 0),
      VALIDATION,
      ["Value '0' at 'resourceConfig.volumeSizeInGB' failed to satisfy constraint: Member must have value greater than or equal to 1"],
    ],
    [
      'a role that is not an IAM role ARN',
      'train',
      (r) => (r.RoleArn = 'arn:aws:iam::123456789012:user/someone'),
      VALIDATION,
      ["at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws[a-z\\-]*:iam::\\d{12}:role/?"],
    ],
    [
      'a tag value with a character tags do not allow',
      'train',
      (r) => (r.Tags = [{ Key: 'ic-pipeline:run-id', Value: 'run#1' }]),
      VALIDATION,
      ["Value 'run#1' at 'tags.1.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern"],
    ],
    [
      '51 tags',
      'model',
      (r) => (r.Tags = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }))),
      VALIDATION,
      ["at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"],
    ],
    [
      '17 subnets and no security group',
      'model',
      (r) => (r.VpcConfig = { SecurityGroupIds: [], Subnets: Array.from({ length: 17 }, (_, i) => `subnet-${i}`) }),
      VALIDATION,
      [
        '2 validation errors detected',
        "Value '[]' at 'vpcConfig.securityGroupIds' failed to satisfy constraint: Member must have length greater than or equal to 1",
        "at 'vpcConfig.subnets' failed to satisfy constraint: Member must have length less than or equal to 16",
      ],
    ],
    [
      'a model data URL that is not a URL',
      'model',
      (r) => (r.PrimaryContainer.ModelDataUrl = 'model.tar.gz'),
      VALIDATION,
      ["Value 'model.tar.gz' at 'primaryContainer.modelDataUrl' failed to satisfy constraint"],
    ],
    [
      'a transform without an instance count',
      'transform',
      (r) => delete r.TransformResources.InstanceCount,
      VALIDATION,
      ["Value null at 'transformResources.instanceCount' failed to satisfy constraint: Member must not be null"],
    ],
    [
      'a transform input without its S3 data source',
      'transform',
      (r) => (r.TransformInput.DataSource = {}),
      VALIDATION,
      ["Value null at 'transformInput.dataSource.s3DataSource' failed to satisfy constraint: Member must not be null"],
    ],
    [
      '17 transform environment variables',
      'transform',
      (r) => (r.Environment = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`VAR_${i}`, 'x']))),
      VALIDATION,
      ["at 'environment' failed to satisfy constraint: Member must have length less than or equal to 16"],
    ],
    [
      'a hyperparameter value that is not a string',
      'train',
      (r) => (r.HyperParameters.epochs = 2),
      'States.Runtime',
      ["could not be used to start the Task: [The value for the field 'HyperParameters.epochs' must be a STRING]"],
    ],
    [
      'an instance count that is not an integer',
      'transform',
      (r) => (r.TransformResources.InstanceCount = '1'),
      'States.Runtime',
      ["[The value for the field 'TransformResources.InstanceCount' must be an INTEGER]"],
    ],
    [
      'an unknown top-level member',
      'train',
      (r) => (r.Foo = 'bar'),
      'States.Runtime',
      ['[The field "Foo" is not supported by Step Functions]'],
    ],
    [
      'an unknown member of a nested structure (AssemblyType is the shape, AssembleWith the member)',
      'transform',
      (r) => {
        delete r.TransformOutput.AssembleWith;
        r.TransformOutput.AssemblyType = 'None';
      },
      'States.Runtime',
      ['[The field "AssemblyType" is not supported by Step Functions (in TransformOutput)]'],
    ],
  ];

  test.each(cases)('rejects %s', async (_description, api, mutate, errorName, messageParts) => {
    const sageMaker = new SageMakerStandIn();
    const request = api === 'train' ? trainingRequest() : api === 'model' ? modelRequest() : transformRequest();
    mutate(request);
    const call =
      api === 'train'
        ? sageMaker.createTrainingJobSync(request)
        : api === 'model'
          ? sageMaker.createModel(request)
          : sageMaker.createTransformJobSync(request);
    const error = await rejectionOf(call);
    expect(error.name).toBe(errorName);
    for (const part of messageParts) expect(error.message).toContain(part);
    // Rejected calls are recorded too.
    expect(sageMaker.calls).toHaveLength(1);
    expect(sageMaker.calls[0]?.error).toEqual({ name: errorName, message: error.message });
  });

  test('reports Step Functions parameter problems as States.Runtime, which no Retry or Catch matches', async () => {
    const request = trainingRequest();
    request.Foo = 1;
    const error = await rejectionOf(new SageMakerStandIn().handlersFor({ train: 'Train model' })['Train model']!(request));
    expect(error).toBeInstanceOf(StepFunctionsTaskError);
    expect(error.name).toBe(SAGEMAKER_ERROR_NAMES.runtime);
    expect(error.isRetryable).toBe(false);
    expect(error.isCatchable).toBe(false);
    expect(error.message).toMatch(/^An error occurred while executing the state 'Train model'\. The Parameters '\{"TrainingJobName":/);
  });

  test('lists every violation of a request in one message', async () => {
    const request = trainingRequest('bad_name');
    delete request.OutputDataConfig;
    request.ResourceConfig.InstanceCount = -1;
    const error = await rejectionOf(new SageMakerStandIn().createTrainingJobSync(request));
    expect(error.message).toMatch(/^3 validation errors detected: /);
    expect(error.message).toContain("at 'trainingJobName'");
    expect(error.message).toContain("Value null at 'outputDataConfig' failed to satisfy constraint: Member must not be null");
    expect(error.message).toContain("Value '-1' at 'resourceConfig.instanceCount' failed to satisfy constraint: Member must have value greater than or equal to 0");
    expect(error.message).toMatch(/\(Service: AmazonSageMaker; Status Code: 400; Error Code: ValidationException; Request ID: [0-9a-f-]{36}; Proxy: null\)$/);
  });

  test('rejects a training job name already used, even in another case, as ResourceInUse', async () => {
    const sageMaker = new SageMakerStandIn();
    await sageMaker.createTrainingJobSync(trainingRequest('run-1-train'));
    const error = await rejectionOf(sageMaker.createTrainingJobSync(trainingRequest('Run-1-Train')));
    expect(error.name).toBe('SageMaker.ResourceInUseException');
    expect(error.message).toContain(
      'Training job names must be unique within an AWS account and region, and a training job with this name already exists ' +
        '(arn:aws:sagemaker:us-east-1:123456789012:training-job/run-1-train)',
    );
    expect(error.message).toContain('Error Code: ResourceInUse');
  });

  test('rejects a transform job name already used as ResourceInUse', async () => {
    const sageMaker = new SageMakerStandIn();
    await sageMaker.createTransformJobSync(transformRequest());
    const error = await rejectionOf(sageMaker.createTransformJobSync(transformRequest()));
    expect(error.name).toBe('SageMaker.ResourceInUseException');
    expect(error.message).toContain('Transform job names must be unique within an AWS account and region');
  });

  test('rejects a model name already used as a validation error (CreateModel has no ResourceInUse)', async () => {
    const sageMaker = new SageMakerStandIn();
    await sageMaker.createModel(modelRequest());
    const error = await rejectionOf(sageMaker.createModel(modelRequest()));
    expect(error.name).toBe(VALIDATION);
    expect(error.message).toContain('Cannot create already existing model "arn:aws:sagemaker:us-east-1:123456789012:model/caltech-baseline-a1b2c3-model"');
  });

  test('keeps names per resource type: a model may share the training job name', async () => {
    const sageMaker = new SageMakerStandIn();
    await sageMaker.createTrainingJobSync(trainingRequest('run-1'));
    await expect(sageMaker.createModel(modelRequest('run-1'))).resolves.toBeDefined();
    await expect(sageMaker.createTransformJobSync(transformRequest('run-1'))).resolves.toBeDefined();
  });

  test('does not reserve the name of a rejected request', async () => {
    const sageMaker = new SageMakerStandIn();
    const invalid = trainingRequest('run-2');
    invalid.ResourceConfig.InstanceType = 'ml.nope';
    await rejectionOf(sageMaker.createTrainingJobSync(invalid));
    await expect(sageMaker.createTrainingJobSync(trainingRequest('run-2'))).resolves.toMatchObject({ TrainingJobName: 'run-2' });
  });
});

describe('SageMakerStandIn: transient failures before a job exists', () => {
  test('throttles the first N valid calls of an API the way Step Functions reports SageMaker throttling', async () => {
    const sageMaker = new SageMakerStandIn({ outcomes: { throttledCalls: { CreateTrainingJob: 2 } } });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const error = await rejectionOf(sageMaker.createTrainingJobSync(trainingRequest()));
      expect(error.name).toBe('SageMaker.AmazonSageMakerException');
      expect(error.message).toMatch(/^Rate exceeded \(Service: AmazonSageMaker; Status Code: 400; Error Code: ThrottlingException; /);
    }
    // Nothing was created: the same name goes through on the third attempt.
    await expect(sageMaker.createTrainingJobSync(trainingRequest())).resolves.toMatchObject({ TrainingJobStatus: 'Completed' });
    await expect(sageMaker.createModel(modelRequest())).resolves.toBeDefined();
  });

  test('answers ResourceLimitExceeded for the next N valid calls, then creates the job', async () => {
    const sageMaker = new SageMakerStandIn({ outcomes: { resourceLimitExceededCalls: { CreateTransformJob: 1 } } });
    const error = await rejectionOf(sageMaker.createTransformJobSync(transformRequest()));
    expect(error.name).toBe('SageMaker.ResourceLimitExceededException');
    expect(error.message).toContain("The account-level service limit 'ml.c5.xlarge for transform job usage'");
    expect(error.message).toContain('Error Code: ResourceLimitExceeded');
    await expect(sageMaker.createTransformJobSync(transformRequest())).resolves.toMatchObject({ TransformJobStatus: 'Completed' });
    expect(sageMaker.calls.map((call) => call.error?.name ?? 'ok')).toEqual(['SageMaker.ResourceLimitExceededException', 'ok']);
  });

  test('validates before anything else: an invalid request is rejected as such and uses up no transient failure', async () => {
    const sageMaker = new SageMakerStandIn({ outcomes: { throttledCalls: { CreateModel: 1 } } });
    const invalid = modelRequest('bad_name');
    expect((await rejectionOf(sageMaker.createModel(invalid))).message).toContain("at 'modelName'");
    expect((await rejectionOf(sageMaker.createModel(modelRequest()))).message).toMatch(/^Rate exceeded/);
    await expect(sageMaker.createModel(modelRequest())).resolves.toBeDefined();
  });
});

describe('SageMakerStandIn: managed spot training', () => {
  const spotRequest = () => {
    const request = trainingRequest() as Record<string, any>;
    request.EnableManagedSpotTraining = true;
    request.StoppingCondition = { MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 7200 };
    request.CheckpointConfig = { S3Uri: 's3://ic-artifact-bucket/runs/caltech-baseline-a1b2c3/checkpoints/' };
    return request;
  };

  test('accepts a spot job and describes it with the saving as billable time below the training time', async () => {
    const sageMaker = new SageMakerStandIn({ trainingSeconds: 1000, spotSavingsPercent: 65 });
    const job = await sageMaker.createTrainingJobSync(spotRequest());
    expect(job).toMatchObject({
      EnableManagedSpotTraining: true,
      CheckpointConfig: { S3Uri: 's3://ic-artifact-bucket/runs/caltech-baseline-a1b2c3/checkpoints/' },
      StoppingCondition: { MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 7200 },
      TrainingTimeInSeconds: 1000,
      BillableTimeInSeconds: 350,
    });
  });

  test('a spot job that runs out of wait ends Stopped with MaxWaitTimeExceeded, as States.TaskFailed', async () => {
    const sageMaker = new SageMakerStandIn({ outcomes: { training: { status: 'Stopped', secondaryStatus: 'MaxWaitTimeExceeded' } } });
    const error = await rejectionOf(sageMaker.createTrainingJobSync(spotRequest()));
    expect(error.name).toBe('States.TaskFailed');
    const cause = JSON.parse(error.message) as DescribeTrainingJobResponse;
    expect(cause).toMatchObject({ TrainingJobStatus: 'Stopped', SecondaryStatus: 'MaxWaitTimeExceeded', EnableManagedSpotTraining: true });
    expect(cause.SecondaryStatusTransitions.at(-1)?.StatusMessage).toContain('MaxWaitTimeInSeconds');
  });
});

describe('SageMakerStandIn: jobs that fail', () => {
  test('reports a failed training job as States.TaskFailed with the DescribeTrainingJob answer as JSON cause', async () => {
    const failureReason = 'AlgorithmError: num_training_samples (15420) does not match the number of images in the training data';
    const sageMaker = new SageMakerStandIn({ outcomes: { training: { status: 'Failed', failureReason } } });
    const error = await rejectionOf(sageMaker.createTrainingJobSync(trainingRequest()));
    expect(error.name).toBe('States.TaskFailed');
    expect(error.isCatchable).toBe(true);
    const cause = JSON.parse(error.message) as DescribeTrainingJobResponse;
    expect(cause).toMatchObject({
      TrainingJobName: 'caltech-baseline-a1b2c3-train',
      TrainingJobStatus: 'Failed',
      SecondaryStatus: 'Failed',
      FailureReason: failureReason,
    });
    expect(cause.FinalMetricDataList).toBeUndefined();
    expect(cause.SecondaryStatusTransitions.at(-1)).toMatchObject({ Status: 'Failed' });
    // The job exists: its name is taken, so a retry would be rejected.
    expect((await rejectionOf(sageMaker.createTrainingJobSync(trainingRequest()))).name).toBe('SageMaker.ResourceInUseException');
  });

  test('reports a stopped training job as States.TaskFailed', async () => {
    const sageMaker = new SageMakerStandIn({
      outcomes: { training: { status: 'Stopped', secondaryStatus: 'MaxRuntimeExceeded', failureReason: 'Training job reached its maximum runtime' } },
    });
    const error = await rejectionOf(sageMaker.createTrainingJobSync(trainingRequest()));
    expect(error.name).toBe('States.TaskFailed');
    expect(JSON.parse(error.message)).toMatchObject({
      TrainingJobStatus: 'Stopped',
      SecondaryStatus: 'MaxRuntimeExceeded',
      FailureReason: 'Training job reached its maximum runtime',
    });
  });

  test('reports a failed transform job as States.TaskFailed with the DescribeTransformJob answer as JSON cause', async () => {
    const failureReason = 'ClientError: See job logs for more information';
    const sageMaker = new SageMakerStandIn({ outcomes: { transform: { status: 'Failed', failureReason } } });
    const error = await rejectionOf(sageMaker.createTransformJobSync(transformRequest()));
    expect(error.name).toBe('States.TaskFailed');
    const cause = JSON.parse(error.message) as DescribeTransformJobResponse;
    expect(cause).toMatchObject({ TransformJobName: 'caltech-baseline-a1b2c3-transform', TransformJobStatus: 'Failed', FailureReason: failureReason });
  });

  test('fails CreateModel with the configured service error and creates nothing', async () => {
    const message = 'Could not find model data at s3://ic-artifact-bucket/runs/caltech-baseline-a1b2c3/model/x/output/model.tar.gz.';
    const sageMaker = new SageMakerStandIn({ outcomes: { createModel: { status: 'Error', message } } });
    const error = await rejectionOf(sageMaker.createModel(modelRequest()));
    expect(error.name).toBe('SageMaker.AmazonSageMakerException');
    expect(error.message).toContain(`${message} (Service: AmazonSageMaker; Status Code: 400; Error Code: ValidationException;`);
    expect(sageMaker.calls[0]?.error?.name).toBe('SageMaker.AmazonSageMakerException');
  });
});

describe('SageMaker request model', () => {
  test('knows the members the real API has for the operations the pipeline calls', () => {
    expect(requestMembers('CreateTrainingJob')).toEqual(
      expect.arrayContaining([
        'TrainingJobName', 'RoleArn', 'AlgorithmSpecification', 'HyperParameters', 'InputDataConfig', 'OutputDataConfig',
        'ResourceConfig', 'StoppingCondition', 'VpcConfig', 'Tags', 'EnableNetworkIsolation', 'EnableManagedSpotTraining',
        'CheckpointConfig', 'DebugHookConfig', 'ExperimentConfig', 'RetryStrategy', 'Environment',
      ]),
    );
    expect(requestMembers('CreateModel')).toEqual(
      expect.arrayContaining(['ModelName', 'ExecutionRoleArn', 'PrimaryContainer', 'Containers', 'VpcConfig', 'Tags', 'EnableNetworkIsolation']),
    );
    expect(requestMembers('CreateTransformJob')).toEqual(
      expect.arrayContaining([
        'TransformJobName', 'ModelName', 'TransformInput', 'TransformOutput', 'TransformResources', 'MaxConcurrentTransforms',
        'MaxPayloadInMB', 'BatchStrategy', 'Environment', 'DataProcessing', 'ModelClientConfig', 'ExperimentConfig', 'Tags',
      ]),
    );
    expect(requestMembers('CreateHyperParameterTuningJob')).toEqual([
      'HyperParameterTuningJobName', 'HyperParameterTuningJobConfig', 'TrainingJobDefinition', 'TrainingJobDefinitions', 'WarmStartConfig', 'Tags', 'Autotune',
    ]);
    expect(requestMembers('DescribeTrainingJob')).toEqual(['TrainingJobName']);
  });

  test.each(Object.entries(limits.shapes).filter(([, shape]) => 'pattern' in shape))(
    'compiles the pattern of %s with the u flag',
    (_name, shape) => {
      expect(() => compiledPattern((shape as { pattern: string }).pattern)).not.toThrow();
    },
  );

  test('matches patterns against the whole value, as the service does', () => {
    const name = compiledPattern(limits.shapes.TrainingJobName.pattern);
    expect(name.test('run-1')).toBe(true);
    expect(name.test('run-1_')).toBe(false);
    expect(name.test('_run-1')).toBe(false);
    const s3Uri = compiledPattern(limits.shapes.S3Uri.pattern);
    expect(s3Uri.test('s3://bucket/key')).toBe(true);
    expect(s3Uri.test(' s3://bucket/key')).toBe(false);
  });
});

describe('SageMakerStandIn: hyperparameter tuning', () => {
  test('runs the training jobs of a tuning job and answers DescribeHyperParameterTuningJob with the best one', async () => {
    const sageMaker = new SageMakerStandIn({ startTime: START });
    const request = tuningRequest();
    const tuning = await sageMaker.createHyperParameterTuningJobSync(request);
    expect(tuning).toMatchObject({
      HyperParameterTuningJobName: 'caltech-baseline-a1-0123abcd',
      HyperParameterTuningJobArn: 'arn:aws:sagemaker:us-east-1:123456789012:hyper-parameter-tuning-job/caltech-baseline-a1-0123abcd',
      HyperParameterTuningJobConfig: request.HyperParameterTuningJobConfig,
      HyperParameterTuningJobStatus: 'Completed',
      TrainingJobStatusCounters: { Completed: 6, InProgress: 0, RetryableError: 0, NonRetryableError: 0, Stopped: 0 },
      ObjectiveStatusCounters: { Succeeded: 6, Pending: 0, Failed: 0 },
      BestTrainingJob: {
        TrainingJobName: expect.stringMatching(/^caltech-baseline-a1-0123abcd-003-[0-9a-f]{8}$/),
        TuningJobName: 'caltech-baseline-a1-0123abcd',
        TrainingJobStatus: 'Completed',
        TunedHyperParameters: { mini_batch_size: '73', learning_rate: '0.0019307', optimizer: 'sgd' },
        FinalHyperParameterTuningJobObjectiveMetric: { Type: 'Maximize', MetricName: 'validation:accuracy', Value: 0.85 },
        ObjectiveStatus: 'Succeeded',
      },
    });
    // Each training job exists afterwards, named by SageMaker, with the static and the tuned values.
    const best = await sageMaker.describeTrainingJob({ TrainingJobName: tuning.BestTrainingJob?.TrainingJobName });
    expect(best).toMatchObject({
      TrainingJobStatus: 'Completed',
      TuningJobArn: tuning.HyperParameterTuningJobArn,
      HyperParameters: { ...request.TrainingJobDefinition.StaticHyperParameters, mini_batch_size: '73', learning_rate: '0.0019307', optimizer: 'sgd' },
      FinalMetricDataList: [expect.objectContaining({ MetricName: 'train:accuracy' }), expect.objectContaining({ MetricName: 'validation:accuracy', Value: 0.85 })],
    });
    expect(best.TrainingJobName.length).toBeLessThanOrEqual(63);
    expect(sageMaker.calls.map((call) => call.api)).toEqual(['CreateHyperParameterTuningJob', 'DescribeTrainingJob']);
  });

  test('grid search runs every combination once', async () => {
    const request = tuningRequest();
    request.HyperParameterTuningJobConfig = {
      ...request.HyperParameterTuningJobConfig,
      Strategy: 'Grid',
      ResourceLimits: { MaxParallelTrainingJobs: 2 },
      ParameterRanges: { CategoricalParameterRanges: [{ Name: 'optimizer', Values: ['sgd', 'adam'] }, { Name: 'mini_batch_size', Values: ['32', '64'] }] },
    };
    request.TrainingJobDefinition.StaticHyperParameters = { ...request.TrainingJobDefinition.StaticHyperParameters, learning_rate: '0.01' };
    const tuning = await new SageMakerStandIn().createHyperParameterTuningJobSync(request);
    expect(tuning.TrainingJobStatusCounters.Completed).toBe(4);
    // Combinations in order (sgd/32, sgd/64, adam/32, adam/64); the stand-in's best is the middle one.
    expect(tuning.BestTrainingJob?.TunedHyperParameters).toEqual({ optimizer: 'sgd', mini_batch_size: '64' });
  });

  test('a tuning job whose training jobs all fail ends Failed, as States.TaskFailed', async () => {
    const sageMaker = new SageMakerStandIn({ outcomes: { training: { status: 'Failed', failureReason: 'AlgorithmError: simulated' } } });
    const error = await rejectionOf(sageMaker.createHyperParameterTuningJobSync(tuningRequest()));
    expect(error.name).toBe('States.TaskFailed');
    expect(JSON.parse(error.message)).toMatchObject({
      HyperParameterTuningJobStatus: 'Failed',
      TrainingJobStatusCounters: { Completed: 0, NonRetryableError: 6 },
      FailureReason: expect.stringContaining('All training jobs failed'),
    });
  });

  // DescribeHyperParameterTuningJob (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeHyperParameterTuningJob.html):
  // FailureReason is the reason a job failed; a stopped one has none.
  test('a stopped tuning job ends Stopped without FailureReason, as States.TaskFailed', async () => {
    const sageMaker = new SageMakerStandIn({ outcomes: { training: { status: 'Failed', failureReason: 'AlgorithmError: simulated' }, tuning: { status: 'Stopped' } } });
    const error = await rejectionOf(sageMaker.createHyperParameterTuningJobSync(tuningRequest()));
    expect(error.name).toBe('States.TaskFailed');
    const described = JSON.parse(error.message);
    expect(described).toMatchObject({ HyperParameterTuningJobStatus: 'Stopped' });
    expect(described).not.toHaveProperty('FailureReason');
    expect(described).not.toHaveProperty('BestTrainingJob');
  });

  test('a best training job that early stopping stopped is described Stopped, with its metrics and without a model', async () => {
    const sageMaker = new SageMakerStandIn({ outcomes: { tuning: { status: 'Completed', bestTrainingJobStopped: true } } });
    const tuned = await sageMaker.createHyperParameterTuningJobSync(tuningRequest());
    const best = tuned.BestTrainingJob;
    expect(best).toMatchObject({ TrainingJobStatus: 'Stopped', ObjectiveStatus: 'Succeeded' });
    const described = await sageMaker.describeTrainingJob({ TrainingJobName: best?.TrainingJobName });
    expect(described).toMatchObject({ TrainingJobStatus: 'Stopped', FinalMetricDataList: expect.any(Array) });
    expect(described).not.toHaveProperty('ModelArtifacts');
    expect(tuned.TrainingJobStatusCounters).toMatchObject({ Stopped: 1 });
  });

  test('a stopped transform job: TaskFailed, Stopped, no FailureReason', async () => {
    const sageMaker = new SageMakerStandIn({ outcomes: { transform: { status: 'Stopped' } } });
    const error = await rejectionOf(sageMaker.createTransformJobSync(transformRequest()));
    expect(error.name).toBe('States.TaskFailed');
    const described = JSON.parse(error.message);
    expect(described).toMatchObject({ TransformJobStatus: 'Stopped' });
    expect(described).not.toHaveProperty('FailureReason');
  });

  test('a tuning job whose jobs report no objective completes without a best training job', async () => {
    const sageMaker = new SageMakerStandIn({ finalMetrics: { 'train:accuracy': 0.9 } });
    const tuning = await sageMaker.createHyperParameterTuningJobSync(tuningRequest());
    expect(tuning.HyperParameterTuningJobStatus).toBe('Completed');
    expect(tuning).not.toHaveProperty('BestTrainingJob');
    expect(tuning.ObjectiveStatusCounters).toEqual({ Succeeded: 0, Pending: 0, Failed: 6 });
  });

  const tuningCases: Array<[string, (request: Record<string, any>) => void, string[]]> = [
    ['a tuning job name over 32 characters', (r) => (r.HyperParameterTuningJobName = 'x'.repeat(33)), ["at 'hyperParameterTuningJobName'", 'length less than or equal to 32']],
    ['a strategy outside the enum', (r) => (r.HyperParameterTuningJobConfig.Strategy = 'Genetic'), ["at 'hyperParameterTuningJobConfig.strategy'", 'enum value set: [Bayesian, Random, Hyperband, Grid]']],
    ['no MaxParallelTrainingJobs', (r) => delete r.HyperParameterTuningJobConfig.ResourceLimits.MaxParallelTrainingJobs, ["at 'hyperParameterTuningJobConfig.resourceLimits.maxParallelTrainingJobs'", 'must not be null']],
    ['31 values in a categorical range', (r) => (r.HyperParameterTuningJobConfig.ParameterRanges.CategoricalParameterRanges[0].Values = Array.from({ length: 31 }, (_, i) => String(i))), ['length less than or equal to 30']],
    ['grid search over a numeric range', (r) => (r.HyperParameterTuningJobConfig.Strategy = 'Grid'), ['The Grid strategy supports only categorical parameter ranges']],
    ['hyperband with early stopping', (r) => Object.assign(r.HyperParameterTuningJobConfig, { Strategy: 'Hyperband', TrainingJobEarlyStoppingType: 'Auto' }), ['TrainingJobEarlyStoppingType must be Off with the Hyperband strategy']],
    ['logarithmic scaling from 0', (r) => (r.HyperParameterTuningJobConfig.ParameterRanges.ContinuousParameterRanges[0].MinValue = '0'), ['Logarithmic scaling of learning_rate requires a range above 0']],
    ['a hyperparameter both static and tuned', (r) => (r.TrainingJobDefinition.StaticHyperParameters.learning_rate = '0.01'), ['Hyperparameters learning_rate are both static and tunable']],
    ['more parallel jobs than jobs', (r) => (r.HyperParameterTuningJobConfig.ResourceLimits.MaxParallelTrainingJobs = 7), ['MaxParallelTrainingJobs must not exceed MaxNumberOfTrainingJobs']],
    ['a definition runtime over 28 days', (r) => (r.TrainingJobDefinition.StoppingCondition.MaxRuntimeInSeconds = 2_419_201), ["at 'trainingJobDefinition.stoppingCondition.maxRuntimeInSeconds'"]],
  ];
  test.each(tuningCases)('rejects %s as SageMaker would', async (_label, mutate, parts) => {
    const request = tuningRequest();
    mutate(request);
    const sageMaker = new SageMakerStandIn();
    const error = await rejectionOf(sageMaker.createHyperParameterTuningJobSync(request));
    expect(error.name).toBe(VALIDATION);
    for (const part of parts) expect(error.message).toContain(part);
  });

  test('an unknown member of the training job definition is a Step Functions error, as for a training job', async () => {
    const request = tuningRequest();
    request.TrainingJobDefinition.HyperParameters = {};
    const error = await rejectionOf(new SageMakerStandIn().createHyperParameterTuningJobSync(request, { stateName: 'Tune model' }));
    expect(error.name).toBe('States.Runtime');
    expect(error.message).toContain('The field "HyperParameters" is not supported by Step Functions (in TrainingJobDefinition)');
  });

  test('rejects a tuning job name already used as ResourceInUse', async () => {
    const sageMaker = new SageMakerStandIn();
    await sageMaker.createHyperParameterTuningJobSync(tuningRequest());
    const error = await rejectionOf(sageMaker.createHyperParameterTuningJobSync(tuningRequest()));
    expect(error.name).toBe('SageMaker.ResourceInUseException');
    expect(error.message).toContain('a hyperparameter tuning job with this name already exists');
  });
});

describe('SageMakerStandIn: DescribeTrainingJob (AWS SDK integration)', () => {
  test('describes a training job it ran', async () => {
    const sageMaker = new SageMakerStandIn();
    const trained = await sageMaker.createTrainingJobSync(trainingRequest());
    expect(await sageMaker.describeTrainingJob({ TrainingJobName: trained.TrainingJobName })).toEqual(trained);
  });

  test('describes an earlier run\'s job as a completed image-classification job of the reference run by default', async () => {
    const sageMaker = new SageMakerStandIn({ region: 'eu-west-1', artifactBucket: 'my-artifacts' });
    const earlier = await sageMaker.describeTrainingJob({ TrainingJobName: 'caltech-baseline-0123abcd' });
    expect(earlier).toMatchObject({
      TrainingJobName: 'caltech-baseline-0123abcd',
      TrainingJobStatus: 'Completed',
      AlgorithmSpecification: { TrainingImage: '685385470294.dkr.ecr.eu-west-1.amazonaws.com/image-classification:1' },
      HyperParameters: { num_layers: '18', image_shape: '3,224,224', num_classes: '257' },
      ModelArtifacts: { S3ModelArtifacts: 's3://my-artifacts/runs/caltech-baseline-0123abcd/model/caltech-baseline-0123abcd/output/model.tar.gz' },
    });
  });

  test('describes an earlier job as configured: failed, of another algorithm, with other hyperparameters', async () => {
    const sageMaker = new SageMakerStandIn({
      outcomes: { earlierTrainingJob: { status: 'Failed', trainingImage: 'x.dkr.ecr.us-east-1.amazonaws.com/xgboost:1', hyperparameters: { num_classes: '10' } } },
    });
    expect(await sageMaker.describeTrainingJob({ TrainingJobName: 'other-job' })).toMatchObject({
      TrainingJobStatus: 'Failed',
      FailureReason: expect.any(String),
      AlgorithmSpecification: { TrainingImage: 'x.dkr.ecr.us-east-1.amazonaws.com/xgboost:1' },
      HyperParameters: { num_classes: '10' },
    });
  });

  // DescribeTrainingJob (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeTrainingJob.html):
  // ModelArtifacts, the metrics and the end time and durations are there only once the job has ended as they say.
  test.each([
    ['InProgress', 'Training'],
    ['Stopping', 'Stopping'],
  ] as const)('describes a %s job as SageMaker does while it runs: no model, no metrics, no end, no durations', async (status, secondary) => {
    const sageMaker = new SageMakerStandIn({ outcomes: { earlierTrainingJob: { status } } });
    const job = await sageMaker.describeTrainingJob({ TrainingJobName: 'still-running' });
    expect(job).toMatchObject({ TrainingJobStatus: status, SecondaryStatus: secondary });
    for (const absent of ['ModelArtifacts', 'FinalMetricDataList', 'TrainingEndTime', 'TrainingTimeInSeconds', 'BillableTimeInSeconds', 'FailureReason'] as const) {
      expect(job).not.toHaveProperty(absent);
    }
    expect(job.SecondaryStatusTransitions.at(-1)).toEqual({ Status: secondary, StartTime: expect.any(Number), StatusMessage: expect.any(String) });
  });

  test.each([
    ['Failed', { FailureReason: 'AlgorithmError: (simulated earlier failure)' }],
    ['Stopped', {}],
  ] as const)('describes a %s job without ModelArtifacts or metrics, and with FailureReason only when it failed', async (status, reason) => {
    const sageMaker = new SageMakerStandIn({ outcomes: { earlierTrainingJob: { status, modelArtifacts: 's3://ignored/model.tar.gz' } } });
    const job = await sageMaker.describeTrainingJob({ TrainingJobName: 'ended-job' });
    expect(job).toMatchObject({ TrainingJobStatus: status, TrainingEndTime: expect.any(Number), ...reason });
    expect(job).not.toHaveProperty('ModelArtifacts');
    expect(job).not.toHaveProperty('FinalMetricDataList');
    if (status === 'Stopped') expect(job).not.toHaveProperty('FailureReason');
  });

  test('answers a job that does not exist with SageMaker.ResourceNotFoundException', async () => {
    const sageMaker = new SageMakerStandIn({ outcomes: { earlierTrainingJob: { exists: false } } });
    const error = await rejectionOf(sageMaker.describeTrainingJob({ TrainingJobName: 'no-such-job' }));
    expect(error.name).toBe('SageMaker.ResourceNotFoundException');
    expect(error.message).toContain('Requested resource not found: training job no-such-job');
  });

  test('checks the request against the API model: the name pattern', async () => {
    const error = await rejectionOf(new SageMakerStandIn().describeTrainingJob({ TrainingJobName: 'bad_name' }));
    expect(error.name).toBe(VALIDATION);
    expect(error.message).toContain("Value 'bad_name' at 'trainingJobName' failed to satisfy constraint");
  });
});

describe('SageMakerStandIn: the model registry and endpoints', () => {
  const config = (overrides: Record<string, unknown> = {}) => ({
    EndpointConfigName: 'stack-run-1',
    ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'run-1', InitialInstanceCount: 1, InstanceType: 'ml.m5.large' }],
    ...overrides,
  });

  test('versions are numbered from 1 per group; DescribeModelPackage answers by <group>/<n> and leaves out what was not set', async () => {
    const sageMaker = new SageMakerStandIn();
    const spec = { Containers: [{ Image: 'img:1', ModelDataUrl: 's3://b/m.tar.gz' }] };
    expect(await sageMaker.createModelPackage({ ModelPackageGroupName: 'g-models', InferenceSpecification: spec })).toEqual({
      ModelPackageArn: 'arn:aws:sagemaker:us-east-1:123456789012:model-package/g-models/1',
    });
    await sageMaker.createModelPackage({ ModelPackageGroupName: 'g-models', InferenceSpecification: spec, ModelApprovalStatus: 'Approved' });
    const second = await sageMaker.describeModelPackage({ ModelPackageName: 'g-models/2' });
    expect(second).toMatchObject({ ModelPackageVersion: 2, ModelApprovalStatus: 'Approved', ModelPackageStatus: 'Completed' });
    expect(second).not.toHaveProperty('CustomerMetadataProperties');
    expect((await sageMaker.describeModelPackage({ ModelPackageName: 'g-models/1' })).ModelApprovalStatus).toBe('PendingManualApproval');
    await expect(sageMaker.describeModelPackage({ ModelPackageName: 'g-models/9' })).rejects.toThrow('ModelPackage g-models/9 does not exist.');
  });

  test('customer metadata values outside the documented pattern are a ValidationException', async () => {
    const sageMaker = new SageMakerStandIn();
    await expect(
      sageMaker.createModelPackage({
        ModelPackageGroupName: 'g-models',
        InferenceSpecification: { Containers: [{ Image: 'img:1' }] },
        CustomerMetadataProperties: { classNames: 's3://b/photos (2024)/' },
      }),
    ).rejects.toThrow(/at 'customerMetadataProperties' failed to satisfy constraint/);
  });

  test('an endpoint instance type outside the API\'s list, and an unknown endpoint, are answered as SageMaker answers them', async () => {
    const sageMaker = new SageMakerStandIn();
    await expect(sageMaker.createEndpointConfig(config({ ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'm', InitialInstanceCount: 1, InstanceType: 'ml.p9.mega' }] })))
      .rejects.toThrow("Value 'ml.p9.mega' at 'productionVariants.1.member.instanceType' failed to satisfy constraint: Member must satisfy enum value set");
    await expect(sageMaker.describeEndpoint({ EndpointName: 'nothing-here' })).rejects.toThrow('Could not find endpoint "arn:aws:sagemaker:us-east-1:123456789012:endpoint/nothing-here".');
    await expect(sageMaker.createEndpoint({ EndpointName: 'e', EndpointConfigName: 'missing' })).rejects.toThrow('Could not find endpoint configuration');
  });

  test('Creating → InService after the configured polls; no FailureReason or variants while creating', async () => {
    const sageMaker = new SageMakerStandIn({ outcomes: { endpoint: { status: 'InService', pollsUntilDone: 2 } } });
    await sageMaker.createEndpointConfig(config());
    await sageMaker.createEndpoint({ EndpointName: 'stack-endpoint', EndpointConfigName: 'stack-run-1' });
    const first = await sageMaker.describeEndpoint({ EndpointName: 'stack-endpoint' });
    expect(first).toMatchObject({ EndpointStatus: 'Creating', EndpointConfigName: 'stack-run-1' });
    expect(first).not.toHaveProperty('FailureReason');
    expect(first).not.toHaveProperty('ProductionVariants');
    expect(await sageMaker.describeEndpoint({ EndpointName: 'stack-endpoint' })).toMatchObject({ EndpointStatus: 'InService', ProductionVariants: [expect.objectContaining({ VariantName: 'AllTraffic' })] });
    await expect(sageMaker.createEndpoint({ EndpointName: 'stack-endpoint', EndpointConfigName: 'stack-run-1' })).rejects.toThrow('Cannot create already existing endpoint');
  });

  test('a failed update rolls back: InService on the previous config, with a FailureReason; an update of an updating endpoint is refused', async () => {
    const sageMaker = new SageMakerStandIn({
      outcomes: { existingEndpoint: { name: 'stack-endpoint', configName: 'stack-old' }, endpoint: { status: 'Failed', failureReason: 'bad model', pollsUntilDone: 1 } },
    });
    await sageMaker.createEndpointConfig(config());
    await sageMaker.updateEndpoint({ EndpointName: 'stack-endpoint', EndpointConfigName: 'stack-run-1' });
    await expect(sageMaker.updateEndpoint({ EndpointName: 'stack-endpoint', EndpointConfigName: 'stack-run-1' })).rejects.toThrow('Cannot update in-progress endpoint');
    expect(await sageMaker.describeEndpoint({ EndpointName: 'stack-endpoint' })).toMatchObject({
      EndpointStatus: 'InService',
      EndpointConfigName: 'stack-old',
      FailureReason: 'bad model',
    });
  });
});
