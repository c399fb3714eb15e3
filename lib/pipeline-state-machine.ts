import { ArnFormat, Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { RUN_ID_TAG, STATE_NAMES } from '../core/state-names';
import { acknowledgeNag, acknowledgeWildcardResource } from './nag';
import {
  LAMBDA_SERVICE_RETRY,
  SAGEMAKER_CAPACITY_RETRY,
  SAGEMAKER_THROTTLING_RETRY,
  SNS_RETRY,
} from './retry-policies';

export { RUN_ID_TAG, STATE_NAMES };

/** Subnets and security groups that SageMaker jobs and the model run in. */
export interface SageMakerVpcConfig {
  /** Private subnets (1 to 16). */
  readonly subnetIds: string[];
  /** Security groups (1 to 5). */
  readonly securityGroupIds: string[];
}

export interface PipelineStateMachineProps {
  /** Validates the run request and derives names, paths and SageMaker request fragments. */
  readonly prepareRun: lambda.IFunction;
  /** Returns the algorithm image URI for the Region it runs in. */
  readonly resolveImage: lambda.IFunction;
  /** Role that SageMaker assumes for the training job, model and transform job. */
  readonly sagemakerRole: iam.IRole;
  /** Key for training output, transform output and the state machine's log group. */
  readonly encryptionKey: kms.IKey;
  /** Topic that gets one message per run: its summary, or what failed and why. */
  readonly notificationTopic: sns.ITopic;
  /**
   * Run training, the model and transform inside these subnets.
   * @default - SageMaker's network (with network isolation: no network access for the containers)
   */
  readonly vpcConfig?: SageMakerVpcConfig;
  /**
   * How long the `Train model` state may wait for its job. Must exceed the longest
   * `training.maxRuntimeInSeconds` a run may ask for (28 days) plus provisioning and upload.
   * @default Duration.days(29)
   */
  readonly trainingTaskTimeout?: Duration;
  /**
   * How long the `Run batch transform` state may wait for its job.
   * @default Duration.days(3)
   */
  readonly transformTaskTimeout?: Duration;
  /**
   * How long a whole run may take before Step Functions stops it.
   * @default Duration.days(35)
   */
  readonly timeout?: Duration;
  /**
   * How long execution logs are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/** Per-call timeout of the Lambda states and of the notification states. */
const SHORT_TASK_TIMEOUT = Duration.minutes(2);

/**
 * The run orchestration: Prepare run → Resolve image → Train model → Create model → Run batch
 * transform → Notify success → Run succeeded, with the `train` and `transform` modes taking the
 * matching part. Every task's failure is recorded with the failing state's name, notified once and
 * ends in `Run failed`.
 *
 * SageMaker states are written as `CustomState`s: the built-in `SageMakerCreate*` tasks take their
 * resources, stopping condition and hyperparameters as synth-time values, while here every one of
 * them comes from the run request (through `Prepare run`). The state machine role gets exactly the
 * permissions these integrations need.
 */
export class PipelineStateMachine extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PipelineStateMachineProps) {
    super(scope, id);

    /**
     * One notification on the topic: the subject names the run's outcome and execution, the message
     * carries `fields` and a console link. SNS hiccups are retried; the result is discarded.
     */
    const notify = (id: string, stateName: string, outcome: 'failed' | 'succeeded', fields: Record<string, unknown>) => {
      const task = new tasks.SnsPublish(this, id, {
        stateName,
        topic: props.notificationTopic,
        subject: sfn.JsonPath.format(`Run ${outcome}: {}`, sfn.JsonPath.executionName),
        message: sfn.TaskInput.fromObject({ ...fields, console: executionConsoleLink() }),
        resultPath: sfn.JsonPath.DISCARD,
        taskTimeout: sfn.Timeout.duration(SHORT_TASK_TIMEOUT),
      });
      task.addRetry(SNS_RETRY);
      return task;
    };

    const notifyFailure = notify('NotifyFailure', STATE_NAMES.notifyFailure, 'failed', {
      status: 'FAILED',
      executionArn: sfn.JsonPath.executionId,
      executionName: sfn.JsonPath.executionName,
      runId: sfn.JsonPath.stringAt('$.failure.runId'),
      failedState: sfn.JsonPath.stringAt('$.failure.state'),
      error: sfn.JsonPath.stringAt('$.failure.error'),
      cause: sfn.JsonPath.stringAt('$.failure.cause'),
    });
    const failed = new sfn.Fail(this, 'RunFailed', {
      stateName: STATE_NAMES.failed,
      errorPath: '$.failure.error',
      causePath: '$.failure.cause',
    });
    // A notification that cannot be sent must not hide the run's own error.
    notifyFailure.addCatch(failed, { errors: ['States.ALL'], resultPath: '$.notificationError' });
    notifyFailure.next(failed);

    /**
     * Routes a state's errors to one failure record (`$.failure`: the state, the run id when known,
     * the error and the cause, each prefixed with the state's name) and on to the notification and
     * the Fail state. `errorPath` is where the Catch puts the error: `$.error` keeps the state's input
     * beside it; `Prepare run` uses `$`, because its input (the raw request) may not be an object.
     */
    const catchInto = (
      state: { addCatch(handler: sfn.IChainable, props?: sfn.CatchProps): unknown },
      stateName: string,
      errorPath: '$' | '$.error',
    ) => {
      const record = passState(this, `${stateName} failed`, {
        state: stateName,
        ...(errorPath === '$' ? { runId: null } : { 'runId.$': '$.run.runId' }),
        'error.$': `States.Format('${stateName} failed: {}', ${errorPath}.Error)`,
        'cause.$': `States.Format('${stateName} failed: {}', ${errorPath}.Cause)`,
      }, '$.failure');
      record.next(notifyFailure);
      // A Catch without ResultPath replaces the state's input with the error (ASL's default "$").
      state.addCatch(record, { errors: ['States.ALL'], ...(errorPath === '$' ? {} : { resultPath: errorPath }) });
    };

    /**
     * A SageMaker integration state (plain ASL, so every request field comes from the run), with the
     * SageMaker retries and the failure path every SageMaker state has.
     */
    const sagemakerTask = (stateName: string, api: string, timeout: Duration, state: Record<string, unknown>) => {
      const task = new sfn.CustomState(this, stateName, {
        stateJson: { Type: 'Task', Resource: integrationArn(api), TimeoutSeconds: timeout.toSeconds(), ...state },
      });
      task.addRetry(SAGEMAKER_CAPACITY_RETRY).addRetry(SAGEMAKER_THROTTLING_RETRY);
      catchInto(task, stateName, '$.error');
      return task;
    };

    const prepareRun = new tasks.LambdaInvoke(this, 'PrepareRun', {
      stateName: STATE_NAMES.prepareRun,
      lambdaFunction: props.prepareRun,
      payload: sfn.TaskInput.fromObject({
        request: sfn.JsonPath.entirePayload,
        executionName: sfn.JsonPath.executionName,
      }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      resultPath: '$.run',
      taskTimeout: sfn.Timeout.duration(SHORT_TASK_TIMEOUT),
    });
    prepareRun.addRetry(LAMBDA_SERVICE_RETRY);
    catchInto(prepareRun, STATE_NAMES.prepareRun, '$');

    const resolveImage = new tasks.LambdaInvoke(this, 'ResolveImage', {
      stateName: STATE_NAMES.resolveImage,
      lambdaFunction: props.resolveImage,
      payload: sfn.TaskInput.fromObject({}),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      resultPath: '$.image',
      taskTimeout: sfn.Timeout.duration(SHORT_TASK_TIMEOUT),
    });
    resolveImage.addRetry(LAMBDA_SERVICE_RETRY);
    catchInto(resolveImage, STATE_NAMES.resolveImage, '$.error');

    const tags = [{ Key: RUN_ID_TAG, 'Value.$': '$.run.runId' }];
    const vpcConfig = props.vpcConfig
      ? { VpcConfig: { SecurityGroupIds: props.vpcConfig.securityGroupIds, Subnets: props.vpcConfig.subnetIds } }
      : {};

    const train = sagemakerTask(STATE_NAMES.train, 'createTrainingJob.sync', props.trainingTaskTimeout ?? Duration.days(29), {
      Parameters: {
        'TrainingJobName.$': '$.run.names.trainingJob',
        RoleArn: props.sagemakerRole.roleArn,
        AlgorithmSpecification: {
          'TrainingImage.$': '$.image.imageUri',
          'TrainingInputMode.$': '$.run.training.inputMode',
        },
        'HyperParameters.$': '$.run.training.hyperparameters',
        'InputDataConfig.$': '$.run.training.inputDataConfig',
        OutputDataConfig: {
          'S3OutputPath.$': '$.run.training.outputPath',
          KmsKeyId: props.encryptionKey.keyArn,
        },
        'ResourceConfig.$': '$.run.training.resourceConfig',
        'StoppingCondition.$': '$.run.training.stoppingCondition',
        EnableNetworkIsolation: true,
        ...vpcConfig,
        Tags: tags,
      },
      // Keep what the summary and later states need, not the whole DescribeTrainingJob answer.
      ResultSelector: {
        'TrainingJobName.$': '$.TrainingJobName',
        'TrainingJobArn.$': '$.TrainingJobArn',
        'TrainingJobStatus.$': '$.TrainingJobStatus',
        'ModelArtifacts.$': '$.ModelArtifacts.S3ModelArtifacts',
        'FinalMetricDataList.$': '$.FinalMetricDataList',
        'TrainingTimeInSeconds.$': '$.TrainingTimeInSeconds',
        'BillableTimeInSeconds.$': '$.BillableTimeInSeconds',
      },
      ResultPath: '$.trainingJob',
    });

    const createModel = sagemakerTask(STATE_NAMES.createModel, 'createModel', SHORT_TASK_TIMEOUT, {
      Parameters: {
        'ModelName.$': '$.run.names.model',
        ExecutionRoleArn: props.sagemakerRole.roleArn,
        PrimaryContainer: {
          'Image.$': '$.image.imageUri',
          'ModelDataUrl.$': '$.trainingJob.ModelArtifacts',
          Mode: 'SingleModel',
        },
        EnableNetworkIsolation: true,
        ...vpcConfig,
        Tags: tags,
      },
      ResultPath: '$.model',
    });

    const transform = sagemakerTask(STATE_NAMES.transform, 'createTransformJob.sync', props.transformTaskTimeout ?? Duration.days(3), {
      Parameters: {
        'TransformJobName.$': '$.run.names.transformJob',
        'ModelName.$': '$.run.transform.modelName',
        TransformInput: {
          DataSource: {
            S3DataSource: { S3DataType: 'S3Prefix', 'S3Uri.$': '$.run.transform.batchInput' },
          },
          'ContentType.$': '$.run.transform.contentType',
          // One image per request: the algorithm classifies whole images.
          SplitType: 'None',
          CompressionType: 'None',
        },
        TransformOutput: {
          'S3OutputPath.$': '$.run.transform.outputPath',
          KmsKeyId: props.encryptionKey.keyArn,
          AssembleWith: 'None',
        },
        'TransformResources.$': '$.run.transform.transformResources',
        'BatchStrategy.$': '$.run.transform.batchStrategy',
        'MaxConcurrentTransforms.$': '$.run.transform.maxConcurrentTransforms',
        'MaxPayloadInMB.$': '$.run.transform.maxPayloadInMB',
        Tags: tags,
      },
      ResultSelector: {
        'TransformJobName.$': '$.TransformJobName',
        'TransformJobArn.$': '$.TransformJobArn',
        'TransformJobStatus.$': '$.TransformJobStatus',
        'ModelName.$': '$.ModelName',
        'S3OutputPath.$': '$.TransformOutput.S3OutputPath',
      },
      ResultPath: '$.transformJob',
    });

    // The run summary: the same fields in every mode, null where the mode did not make it.
    const summary = (parts: { training: boolean; model: boolean; transform: boolean }) => ({
      'runId.$': '$.run.runId',
      'runName.$': '$.run.runName',
      'mode.$': '$.run.mode',
      'executionArn.$': '$$.Execution.Id',
      'source.$': '$.run.source',
      ...(parts.training
        ? {
            'trainingJobName.$': '$.trainingJob.TrainingJobName',
            'modelArtifacts.$': '$.trainingJob.ModelArtifacts',
            'metrics.$': '$.trainingJob.FinalMetricDataList',
            'trainingTimeInSeconds.$': '$.trainingJob.TrainingTimeInSeconds',
            'billableTimeInSeconds.$': '$.trainingJob.BillableTimeInSeconds',
          }
        : { trainingJobName: null, modelArtifacts: null, metrics: null, trainingTimeInSeconds: null, billableTimeInSeconds: null }),
      ...(parts.model ? { 'modelName.$': '$.run.names.model', 'modelArn.$': '$.model.ModelArn' } : { 'modelName.$': '$.run.transform.modelName', modelArn: null }),
      ...(parts.transform
        ? { 'transformJobName.$': '$.transformJob.TransformJobName', 'predictions.$': '$.transformJob.S3OutputPath' }
        : { transformJobName: null, predictions: null }),
    });

    const notifySuccess = notify('NotifySuccess', STATE_NAMES.notifySuccess, 'succeeded', {
      status: 'SUCCEEDED',
      summary: sfn.JsonPath.objectAt('$.summary'),
    });
    catchInto(notifySuccess, STATE_NAMES.notifySuccess, '$.error');
    notifySuccess.next(new sfn.Succeed(this, 'RunSucceeded', { stateName: STATE_NAMES.succeeded, outputPath: '$.summary' }));

    const summarize = (stateName: string, parts: { training: boolean; model: boolean; transform: boolean }) =>
      passState(this, stateName, summary(parts), '$.summary').next(notifySuccess);
    const summarizeFull = summarize(STATE_NAMES.summarizeFull, { training: true, model: true, transform: true });
    const summarizeTraining = summarize(STATE_NAMES.summarizeTraining, { training: true, model: true, transform: false });
    const summarizeTransform = summarize(STATE_NAMES.summarizeTransform, { training: false, model: false, transform: true });

    const isMode = (mode: string) => sfn.Condition.stringEquals('$.run.mode', mode);
    transform.next(
      new sfn.Choice(this, 'SummarizeByMode', { stateName: STATE_NAMES.summarizeByMode })
        .when(isMode('transform'), summarizeTransform)
        .otherwise(summarizeFull),
    );
    train.next(createModel);
    createModel.next(
      new sfn.Choice(this, 'TransformAfterTraining', { stateName: STATE_NAMES.transformAfterTraining })
        .when(isMode('train'), summarizeTraining)
        .otherwise(transform),
    );
    const definition = prepareRun
      .next(resolveImage)
      .next(
        new sfn.Choice(this, 'ChooseMode', { stateName: STATE_NAMES.chooseMode })
          .when(isMode('transform'), transform)
          .otherwise(train),
      );

    this.logGroup = new logs.LogGroup(this, 'ExecutionLogs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      comment: 'Image classification: train on SageMaker, create the model, classify a folder of images',
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      queryLanguage: sfn.QueryLanguage.JSON_PATH,
      timeout: props.timeout ?? Duration.days(35),
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });

    this.grantIntegrations(props);
  }

  /** What the three SageMaker integrations and the encrypted topic need (the Lambda and SNS tasks grant the rest). */
  private grantIntegrations(props: PipelineStateMachineProps): void {
    const stack = Stack.of(this);
    const role = this.stateMachine.role;
    const sagemaker = (resource: string) =>
      stack.formatArn({ service: 'sagemaker', resource, resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    const statement = (sid: string, actions: string[], resources: string[], conditions?: Record<string, unknown>) =>
      role.addToPrincipalPolicy(new iam.PolicyStatement({ sid, actions, resources, conditions }));

    // Job and model names are derived per execution, so the resources are "every job of this type".
    const reason = (kind: string) =>
      `The ${kind} name is derived from each execution's name at run time, so it cannot be named in the policy; ` +
      'the actions are limited to what the Step Functions SageMaker integration calls.';
    acknowledgeWildcardResource(role, sagemaker('training-job'), reason('training job'));
    acknowledgeWildcardResource(role, sagemaker('model'), reason('model'));
    acknowledgeWildcardResource(role, sagemaker('transform-job'), reason('transform job'));
    acknowledgeNag(role, 'AwsSolutions-IAM5[Resource::*]',
      'X-Ray tracing (xray:PutTraceSegments, PutTelemetryRecords, GetSamplingRules, GetSamplingTargets) and CloudWatch Logs delivery ' +
        '(logs:CreateLogDelivery and related) support no resource-level permissions: IAM accepts only "*" for them.');
    for (const fn of [props.prepareRun, props.resolveImage]) {
      acknowledgeWildcardResource(role, `${fn.functionArn}:*`,
        'Granted by the CDK LambdaInvoke task: invoking the function\'s versions and aliases (ARN:*) of this one function.');
    }
    statement(
      'TrainingJobs',
      ['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob'],
      [sagemaker('training-job')],
    );
    statement('Models', ['sagemaker:CreateModel'], [sagemaker('model')]);
    statement(
      'TransformJobs',
      ['sagemaker:CreateTransformJob', 'sagemaker:DescribeTransformJob', 'sagemaker:StopTransformJob'],
      [sagemaker('transform-job')],
    );
    statement(
      'TagRunResources',
      ['sagemaker:AddTags', 'sagemaker:ListTags'],
      [sagemaker('training-job'), sagemaker('model'), sagemaker('transform-job')],
    );
    // `.sync` waits for the job through managed EventBridge rules that Step Functions creates.
    statement(
      'SyncJobEvents',
      ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
      ['StepFunctionsGetEventsForSageMakerTrainingJobsRule', 'StepFunctionsGetEventsForSageMakerTransformJobsRule'].map(
        (rule) => stack.formatArn({ service: 'events', resource: 'rule', resourceName: rule }),
      ),
    );
    // Publishing to an SSE-KMS topic needs a data key of the topic's key (sns:Publish alone is refused).
    props.notificationTopic.masterKey?.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');
    statement('PassSageMakerRole', ['iam:PassRole'], [props.sagemakerRole.roleArn], {
      StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' },
    });
  }
}

/**
 * A Pass state written in plain ASL (a `CustomState`): CDK's `Pass` drops `null` values from
 * Parameters, and the run summary and failure record say "not made in this run" with `null`.
 * The state's name is its construct id.
 */
function passState(scope: Construct, stateName: string, parameters: Record<string, unknown>, resultPath: string): sfn.CustomState {
  return new sfn.CustomState(scope, stateName, { stateJson: { Type: 'Pass', Parameters: parameters, ResultPath: resultPath } });
}

/** `arn:<partition>:states:::sagemaker:<api>`: the Step Functions SageMaker integration. */
function integrationArn(api: string): string {
  return `arn:${Aws.PARTITION}:states:::sagemaker:${api}`;
}

/** A JSONPath intrinsic that renders the console link of the current execution. */
function executionConsoleLink(): string {
  return sfn.JsonPath.format(
    `https://${Aws.REGION}.console.aws.amazon.com/states/home?region=${Aws.REGION}#/v2/executions/details/{}`,
    sfn.JsonPath.executionId,
  );
}
