import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { TuningSummary } from '../../core/run-summary';
import { RUN_ID_TAG, STATE_NAMES } from '../../core/state-names';
import { SAGEMAKER_CAPACITY_RETRY, SAGEMAKER_SDK_THROTTLING_RETRY, SAGEMAKER_THROTTLING_RETRY } from '../retry-policies';
import { AccuracyGate } from './accuracy-gate';
import { at, integrationArn, parameters, passState, sdkIntegrationArn, withDefaults } from './asl';
import type { FailurePath } from './failure-path';
import { IncrementalTraining } from './incremental-training';
import { SHORT_TASK_TIMEOUT } from './notification';
import { TransformFailure } from './transform-failure';

/** Subnets and security groups that SageMaker jobs and the model run in. */
export interface SageMakerVpcConfig {
  /** Private subnets (1 to 16). */
  readonly subnetIds: string[];
  /** Security groups (1 to 5). */
  readonly securityGroupIds: string[];
}

export interface SageMakerStepsProps {
  /** Role that SageMaker assumes for the training job, model and transform job. */
  readonly sagemakerRole: iam.IRole;
  /** Key for training and transform output. */
  readonly encryptionKey: kms.IKey;
  /** Where runs write models: an incremental run's base model must be under its `runs/`. */
  readonly artifactBucket: s3.IBucket;
  /** Where every SageMaker state's errors go. */
  readonly failurePath: FailurePath;
  /** @default - SageMaker's network */
  readonly vpcConfig?: SageMakerVpcConfig;
  readonly trainingTaskTimeout: Duration;
  readonly transformTaskTimeout: Duration;
}

/**
 * Optional fields of DescribeTrainingJob that the run reads, with what they mean when SageMaker leaves
 * them out: no metrics reported, no time reported.
 */
const OPTIONAL_TRAINING_RESULT = {
  FinalMetricDataList: [],
  TrainingTimeInSeconds: null,
  BillableTimeInSeconds: null,
  EnableManagedSpotTraining: false,
};

/** Optional fields of DescribeTransformJob that the run reads: when the job ran, for its cost. */
const OPTIONAL_TRANSFORM_RESULT = { TransformStartTime: null, TransformEndTime: null };

/**
 * The SageMaker steps of a run, as plain-ASL `CustomState`s: the built-in `SageMakerCreate*`
 * tasks take resources, stopping condition and hyperparameters as synth-time values, while here every
 * one of them comes from the run request (through `Prepare run`). Each has the SageMaker retries and
 * the failure path.
 */
export class SageMakerSteps extends Construct {
  /**
   * From the request to the model:
   *
   *   Incremental training? (→ the base job's checks and model channel: IncrementalTraining)
   *   → Tune hyperparameters? ── no ──→ Spot training? → Build (spot) training request → Train model
   *        └─ yes → Build tuning request → Tune model → Best training job found? → Describe best training job
   *                 → Best training job has a model? → Read tuning result
   *   → Read training result → Accuracy gate? (AccuracyGate) → Create model
   *
   * `Read training result` reads the trained job and the best tuned job alike (both are DescribeTrainingJob
   * answers), so everything after it is the same with or without tuning.
   */
  readonly train: sfn.Chain;
  readonly createModel: sfn.CustomState;
  readonly transform: sfn.CustomState;

