import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MAX_RUNTIME_IN_SECONDS, MAX_WAIT_TIME_IN_SECONDS } from '../../core/api-limits';
import { STATE_NAMES } from '../../core/state-names';
import { resolveIntrinsics, StateMachineDefinition, stateMachineDefinition } from '../../simulation/definition';
import { checkTrainingTaskTimeout } from '../../lib/pipeline-state-machine';

/** The stack as `cdk synth` makes it without credentials (synthesized once for this file). */
let agnosticTemplate: ReturnType<ReturnType<typeof synthPipeline>['template']['toJSON']> | undefined;
const environmentAgnostic = () => (agnosticTemplate ??= synthPipeline({ env: {} }).template.toJSON());

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
import { logicalIdOf, pipelineTemplate, synthPipeline, TEST_ENV } from '../support/synth';

let template: Template;
let definition: StateMachineDefinition;
let smRoleStatements: Array<{ Sid?: string; Action: string | string[]; Resource: unknown; Condition?: unknown }>;

beforeAll(() => {
  template = pipelineTemplate();
  definition = stateMachineDefinition(template.toJSON(), TEST_ENV);
  const roleId = logicalIdOf(template, 'AWS::IAM::Role', 'PipelineStateMachineRole');
  smRoleStatements = Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
});

const state = (name: string) => {
  const found = definition.States[name];
  if (!found) throw new Error(`no state ${name}`);
  return found as Record<string, any>;
};

