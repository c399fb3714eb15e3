import { createHash } from 'node:crypto';
import { LocalPipeline } from '../../simulation/local-run';
import { SageMakerStandIn } from '../../simulation/sagemaker-stand-in';
import { tuningJobName } from '../../core/names';
import { STATE_NAMES } from '../../core/state-names';
import { logicalIdIn, pipelineTemplateJson, TEST_ENV } from '../support/template';
import { tuningRequest } from '../support/sagemaker-fixtures';

/**
 * Local executions of the synthesized state machine definition: the real prepare-run and
 * resolve-image handler code runs in the Lambda states, and the SageMaker stand-in checks every
 * request against the API limits and answers like the service.
 */

let pipeline: LocalPipeline;
let data: string;
let artifact: string;
let kmsKeyArn: string;
let sagemakerRoleArn: string;

beforeAll(() => {
  const template = pipelineTemplateJson();
  pipeline = new LocalPipeline(template, TEST_ENV);
  ({ data, artifact } = pipeline.buckets);
  kmsKeyArn = pipeline.kmsKeyArn;
  sagemakerRoleArn = `arn:aws:iam::${TEST_ENV.account}:role/${logicalIdIn(template, 'AWS::IAM::Role', 'SageMakerExecutionRole')}`;
});

const IMAGE = '811284229777.dkr.ecr.us-east-1.amazonaws.com/image-classification:1';
const EXECUTION = 'console-4f1c9e2a';
// deriveRunId(EXECUTION): the slug of the execution name plus 8 hex of its SHA-256.
const RUN_ID = `${EXECUTION}-${createHash('sha256').update(EXECUTION).digest('hex').slice(0, 8)}`;

