import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { DEFAULT_TRAINING_TASK_TIMEOUT_SECONDS, DEFAULT_TRANSFORM_TASK_TIMEOUT_SECONDS, MAX_RUNTIME_IN_SECONDS, MAX_WAIT_TIME_IN_SECONDS } from '../core/api-limits';
import { RUN_ID_TAG, STATE_NAMES } from '../core/state-names';
import { LAMBDA_SERVICE_RETRY } from './retry-policies';
import { FailurePath } from './state-machine/failure-path';
import { notification, SHORT_TASK_TIMEOUT } from './state-machine/notification';
import { grantIntegrations } from './state-machine/permissions';
import { summaryState } from './state-machine/run-summary';
import { ModelDeployment } from './state-machine/model-deployment';
import { SageMakerSteps, type SageMakerVpcConfig } from './state-machine/sagemaker-steps';

export { RUN_ID_TAG, STATE_NAMES, type SageMakerVpcConfig };

export interface PipelineStateMachineProps {
  /** Validates the run request and derives names, paths and SageMaker request fragments. */
  readonly prepareRun: lambda.IFunction;
  /** Returns the algorithm image URI for the Region it runs in. */
  readonly resolveImage: lambda.IFunction;
  /** Role that SageMaker assumes for the training job, model and transform job. */
  readonly sagemakerRole: iam.IRole;
  /** Key for training output, transform output and the state machine's log group. */
  readonly encryptionKey: kms.IKey;
  /** Where runs write models (`runs/`): an incremental run continues only from a model there. */
  readonly artifactBucket: s3.IBucket;
  /** Topic that gets one message per run: its summary, or what failed and why. */
  readonly notificationTopic: sns.ITopic;
  /** The stack's model package group: every model a run creates is registered there (core/endpoint.ts). */
  readonly modelPackageGroupName: string;
  /** The stack's name prefix: the endpoints and endpoint configs the runs may create or update start with it. */
  readonly resourceNamePrefix: string;
  /**
   * Run training, the model and transform inside these subnets.
   * @default - SageMaker's network (with network isolation: no network access for the containers)
   */
  readonly vpcConfig?: SageMakerVpcConfig;
  /**
   * How long the `Train model` (and `Tune model`) state may wait for its job. Must exceed the longest
   * `training.maxRuntimeInSeconds` and `training.maxWaitTimeInSeconds` a run may ask for (28 days each), and
   * the longest tuning job (28 days, core/tuning.ts), plus provisioning and upload.
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

/**
 * Fails synthesis when `Train model` could time out before its job ends: the timeout must exceed the
 * longest job a run request may ask for (maxRuntimeInSeconds, or maxWaitTimeInSeconds with spot: 28 days).
 */
export function checkTrainingTaskTimeout(timeout: Duration): void {
  const longestJob = Math.max(MAX_RUNTIME_IN_SECONDS, MAX_WAIT_TIME_IN_SECONDS);
  if (!timeout.isUnresolved() && timeout.toSeconds() <= longestJob) {
    throw new Error(
      `trainingTaskTimeout must exceed ${longestJob} s (28 days), the longest training job a run may ask for ` +
        `(maxRuntimeInSeconds, or maxWaitTimeInSeconds with spot); got ${timeout.toSeconds()} s`,
    );
  }
}

/**
 * The run orchestration, read top to bottom like its diagram:
 *
 *   Prepare run → Request accepted? ── no ──→ Request rejected → Notify failure → Run failed
 *               └─ yes → Resolve image → Choose steps for mode
 *                   full/train: Incremental training? (→ check the base job, add its model)
 *                               → Tune hyperparameters? → Tune model … or Spot training? → … Train model
 *                               → Read training result → Accuracy gate? → Create model → Transform after training?
 *                   full/train: … → Register model → Deploy endpoint? (→ ModelDeployment) → Transform after training?
 *                   transform:  Run batch transform
 *                   deploy:     Deploy a model package? (→ approved version → Create model from package) → ModelDeployment
 *               → Summarize … → Notify success → Run succeeded
 *
 * Every task's failure is recorded with the failing state's name, notified once and ends in
 * `Run failed` (the failure path). The steps are built by small builders in `state-machine/`.
 */
export class PipelineStateMachine extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PipelineStateMachineProps) {
    super(scope, id);
    const failurePath = new FailurePath(this, 'FailurePath', { topic: props.notificationTopic });
    const trainingTaskTimeout = props.trainingTaskTimeout ?? Duration.seconds(DEFAULT_TRAINING_TASK_TIMEOUT_SECONDS);
    checkTrainingTaskTimeout(trainingTaskTimeout);
    const steps = new SageMakerSteps(this, 'SageMaker', {
      sagemakerRole: props.sagemakerRole,
      encryptionKey: props.encryptionKey,
      artifactBucket: props.artifactBucket,
      failurePath,
      vpcConfig: props.vpcConfig,
      trainingTaskTimeout,
      transformTaskTimeout: props.transformTaskTimeout ?? Duration.seconds(DEFAULT_TRANSFORM_TASK_TIMEOUT_SECONDS),
    });