describe('state machine wiring', () => {
  test('uses JSONPath and starts by preparing the run, then resolving the image of an accepted request', () => {
    expect(definition.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    expect(definition.StartAt).toBe('Prepare run');
    // The raw request may be anything (even not an object): Prepare run's answer replaces it.
    expect(state('Prepare run')).toMatchObject({
      Parameters: { 'request.$': '$', 'executionName.$': '$$.Execution.Name' },
      Next: STATE_NAMES.requestAccepted,
    });
    expect(state('Prepare run')).not.toHaveProperty('ResultPath');
    expect(state(STATE_NAMES.requestAccepted)).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.rejection', IsPresent: true, Next: STATE_NAMES.requestRejected }],
      Default: 'Resolve image',
    });
    expect(state('Resolve image')).toMatchObject({ ResultPath: '$.image', Next: STATE_NAMES.chooseMode });
  });

  test('a rejected request goes to the failure notification as RunRequestRejected, not as a Lambda error', () => {
    expect(state(STATE_NAMES.requestRejected)).toEqual({
      Type: 'Pass',
      Parameters: { state: 'Prepare run', runId: null, error: 'RunRequestRejected', 'cause.$': '$.rejection.cause', modelArtifacts: null },
      ResultPath: '$.failure',
      Next: STATE_NAMES.notifyFailure,
    });
  });

  test('chooses the branch by mode: transform skips training, everything else trains first', () => {
    expect(state(STATE_NAMES.chooseMode)).toEqual({
      Type: 'Choice',
      Choices: [
        { Variable: '$.run.mode', StringEquals: 'transform', Next: 'Run batch transform' },
        { Variable: '$.run.mode', StringEquals: 'deploy', Next: STATE_NAMES.deployFromPackage },
      ],
      Default: STATE_NAMES.incrementalOrNot,
    });
    expect(state(STATE_NAMES.incrementalOrNot)).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.run.training.incremental', IsNull: true, Next: STATE_NAMES.tuneOrTrain }],
      Default: STATE_NAMES.describeBaseTrainingJob,
    });
    expect(state(STATE_NAMES.tuneOrTrain)).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.run.training.tuning', IsNull: true, Next: STATE_NAMES.spotOrOnDemand }],
      Default: STATE_NAMES.buildTuningRequest,
    });
    expect(state(STATE_NAMES.spotOrOnDemand)).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.run.training.spot', BooleanEquals: true, Next: STATE_NAMES.buildSpotTrainingRequest }],
      Default: STATE_NAMES.buildTrainingRequest,
    });
    expect(state(STATE_NAMES.buildTrainingRequest).Next).toBe('Train model');
    expect(state(STATE_NAMES.buildSpotTrainingRequest).Next).toBe('Train model');
    expect(state('Train model').Next).toBe(STATE_NAMES.readTrainingResult);
    // The metric is looked for with or without a gate: the registry records it.
    expect(state(STATE_NAMES.readTrainingResult).Next).toBe(STATE_NAMES.startMetricSearch);
    expect(state(STATE_NAMES.accuracyGate)).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.run.minValidationAccuracy', IsNull: true, Next: STATE_NAMES.noValidationAccuracy }],
      Default: STATE_NAMES.accuracyMissing,
    });
    expect(state(STATE_NAMES.noValidationAccuracy).Next).toBe('Create model');
    expect(state('Create model').Next).toBe(STATE_NAMES.registerModel);
    expect(state(STATE_NAMES.registerModel).Next).toBe(STATE_NAMES.deployAfterTraining);
    expect(state(STATE_NAMES.deployAfterTraining)).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.run.endpoint', IsNull: true, Next: STATE_NAMES.noEndpoint }],
      Default: STATE_NAMES.endpointConfigEncrypted,
    });
    expect(state(STATE_NAMES.noEndpoint).Next).toBe(STATE_NAMES.transformAfterTraining);
    expect(state(STATE_NAMES.readEndpoint).Next).toBe(STATE_NAMES.transformAfterTraining);
    expect(state(STATE_NAMES.transformAfterTraining)).toEqual({
      Type: 'Choice',
      Choices: [
        { Variable: '$.run.mode', StringEquals: 'train', Next: STATE_NAMES.summarizeTraining },
        { Variable: '$.run.mode', StringEquals: 'deploy', Next: STATE_NAMES.summarizeDeploy },
      ],
      Default: 'Run batch transform',
    });
  });

  test('trains with createTrainingJob.sync, network isolation, encrypted output and the SageMaker role', () => {
    const roleId = logicalIdOf(template, 'AWS::IAM::Role', 'SageMakerExecutionRole');
    const keyId = logicalIdOf(template, 'AWS::KMS::Key', 'PipelineKey');
    expect(state('Train model')).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::sagemaker:createTrainingJob.sync',
      InputPath: '$.trainingRequest',
      ResultPath: '$.trainingJob',
    });
    expect(state('Train model')).not.toHaveProperty('Parameters');
    const onDemand = {
      Type: 'Pass',
      ResultPath: '$.trainingRequest',
      Parameters: {
        'TrainingJobName.$': '$.run.names.trainingJob',
        RoleArn: `arn:aws:iam::111122223333:role/${roleId}`,
        AlgorithmSpecification: { 'TrainingImage.$': '$.image.imageUri', 'TrainingInputMode.$': '$.run.training.inputMode' },
        'HyperParameters.$': '$.run.training.hyperparameters',
        'InputDataConfig.$': '$.run.training.inputDataConfig',
        OutputDataConfig: { 'S3OutputPath.$': '$.run.training.outputPath', KmsKeyId: `arn:aws:kms:us-east-1:111122223333:key/${keyId}` },
        'ResourceConfig.$': '$.run.training.resourceConfig',
        'StoppingCondition.$': '$.run.training.stoppingCondition',
        EnableNetworkIsolation: true,
        Tags: [{ Key: 'ic-pipeline:run-id', 'Value.$': '$.run.runId' }],
      },
    };
    expect(state(STATE_NAMES.buildTrainingRequest)).toMatchObject(onDemand);
    // Without spot, none of the spot fields is sent (MaxWaitTimeInSeconds is in the stopping condition only with spot).
    expect(state(STATE_NAMES.buildTrainingRequest).Parameters).not.toHaveProperty('EnableManagedSpotTraining');
    expect(state(STATE_NAMES.buildTrainingRequest).Parameters).not.toHaveProperty('CheckpointConfig');
    expect(state(STATE_NAMES.buildSpotTrainingRequest)).toEqual({
      ...onDemand,
      Next: 'Train model',
      Parameters: {
        ...state(STATE_NAMES.buildTrainingRequest).Parameters,
        EnableManagedSpotTraining: true,
        CheckpointConfig: { 'S3Uri.$': '$.run.training.checkpointUri' },
      },
    });
  });

  test('Train model outlasts the longest job a request may ask for: 28 days of runtime or of spot wait', () => {
    expect(state('Train model').TimeoutSeconds).toBeGreaterThan(Math.max(MAX_RUNTIME_IN_SECONDS, MAX_WAIT_TIME_IN_SECONDS));
    expect(() => checkTrainingTaskTimeout(Duration.days(28))).toThrow(/trainingTaskTimeout must exceed 2419200 s/);
    expect(() => checkTrainingTaskTimeout(Duration.days(29))).not.toThrow();
  });

  test('creates the model from the training artifacts with the same image and network isolation', () => {
    expect(state('Create model')).toMatchObject({
      Resource: 'arn:aws:states:::sagemaker:createModel',
      Parameters: {
        'ModelName.$': '$.run.names.model',
        PrimaryContainer: { 'Image.$': '$.image.imageUri', 'ModelDataUrl.$': '$.trainingJob.ModelArtifacts' },
        EnableNetworkIsolation: true,
      },
      ResultPath: '$.model',
    });
  });

  test('classifies whole images with createTransformJob.sync into encrypted output', () => {
    expect(state('Run batch transform')).toMatchObject({
      Resource: 'arn:aws:states:::sagemaker:createTransformJob.sync',
      Parameters: {
        'TransformJobName.$': '$.run.names.transformJob',
        'ModelName.$': '$.run.transform.modelName',
        TransformInput: {
          DataSource: { S3DataSource: { S3DataType: 'S3Prefix', 'S3Uri.$': '$.run.transform.batchInput' } },
          'ContentType.$': '$.run.transform.contentType',
          SplitType: 'None',
        },
        TransformOutput: { 'S3OutputPath.$': '$.run.transform.outputPath', KmsKeyId: expect.stringContaining(':key/') },
      },
      ResultPath: '$.transformJob',
    });
  });

  test('reads the training result without a reference that could fail: optional fields get defaults first', () => {
    expect(state('Train model').ResultSelector).toEqual({
      'described.$':
        'States.JsonMerge(States.StringToJson(\'{"FinalMetricDataList":[],"TrainingTimeInSeconds":null,"BillableTimeInSeconds":null,"EnableManagedSpotTraining":false}\'), $, false)',
      tuning: null,
    });
    expect(state(STATE_NAMES.readTrainingResult)).toMatchObject({
      Type: 'Pass',
      Parameters: {
        'FinalMetricDataList.$': '$.trainingJob.described.FinalMetricDataList',
        'TrainingTimeInSeconds.$': '$.trainingJob.described.TrainingTimeInSeconds',
        'BillableTimeInSeconds.$': '$.trainingJob.described.BillableTimeInSeconds',
        'EnableManagedSpotTraining.$': '$.trainingJob.described.EnableManagedSpotTraining',
        'ResourceConfig.$': '$.trainingJob.described.ResourceConfig',
        'ModelArtifacts.$': '$.trainingJob.described.ModelArtifacts.S3ModelArtifacts',
        'tuning.$': '$.trainingJob.tuning',
      },
      ResultPath: '$.trainingJob',
    });
  });

  test('keeps every step result under its own path', () => {
    const paths = [
      'Resolve image',
      'Train model',
      'Tune model',
      STATE_NAMES.describeBaseTrainingJob,
      STATE_NAMES.describeBestTrainingJob,
      'Create model',
      'Run batch transform',
    ].map(
      (name) => state(name).ResultPath,
    );
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths.every((path) => typeof path === 'string' && path.startsWith('$.'))).toBe(true);
  });

  test('every task catches every error into its own failure record, then one notification, then Fail', () => {
    const tasks = Object.entries(definition.States).filter(([, s]) => s.Type === 'Task' && s.Resource !== undefined);
    expect(tasks.length).toBe(19);
    // Run batch transform and its output count have a failure path of their own (the next test); Find endpoint
    // first tells "no such endpoint" (then it is created) from every other failure (test/lib: endpoint deployment).
    const own: string[] = [STATE_NAMES.notifyFailure, STATE_NAMES.transform, STATE_NAMES.countTransformOutputs, STATE_NAMES.findEndpoint];
    for (const [name, task] of tasks.filter(([n]) => !own.includes(n))) {
      // Prepare run's input is the raw request, which may not be an object: its error replaces it.
      const errorPath = name === 'Prepare run' ? '$' : '$.error';
      // A base job that cannot be described: the cause names the request field and its value.
      const cause =
        name === STATE_NAMES.describeBaseTrainingJob
          ? `States.Format('${name} failed (baseTrainingJob {}): {}', $.run.baseTrainingJob, $.error.Cause)`
          : `States.Format('${name} failed: {}', ${errorPath}.Cause)`;
      const catchers = task.Catch as Array<{ ErrorEquals: string[]; Next: string; ResultPath: string }>;
      // Train model first tells a spot job that ran out of wait from every other failure.
      const handler = name === 'Train model' ? STATE_NAMES.trainingOutOfSpotTime : `${name} failed`;
      expect(catchers).toEqual([
        { ErrorEquals: ['States.ALL'], Next: handler, ...(errorPath === '$' ? {} : { ResultPath: errorPath }) },
      ]);
      expect(state(`${name} failed`)).toMatchObject({
        Type: 'Pass',
        Parameters: {
          state: name,
          'error.$': `States.Format('${name} failed: {}', ${errorPath}.Error)`,
          'cause.$': cause,
          modelArtifacts: null,
        },
        ResultPath: '$.failure',
        Next: STATE_NAMES.notifyFailure,
      });
    }
    expect(state(STATE_NAMES.notifyFailure)).toMatchObject({ Resource: 'arn:aws:states:::sns:publish', Next: 'Run failed' });
    expect(state('Run failed')).toEqual({ Type: 'Fail', ErrorPath: '$.failure.error', CausePath: '$.failure.cause' });
  });

  test('a failed transform counts its outputs (one ListObjectsV2 page on the run\'s predictions prefix) and says how many in the failure', () => {
    expect(state(STATE_NAMES.transform).Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: STATE_NAMES.countTransformOutputs }]);
    expect(state(STATE_NAMES.countTransformOutputs)).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::aws-sdk:s3:listObjectsV2',
      Parameters: { Bucket: expect.any(String), 'Prefix.$': "States.Format('runs/{}/predictions/', $.run.runId)", MaxKeys: 1000 },
      ResultSelector: { 'KeyCount.$': '$.KeyCount', 'IsTruncated.$': '$.IsTruncated' },
      ResultPath: '$.transformOutputs',
      Retry: [expect.objectContaining({ ErrorEquals: ['S3.S3Exception', 'S3.SdkClientException'], MaxAttempts: 1 })],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.countError', Next: STATE_NAMES.transformOutputsNotCounted }],
      Next: STATE_NAMES.transformOutputsTruncated,
    });
    expect(state(STATE_NAMES.transformOutputsTruncated)).toMatchObject({
      Choices: [{ Variable: '$.transformOutputs.IsTruncated', BooleanEquals: true, Next: STATE_NAMES.transformFailedAfterManyOutputs }],
      Default: STATE_NAMES.transformFailedPartWay,
    });
    for (const name of [STATE_NAMES.transformFailedPartWay, STATE_NAMES.transformFailedAfterManyOutputs, STATE_NAMES.transformOutputsNotCounted]) {
      expect(state(name)).toMatchObject({
        Type: 'Pass',
        Parameters: { state: STATE_NAMES.transform, 'runId.$': '$.run.runId', 'error.$': "States.Format('Run batch transform failed: {}', $.error.Error)", modelArtifacts: null },
        ResultPath: '$.failure',
        Next: STATE_NAMES.notifyFailure,
      });
    }
    expect((state(STATE_NAMES.transformFailedPartWay).Parameters as any)['cause.$']).toContain('{} outputs were written to {} before it failed');
    // The state machine may list the runs' predictions prefixes of the artifact bucket, and only them.
    expect(smRoleStatements.find((s) => s.Sid === 'CountTransformOutputs')).toMatchObject({ Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': 'runs/*/predictions/' } } });
  });

  test('retries only capacity and throttling on SageMaker, and only service errors on Lambda', () => {
    for (const name of ['Train model', 'Tune model', 'Create model', 'Run batch transform']) {
      const retried = (state(name).Retry as Array<{ ErrorEquals: string[] }>).flatMap((r) => r.ErrorEquals);
      expect(retried.sort()).toEqual(['SageMaker.AmazonSageMakerException', 'SageMaker.ResourceLimitExceededException'].sort());
    }
    // DescribeTrainingJob through the AWS SDK integration: its errors have their own names; a describe is read-only.
    for (const name of [STATE_NAMES.describeBaseTrainingJob, STATE_NAMES.describeBestTrainingJob]) {
      const retried = (state(name).Retry as Array<{ ErrorEquals: string[] }>).flatMap((r) => r.ErrorEquals);
      expect(retried).toEqual(['SageMaker.ThrottlingException']);
    }
    for (const name of ['Prepare run', 'Resolve image']) {
      const retried = (state(name).Retry as Array<{ ErrorEquals: string[] }>).flatMap((r) => r.ErrorEquals);
      expect(retried.every((error) => error.startsWith('Lambda.'))).toBe(true);
    }
    const all = Object.values(definition.States).flatMap((s) => ((s.Retry as Array<{ ErrorEquals: string[] }>) ?? []).flatMap((r) => r.ErrorEquals));
    expect(all).not.toContain('States.ALL');
    expect(all).not.toContain('States.TaskFailed');
  });

  test('succeeds with the run summary', () => {
    expect(state(STATE_NAMES.notifySuccess).Next).toBe('Run succeeded');
    expect(state('Run succeeded')).toEqual({ Type: 'Succeed', OutputPath: '$.summary' });
  });
});

describe('state machine resource', () => {
  test('logs everything with execution data to an encrypted log group with retention, and traces with X-Ray', () => {
    const logGroupId = logicalIdOf(template, 'AWS::Logs::LogGroup', 'PipelineExecutionLogs');
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: true,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [logGroupId, 'Arn'] } } }],
      },
      TracingConfiguration: { Enabled: true },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      KmsKeyId: { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::KMS::Key', 'PipelineKey'), 'Arn'] },
      RetentionInDays: 365,
    });
  });

  test('is bounded by a state machine timeout', () => {
    expect(definition.TimeoutSeconds).toBe(35 * 24 * 3600);
  });
});

describe('state machine role', () => {
  const statement = (sid: string) => smRoleStatements.find((s) => s.Sid === sid);

  test('may pass only the SageMaker role, and only to SageMaker', () => {
    const sagemakerRoleId = logicalIdOf(template, 'AWS::IAM::Role', 'SageMakerExecutionRole');
    const passRole = smRoleStatements.filter((s) => ([] as string[]).concat(s.Action).includes('iam:PassRole'));
    expect(passRole).toEqual([
      {
        Sid: 'PassSageMakerRole',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: { 'Fn::GetAtt': [sagemakerRoleId, 'Arn'] },
        Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      },
    ]);
  });

  test('has the job, model and tagging permissions the integrations need, on SageMaker resources only', () => {
    expect(statement('TrainingJobs')?.Action).toEqual(['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob']);
    expect(statement('Models')?.Action).toBe('sagemaker:CreateModel');
    expect(statement('TransformJobs')?.Action).toEqual(['sagemaker:CreateTransformJob', 'sagemaker:DescribeTransformJob', 'sagemaker:StopTransformJob']);
    expect(statement('TagRunResources')?.Action).toEqual(['sagemaker:AddTags', 'sagemaker:ListTags']);
    const tagged = JSON.stringify(statement('TagRunResources')?.Resource);
    for (const kind of ['training-job/*', 'model/*', 'transform-job/*']) expect(tagged).toContain(kind);
  });

  test('may manage only the two EventBridge rules that .sync uses', () => {
    const resources = JSON.stringify(statement('SyncJobEvents')?.Resource);
    expect(statement('SyncJobEvents')?.Action).toEqual(['events:DescribeRule', 'events:PutRule', 'events:PutTargets']);
    expect(resources).toContain('rule/StepFunctionsGetEventsForSageMakerTrainingJobsRule');
    expect(resources).toContain('rule/StepFunctionsGetEventsForSageMakerTransformJobsRule');
  });

  test('has no wildcard actions and no Resource "*" except what X-Ray and log delivery require', () => {
    for (const s of smRoleStatements) {
      for (const action of ([] as string[]).concat(s.Action)) {
        expect(action === '*' || action.endsWith(':*')).toBe(false);
      }
    }
    const star = smRoleStatements.filter((s) => ([] as unknown[]).concat(s.Resource).includes('*'));
    const starActions = star.flatMap((s) => ([] as string[]).concat(s.Action));
    expect(starActions.every((a) => a.startsWith('xray:') || a.startsWith('logs:'))).toBe(true);
  });

  test('may invoke the two Lambdas and publish to the topic, including the data key its encryption needs', () => {
    const all = JSON.stringify(smRoleStatements);
    expect(all).toContain('lambda:InvokeFunction');
    const topicId = logicalIdOf(template, 'AWS::SNS::Topic', 'NotificationTopic');
    expect(smRoleStatements).toContainEqual({ Action: 'sns:Publish', Effect: 'Allow', Resource: { Ref: topicId } });
    expect(smRoleStatements).toContainEqual({
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::KMS::Key', 'PipelineKey'), 'Arn'] },
    });
  });
});

describe('stack outputs', () => {
  test('give the bucket names, the state machine ARN and its console link', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining(['DataBucketName', 'ArtifactBucketName', 'StateMachineArn', 'StateMachineConsoleUrl', 'NotificationTopicArn']),
    );
    expect(outputs.DataBucketName?.Value).toEqual({ Ref: logicalIdOf(template, 'AWS::S3::Bucket', 'StorageDataBucket') });
    expect(outputs.ArtifactBucketName?.Value).toEqual({ Ref: logicalIdOf(template, 'AWS::S3::Bucket', 'StorageArtifactBucket') });
    expect(outputs.StateMachineArn?.Value).toEqual({ Ref: logicalIdOf(template, 'AWS::StepFunctions::StateMachine', 'PipelineStateMachine') });
    const link = (region: string) =>
      resolveIntrinsics(outputs.StateMachineConsoleUrl?.Value, template.toJSON(), { account: '111122223333', region });
    expect(link('us-east-1')).toMatch(/^https:\/\/console\.aws\.amazon\.com\/states\/home\?region=us-east-1#\/statemachines\/view\/ref-pipelinestatemachine/);
  });

  test.each([
    ['cn-north-1', 'https://console.amazonaws.cn/states/home?region=cn-north-1#'],
    ['us-gov-west-1', 'https://console.amazonaws-us-gov.com/states/home?region=us-gov-west-1#'],
    ['eu-west-1', 'https://console.aws.amazon.com/states/home?region=eu-west-1#'],
  ])('console links in the outputs and notifications work in the partition of %s', (region, start) => {
    // The stack is environment-agnostic in a real `cdk synth`: the partition is only known at deploy time.
    const agnostic = environmentAgnostic();
    const env = { account: '111122223333', region };
    expect(resolveIntrinsics(agnostic.Outputs?.StateMachineConsoleUrl?.Value, agnostic, env)).toMatch(new RegExp(`^${escape(start)}/statemachines/view/ref-pipelinestatemachine`));
    const notify = stateMachineDefinition(agnostic, env).States[STATE_NAMES.notifySuccess];
    expect(JSON.stringify(notify?.Parameters)).toContain(`${start}/v2/executions/details/{}`);
  });
});

test('the VPC, when given, is applied to training and the model; without vpcId and route tables nothing is created in it', () => {
  const withVpcTemplate = synthPipeline({ vpcConfig: { subnetIds: ['subnet-0123456789abcdef0'], securityGroupIds: ['sg-0123456789abcdef0'] } }).template;
  const withVpc = stateMachineDefinition(withVpcTemplate.toJSON(), TEST_ENV);
  // The given security group is used as it is, and no S3 gateway endpoint is made without -c vpcRouteTableIds.
  withVpcTemplate.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  withVpcTemplate.resourceCountIs('AWS::EC2::SecurityGroup', 0);
  withVpcTemplate.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  const vpc = { SecurityGroupIds: ['sg-0123456789abcdef0'], Subnets: ['subnet-0123456789abcdef0'] };
  expect(withVpc.States[STATE_NAMES.buildTrainingRequest]).toMatchObject({ Parameters: { VpcConfig: vpc } });
  expect(withVpc.States[STATE_NAMES.buildSpotTrainingRequest]).toMatchObject({ Parameters: { VpcConfig: vpc } });
  expect(withVpc.States['Create model']).toMatchObject({ Parameters: { VpcConfig: vpc } });
  expect((definition.States[STATE_NAMES.buildTrainingRequest]?.Parameters as Record<string, unknown>).VpcConfig).toBeUndefined();
});

describe('hyperparameter tuning', () => {
  test('Tune model sends the request built in one Pass state, with createHyperParameterTuningJob.sync', () => {
    const roleId = logicalIdOf(template, 'AWS::IAM::Role', 'SageMakerExecutionRole');
    expect(state(STATE_NAMES.buildTuningRequest)).toMatchObject({
      Type: 'Pass',
      ResultPath: '$.tuningRequest',
      Next: 'Tune model',
      Parameters: {
        'HyperParameterTuningJobName.$': '$.run.names.tuningJob',
        'HyperParameterTuningJobConfig.$': '$.run.training.tuning.config',
        TrainingJobDefinition: {
          'StaticHyperParameters.$': '$.run.training.hyperparameters',
          AlgorithmSpecification: { 'TrainingImage.$': '$.image.imageUri', 'TrainingInputMode.$': '$.run.training.inputMode' },
          RoleArn: `arn:aws:iam::111122223333:role/${roleId}`,
          'InputDataConfig.$': '$.run.training.inputDataConfig',
          OutputDataConfig: { 'S3OutputPath.$': '$.run.training.outputPath', KmsKeyId: expect.stringContaining(':key/') },
          'ResourceConfig.$': '$.run.training.resourceConfig',
          'StoppingCondition.$': '$.run.training.stoppingCondition',
          EnableNetworkIsolation: true,
          'EnableManagedSpotTraining.$': '$.run.training.spot',
        },
        Tags: [{ Key: 'ic-pipeline:run-id', 'Value.$': '$.run.runId' }],
      },
    });
    // Built-in algorithms define their own metrics; spot tuning jobs share no checkpoint prefix.
    expect(JSON.stringify(state(STATE_NAMES.buildTuningRequest))).not.toMatch(/MetricDefinitions|CheckpointConfig/);
    expect(state('Tune model')).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::sagemaker:createHyperParameterTuningJob.sync',
      InputPath: '$.tuningRequest',
      ResultPath: '$.tuningJob',
      TimeoutSeconds: state('Train model').TimeoutSeconds,
      ResultSelector: {
        'HyperParameterTuningJobName.$': '$.HyperParameterTuningJobName',
        'TrainingJobStatusCounters.$': '$.TrainingJobStatusCounters',
        'ObjectiveStatusCounters.$': '$.ObjectiveStatusCounters',
        'described.$': 'States.JsonMerge(States.StringToJson(\'{"BestTrainingJob":null}\'), $, false)',
      },
      Next: STATE_NAMES.bestTrainingJobFound,
    });
  });

  test('reads the best job only when it has an objective, then describes it through the AWS SDK integration', () => {
    const best = '$.tuningJob.described.BestTrainingJob';
    expect(state(STATE_NAMES.bestTrainingJobFound)).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: `${best}.FinalHyperParameterTuningJobObjectiveMetric`, IsPresent: true, Next: STATE_NAMES.describeBestTrainingJob }],
      Default: STATE_NAMES.noBestTrainingJob,
    });
    expect(state(STATE_NAMES.describeBestTrainingJob)).toMatchObject({
      Resource: 'arn:aws:states:::aws-sdk:sagemaker:describeTrainingJob',
      Parameters: { 'TrainingJobName.$': `${best}.TrainingJobName` },
      // The training job's defaults, and ModelArtifacts, which a best job that did not complete has not.
      ResultSelector: {
        'described.$':
          'States.JsonMerge(States.StringToJson(\'{"FinalMetricDataList":[],"TrainingTimeInSeconds":null,"BillableTimeInSeconds":null,' +
          '"EnableManagedSpotTraining":false,"ModelArtifacts":{"S3ModelArtifacts":null}}\'), $, false)',
      },
      ResultPath: '$.bestTrainingJob',
      Next: STATE_NAMES.bestTrainingJobHasModel,
    });
    expect(state(STATE_NAMES.bestTrainingJobHasModel)).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.bestTrainingJob.described.ModelArtifacts.S3ModelArtifacts', IsString: true, Next: STATE_NAMES.readTuningResult }],
      Default: STATE_NAMES.bestTrainingJobWithoutModel,
    });
    expect(state(STATE_NAMES.readTuningResult)).toEqual({
      Type: 'Pass',
      Parameters: {
        'described.$': '$.bestTrainingJob.described',
        tuning: {
          'tuningJobName.$': '$.tuningJob.HyperParameterTuningJobName',
          'bestTrainingJobName.$': `${best}.TrainingJobName`,
          'tunedHyperparameters.$': `${best}.TunedHyperParameters`,
          'objectiveMetric.$': `${best}.FinalHyperParameterTuningJobObjectiveMetric`,
          'trainingJobStatusCounters.$': '$.tuningJob.TrainingJobStatusCounters',
          'objectiveStatusCounters.$': '$.tuningJob.ObjectiveStatusCounters',
        },
      },
      ResultPath: '$.trainingJob',
      Next: STATE_NAMES.readTrainingResult,
    });
    expect(state(STATE_NAMES.noBestTrainingJob)).toMatchObject({
      Parameters: { state: 'Tune model', error: 'Tune model failed: NoBestTrainingJob', modelArtifacts: null },
      ResultPath: '$.failure',
      Next: STATE_NAMES.notifyFailure,
    });
  });
});

describe('accuracy gate', () => {
  test('reads validation:accuracy by name, item by item, with defaults, never by position or with a filter', () => {
    expect(state(STATE_NAMES.startMetricSearch)).toEqual({
      Type: 'Pass',
      Parameters: { index: 0, 'count.$': 'States.ArrayLength($.trainingJob.FinalMetricDataList)' },
      ResultPath: '$.gate',
      Next: STATE_NAMES.metricsLeft,
    });
    expect(state(STATE_NAMES.metricsLeft)).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.gate.index', NumericLessThanPath: '$.gate.count', Next: STATE_NAMES.readMetric }],
      Default: STATE_NAMES.accuracyGate,
    });
    expect(state(STATE_NAMES.readMetric).Parameters['metric.$']).toBe(
      'States.JsonMerge(States.StringToJson(\'{"MetricName":"","Value":null}\'), States.ArrayGetItem($.trainingJob.FinalMetricDataList, $.gate.index), false)',
    );
    expect(state(STATE_NAMES.isValidationAccuracy)).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.gate.metric.MetricName', StringEquals: 'validation:accuracy', Next: STATE_NAMES.checkAccuracy }],
      Default: STATE_NAMES.skipMetric,
    });
    expect(state(STATE_NAMES.skipMetric).Parameters).toEqual({ 'index.$': 'States.MathAdd($.gate.index, 1)', 'count.$': '$.gate.count' });
    expect(state(STATE_NAMES.checkAccuracy)).toEqual({
      Type: 'Choice',
      Choices: [
        // No gate: found, the metric goes on to the registry.
        { Variable: '$.run.minValidationAccuracy', IsNull: true, Next: 'Create model' },
        // The `true` forms only: the local runner evaluates IsNumeric: false as always false.
        { Not: { Variable: '$.gate.metric.Value', IsNumeric: true }, Next: STATE_NAMES.accuracyGate },
        { Variable: '$.gate.metric.Value', NumericLessThanPath: '$.run.minValidationAccuracy', Next: STATE_NAMES.accuracyBelowGate },
      ],
      Default: 'Create model',
    });
    expect(JSON.stringify(definition)).not.toContain('[?(');
  });

  test('both gate failures are AccuracyBelowGate records that carry the model artifact', () => {
    for (const name of [STATE_NAMES.accuracyBelowGate, STATE_NAMES.accuracyMissing]) {
      expect(state(name)).toMatchObject({
        Type: 'Pass',
        Parameters: { state: STATE_NAMES.checkAccuracy, error: 'AccuracyBelowGate', 'modelArtifacts.$': '$.trainingJob.ModelArtifacts' },
        ResultPath: '$.failure',
        Next: STATE_NAMES.notifyFailure,
      });
    }
    expect(state(STATE_NAMES.notifyFailure).Parameters.Message).toMatchObject({ 'modelArtifacts.$': '$.failure.modelArtifacts' });
  });

  test('the failed-runs alarm still counts AccuracyBelowGate: it leaves out only rejected requests', () => {
    const filters = Object.values(template.findResources('AWS::Logs::MetricFilter'));
    expect(filters).toHaveLength(1);
    expect(filters[0]?.Properties.FilterPattern).toBe('{ ($.type = "ExecutionFailed") && ($.details.error != "RunRequestRejected") }');
  });
});

describe('incremental training', () => {
  test('describes the base job through the AWS SDK integration, with defaults for its optional fields', () => {
    expect(state(STATE_NAMES.describeBaseTrainingJob)).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::aws-sdk:sagemaker:describeTrainingJob',
      Parameters: { 'TrainingJobName.$': '$.run.baseTrainingJob' },
      ResultSelector: { 'described.$': 'States.JsonMerge(States.StringToJson(\'{"AlgorithmSpecification":{},"HyperParameters":{},"ModelArtifacts":{"S3ModelArtifacts":"(no model)"}}\'), $, false)' },
      ResultPath: '$.baseTrainingJob',
      Next: STATE_NAMES.readBaseTrainingJob,
    });
    expect(state(STATE_NAMES.readBaseTrainingJob).Parameters).toMatchObject({
      'hyperparameters.$':
        'States.JsonMerge(States.StringToJson(\'{"num_layers":"152","image_shape":"3,224,224","num_classes":""}\'), $.baseTrainingJob.described.HyperParameters, false)',
      modelChannel: {
        ChannelName: 'model',
        DataSource: { S3DataSource: { S3DataType: 'S3Prefix', 'S3Uri.$': '$.baseTrainingJob.described.ModelArtifacts.S3ModelArtifacts' } },
        ContentType: 'application/x-sagemaker-model',
      },
    });
  });

  test('rejects a base job that is not completed, of another algorithm, outside runs/ or with other num_layers/image_shape/num_classes', () => {
    const choice = state(STATE_NAMES.baseTrainingJobCompatible);
    const targets = (choice.Choices as Array<{ Next: string }>).map((c) => c.Next);
    expect(targets).toEqual([
      'Base training job not completed',
      'Base training job of another algorithm',
      'Base model outside the artifact bucket',
      'Base training job without num_classes',
      'num_layers differs from the base training job',
      'image_shape differs from the base training job',
      'num_classes differs from the base training job',
    ]);
    expect(choice.Default).toBe(STATE_NAMES.addBaseModelChannel);
    const artifactBucket = `ref-${logicalIdOf(template, 'AWS::S3::Bucket', 'StorageArtifactBucket').toLowerCase()}`;
    expect(choice.Choices[2]).toEqual({
      Not: { Variable: '$.baseTrainingJob.check.modelArtifacts', StringMatches: `s3://${artifactBucket}/runs/*` },
      Next: 'Base model outside the artifact bucket',
    });
    expect(choice.Choices[6]).toEqual({
      And: [
        { Variable: '$.run.training.incremental.requestedHyperparameters.num_classes', IsString: true },
        {
          Not: {
            Variable: '$.run.training.incremental.requestedHyperparameters.num_classes',
            StringEqualsPath: '$.baseTrainingJob.check.hyperparameters.num_classes',
          },
        },
      ],
      Next: 'num_classes differs from the base training job',
    });
    for (const target of targets) {
      expect(state(target)).toMatchObject({
        Parameters: { state: STATE_NAMES.baseTrainingJobCompatible, error: 'RunRequestRejected', 'cause.$': expect.stringContaining('Invalid run request (1 problem): ') },
        Next: STATE_NAMES.notifyFailure,
      });
    }
  });

  test('adds the model channel after the run\'s channels and takes the base job\'s values under the request\'s', () => {
    expect(state(STATE_NAMES.addBaseModelChannel).Parameters).toEqual({
      'channelGroups.$': 'States.Array($.run.training.inputDataConfig, States.Array($.baseTrainingJob.check.modelChannel))',
      inherited: {
        'num_layers.$': '$.baseTrainingJob.check.hyperparameters.num_layers',
        'image_shape.$': '$.baseTrainingJob.check.hyperparameters.image_shape',
        'num_classes.$': '$.baseTrainingJob.check.hyperparameters.num_classes',
      },
    });
    expect(state(STATE_NAMES.useBaseModel)).toMatchObject({
      ResultPath: '$.run.training',
      Next: STATE_NAMES.tuneOrTrain,
      Parameters: {
        'inputDataConfig.$': '$.incremental.channelGroups[*][*]',
        'hyperparameters.$': 'States.JsonMerge($.incremental.inherited, $.run.training.hyperparameters, false)',
        'outputPath.$': '$.run.training.outputPath',
      },
    });
  });
});

describe('state machine role for tuning and DescribeTrainingJob', () => {
  const statement = (sid: string) => smRoleStatements.find((s) => s.Sid === sid);

  test('may create, describe and stop tuning jobs, tag them, and manage the tuning .sync rule', () => {
    expect(statement('TuningJobs')?.Action).toEqual([
      'sagemaker:CreateHyperParameterTuningJob',
      'sagemaker:DescribeHyperParameterTuningJob',
      'sagemaker:StopHyperParameterTuningJob',
    ]);
    expect(JSON.stringify(statement('TuningJobs')?.Resource)).toContain(':hyper-parameter-tuning-job/*');
    expect(JSON.stringify(statement('TagRunResources')?.Resource)).toContain('hyper-parameter-tuning-job/*');
    expect(JSON.stringify(statement('SyncJobEvents')?.Resource)).toContain('rule/StepFunctionsGetEventsForSageMakerTuningJobsRule');
  });

  test('describes training jobs (the best tuned job, a base job) with the training job permissions, nothing wider', () => {
    expect(statement('TrainingJobs')?.Action).toContain('sagemaker:DescribeTrainingJob');
    expect(JSON.stringify(statement('TrainingJobs')?.Resource)).toContain(':training-job/*');
  });
});

describe('model registry and endpoint deployment', () => {
  const statement = (sid: string) => smRoleStatements.find((s) => s.Sid === sid);
  const prefix = 'testpipeline'; // the test stack's name, TestPipeline, lower-cased

  test('the stack has one model package group, named with its prefix and kept when the stack is deleted', () => {
    const groups = template.findResources('AWS::SageMaker::ModelPackageGroup');
    expect(Object.values(groups)).toEqual([
      expect.objectContaining({ Properties: expect.objectContaining({ ModelPackageGroupName: `${prefix}-models` }), DeletionPolicy: 'Retain' }),
    ]);
    expect(state(STATE_NAMES.registerModel)).toMatchObject({
      Resource: 'arn:aws:states:::aws-sdk:sagemaker:createModelPackage',
      Parameters: {
        ModelPackageGroupName: `${prefix}-models`,
        'ModelApprovalStatus.$': '$.run.registry.approval',
        InferenceSpecification: {
          SupportedContentTypes: ['application/x-image', 'image/jpeg', 'image/png'],
          SupportedResponseMIMETypes: ['application/json'],
        },
      },
      ResultPath: '$.modelPackage',
    });
  });

  test('endpoint configs are encrypted with the stack key, except on instance types with local storage', () => {
    const keyId = logicalIdOf(template, 'AWS::KMS::Key', 'PipelineKey');
    const encrypted = state(STATE_NAMES.buildEndpointConfig).Parameters;
    expect(resolveIntrinsics(encrypted.KmsKeyId, template.toJSON(), TEST_ENV)).toMatch(new RegExp(`^arn:aws:kms:us-east-1:${TEST_ENV.account}:key/`));
    expect(JSON.stringify(encrypted.KmsKeyId)).toContain(keyId);
    expect(state(STATE_NAMES.buildUnencryptedEndpointConfig).Parameters.KmsKeyId).toBeUndefined();
    expect(state(STATE_NAMES.endpointConfigEncrypted).Choices).toEqual([
      { Variable: '$.run.endpoint.encrypted', BooleanEquals: true, Next: STATE_NAMES.buildEndpointConfig },
    ]);
  });

  test('the poll loop is bounded by a counter, not only by the execution timeout', () => {
    expect(state(STATE_NAMES.waitForEndpoint)).toMatchObject({ Type: 'Wait', Seconds: 60, Next: STATE_NAMES.describeEndpoint });
    expect(state(STATE_NAMES.endpointReady).Choices).toContainEqual({ Variable: '$.endpointPoll.count', NumericGreaterThanEquals: 59, Next: STATE_NAMES.endpointNotReady });
    expect(state(STATE_NAMES.endpointReady).Default).toBe(STATE_NAMES.countEndpointPoll);
    expect(state(STATE_NAMES.countEndpointPoll).Next).toBe(STATE_NAMES.waitForEndpoint);
  });

  test('endpoint and endpoint config actions are scoped to the stack prefix, model package actions to its group', () => {
    const resources = (sid: string) => JSON.stringify(statement(sid)?.Resource);
    expect(statement('EndpointConfigs')?.Action).toBe('sagemaker:CreateEndpointConfig');
    expect(resources('EndpointConfigs')).toContain(`:endpoint-config/${prefix}-*`);
    expect(statement('Endpoints')?.Action).toEqual(['sagemaker:CreateEndpoint', 'sagemaker:DescribeEndpoint', 'sagemaker:UpdateEndpoint']);
    expect(resources('Endpoints')).toContain(`:endpoint/${prefix}-*`);
    expect(resources('Endpoints')).not.toMatch(/:endpoint\/\*/);
    expect(statement('RegisterModels')?.Action).toEqual(['sagemaker:CreateModelPackage', 'sagemaker:DescribeModelPackage']);
    expect(resources('RegisterModels')).toContain(`:model-package/${prefix}-models/*`);
    expect(resources('RegisterModels')).toContain(`:model-package-group/${prefix}-models`);
    expect(statement('EndpointKeyGrants')).toMatchObject({ Action: ['kms:CreateGrant', 'kms:DescribeKey'], Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } });
    // No statement grants an endpoint action on every endpoint.
    for (const s of smRoleStatements) {
      if (([] as string[]).concat(s.Action).some((action) => /Endpoint/.test(action))) expect(JSON.stringify(s.Resource)).not.toMatch(/endpoint(-config)?\/\*"/);
    }
  });
});