function referenceTrainingRequest(runId: string) {
  const channel = (name: string, prefix: string) => ({
    ChannelName: name,
    DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${data}/${prefix}/`, S3DataDistributionType: 'FullyReplicated' } },
    ContentType: 'application/x-recordio',
    CompressionType: 'None',
  });
  return {
    TrainingJobName: runId,
    RoleArn: sagemakerRoleArn,
    AlgorithmSpecification: { TrainingImage: IMAGE, TrainingInputMode: 'File' },
    HyperParameters: {
      num_classes: '257',
      num_training_samples: '15420',
      image_shape: '3,224,224',
      num_layers: '18',
      epochs: '2',
      mini_batch_size: '64',
      learning_rate: '0.01',
    },
    InputDataConfig: [channel('train', 'train'), channel('validation', 'validation')],
    OutputDataConfig: { S3OutputPath: `s3://${artifact}/runs/${runId}/model/`, KmsKeyId: kmsKeyArn },
    // ml.g4dn has local NVMe storage: SageMaker rejects a volume key there, so none is sent.
    ResourceConfig: { InstanceType: 'ml.g4dn.xlarge', InstanceCount: 1, VolumeSizeInGB: 50 },
    StoppingCondition: { MaxRuntimeInSeconds: 360000 },
    EnableNetworkIsolation: true,
    Tags: [{ Key: 'ic-pipeline:run-id', Value: runId }],
  };
}

function referenceModelRequest(runId: string) {
  return {
    ModelName: runId,
    ExecutionRoleArn: sagemakerRoleArn,
    PrimaryContainer: {
      Image: IMAGE,
      ModelDataUrl: `s3://${artifact}/runs/${runId}/model/${runId}/output/model.tar.gz`,
      Mode: 'SingleModel',
    },
    EnableNetworkIsolation: true,
    Tags: [{ Key: 'ic-pipeline:run-id', Value: runId }],
  };
}

/** The CreateModelPackage request of the reference run: the version of the run's model, PendingManualApproval. */
function referenceRegisterRequest(runId: string, approval = 'PendingManualApproval') {
  return {
    ModelPackageGroupName: `${pipeline.resourceNamePrefix}-models`,
    ModelPackageDescription: `Run ${runId}: training job ${runId}, trained on s3://${data}/train/`,
    InferenceSpecification: {
      Containers: [{ Image: IMAGE, ModelDataUrl: `s3://${artifact}/runs/${runId}/model/${runId}/output/model.tar.gz` }],
      SupportedContentTypes: ['application/x-image', 'image/jpeg', 'image/png'],
      SupportedResponseMIMETypes: ['application/json'],
      SupportedRealtimeInferenceInstanceTypes: ['ml.m5.large', 'ml.m5.xlarge', 'ml.c5.xlarge', 'ml.c5.2xlarge', 'ml.g4dn.xlarge'],
      SupportedTransformInstanceTypes: ['ml.m5.large', 'ml.m5.xlarge', 'ml.c5.xlarge', 'ml.c5.2xlarge', 'ml.g4dn.xlarge'],
    },
    ModelApprovalStatus: approval,
    MetadataProperties: { GeneratedBy: `arn:aws:states:us-east-1:${TEST_ENV.account}:execution:Pipeline:${EXECUTION}`, ProjectId: runId },
    CustomerMetadataProperties: {
      runId,
      modelName: runId,
      trainingJobName: runId,
      validationAccuracy: '0.85',
      classNames: `s3://${data}/train/`,
    },
    Tags: [{ Key: 'ic-pipeline:run-id', Value: runId }],
  };
}

function referenceTransformRequest(runId: string, modelName = runId) {
  return {
    TransformJobName: runId,
    ModelName: modelName,
    TransformInput: {
      DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${data}/batch-input/` } },
      ContentType: 'application/x-image',
      SplitType: 'None',
      CompressionType: 'None',
    },
    TransformOutput: { S3OutputPath: `s3://${artifact}/runs/${runId}/predictions/`, KmsKeyId: kmsKeyArn, AssembleWith: 'None' },
    TransformResources: { InstanceType: 'ml.c5.xlarge', InstanceCount: 1, VolumeKmsKeyId: kmsKeyArn },
    BatchStrategy: 'SingleRecord',
    MaxConcurrentTransforms: 16,
    MaxPayloadInMB: 6,
    Tags: [{ Key: 'ic-pipeline:run-id', Value: runId }],
  };
}

const requestsOf = (outcome: { sagemaker: SageMakerStandIn }) =>
  outcome.sagemaker.calls.map((call) => ({ api: call.api, request: call.request }));

describe('the reference run', () => {
  test.each([
    ['{}', {}],
    ['the console pre-filled input', { Comment: 'Insert your JSON here' }],
  ])('%s sends exactly the Caltech-256 reference requests and succeeds with the run summary', async (_label, input) => {
    const outcome = await pipeline.run(input, { executionName: EXECUTION });

    expect(outcome.status).toBe('SUCCEEDED');
    expect(requestsOf(outcome)).toEqual([
      { api: 'CreateTrainingJob', request: referenceTrainingRequest(RUN_ID) },
      { api: 'CreateModel', request: referenceModelRequest(RUN_ID) },
      { api: 'CreateModelPackage', request: referenceRegisterRequest(RUN_ID) },
      { api: 'CreateTransformJob', request: referenceTransformRequest(RUN_ID) },
    ]);
    expect(outcome.output).toEqual({
      runId: RUN_ID,
      runName: null,
      mode: 'full',
      executionArn: `arn:aws:states:us-east-1:${TEST_ENV.account}:execution:Pipeline:${EXECUTION}`,
      source: null,
      trainingJobName: RUN_ID,
      tuning: null,
      baseTrainingJob: null,
      minValidationAccuracy: null,
      modelArtifacts: `s3://${artifact}/runs/${RUN_ID}/model/${RUN_ID}/output/model.tar.gz`,
      metrics: [
        expect.objectContaining({ MetricName: 'train:accuracy', Value: 0.9 }),
        expect.objectContaining({ MetricName: 'validation:accuracy', Value: 0.85 }),
      ],
      trainingTimeInSeconds: 1800,
      billableTimeInSeconds: 1800,
      spot: false,
      trainingInstanceType: 'ml.g4dn.xlarge',
      trainingInstanceCount: 1,
      modelName: RUN_ID,
      modelArn: expect.stringMatching(new RegExp(`:model/${RUN_ID}$`)),
      modelPackageArn: `arn:aws:sagemaker:us-east-1:${TEST_ENV.account}:model-package/${pipeline.resourceNamePrefix}-models/1`,
      endpointName: null,
      endpointStatus: null,
      transformJobName: RUN_ID,
      predictions: `s3://${artifact}/runs/${RUN_ID}/predictions/`,
      transformInstanceType: 'ml.c5.xlarge',
      transformInstanceCount: 1,
      // The stand-in's clock: each job starts 120 s after it is created; the transform runs 300 s.
      transformStartTime: expect.any(Number),
      transformEndTime: expect.any(Number),
    });
    expect(outcome.output?.transformEndTime - outcome.output?.transformStartTime).toBe(300_000);
    expect(outcome.states).toEqual([
      'Prepare run',
      'Request accepted?',
      'Resolve image',
      'Choose steps for mode',
      'Incremental training?',
      'Tune hyperparameters?',
      'Spot training?',
      'Build training request',
      'Train model',
      'Read training result',
      // No gate, but the metric is looked for by name: the registry records it.
      'Look for validation accuracy',
      'Metrics left?',
      'Read next metric',
      'Is it validation accuracy?',
      'Skip metric',
      'Metrics left?',
      'Read next metric',
      'Is it validation accuracy?',
      'Validation accuracy below gate?',
      'Create model',
      'Register model',
      'Deploy endpoint?',
      'No endpoint',
      'Transform after training?',
      'Run batch transform',
      'Summarize by mode',
      'Summarize full run',
      'Notify success',
      'Run succeeded',
    ]);
  });

  test('sends exactly one success notification, with the run summary and a console link', async () => {
    const outcome = await pipeline.run({}, { executionName: EXECUTION });
    expect(outcome.notifications).toHaveLength(1);
    expect(outcome.notifications[0]).toEqual({
      subject: `Run succeeded: ${EXECUTION}`,
      message: {
        status: 'SUCCEEDED',
        summary: outcome.output,
        console: `https://console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/arn:aws:states:us-east-1:${TEST_ENV.account}:execution:Pipeline:${EXECUTION}`,
      },
    });
  });

  test('two executions never share a job name or an output prefix', async () => {
    const first = await pipeline.run({}, { executionName: 'Run_1' });
    const second = await pipeline.run({}, { executionName: 'run-1' });
    expect(first.output?.runId).not.toBe(second.output?.runId);
    expect(first.output?.predictions).not.toBe(second.output?.predictions);
  });
});

describe('overrides and modes', () => {
  test('every overridden field reaches its SageMaker request; the rest keep their reference values', async () => {
    const outcome = await pipeline.run(
      {
        runName: 'more-epochs',
        trainingData: `s3://${data}/caltech/train/`,
        validationData: `s3://${data}/caltech/val/`,
        batchInput: `s3://${data}/to-classify/`,
        hyperparameters: { epochs: 10, learning_rate: '0.05', augmentation_type: 'crop_color', early_stopping: true },
        training: { instanceType: 'ml.g5.2xlarge', instanceCount: 2, volumeSizeInGB: 100, maxRuntimeInSeconds: 7200, inputMode: 'Pipe' },
        transform: { instanceType: 'ml.m5.xlarge', instanceCount: 2, maxConcurrentTransforms: 4, maxPayloadInMB: 20, batchStrategy: 'MultiRecord', contentType: 'image/jpeg' },
      },
      { executionName: EXECUTION },
    );
    expect(outcome.status).toBe('SUCCEEDED');
    const [training, , , transform] = outcome.sagemaker.calls.map((call) => call.request as Record<string, any>);
    const runId = outcome.output?.runId as string;
    expect(runId).toMatch(/^more-epochs-console-4f1c9e2a-[0-9a-f]{8}$/);
    expect(training).toMatchObject({
      TrainingJobName: runId,
      AlgorithmSpecification: { TrainingInputMode: 'Pipe' },
      HyperParameters: {
        ...referenceTrainingRequest(runId).HyperParameters,
        epochs: '10',
        learning_rate: '0.05',
        augmentation_type: 'crop_color',
        early_stopping: 'True',
      },
      // ml.g5 has local NVMe storage: SageMaker rejects a volume key there, so none is sent.
      ResourceConfig: { InstanceType: 'ml.g5.2xlarge', InstanceCount: 2, VolumeSizeInGB: 100 },
      StoppingCondition: { MaxRuntimeInSeconds: 7200 },
    });
    expect(training?.ResourceConfig.VolumeKmsKeyId).toBeUndefined();
    expect(training?.InputDataConfig.map((c: any) => c.DataSource.S3DataSource.S3Uri)).toEqual([
      `s3://${data}/caltech/train/`,
      `s3://${data}/caltech/val/`,
    ]);
    expect(transform).toMatchObject({
      TransformInput: { DataSource: { S3DataSource: { S3Uri: `s3://${data}/to-classify/` } }, ContentType: 'image/jpeg' },
      TransformResources: { InstanceType: 'ml.m5.xlarge', InstanceCount: 2, VolumeKmsKeyId: kmsKeyArn },
      BatchStrategy: 'MultiRecord',
      MaxConcurrentTransforms: 4,
      MaxPayloadInMB: 20,
    });
    expect(outcome.output?.runName).toBe('more-epochs');
  });

  test('mode "train" trains and creates the model, then stops without a transform job', async () => {
    const outcome = await pipeline.run({ mode: 'train' }, { executionName: EXECUTION });
    expect(outcome.status).toBe('SUCCEEDED');
    expect(requestsOf(outcome)).toEqual([
      { api: 'CreateTrainingJob', request: referenceTrainingRequest(RUN_ID) },
      { api: 'CreateModel', request: referenceModelRequest(RUN_ID) },
      { api: 'CreateModelPackage', request: referenceRegisterRequest(RUN_ID) },
    ]);
    expect(outcome.output).toMatchObject({ mode: 'train', modelName: RUN_ID, transformJobName: null, predictions: null });
    expect(outcome.states).toContain('Summarize training run');
  });

  test('mode "transform" classifies with an existing model and trains nothing', async () => {
    const outcome = await pipeline.run({ mode: 'transform', modelName: 'caltech-baseline-model' }, { executionName: EXECUTION });
    expect(outcome.status).toBe('SUCCEEDED');
    expect(requestsOf(outcome)).toEqual([
      { api: 'CreateTransformJob', request: referenceTransformRequest(RUN_ID, 'caltech-baseline-model') },
    ]);
    expect(outcome.output).toMatchObject({
      mode: 'transform',
      trainingJobName: null,
      modelArtifacts: null,
      modelName: 'caltech-baseline-model',
      modelArn: null,
      transformJobName: RUN_ID,
      predictions: `s3://${artifact}/runs/${RUN_ID}/predictions/`,
    });
    expect(outcome.states).not.toContain('Train model');
  });

  test('the image comes from the Region the pipeline runs in (China domain in cn-north-1)', async () => {
    const outcome = await pipeline.run({}, { executionName: EXECUTION, region: 'cn-north-1' });
    expect(outcome.status).toBe('SUCCEEDED');
    const training = outcome.sagemaker.calls[0]?.request as Record<string, any>;
    expect(training.AlgorithmSpecification.TrainingImage).toBe('390948362332.dkr.ecr.cn-north-1.amazonaws.com.cn/image-classification:1');
  });
});

describe('bad requests fail in Prepare run and cost nothing', () => {
  // [what is wrong, request, text the error must contain (the field and the value or what is allowed)]
  const BAD_REQUESTS: Array<[string, Record<string, unknown>, string[]]> = [
    ['unknown top-level field', { epochs: 10 }, ['epochs']],
    ['unknown mode', { mode: 'serve' }, ['mode', 'serve']],
    ['runName with upper case', { runName: 'My-Run' }, ['runName', 'My-Run']],
    ['runName too long', { runName: 'a'.repeat(25) }, ['runName']],
    ['training data outside the pipeline buckets', { trainingData: 's3://someone-elses-bucket/train/' }, ['trainingData', 'someone-elses-bucket']],
    ['validation data that is not an S3 URI', { validationData: 'https://example.com/val/' }, ['validationData']],
    ['batch input not a string', { batchInput: 42 }, ['batchInput']],
    ['modelName in mode full', { modelName: 'some-model' }, ['modelName']],
    ['mode transform without modelName', { mode: 'transform' }, ['modelName']],
    ['invalid model name', { mode: 'transform', modelName: 'bad_name!' }, ['modelName', 'bad_name!']],
    ['unknown hyperparameter', { hyperparameters: { epoch: 3 } }, ['hyperparameters.epoch']],
    ['epochs zero', { hyperparameters: { epochs: 0 } }, ['hyperparameters.epochs', '0']],
    ['learning rate above 1', { hyperparameters: { learning_rate: 1.5 } }, ['hyperparameters.learning_rate', '1.5']],
    ['num_layers not offered', { hyperparameters: { num_layers: 19 } }, ['hyperparameters.num_layers', '19']],
    ['optimizer not offered', { hyperparameters: { optimizer: 'adagrad' } }, ['hyperparameters.optimizer', 'adagrad']],
    ['checkpoint frequency above epochs', { hyperparameters: { checkpoint_frequency: 5 } }, ['checkpoint_frequency', 'epochs']],
    ['pretrained model with a small-image network', { hyperparameters: { use_pretrained_model: 1, num_layers: 20 } }, ['num_layers', '20']],
    ['pretrained model with another image shape', { hyperparameters: { use_pretrained_model: 1, image_shape: '3,128,128' } }, ['image_shape', '3,128,128']],
    ['image files without resize', { training: { contentType: 'application/x-image' } }, ['resize']],
    ['image shape malformed', { hyperparameters: { image_shape: '224x224' } }, ['hyperparameters.image_shape', '224x224']],
    ['CPU training instance', { training: { instanceType: 'ml.m5.xlarge' } }, ['training.instanceType', 'ml.m5.xlarge']],
    ['unknown training instance', { training: { instanceType: 'ml.p9.mega' } }, ['training.instanceType', 'ml.p9.mega']],
    ['unknown transform instance', { transform: { instanceType: 'ml.q1.small' } }, ['transform.instanceType', 'ml.q1.small']],
    ['fractional instance count', { training: { instanceCount: 1.5 } }, ['training.instanceCount', '1.5']],
    ['max runtime over 28 days', { training: { maxRuntimeInSeconds: 2419201 } }, ['training.maxRuntimeInSeconds', '2419201']],
    ['payload too large for the concurrency', { transform: { maxConcurrentTransforms: 16, maxPayloadInMB: 10 } }, ['maxPayloadInMB', '100']],
    ['unknown field in training', { training: { spotInstances: true } }, ['training.spotInstances']],
    ['spot wait without spot', { training: { maxWaitTimeInSeconds: 7200 } }, ['training.maxWaitTimeInSeconds', 'training.spot']],
    ['spot wait not longer than the runtime', { training: { spot: true, maxRuntimeInSeconds: 7200, maxWaitTimeInSeconds: 7200 } }, ['training.maxWaitTimeInSeconds', '7200']],
    ['spot wait over 28 days', { training: { spot: true, maxWaitTimeInSeconds: 2419201 } }, ['training.maxWaitTimeInSeconds', '2419201']],
    ['transform settings in mode train', { mode: 'train', transform: { instanceCount: 2 } }, ['transform']],
    ['kv_store with one instance', { hyperparameters: { kv_store: 'dist_sync' } }, ['kv_store']],
    ['request that is not an object', [] as unknown as Record<string, unknown>, ['request']],
  ];

  test('there are at least 20 distinct bad requests', () => {
    expect(new Set(BAD_REQUESTS.map(([, request]) => JSON.stringify(request))).size).toBeGreaterThanOrEqual(20);
  });

  test.each(BAD_REQUESTS)('%s', async (_label, request, expected) => {
    const outcome = await pipeline.run(request, { executionName: EXECUTION });

    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBe('RunRequestRejected');
    for (const text of expected) expect(outcome.cause).toContain(text);
    expect(outcome.sagemaker.calls).toHaveLength(0);
    expect(outcome.states).toEqual(['Prepare run', 'Request accepted?', 'Request rejected', 'Notify failure', 'Run failed']);
    expect(outcome.notifications).toHaveLength(1);
    expect(outcome.notifications[0]?.message).toMatchObject({ status: 'FAILED', failedState: 'Prepare run', runId: null });
  });

  test('a run request file the trigger could not read fails with the file named', async () => {
    const outcome = await pipeline.run(
      { source: { bucket: data, key: 'requests/broken.json', versionId: 'v1', problem: 'is not valid JSON: Unexpected token' } },
      { executionName: EXECUTION },
    );
    expect(outcome.status).toBe('FAILED');
    expect(outcome.cause).toContain(`Run request file s3://${data}/requests/broken.json (version v1): is not valid JSON`);
    expect(outcome.sagemaker.calls).toHaveLength(0);
  });
});

describe('failures are explained and notified once', () => {
  const failedRun = async (sagemaker: SageMakerStandIn, input: Record<string, unknown> = {}) =>
    pipeline.run(input, { executionName: EXECUTION, sagemaker });

  const expectOneFailureNotification = (outcome: Awaited<ReturnType<typeof failedRun>>, state: string) => {
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error?.startsWith(`${state} failed: `)).toBe(true);
    expect(outcome.states.slice(-3)).toEqual([`${state} failed`, 'Notify failure', 'Run failed']);
    expect(outcome.notifications).toHaveLength(1);
    expect(outcome.notifications[0]).toMatchObject({
      subject: `Run failed: ${EXECUTION}`,
      message: {
        status: 'FAILED',
        failedState: state,
        error: outcome.error,
        cause: outcome.cause,
        console: expect.stringContaining(`execution:Pipeline:${EXECUTION}`),
      },
    });
  };

  test('a training job that ends Failed fails the run with its FailureReason, and is not retried', async () => {
    const reason = 'ClientError: Data download failed: could not find s3://bucket/train/ (no objects)';
    const sagemaker = new SageMakerStandIn({ outcomes: { training: { status: 'Failed', failureReason: reason } } });
    const outcome = await failedRun(sagemaker);

    expectOneFailureNotification(outcome, 'Train model');
    expect(outcome.error).toBe('Train model failed: States.TaskFailed');
    expect(outcome.cause).toContain(reason);
    expect(outcome.cause?.startsWith('Train model failed: ')).toBe(true);
    expect(sagemaker.calls.map((call) => call.api)).toEqual(['CreateTrainingJob']);
    expect(outcome.notifications[0]?.message.runId).toBe(RUN_ID);
  });

  test('a completed training job whose description lacks the metrics and times still ends through Notify success', async () => {
    const sagemaker = new SageMakerStandIn({ outcomes: { training: { status: 'Completed', withoutOptionalFields: true } } });
    const described = () => sagemaker.calls[0]?.response as Record<string, unknown>;
    const outcome = await pipeline.run({}, { executionName: EXECUTION, sagemaker });
    expect(described()).not.toHaveProperty('FinalMetricDataList');
    expect(described()).not.toHaveProperty('BillableTimeInSeconds');
    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.states).toContain('Notify success');
    expect(outcome.output).toMatchObject({ metrics: [], trainingTimeInSeconds: null, billableTimeInSeconds: null, predictions: expect.any(String) });
    expect(outcome.notifications).toHaveLength(1);
    expect(outcome.notifications[0]?.message.summary).toMatchObject({ metrics: [], billableTimeInSeconds: null });
  });

  test('a training job that was stopped fails the run', async () => {
    const sagemaker = new SageMakerStandIn({ outcomes: { training: { status: 'Stopped', secondaryStatus: 'MaxRuntimeExceeded', failureReason: 'Training job reached its maximum runtime' } } });
    const outcome = await failedRun(sagemaker);
    expectOneFailureNotification(outcome, 'Train model');
    expect(outcome.cause).toContain('MaxRuntimeExceeded');
  });

  test('a model creation error fails the run in Create model', async () => {
    const sagemaker = new SageMakerStandIn({
      outcomes: { createModel: { status: 'Error', message: 'Could not access model data at s3://x/model.tar.gz' } },
    });
    const outcome = await failedRun(sagemaker);
    expectOneFailureNotification(outcome, 'Create model');
    expect(outcome.cause).toContain('Could not access model data');
    expect(sagemaker.calls.map((call) => call.api)).not.toContain('CreateTransformJob');
  });

  test('a transform job that ends Failed fails the run with its FailureReason', async () => {
    const reason = 'ClientError: See job logs for more information';
    const sagemaker = new SageMakerStandIn({ outcomes: { transform: { status: 'Failed', failureReason: reason } } });
    const outcome = await failedRun(sagemaker);
    expect(outcome.status).toBe('FAILED');
    expect(outcome.states.slice(-3)).toEqual([STATE_NAMES.transformFailedPartWay, 'Notify failure', 'Run failed']);
    expect(outcome.notifications).toHaveLength(1);
    expect(outcome.cause).toMatch(/^Run batch transform failed: 0 outputs were written to s3:\/\/.*\/predictions\/ before it failed/);
    expect(outcome.cause).toContain(reason);
    expect(sagemaker.calls.filter((call) => call.api === 'CreateTransformJob')).toHaveLength(1);
  });

  test('a transform job that fails part-way: the failure says how many outputs it wrote, and where', async () => {
    const reason = 'ClientError: See job logs for more information';
    const sagemaker = new SageMakerStandIn({ artifactBucket: pipeline.buckets.artifact, outcomes: { transform: { status: 'Failed', failureReason: reason, outputsWritten: 57 } } });
    const outcome = await failedRun(sagemaker);
    expect(sagemaker.writtenObjects).toHaveLength(57);
    expect(outcome.states.slice(-6)).toEqual([
      STATE_NAMES.transform, STATE_NAMES.countTransformOutputs, STATE_NAMES.transformOutputsTruncated, STATE_NAMES.transformFailedPartWay, STATE_NAMES.notifyFailure, STATE_NAMES.failed,
    ]);
    expect(outcome.error).toBe('Run batch transform failed: States.TaskFailed');
    expect(outcome.cause).toMatch(new RegExp(`^Run batch transform failed: 57 outputs were written to s3://${pipeline.buckets.artifact}/runs/[a-z0-9-]+/predictions/ before it failed`));
    expect(outcome.cause).toContain(reason);
    expect(outcome.notifications).toHaveLength(1);
    expect(outcome.notifications[0]?.message).toMatchObject({ failedState: 'Run batch transform', cause: outcome.cause });
  });

  test('a transform job that fails after more outputs than one listing page: the failure says "at least 1000"', async () => {
    const sagemaker = new SageMakerStandIn({ outcomes: { transform: { status: 'Failed', failureReason: 'ClientError: See job logs for more information', outputsWritten: 1001 } } });
    const outcome = await failedRun(sagemaker);
    expect(outcome.states.slice(-3)).toEqual([STATE_NAMES.transformFailedAfterManyOutputs, STATE_NAMES.notifyFailure, STATE_NAMES.failed]);
    expect(outcome.cause).toMatch(/^Run batch transform failed: at least 1000 outputs were written to s3:\/\/[^ ]+\/predictions\/ before it failed/);
  });

  test('a Lambda error fails the run in its state', async () => {
    const error = Object.assign(new Error('Resolve image crashed'), { name: 'UnknownRegionError' });
    const outcome = await pipeline.run({}, { executionName: EXECUTION, lambdaError: { state: 'Resolve image', error } });
    expectOneFailureNotification(outcome, 'Resolve image');
    expect(outcome.error).toBe('Resolve image failed: UnknownRegionError');
    expect(outcome.sagemaker.calls).toHaveLength(0);
  });

  test('a Region without the algorithm fails in Resolve image, naming the Region', async () => {
    const outcome = await pipeline.run({}, { executionName: EXECUTION, region: 'xx-nowhere-1' });
    expectOneFailureNotification(outcome, 'Resolve image');
    expect(outcome.cause).toContain('xx-nowhere-1');
  });
});

