import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { InheritedHyperparameter, PreparedRun } from '../../core/prepare-run';
import { INHERITED_HYPERPARAMETERS } from '../../core/prepare-run';
import { RUN_REQUEST_REJECTED_ERROR, STATE_NAMES } from '../../core/state-names';
import { SAGEMAKER_SDK_THROTTLING_RETRY } from '../retry-policies';
import { at, parameters, passState, sdkIntegrationArn, withDefaults } from './asl';
import type { FailurePath } from './failure-path';
import { SHORT_TASK_TIMEOUT } from './notification';

export interface IncrementalTrainingProps {
  readonly failurePath: FailurePath;
  /** Where runs write their models: a base model must be under its `runs/`, which the SageMaker role may read. */
  readonly artifactBucket: s3.IBucket;
  /** What comes after: training (or tuning) from scratch, or with the base model added. */
  readonly next: sfn.IChainable;
}

/** Values of the base job's hyperparameters when its description leaves them out: the algorithm's defaults. */
const ALGORITHM_DEFAULTS: Record<InheritedHyperparameter, string> = { num_layers: '152', image_shape: '3,224,224', num_classes: '' };

/** What `modelArtifacts` reads for a base job whose description has no ModelArtifacts: not an S3 URI, so never under `runs/`. */
const NO_MODEL = '(no model)';

/** The one problem of a rejected base training job, worded as Prepare run words a rejected request. */
const problem = (field: string, message: string) => `Invalid run request (1 problem): ${field}: ${message}`;

const BASE = '$.baseTrainingJob.check';
const REQUESTED = '$.run.training.incremental.requestedHyperparameters';

/**
 * Incremental training (`baseTrainingJob`), before any training:
 *
 *   Incremental training? ── no ──→ next
 *     └─ yes → Describe base training job (AWS SDK: DescribeTrainingJob) → Read base training job
 *              → Base training job compatible? ── no ──→ a record naming the field → Notify failure → Run failed
 *              → Add base model channel → Use base model → next
 *
 * The base job must be Completed, trained by the image-classification algorithm, and have its model under the
 * artifact bucket's `runs/`; num_layers, image_shape and num_classes the request sets must equal the base
 * job's (reference/image-classification-hyperparameters.md, Inputs: "must match it"), and the ones it leaves
 * out are taken from the base job. A mismatch is the request's fault: it fails as `RunRequestRejected`, with
 * the field named, and costs nothing. The run then trains with an extra `model` channel holding the base
 * job's model.tar.gz.
 */
export class IncrementalTraining extends Construct {
  /** The `Incremental training?` choice: the entry of this part. */
  readonly start: sfn.Choice;