    const notifySuccess = notification(this, 'NotifySuccess', {
      stateName: STATE_NAMES.notifySuccess,
      topic: props.notificationTopic,
      outcome: 'succeeded',
      fields: { status: 'SUCCEEDED', summary: sfn.JsonPath.objectAt('$.summary') },
    });
    failurePath.catchErrorsOf(notifySuccess, STATE_NAMES.notifySuccess);
    notifySuccess.next(new sfn.Succeed(this, 'RunSucceeded', { stateName: STATE_NAMES.succeeded, outputPath: '$.summary' }));
    const summarize = (stateName: string, parts: Parameters<typeof summaryState>[2]) =>
      summaryState(this, stateName, parts).next(notifySuccess);

    const isMode = (mode: string) => sfn.Condition.stringEquals('$.run.mode', mode);
    steps.transform.next(
      new sfn.Choice(this, 'SummarizeByMode', { stateName: STATE_NAMES.summarizeByMode })
        .when(isMode('transform'), summarize(STATE_NAMES.summarizeTransform, { training: false, model: false, transform: true, registry: false }))
        .otherwise(summarize(STATE_NAMES.summarizeFull, { training: true, model: true, transform: true, registry: true })),
    );
    const afterModel = new sfn.Choice(this, 'TransformAfterTraining', { stateName: STATE_NAMES.transformAfterTraining })
      .when(isMode('train'), summarize(STATE_NAMES.summarizeTraining, { training: true, model: true, transform: false, registry: true }))
      .when(isMode('deploy'), summarize(STATE_NAMES.summarizeDeploy, { training: false, model: false, transform: false, registry: true, deploy: true }))
      .otherwise(steps.transform);
    const deployment = new ModelDeployment(this, 'Deployment', {
      failurePath,
      modelPackageGroupName: props.modelPackageGroupName,
      encryptionKey: props.encryptionKey,
      sagemakerRole: props.sagemakerRole,
      vpcConfig: props.vpcConfig,
      next: afterModel,
    });
    steps.createModel.next(deployment.registerModel);

    const definition = this.prepareRun(props.prepareRun, failurePath)
      .next(
        new sfn.Choice(this, 'RequestAccepted', { stateName: STATE_NAMES.requestAccepted })
          .when(sfn.Condition.isPresent('$.rejection'), failurePath.rejectedRequest())
          .otherwise(
            this.resolveImage(props.resolveImage, failurePath).next(
              new sfn.Choice(this, 'ChooseMode', { stateName: STATE_NAMES.chooseMode })
                .when(isMode('transform'), steps.transform)
                .when(isMode('deploy'), deployment.deployMode)
                .otherwise(steps.train),
            ),
          ),
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
    grantIntegrations(this.stateMachine, props);
  }

  /**
   * `Prepare run`: validates the whole execution input (which may be anything, even not an object) and
   * replaces the state with `{ run }` or `{ rejection }`: a rejected request is an answer, not a Lambda error.
   */
  private prepareRun(fn: lambda.IFunction, failurePath: FailurePath): tasks.LambdaInvoke {
    const task = new tasks.LambdaInvoke(this, 'PrepareRun', {
      stateName: STATE_NAMES.prepareRun,
      lambdaFunction: fn,
      payload: sfn.TaskInput.fromObject({
        request: sfn.JsonPath.entirePayload,
        executionName: sfn.JsonPath.executionName,
      }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      taskTimeout: sfn.Timeout.duration(SHORT_TASK_TIMEOUT),
    });
    task.addRetry(LAMBDA_SERVICE_RETRY);
    failurePath.catchErrorsOfFirstState(task, STATE_NAMES.prepareRun);
    return task;
  }

  /** `Resolve image`: the algorithm image URI of the Region, kept at `$.image`. */
  private resolveImage(fn: lambda.IFunction, failurePath: FailurePath): tasks.LambdaInvoke {
    const task = new tasks.LambdaInvoke(this, 'ResolveImage', {
      stateName: STATE_NAMES.resolveImage,
      lambdaFunction: fn,
      payload: sfn.TaskInput.fromObject({}),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      resultPath: '$.image',
      taskTimeout: sfn.Timeout.duration(SHORT_TASK_TIMEOUT),
    });
    task.addRetry(LAMBDA_SERVICE_RETRY);
    failurePath.catchErrorsOf(task, STATE_NAMES.resolveImage);
    return task;
  }
}