describe('transient errors before a job exists are retried', () => {
  test('ResourceLimitExceeded twice, then capacity: the run succeeds with one training job', async () => {
    const sagemaker = new SageMakerStandIn({ outcomes: { resourceLimitExceededCalls: { CreateTrainingJob: 2 } } });
    const outcome = await pipeline.run({}, { executionName: EXECUTION, sagemaker });
    expect(outcome.status).toBe('SUCCEEDED');
    const attempts = sagemaker.calls.filter((call) => call.api === 'CreateTrainingJob');
    expect(attempts.map((call) => call.error?.name ?? 'created')).toEqual([
      'SageMaker.ResourceLimitExceededException',
      'SageMaker.ResourceLimitExceededException',
      'created',
    ]);
    expect(outcome.notifications.map((n) => n.message.status)).toEqual(['SUCCEEDED']);
  });

  test('throttling on every SageMaker call is retried and the run succeeds', async () => {
    const sagemaker = new SageMakerStandIn({
      outcomes: { throttledCalls: { CreateTrainingJob: 1, CreateModel: 1, CreateTransformJob: 2 } },
    });
    const outcome = await pipeline.run({}, { executionName: EXECUTION, sagemaker });
    expect(outcome.status).toBe('SUCCEEDED');
    expect(sagemaker.calls.filter((call) => call.error).map((call) => call.error?.name)).toEqual(
      Array(4).fill('SageMaker.AmazonSageMakerException'),
    );
  });

  test('capacity that never frees up fails the run after the bounded retries', async () => {
    const sagemaker = new SageMakerStandIn({ outcomes: { resourceLimitExceededCalls: { CreateTrainingJob: 100 } } });
    const outcome = await pipeline.run({}, { executionName: EXECUTION, sagemaker });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBe('Train model failed: SageMaker.ResourceLimitExceededException');
    // The first attempt and 6 retries.
    expect(sagemaker.calls).toHaveLength(7);
  });
});

