import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { RUN_ID_TAG, STATE_NAMES } from '../../core/state-names';
import { SAGEMAKER_CAPACITY_RETRY, SAGEMAKER_THROTTLING_RETRY } from '../retry-policies';
import { integrationArn, passState, withDefaults } from './asl';
import type { FailurePath } from './failure-path';
import { SHORT_TASK_TIMEOUT } from './notification';

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
 * The three SageMaker steps of a run, as plain-ASL `CustomState`s: the built-in `SageMakerCreate*`
 * tasks take resources, stopping condition and hyperparameters as synth-time values, while here every
 * one of them comes from the run request (through `Prepare run`). Each has the SageMaker retries and
 * the failure path.
 */
export class SageMakerSteps extends Construct {
  /**
   * `Spot training?` → `Build training request` or `Build spot training request` → `Train model`
   * (createTrainingJob.sync) → `Read training result`.
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
      // only what the summary and later states need.
      ResultSelector: { 'described.$': withDefaults('$', OPTIONAL_TRAINING_RESULT) },
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
        // Required in every DescribeTrainingJob answer (ModelArtifacts.S3ModelArtifacts).
        'ModelArtifacts.$': '$.trainingJob.described.ModelArtifacts.S3ModelArtifacts',
        'FinalMetricDataList.$': '$.trainingJob.described.FinalMetricDataList',
        'TrainingTimeInSeconds.$': '$.trainingJob.described.TrainingTimeInSeconds',
        'BillableTimeInSeconds.$': '$.trainingJob.described.BillableTimeInSeconds',
        'EnableManagedSpotTraining.$': '$.trainingJob.described.EnableManagedSpotTraining',
        // Required in every DescribeTrainingJob answer.
        'ResourceConfig.$': '$.trainingJob.described.ResourceConfig',
      },
      '$.trainingJob',
    );
    train.next(readResult);
    this.train = sfn.Chain.custom(chooseCapacity, [readResult], readResult);

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
    });
  }

  /** A SageMaker integration state with the SageMaker retries and the failure path. */
  private task(stateName: string, api: string, timeout: Duration, state: Record<string, unknown>): sfn.CustomState {
    const task = new sfn.CustomState(this, stateName, {
      stateJson: { Type: 'Task', Resource: integrationArn(api), TimeoutSeconds: timeout.toSeconds(), ...state },
    });
    task.addRetry(SAGEMAKER_CAPACITY_RETRY).addRetry(SAGEMAKER_THROTTLING_RETRY);
    this.props.failurePath.catchErrorsOf(task, stateName, { spotWaitExceeded: api === 'createTrainingJob.sync' });
    return task;
  }
}