  constructor(scope: Construct, id: string, props: IncrementalTrainingProps) {
    super(scope, id);
    const describe = new sfn.CustomState(this, STATE_NAMES.describeBaseTrainingJob, {
      stateJson: {
        Type: 'Task',
        Resource: sdkIntegrationArn('sagemaker', 'describeTrainingJob'),
        TimeoutSeconds: SHORT_TASK_TIMEOUT.toSeconds(),
        Parameters: { 'TrainingJobName.$': '$.run.baseTrainingJob' },
        // AlgorithmSpecification and HyperParameters are optional in a DescribeTrainingJob answer, and
        // ModelArtifacts is there only once a job has completed: SageMaker leaves it out while the job is
        // InProgress or Stopping, and when it Failed or was Stopped (DescribeTrainingJob, "Some of the
        // attributes below only appear if the training job successfully starts",
        // https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeTrainingJob.html). Read without a
        // default, `Read base training job` would fail with States.Runtime, which no Catch catches: no
        // notification, no word of the status. With it, `Base training job compatible?` rejects the job by its
        // status first, before anything reads the model.
        ResultSelector: {
          'described.$': withDefaults('$', { AlgorithmSpecification: {}, HyperParameters: {}, ModelArtifacts: { S3ModelArtifacts: NO_MODEL } }),
        },
        ResultPath: '$.baseTrainingJob',
      },
    });
    describe.addRetry(SAGEMAKER_SDK_THROTTLING_RETRY);
    // A base job that does not exist: `SageMaker.ResourceNotFoundException` (or SageMaker's ValidationException).
    props.failurePath.catchErrorsOf(describe, STATE_NAMES.describeBaseTrainingJob, {
      about: { field: 'baseTrainingJob', path: '$.run.baseTrainingJob' },
    });

    const read = passState(
      this,
      STATE_NAMES.readBaseTrainingJob,
      {
        'status.$': '$.baseTrainingJob.described.TrainingJobStatus',
        'algorithm.$': withDefaults('$.baseTrainingJob.described.AlgorithmSpecification', { TrainingImage: '' }),
        'hyperparameters.$': withDefaults('$.baseTrainingJob.described.HyperParameters', ALGORITHM_DEFAULTS),
        // NO_MODEL when SageMaker left ModelArtifacts out (a job that has not completed).
        'modelArtifacts.$': '$.baseTrainingJob.described.ModelArtifacts.S3ModelArtifacts',
        // The incremental training channel: the earlier model.tar.gz, read whole (File), whatever the run's input mode.
        modelChannel: {
          ChannelName: 'model',
          DataSource: {
            S3DataSource: {
              S3DataType: 'S3Prefix',
              'S3Uri.$': '$.baseTrainingJob.described.ModelArtifacts.S3ModelArtifacts',
              S3DataDistributionType: 'FullyReplicated',
            },
          },
          ContentType: 'application/x-sagemaker-model',
          CompressionType: 'None',
          InputMode: 'File',
        },
      },
      `${BASE}`,
    );
    describe.next(read);

    const runsPrefix = `s3://${props.artifactBucket.bucketName}/runs/`;
    const reject = (stateName: string, field: string, message: string, args: string[]) =>
      props.failurePath.fail(stateName, {
        state: STATE_NAMES.baseTrainingJobCompatible,
        runId: at('$.run.runId'),
        error: RUN_REQUEST_REJECTED_ERROR,
        // States.Format: no braces or single quotes in the literal text.
        cause: at(`States.Format('${problem(field, message)}', ${args.join(', ')})`),
        modelArtifacts: null,
      });

    const compatible = new sfn.Choice(this, STATE_NAMES.baseTrainingJobCompatible)
      .when(
        sfn.Condition.not(sfn.Condition.stringEquals(`${BASE}.status`, 'Completed')),
        reject(
          'Base training job not completed',
          'baseTrainingJob',
          '"{}" is {}, not Completed: incremental training continues from the model of a completed training job',
          ['$.run.baseTrainingJob', `${BASE}.status`],
        ),
      )
      .when(
        sfn.Condition.not(sfn.Condition.stringMatches(`${BASE}.algorithm.TrainingImage`, '*/image-classification:*')),
        reject(
          'Base training job of another algorithm',
          'baseTrainingJob',
          '"{}" was not trained by the image-classification algorithm (its training image is "{}"): ' +
            'incremental training continues a model of the same algorithm',
          ['$.run.baseTrainingJob', `${BASE}.algorithm.TrainingImage`],
        ),
      )
      .when(
        sfn.Condition.not(sfn.Condition.stringMatches(`${BASE}.modelArtifacts`, `${runsPrefix}*`)),
        reject(
          'Base model outside the artifact bucket',
          'baseTrainingJob',
          `the model of "{}" is {}, not under ${runsPrefix}, which is where the pipeline may read models: ` +
            'continue from a training job of this pipeline',
          ['$.run.baseTrainingJob', `${BASE}.modelArtifacts`],
        ),
      )
      .when(
        sfn.Condition.stringEquals(`${BASE}.hyperparameters.num_classes`, ''),
        reject(
          'Base training job without num_classes',
          'baseTrainingJob',
          '"{}" has no num_classes hyperparameter, so it is not an image-classification model this run can continue from',
          ['$.run.baseTrainingJob'],
        ),
      );
    for (const name of INHERITED_HYPERPARAMETERS) {
      compatible.when(
        sfn.Condition.and(
          sfn.Condition.isString(`${REQUESTED}.${name}`),
          sfn.Condition.not(sfn.Condition.stringEqualsJsonPath(`${REQUESTED}.${name}`, `${BASE}.hyperparameters.${name}`)),
        ),
        reject(
          `${name} differs from the base training job`,
          `hyperparameters.${name}`,
          `"{}" differs from "{}" of the base training job "{}": incremental training keeps num_layers, image_shape and ` +
            `num_classes of the base job; leave hyperparameters.${name} out to take its value`,
          [`${REQUESTED}.${name}`, `${BASE}.hyperparameters.${name}`, '$.run.baseTrainingJob'],
        ),
      );
    }
    read.next(compatible);

    // The base job's values under the request's (which equal them where the request sets one), and the
    // model channel after the run's channels. Intrinsics cannot concatenate lists: `[*][*]` flattens the
    // list of the two lists (both Step Functions' JSONPath and the local runner's return the elements in order).
    const addChannel = passState(
      this,
      STATE_NAMES.addBaseModelChannel,
      {
        'channelGroups.$': `States.Array($.run.training.inputDataConfig, States.Array(${BASE}.modelChannel))`,
        inherited: Object.fromEntries(INHERITED_HYPERPARAMETERS.map((name) => [`${name}.$`, `${BASE}.hyperparameters.${name}`])),
      },
      '$.incremental',
    );
    compatible.otherwise(addChannel);

    // `$.run.training` again, every field as Prepare run made it but these two: the state machine's later
    // states read the training settings from one place, with or without a base model.
    type Training = NonNullable<PreparedRun['training']>;
    const keep = (key: keyof Training) => at(`$.run.training.${key}`);
    const training: { readonly [K in keyof Training]: ReturnType<typeof at> } = {
      trainingData: keep('trainingData'),
      validationData: keep('validationData'),
      inputDataConfig: at('$.incremental.channelGroups[*][*]'),
      outputPath: keep('outputPath'),
      inputMode: keep('inputMode'),
      hyperparameters: at('States.JsonMerge($.incremental.inherited, $.run.training.hyperparameters, false)'),
      resourceConfig: keep('resourceConfig'),
      stoppingCondition: keep('stoppingCondition'),
      spot: keep('spot'),
      checkpointUri: keep('checkpointUri'),
      tuning: keep('tuning'),
      incremental: keep('incremental'),
    };
    const useBaseModel = passState(this, STATE_NAMES.useBaseModel, parameters(training), '$.run.training');
    addChannel.next(useBaseModel);
    useBaseModel.next(props.next);

    this.start = new sfn.Choice(this, STATE_NAMES.incrementalOrNot)
      .when(sfn.Condition.isNull('$.run.training.incremental'), props.next)
      .otherwise(describe);
  }
}