describe('managed spot training', () => {
  const checkpoints = (runId: string) => `s3://${artifact}/runs/${runId}/checkpoints/`;

  test('spot sends EnableManagedSpotTraining, the wait and the run\'s own checkpoint prefix, within the API limits', async () => {
    const outcome = await pipeline.run(
      { training: { spot: true, maxRuntimeInSeconds: 7200, maxWaitTimeInSeconds: 10800 } },
      { executionName: EXECUTION },
    );
    expect(outcome.status).toBe('SUCCEEDED');
    const [training] = outcome.sagemaker.calls;
    // The stand-in checked the request against sagemaker-api-limits.json (and the documented limits) and accepted it.
    expect(training?.error).toBeUndefined();
    expect(training?.request).toEqual({
      ...referenceTrainingRequest(RUN_ID),
      StoppingCondition: { MaxRuntimeInSeconds: 7200, MaxWaitTimeInSeconds: 10800 },
      EnableManagedSpotTraining: true,
      CheckpointConfig: { S3Uri: checkpoints(RUN_ID) },
    });
    expect(outcome.states).toContain('Build spot training request');
    expect(outcome.states).not.toContain('Build training request');
    // SageMaker reports the saving as billable time below the training time (the stand-in: 70 %).
    expect(outcome.output).toMatchObject({ spot: true, trainingTimeInSeconds: 1800, billableTimeInSeconds: 540 });
    expect(outcome.notifications[0]?.message.summary).toMatchObject({ spot: true, billableTimeInSeconds: 540 });
  });

  test('the default spot wait is the runtime plus one day', async () => {
    const outcome = await pipeline.run({ training: { spot: true } }, { executionName: EXECUTION });
    expect(outcome.sagemaker.calls[0]?.request.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 360000, MaxWaitTimeInSeconds: 446400 });
  });

  test('without spot none of the three spot fields is sent', async () => {
    const outcome = await pipeline.run({ training: { spot: false } }, { executionName: EXECUTION });
    const request = outcome.sagemaker.calls[0]?.request as Record<string, any>;
    expect(request).toEqual(referenceTrainingRequest(RUN_ID));
    expect(request).not.toHaveProperty('EnableManagedSpotTraining');
    expect(request).not.toHaveProperty('CheckpointConfig');
    expect(request.StoppingCondition).not.toHaveProperty('MaxWaitTimeInSeconds');
    expect(outcome.output).toMatchObject({ spot: false, billableTimeInSeconds: 1800 });
  });

  test('two runs never share a checkpoint prefix', async () => {
    const first = await pipeline.run({ training: { spot: true } }, { executionName: 'Run_1' });
    const second = await pipeline.run({ training: { spot: true } }, { executionName: 'run-1' });
    const prefixOf = (outcome: typeof first) => (outcome.sagemaker.calls[0]?.request.CheckpointConfig as { S3Uri: string }).S3Uri;
    expect(prefixOf(first)).toBe(checkpoints(first.output?.runId));
    expect(prefixOf(second)).toBe(checkpoints(second.output?.runId));
    expect(prefixOf(first)).not.toBe(prefixOf(second));
    expect(prefixOf(first).startsWith(prefixOf(second))).toBe(false);
    expect(prefixOf(second).startsWith(prefixOf(first))).toBe(false);
  });

  test('a spot job stopped for MaxWaitTimeExceeded fails with a notification that says so and what to do', async () => {
    const sagemaker = new SageMakerStandIn({ outcomes: { training: { status: 'Stopped', secondaryStatus: 'MaxWaitTimeExceeded' } } });
    const outcome = await pipeline.run({ training: { spot: true } }, { executionName: EXECUTION, sagemaker });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.states.slice(-4)).toEqual(['Spot wait exceeded?', 'Train model ran out of spot wait', 'Notify failure', 'Run failed']);
    expect(outcome.error).toBe('Train model failed: MaxWaitTimeExceeded');
    expect(outcome.cause).toMatch(
      /^Train model failed: the spot training job did not finish within training\.maxWaitTimeInSeconds \(MaxWaitTimeExceeded\): /,
    );
    expect(outcome.cause).toContain('Run it again on demand (training.spot false), or allow a longer wait (a larger training.maxWaitTimeInSeconds)');
    expect(outcome.cause).toContain(`Its checkpoints are in ${checkpoints(RUN_ID)}.`);
    expect(outcome.notifications).toHaveLength(1);
    expect(outcome.notifications[0]).toMatchObject({
      subject: `Run failed: ${EXECUTION}`,
      message: { status: 'FAILED', failedState: 'Train model', runId: RUN_ID, error: outcome.error, cause: outcome.cause },
    });
    // Not retried: a job that ran is never created again under the same name.
    expect(sagemaker.calls.map((call) => call.api)).toEqual(['CreateTrainingJob']);
  });

  test('any other stop of a training job keeps the generic failure record', async () => {
    const sagemaker = new SageMakerStandIn({ outcomes: { training: { status: 'Stopped', secondaryStatus: 'MaxRuntimeExceeded' } } });
    const outcome = await pipeline.run({ training: { spot: true } }, { executionName: EXECUTION, sagemaker });
    expect(outcome.states.slice(-4)).toEqual(['Spot wait exceeded?', 'Train model failed', 'Notify failure', 'Run failed']);
    expect(outcome.error).toBe('Train model failed: States.TaskFailed');
  });
});