  constructor(scope: Construct, id: string, private readonly props: SageMakerStepsProps) {
    super(scope, id);
    const tags = [{ Key: RUN_ID_TAG, 'Value.$': '$.run.runId' }];
    const vpcConfig = props.vpcConfig
      ? { VpcConfig: { SecurityGroupIds: props.vpcConfig.securityGroupIds, Subnets: props.vpcConfig.subnetIds } }
      : {};
    const roleArn = props.sagemakerRole.roleArn;

    // CreateTrainingJob must not carry EnableManagedSpotTraining, CheckpointConfig or MaxWaitTimeInSeconds
    // without spot (SageMaker rejects the wait), and a JSONPath Parameters block cannot leave a field out
    // conditionally. So one table builds the request in one of two Pass states, with or without the spot
    // fields, and the single `Train model` task sends it as it is (InputPath, no Parameters). Prepare run
    // puts MaxWaitTimeInSeconds in the stopping condition only with spot.
    const trainingRequest = (spot: boolean) => ({
      'TrainingJobName.$': '$.run.names.trainingJob',
      RoleArn: roleArn,
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
      // Checkpoints under runs/<run id>/checkpoints/: an interrupted job resumes from its own, never another run's.
      ...(spot ? { EnableManagedSpotTraining: true, CheckpointConfig: { 'S3Uri.$': '$.run.training.checkpointUri' } } : {}),
      Tags: tags,
    });
    const train = this.task(STATE_NAMES.train, 'createTrainingJob.sync', props.trainingTaskTimeout, {
      InputPath: '$.trainingRequest',
      // The whole DescribeTrainingJob answer, with the optional fields filled in; the next state keeps
      // only what the summary and later states need. No tuning here (Read tuning result sets it).
      ResultSelector: { 'described.$': withDefaults('$', OPTIONAL_TRAINING_RESULT), tuning: null },
      ResultPath: '$.trainingJob',
    });
    const request = (stateName: string, spot: boolean) =>
      passState(this, stateName, trainingRequest(spot), '$.trainingRequest').next(train);
    const chooseCapacity = new sfn.Choice(this, 'SpotOrOnDemand', { stateName: STATE_NAMES.spotOrOnDemand })
      .when(sfn.Condition.booleanEquals('$.run.training.spot', true), request(STATE_NAMES.buildSpotTrainingRequest, true))
      .otherwise(request(STATE_NAMES.buildTrainingRequest, false));
    const readResult = passState(
      this,
      STATE_NAMES.readTrainingResult,
      {
        'TrainingJobName.$': '$.trainingJob.described.TrainingJobName',
        'TrainingJobArn.$': '$.trainingJob.described.TrainingJobArn',
        'TrainingJobStatus.$': '$.trainingJob.described.TrainingJobStatus',
        // SageMaker answers ModelArtifacts for a Completed job only: `Train model` (.sync) succeeds only then, and
        // the tuned path checked it in `Best training job has a model?`.
        'ModelArtifacts.$': '$.trainingJob.described.ModelArtifacts.S3ModelArtifacts',
        'FinalMetricDataList.$': '$.trainingJob.described.FinalMetricDataList',
        'TrainingTimeInSeconds.$': '$.trainingJob.described.TrainingTimeInSeconds',
        'BillableTimeInSeconds.$': '$.trainingJob.described.BillableTimeInSeconds',
        'EnableManagedSpotTraining.$': '$.trainingJob.described.EnableManagedSpotTraining',
        // Required in every DescribeTrainingJob answer.
        'ResourceConfig.$': '$.trainingJob.described.ResourceConfig',
        'tuning.$': '$.trainingJob.tuning',
      },
      '$.trainingJob',
    );
    train.next(readResult);
    const tune = this.tuning(readResult, tags, vpcConfig);
    const tuneOrTrain = new sfn.Choice(this, 'TuneOrTrain', { stateName: STATE_NAMES.tuneOrTrain })
      .when(sfn.Condition.isNull('$.run.training.tuning'), chooseCapacity)
      .otherwise(tune);
    const incremental = new IncrementalTraining(this, 'Incremental', {
      failurePath: props.failurePath,
      artifactBucket: props.artifactBucket,
      next: tuneOrTrain,
    });

    this.createModel = this.task(STATE_NAMES.createModel, 'createModel', SHORT_TASK_TIMEOUT, {
      Parameters: {
        'ModelName.$': '$.run.names.model',
        ExecutionRoleArn: roleArn,
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
    const gate = new AccuracyGate(this, 'Gate', { failurePath: props.failurePath, next: this.createModel });
    readResult.next(gate.start);
    this.train = sfn.Chain.custom(incremental.start, [this.createModel], this.createModel);

    this.transform = this.task(STATE_NAMES.transform, 'createTransformJob.sync', props.transformTaskTimeout, {
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
      // Every field read by name is required in a DescribeTransformJob answer; the optional times come
      // with defaults, in the whole answer.
      ResultSelector: {
        'TransformJobName.$': '$.TransformJobName',
        'TransformJobArn.$': '$.TransformJobArn',
        'TransformJobStatus.$': '$.TransformJobStatus',
        'ModelName.$': '$.ModelName',
        'S3OutputPath.$': '$.TransformOutput.S3OutputPath',
        'described.$': withDefaults('$', OPTIONAL_TRANSFORM_RESULT),
      },
      ResultPath: '$.transformJob',
    }, { catchErrors: false });
    // A failed transform may have written many outputs: its failure says how many (TransformFailure).
    const transformFailure = new TransformFailure(this, 'TransformFailure', { failurePath: props.failurePath, artifactBucket: props.artifactBucket });
    this.transform.addCatch(transformFailure.start, { errors: ['States.ALL'], resultPath: '$.error' });
  }

  /**
   * `Build tuning request` → `Tune model` (createHyperParameterTuningJob.sync) → `Best training job found?`
   * → `Describe best training job` (AWS SDK: DescribeTrainingJob; the tuning job's answer names the best job
   * but not its model) → `Best training job has a model?` → `Read tuning result` → `then`.
   */
  private tuning(then: sfn.IChainable, tags: unknown[], vpcConfig: Record<string, unknown>): sfn.IChainable {
    const { props } = this;
    // The training jobs of the tuning job: the same definition as one training job, with the request's
    // hyperparameters as static ones (the tuned ones are left out by Prepare run). With spot, no
    // CheckpointConfig: the parallel jobs would share the prefix (PreparedRun.training.checkpointUri).
    const request = passState(
      this,
      STATE_NAMES.buildTuningRequest,
      {
        'HyperParameterTuningJobName.$': '$.run.names.tuningJob',
        'HyperParameterTuningJobConfig.$': '$.run.training.tuning.config',
        TrainingJobDefinition: {
          'StaticHyperParameters.$': '$.run.training.hyperparameters',
          // Built-in algorithms define their metrics themselves: no MetricDefinitions.
          AlgorithmSpecification: { 'TrainingImage.$': '$.image.imageUri', 'TrainingInputMode.$': '$.run.training.inputMode' },
          RoleArn: props.sagemakerRole.roleArn,
          'InputDataConfig.$': '$.run.training.inputDataConfig',
          OutputDataConfig: { 'S3OutputPath.$': '$.run.training.outputPath', KmsKeyId: props.encryptionKey.keyArn },
          'ResourceConfig.$': '$.run.training.resourceConfig',
          'StoppingCondition.$': '$.run.training.stoppingCondition',
          EnableNetworkIsolation: true,
          ...vpcConfig,
          'EnableManagedSpotTraining.$': '$.run.training.spot',
        },
        // Tags of a tuning job are also put on the training jobs it launches (CreateHyperParameterTuningJob, Tags).
        Tags: tags,
      },
      '$.tuningRequest',
    );
    const tune = this.task(STATE_NAMES.tune, 'createHyperParameterTuningJob.sync', props.trainingTaskTimeout, {
      InputPath: '$.tuningRequest',
      // DescribeHyperParameterTuningJob: the name and counters are required; BestTrainingJob is not (no job
      // may have reported the objective).
      ResultSelector: {
        'HyperParameterTuningJobName.$': '$.HyperParameterTuningJobName',
        'TrainingJobStatusCounters.$': '$.TrainingJobStatusCounters',
        'ObjectiveStatusCounters.$': '$.ObjectiveStatusCounters',
        'described.$': withDefaults('$', { BestTrainingJob: null }),
      },
      ResultPath: '$.tuningJob',
    });
    request.next(tune);

    const best = '$.tuningJob.described.BestTrainingJob';
    const noBest = props.failurePath.fail(STATE_NAMES.noBestTrainingJob, {
      state: STATE_NAMES.tune,
      runId: at('$.run.runId'),
      error: `${STATE_NAMES.tune} failed: NoBestTrainingJob`,
      cause: at(
        `States.Format('${STATE_NAMES.tune} failed: tuning job {} ended without a best training job, so there is no model ` +
          "to create: no training job reported validation:accuracy. Training jobs by status: {}. Objective by status: {}.', " +
          '$.tuningJob.HyperParameterTuningJobName, States.JsonToString($.tuningJob.TrainingJobStatusCounters), ' +
          'States.JsonToString($.tuningJob.ObjectiveStatusCounters))',
      ),
      modelArtifacts: null,
    });

    const describeBest = new sfn.CustomState(this, STATE_NAMES.describeBestTrainingJob, {
      stateJson: {
        Type: 'Task',
        Resource: sdkIntegrationArn('sagemaker', 'describeTrainingJob'),
        TimeoutSeconds: SHORT_TASK_TIMEOUT.toSeconds(),
        Parameters: { 'TrainingJobName.$': `${best}.TrainingJobName` },
        // ModelArtifacts is answered only for a job that completed (DescribeTrainingJob,
        // https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeTrainingJob.html), and the best job
        // of a tuning job need not have: early stopping stops jobs after they reported the objective. null then,
        // which `Best training job has a model?` turns into a failure record instead of a States.Runtime error.
        ResultSelector: { 'described.$': withDefaults('$', { ...OPTIONAL_TRAINING_RESULT, ModelArtifacts: { S3ModelArtifacts: null } }) },
        ResultPath: '$.bestTrainingJob',
      },
    });
    describeBest.addRetry(SAGEMAKER_SDK_THROTTLING_RETRY);
    props.failurePath.catchErrorsOf(describeBest, STATE_NAMES.describeBestTrainingJob);

    // The best job's objective is what makes it best; a best job without one is treated as none, so that
    // no path below reads a missing field. (A child of a null BestTrainingJob is not present either.)
    tune.next(
      new sfn.Choice(this, STATE_NAMES.bestTrainingJobFound)
        .when(sfn.Condition.isPresent(`${best}.FinalHyperParameterTuningJobObjectiveMetric`), describeBest)
        .otherwise(noBest),
    );

    const readTuning = passState(
      this,
      STATE_NAMES.readTuningResult,
      {
        'described.$': '$.bestTrainingJob.described',
        tuning: parameters({
          tuningJobName: at('$.tuningJob.HyperParameterTuningJobName'),
          bestTrainingJobName: at(`${best}.TrainingJobName`),
          tunedHyperparameters: at(`${best}.TunedHyperParameters`),
          objectiveMetric: at(`${best}.FinalHyperParameterTuningJobObjectiveMetric`),
          trainingJobStatusCounters: at('$.tuningJob.TrainingJobStatusCounters'),
          objectiveStatusCounters: at('$.tuningJob.ObjectiveStatusCounters'),
        } satisfies { readonly [K in keyof TuningSummary]: ReturnType<typeof at> }),
      },
      '$.trainingJob',
    );
    const withoutModel = props.failurePath.fail(STATE_NAMES.bestTrainingJobWithoutModel, {
      state: STATE_NAMES.tune,
      runId: at('$.run.runId'),
      error: `${STATE_NAMES.tune} failed: NoModelArtifacts`,
      cause: at(
        `States.Format('${STATE_NAMES.tune} failed: the best training job {} of tuning job {} is {} and has no model ` +
          "(no ModelArtifacts), so there is no model to create.', " +
          '$.bestTrainingJob.described.TrainingJobName, $.tuningJob.HyperParameterTuningJobName, $.bestTrainingJob.described.TrainingJobStatus)',
      ),
      modelArtifacts: null,
    });
    describeBest.next(
      new sfn.Choice(this, STATE_NAMES.bestTrainingJobHasModel)
        .when(sfn.Condition.isString('$.bestTrainingJob.described.ModelArtifacts.S3ModelArtifacts'), readTuning)
        .otherwise(withoutModel),
    );
    readTuning.next(then);
    return request;
  }

  /**
   * A SageMaker integration state with the SageMaker retries and (unless `catchErrors` is false, for a
   * state that routes its errors itself) the failure path.
   */
  private task(stateName: string, api: string, timeout: Duration, state: Record<string, unknown>, options: { catchErrors?: boolean } = {}): sfn.CustomState {
    const task = new sfn.CustomState(this, stateName, {
      stateJson: { Type: 'Task', Resource: integrationArn(api), TimeoutSeconds: timeout.toSeconds(), ...state },
    });
    task.addRetry(SAGEMAKER_CAPACITY_RETRY).addRetry(SAGEMAKER_THROTTLING_RETRY);
    if (options.catchErrors !== false) this.props.failurePath.catchErrorsOf(task, stateName, { spotWaitExceeded: api === 'createTrainingJob.sync' });
    return task;
  }
}