describe('hyperparameter tuning', () => {
  const TUNING_JOB = tuningJobName(RUN_ID);

  test('tuning to model to transform: the model is created from the best training job\'s artifact', async () => {
    const outcome = await pipeline.run({ tuning: {} }, { executionName: EXECUTION });
    expect(outcome.status).toBe('SUCCEEDED');
    // Every request was checked against the API limits, including the tuning job's and the SDK integration's.
    expect(outcome.sagemaker.calls.filter((call) => call.error)).toEqual([]);
    expect(outcome.sagemaker.calls.map((call) => call.api)).toEqual(['CreateHyperParameterTuningJob', 'DescribeTrainingJob', 'CreateModel', 'CreateModelPackage', 'CreateTransformJob']);
    // The training job it tunes is the one `Train model` would create, without the tuned hyperparameters.
    expect(outcome.sagemaker.calls[0]?.request).toEqual(tuningRequest(TUNING_JOB, referenceTrainingRequest(RUN_ID)));
    const best = outcome.output?.tuning.bestTrainingJobName as string;
    expect(best).toMatch(new RegExp(`^${TUNING_JOB}-\\d{3}-[0-9a-f]{8}$`));
    expect(outcome.sagemaker.calls[1]?.request).toEqual({ TrainingJobName: best });
    expect(outcome.sagemaker.calls[2]?.request).toEqual({
      ...referenceModelRequest(RUN_ID),
      PrimaryContainer: { ...referenceModelRequest(RUN_ID).PrimaryContainer, ModelDataUrl: `s3://${artifact}/runs/${RUN_ID}/model/${best}/output/model.tar.gz` },
    });
    expect(outcome.output).toMatchObject({
      trainingJobName: best,
      modelArtifacts: `s3://${artifact}/runs/${RUN_ID}/model/${best}/output/model.tar.gz`,
      tuning: {
        tuningJobName: TUNING_JOB,
        bestTrainingJobName: best,
        tunedHyperparameters: { mini_batch_size: expect.any(String), learning_rate: expect.any(String), optimizer: expect.any(String) },
        objectiveMetric: { MetricName: 'validation:accuracy', Value: 0.85 },
        trainingJobStatusCounters: { Completed: 6 },
      },
      metrics: expect.arrayContaining([expect.objectContaining({ MetricName: 'validation:accuracy', Value: 0.85 })]),
    });
    expect(outcome.states.slice(4, 12)).toEqual([
      'Incremental training?',
      'Tune hyperparameters?',
      'Build tuning request',
      'Tune model',
      'Best training job found?',
      'Describe best training job',
      'Best training job has a model?',
      'Read tuning result',
    ]);
  });

  test('tuning with spot: EnableManagedSpotTraining and the wait, no shared checkpoint prefix', async () => {
    const outcome = await pipeline.run({ tuning: { maxJobs: 2 }, training: { spot: true } }, { executionName: EXECUTION });
    expect(outcome.status).toBe('SUCCEEDED');
    const definition = outcome.sagemaker.calls[0]?.request.TrainingJobDefinition as Record<string, unknown>;
    expect(definition).toMatchObject({ EnableManagedSpotTraining: true, StoppingCondition: { MaxRuntimeInSeconds: 360000, MaxWaitTimeInSeconds: 446400 } });
    expect(definition).not.toHaveProperty('CheckpointConfig');
  });

  test('a tuning job whose jobs all fail fails the run in Tune model, not retried', async () => {
    const sagemaker = new SageMakerStandIn({ outcomes: { training: { status: 'Failed', failureReason: 'AlgorithmError: simulated' } } });
    const outcome = await pipeline.run({ tuning: { maxJobs: 2 } }, { executionName: EXECUTION, sagemaker });
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'Tune model failed: States.TaskFailed' });
    expect(outcome.cause).toContain('All training jobs failed');
    expect(sagemaker.calls.map((call) => call.api)).toEqual(['CreateHyperParameterTuningJob']);
    expect(outcome.notifications).toHaveLength(1);
  });

  // DescribeTrainingJob of the best job answers ModelArtifacts only if that job completed
  // (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeTrainingJob.html); read without a
  // default, `Read training result` would fail with States.Runtime, past every Catch.
  test('a best training job without a model fails the run before Create model, with one notification saying why', async () => {
    const sagemaker = new SageMakerStandIn({ outcomes: { tuning: { status: 'Completed', bestTrainingJobStopped: true } } });
    const outcome = await pipeline.run({ tuning: { maxJobs: 3 } }, { executionName: EXECUTION, sagemaker });
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'Tune model failed: NoModelArtifacts' });
    expect(outcome.cause).toMatch(
      /^Tune model failed: the best training job .*-002-[0-9a-f]{8} of tuning job .* is Stopped and has no model \(no ModelArtifacts\), so there is no model to create\.$/,
    );
    expect(sagemaker.calls.map((call) => call.api)).toEqual(['CreateHyperParameterTuningJob', 'DescribeTrainingJob']);
    expect(outcome.notifications).toHaveLength(1);
    expect(outcome.notifications[0]?.message).toMatchObject({ failedState: 'Tune model', error: outcome.error, modelArtifacts: null });
  });

  test('a tuning job without a best training job fails the run before Create model, saying why', async () => {
    const sagemaker = new SageMakerStandIn({ finalMetrics: { 'train:accuracy': 0.9 } });
    const outcome = await pipeline.run({ tuning: { maxJobs: 2 } }, { executionName: EXECUTION, sagemaker });
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'Tune model failed: NoBestTrainingJob' });
    expect(outcome.cause).toMatch(/^Tune model failed: tuning job .* ended without a best training job, so there is no model to create: no training job reported validation:accuracy\. Training jobs by status: \{"Completed":2,/);
    expect(sagemaker.calls.map((call) => call.api)).toEqual(['CreateHyperParameterTuningJob']);
  });
});

describe('accuracy gate', () => {
  const gated = (minValidationAccuracy: number, sagemaker?: SageMakerStandIn, extra: Record<string, unknown> = {}) =>
    pipeline.run({ minValidationAccuracy, ...extra }, { executionName: EXECUTION, sagemaker });

  test('below the gate: no model, no transform, AccuracyBelowGate with the accuracy, the gate and the model artifact', async () => {
    const sagemaker = new SageMakerStandIn({ finalMetrics: { 'train:accuracy': 0.7, 'validation:accuracy': 0.41 } });
    const outcome = await gated(0.6, sagemaker);
    const model = `s3://${artifact}/runs/${RUN_ID}/model/${RUN_ID}/output/model.tar.gz`;
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBe('AccuracyBelowGate');
    expect(outcome.cause).toBe(
      `validation accuracy 0.41 is below the gate 0.60 (minValidationAccuracy): no model was created and nothing was classified. The trained model is ${model} (training job ${RUN_ID}).`,
    );
    expect(sagemaker.calls.map((call) => call.api)).toEqual(['CreateTrainingJob']);
    expect(outcome.states).not.toContain('Create model');
    expect(outcome.states.slice(-3)).toEqual(['Accuracy below gate', 'Notify failure', 'Run failed']);
    expect(outcome.notifications).toHaveLength(1);
    expect(outcome.notifications[0]?.message).toMatchObject({
      status: 'FAILED',
      failedState: 'Validation accuracy below gate?',
      error: 'AccuracyBelowGate',
      cause: outcome.cause,
      modelArtifacts: model,
      runId: RUN_ID,
    });
  });

  test('at or above the gate: the run goes on to the model and the transform, and the summary names the gate', async () => {
    for (const gate of [0.6, 0.85]) {
      const outcome = await gated(gate);
      expect(outcome.status).toBe('SUCCEEDED');
      expect(outcome.sagemaker.calls.map((call) => call.api)).toEqual(['CreateTrainingJob', 'CreateModel', 'CreateModelPackage', 'CreateTransformJob']);
      expect(outcome.output?.minValidationAccuracy).toBe(gate);
    }
  });

  test('the metric is found by its name wherever it is in the list', async () => {
    const sagemaker = new SageMakerStandIn({ finalMetrics: { 'validation:accuracy': 0.5, 'train:accuracy': 0.99, 'validation:top_k_accuracy_5': 0.9 } });
    const outcome = await gated(0.6, sagemaker);
    expect(outcome.cause).toMatch(/^validation accuracy 0\.5 is below the gate 0\.60/);
  });

  test('a missing validation:accuracy with a gate fails the same way, saying the metric is missing', async () => {
    for (const sagemaker of [
      new SageMakerStandIn({ finalMetrics: { 'train:accuracy': 0.9 } }),
      new SageMakerStandIn({ outcomes: { training: { status: 'Completed', withoutOptionalFields: true } } }),
    ]) {
      const outcome = await gated(0.6, sagemaker);
      expect(outcome.status).toBe('FAILED');
      expect(outcome.error).toBe('AccuracyBelowGate');
      expect(outcome.cause).toMatch(
        new RegExp(`^validation accuracy is missing: training job ${RUN_ID} reported no validation:accuracy metric, so the gate 0\\.60 \\(minValidationAccuracy\\) cannot be checked`),
      );
      expect(outcome.states.slice(-3)).toEqual(['Validation accuracy missing', 'Notify failure', 'Run failed']);
      expect(sagemaker.calls.map((call) => call.api)).toEqual(['CreateTrainingJob']);
    }
  });

  test('the gate checks the best tuned job', async () => {
    const low = await gated(0.9, undefined, { tuning: { maxJobs: 2 } });
    expect(low).toMatchObject({ status: 'FAILED', error: 'AccuracyBelowGate' });
    expect(low.cause).toMatch(/^validation accuracy 0\.85 is below the gate 0\.90 .* \(training job .*-00\d-[0-9a-f]{8}\)\.$/);
    expect(low.sagemaker.calls.map((call) => call.api)).toEqual(['CreateHyperParameterTuningJob', 'DescribeTrainingJob']);
  });
});

describe('incremental training', () => {
  const BASE = 'caltech-baseline-exec-0123abcd';
  const run = (request: Record<string, unknown>, earlierTrainingJob?: ConstructorParameters<typeof SageMakerStandIn>[0]) =>
    pipeline.run({ baseTrainingJob: BASE, ...request }, { executionName: EXECUTION, sagemaker: new SageMakerStandIn({ artifactBucket: artifact, ...earlierTrainingJob }) });

  test('a compatible base job: the model channel is added and its num_layers, image_shape and num_classes are taken', async () => {
    const outcome = await run({ hyperparameters: { epochs: 4 } });
    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.sagemaker.calls.map((call) => call.api)).toEqual(['DescribeTrainingJob', 'CreateTrainingJob', 'CreateModel', 'CreateModelPackage', 'CreateTransformJob']);
    expect(outcome.sagemaker.calls[0]?.request).toEqual({ TrainingJobName: BASE });
    const training = outcome.sagemaker.calls[1]?.request as Record<string, any>;
    expect(training.HyperParameters).toEqual({ ...referenceTrainingRequest(RUN_ID).HyperParameters, epochs: '4' });
    expect(training.InputDataConfig).toEqual([
      ...referenceTrainingRequest(RUN_ID).InputDataConfig,
      {
        ChannelName: 'model',
        DataSource: {
          S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${artifact}/runs/${BASE}/model/${BASE}/output/model.tar.gz`, S3DataDistributionType: 'FullyReplicated' },
        },
        ContentType: 'application/x-sagemaker-model',
        CompressionType: 'None',
        InputMode: 'File',
      },
    ]);
    expect(outcome.output?.baseTrainingJob).toBe(BASE);
  });

  test('a request that sets the same values as the base job is compatible too', async () => {
    const outcome = await run({ hyperparameters: { num_classes: 257, num_layers: 18, image_shape: '3,224,224' } });
    expect(outcome.status).toBe('SUCCEEDED');
  });

  test('incremental training with tuning: the tuning job\'s training jobs get the model channel', async () => {
    const outcome = await run({ tuning: { maxJobs: 2 } });
    expect(outcome.status).toBe('SUCCEEDED');
    const definition = outcome.sagemaker.calls[1]?.request.TrainingJobDefinition as Record<string, any>;
    expect(definition.InputDataConfig.map((channel: { ChannelName: string }) => channel.ChannelName)).toEqual(['train', 'validation', 'model']);
    expect(definition.StaticHyperParameters).toMatchObject({ num_classes: '257', num_layers: '18', image_shape: '3,224,224' });
  });

  // [what is wrong, request, stand-in's earlier job, the cause]
  const INCOMPATIBLE: Array<[string, Record<string, unknown>, ConstructorParameters<typeof SageMakerStandIn>[0], string]> = [
    [
      'a different num_classes',
      { hyperparameters: { num_classes: 10 } },
      {},
      `hyperparameters.num_classes: "10" differs from "257" of the base training job "${BASE}": incremental training keeps num_layers, image_shape and num_classes of the base job; leave hyperparameters.num_classes out to take its value`,
    ],
    [
      'a parent with a different num_layers than the request',
      { hyperparameters: { num_layers: 18 } },
      { outcomes: { earlierTrainingJob: { hyperparameters: { num_classes: '257', num_layers: '50' } } } },
      `hyperparameters.num_layers: "18" differs from "50" of the base training job "${BASE}"`,
    ],
    [
      'a parent whose image_shape is the algorithm default, unlike the request',
      { hyperparameters: { image_shape: '3,112,112' } },
      { outcomes: { earlierTrainingJob: { hyperparameters: { num_classes: '257' } } } },
      `hyperparameters.image_shape: "3,112,112" differs from "3,224,224" of the base training job "${BASE}"`,
    ],
    ['a failed parent', {}, { outcomes: { earlierTrainingJob: { status: 'Failed' } } }, `baseTrainingJob: "${BASE}" is Failed, not Completed`],
    [
      'a parent of another algorithm',
      {},
      { outcomes: { earlierTrainingJob: { trainingImage: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1' } } },
      `baseTrainingJob: "${BASE}" was not trained by the image-classification algorithm (its training image is "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1")`,
    ],
    [
      'a parent whose model is outside the artifact bucket\'s runs/',
      {},
      { outcomes: { earlierTrainingJob: { modelArtifacts: 's3://someone-else/model.tar.gz' } } },
      `baseTrainingJob: the model of "${BASE}" is s3://someone-else/model.tar.gz, not under s3://`,
    ],
  ];

  test.each(INCOMPATIBLE)('%s fails before the training job, naming the field, at no cost', async (_label, request, standIn, cause) => {
    const outcome = await run(request, standIn);
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBe('RunRequestRejected');
    expect(outcome.cause).toContain(`Invalid run request (1 problem): ${cause}`);
    expect(outcome.sagemaker.calls.map((call) => call.api)).toEqual(['DescribeTrainingJob']);
    expect(outcome.notifications).toHaveLength(1);
    expect(outcome.notifications[0]?.message).toMatchObject({ failedState: 'Base training job compatible?', error: 'RunRequestRejected', runId: RUN_ID });
  });

  // DescribeTrainingJob leaves ModelArtifacts out until a job has completed (the stand-in answers so, status by
  // status: https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeTrainingJob.html). Read without a
  // default, the missing field fails `Read base training job` with States.Runtime: no Catch, no notification.
  test.each(['InProgress', 'Stopping', 'Failed'] as const)(
    'a base job that is %s: RunRequestRejected with one notification naming the job and its status, at no cost',
    async (status) => {
      const outcome = await run({}, { outcomes: { earlierTrainingJob: { status } } });
      expect(outcome.error).toBe('RunRequestRejected');
      expect(outcome.cause).toBe(
        `Invalid run request (1 problem): baseTrainingJob: "${BASE}" is ${status}, not Completed: ` +
          'incremental training continues from the model of a completed training job',
      );
      expect(outcome.sagemaker.calls.map((call) => call.api)).toEqual(['DescribeTrainingJob']);
      expect(outcome.notifications).toHaveLength(1);
      expect(outcome.notifications[0]?.message).toMatchObject({
        status: 'FAILED',
        failedState: 'Base training job compatible?',
        error: 'RunRequestRejected',
        cause: outcome.cause,
        modelArtifacts: null,
      });
    },
  );

  test('a parent that does not exist fails in Describe base training job with the SDK error and the field', async () => {
    const outcome = await run({}, { outcomes: { earlierTrainingJob: { exists: false } } });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBe('Describe base training job failed: SageMaker.ResourceNotFoundException');
    expect(outcome.cause).toMatch(new RegExp(`^Describe base training job failed \\(baseTrainingJob ${BASE}\\): Requested resource not found`));
    expect(outcome.sagemaker.calls.map((call) => call.api)).toEqual(['DescribeTrainingJob']);
  });
});

describe('model registry and endpoint deployment', () => {
  const endpointName = () => `${pipeline.resourceNamePrefix}-endpoint`;
  const configName = () => `${pipeline.resourceNamePrefix}-${RUN_ID}`;
  const apis = (outcome: { sagemaker: SageMakerStandIn }) => outcome.sagemaker.calls.map((call) => call.api);

  test('a run that registers and deploys: an encrypted endpoint config, a new endpoint, polled until InService', async () => {
    const outcome = await pipeline.run({ mode: 'train', registry: { approval: 'Approved' }, endpoint: {} }, { executionName: EXECUTION });
    expect(outcome.status).toBe('SUCCEEDED');
    expect(apis(outcome)).toEqual([
      'CreateTrainingJob', 'CreateModel', 'CreateModelPackage', 'CreateEndpointConfig', 'DescribeEndpoint', 'CreateEndpoint', 'DescribeEndpoint', 'DescribeEndpoint',
    ]);
    expect(outcome.sagemaker.callsTo('CreateModelPackage')[0]?.request).toEqual(referenceRegisterRequest(RUN_ID, 'Approved'));
    expect(outcome.sagemaker.callsTo('CreateEndpointConfig')[0]?.request).toEqual({
      EndpointConfigName: configName(),
      ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: RUN_ID, InitialInstanceCount: 1, InstanceType: 'ml.m5.xlarge' }],
      KmsKeyId: kmsKeyArn,
      Tags: [{ Key: 'ic-pipeline:run-id', Value: RUN_ID }],
    });
    // The first DescribeEndpoint finds none (ValidationException "Could not find endpoint"): it is created.
    expect(outcome.sagemaker.callsTo('DescribeEndpoint')[0]?.error?.message).toContain('Could not find endpoint');
    expect(outcome.sagemaker.callsTo('CreateEndpoint')[0]?.request).toEqual({
      EndpointName: endpointName(),
      EndpointConfigName: configName(),
      Tags: [{ Key: 'ic-pipeline:run-id', Value: RUN_ID }],
    });
    expect(outcome.output).toMatchObject({
      modelPackageArn: `arn:aws:sagemaker:us-east-1:${TEST_ENV.account}:model-package/${pipeline.resourceNamePrefix}-models/1`,
      endpointName: endpointName(),
      endpointStatus: 'InService',
    });
    expect(outcome.states.filter((name) => name === STATE_NAMES.waitForEndpoint)).toHaveLength(2);
  });

  test('an existing endpoint is updated to the new config, without a new endpoint', async () => {
    const sagemaker = new SageMakerStandIn({ artifactBucket: artifact, account: TEST_ENV.account, outcomes: { existingEndpoint: { name: endpointName(), configName: 'older-config' } } });
    const outcome = await pipeline.run({ mode: 'train', endpoint: { instanceType: 'ml.c5.xlarge', instanceCount: 2 } }, { executionName: EXECUTION, sagemaker });
    expect(outcome.status).toBe('SUCCEEDED');
    expect(apis(outcome)).not.toContain('CreateEndpoint');
    expect(sagemaker.callsTo('UpdateEndpoint').map((call) => call.request)).toEqual([{ EndpointName: endpointName(), EndpointConfigName: configName() }]);
    expect(sagemaker.callsTo('CreateEndpointConfig')[0]?.request).toMatchObject({
      ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: RUN_ID, InitialInstanceCount: 2, InstanceType: 'ml.c5.xlarge' }],
    });
    expect(outcome.output).toMatchObject({ endpointName: endpointName(), endpointStatus: 'InService' });
  });

  test('an endpoint that fails ends the run through the failure path with SageMaker\'s FailureReason', async () => {
    const reason = 'The primary container for production variant AllTraffic did not pass the ping health check.';
    const sagemaker = new SageMakerStandIn({ artifactBucket: artifact, account: TEST_ENV.account, outcomes: { endpoint: { status: 'Failed', failureReason: reason } } });
    const outcome = await pipeline.run({ mode: 'train', endpoint: {} }, { executionName: EXECUTION, sagemaker });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBe('EndpointDeploymentFailed');
    expect(outcome.cause).toBe(
      `endpoint ${endpointName()} is Failed: ${reason} (endpoint config ${configName()}). An endpoint bills every hour it exists: ` +
        `ic-pipeline undeploy ${endpointName()} deletes it.`,
    );
    expect(outcome.notifications).toHaveLength(1);
    expect(outcome.notifications[0]?.message).toMatchObject({ failedState: STATE_NAMES.describeEndpoint, error: 'EndpointDeploymentFailed', cause: outcome.cause });
  });

  test('an update that rolls back fails the run: the endpoint serves its previous config again', async () => {
    const sagemaker = new SageMakerStandIn({
      artifactBucket: artifact,
      account: TEST_ENV.account,
      outcomes: { existingEndpoint: { name: endpointName(), configName: 'older-config' }, endpoint: { status: 'Failed', failureReason: 'model failed to load' } },
    });
    const outcome = await pipeline.run({ mode: 'train', endpoint: {} }, { executionName: EXECUTION, sagemaker });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBe('EndpointDeploymentFailed');
    expect(outcome.cause).toContain(`the update of endpoint ${endpointName()} to endpoint config ${configName()} failed: model failed to load.`);
    expect(outcome.cause).toContain('it serves endpoint config older-config again');
  });

  test('the poll loop gives up after 60 polls with EndpointNotReady', async () => {
    const sagemaker = new SageMakerStandIn({ artifactBucket: artifact, account: TEST_ENV.account, outcomes: { endpoint: { status: 'InService', pollsUntilDone: 500 } } });
    const outcome = await pipeline.run({ mode: 'train', endpoint: {} }, { executionName: EXECUTION, sagemaker });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBe('EndpointNotReady');
    // Find endpoint, then 60 polls.
    expect(sagemaker.callsTo('DescribeEndpoint')).toHaveLength(61);
    expect(outcome.cause).toMatch(/^endpoint \S+ is still Creating after 59 polls, 60 s apart/);
  });

  test('mode deploy creates a model from an approved version and deploys it; the summary names both', async () => {
    const sagemaker = new SageMakerStandIn({ artifactBucket: artifact, account: TEST_ENV.account, outcomes: { registeredVersions: ['PendingManualApproval', 'Approved'] } });
    const outcome = await pipeline.run({ mode: 'deploy', modelPackage: '2' }, { executionName: EXECUTION, sagemaker });
    expect(outcome.status).toBe('SUCCEEDED');
    const group = `${pipeline.resourceNamePrefix}-models`;
    expect(sagemaker.callsTo('DescribeModelPackage')[0]?.request).toEqual({ ModelPackageName: `${group}/2` });
    expect(sagemaker.callsTo('CreateModel')[0]?.request).toEqual({
      ModelName: RUN_ID,
      ExecutionRoleArn: sagemakerRoleArn,
      PrimaryContainer: { ModelPackageName: `arn:aws:sagemaker:us-east-1:${TEST_ENV.account}:model-package/${group}/2` },
      EnableNetworkIsolation: true,
      Tags: [{ Key: 'ic-pipeline:run-id', Value: RUN_ID }],
    });
    expect(outcome.output).toMatchObject({
      mode: 'deploy',
      trainingJobName: null,
      modelName: RUN_ID,
      modelPackageArn: `arn:aws:sagemaker:us-east-1:${TEST_ENV.account}:model-package/${group}/2`,
      endpointName: endpointName(),
      endpointStatus: 'InService',
      transformJobName: null,
    });
  });

  test('mode deploy of a version that is not approved is rejected naming the version and its status, before any model', async () => {
    const sagemaker = new SageMakerStandIn({ artifactBucket: artifact, account: TEST_ENV.account, outcomes: { registeredVersions: ['PendingManualApproval'] } });
    const outcome = await pipeline.run({ mode: 'deploy', modelPackage: '1', endpoint: {} }, { executionName: EXECUTION, sagemaker });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBe('RunRequestRejected');
    expect(outcome.cause).toBe(
      `modelPackage ${pipeline.resourceNamePrefix}-models/1: version 1 is PendingManualApproval, and only an Approved version can be ` +
        'deployed: approve it first (ic-pipeline approve 1) or choose an approved version (ic-pipeline models). Nothing was deployed.',
    );
    expect(sagemaker.calls.map((call) => call.api)).toEqual(['DescribeModelPackage']);
  });

  test('mode deploy with modelName deploys the existing model; wrong combinations are rejected in Prepare run', async () => {
    const outcome = await pipeline.run({ mode: 'deploy', modelName: 'caltech-baseline-model', endpoint: { name: `${pipeline.resourceNamePrefix}-blue` } }, { executionName: EXECUTION });
    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.sagemaker.callsTo('CreateEndpointConfig')[0]?.request).toMatchObject({ ProductionVariants: [{ ModelName: 'caltech-baseline-model' }] });
    expect(outcome.output).toMatchObject({ modelName: 'caltech-baseline-model', modelPackageArn: null, endpointName: `${pipeline.resourceNamePrefix}-blue` });

    const both = await pipeline.run({ mode: 'deploy', modelName: 'm', modelPackage: '1' }, { executionName: EXECUTION });
    expect(both.error).toBe('RunRequestRejected');
    expect(both.cause).toContain('modelName: "m" cannot be combined with modelPackage "1"');
    const foreign = await pipeline.run({ mode: 'train', endpoint: { name: 'someone-elses' } }, { executionName: EXECUTION });
    expect(foreign.cause).toContain(`endpoint.name: "someone-elses" is not one of this stack's endpoint names: they start with "${pipeline.resourceNamePrefix}-"`);
    const transformOnly = await pipeline.run({ mode: 'transform', modelName: 'm', endpoint: {} }, { executionName: EXECUTION });
    expect(transformOnly.cause).toContain('endpoint: {} is not used in mode "transform"');
    for (const rejected of [both, foreign, transformOnly]) expect(rejected.sagemaker.calls).toEqual([]);
  });
});
