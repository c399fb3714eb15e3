import { Duration } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  ENDPOINT_FAILED_ERROR,
  ENDPOINT_NOT_READY_ERROR,
  ENDPOINT_POLL_SECONDS,
  ENDPOINT_VARIANT_NAME,
  INFERENCE_CONTENT_TYPES,
  INFERENCE_RESPONSE_TYPES,
  MAX_ENDPOINT_POLLS,
  REGISTERED_REALTIME_INSTANCE_TYPES,
  REGISTERED_TRANSFORM_INSTANCE_TYPES,
} from '../../core/endpoint';
import { RUN_ID_TAG, RUN_REQUEST_REJECTED_ERROR, STATE_NAMES } from '../../core/state-names';
import { SAGEMAKER_CAPACITY_RETRY, SAGEMAKER_SDK_THROTTLING_RETRY, SAGEMAKER_THROTTLING_RETRY } from '../retry-policies';
import { at, integrationArn, passState, sdkIntegrationArn, withDefaults } from './asl';
import type { FailurePath } from './failure-path';
import type { SageMakerVpcConfig } from './sagemaker-steps';
import { SHORT_TASK_TIMEOUT } from './notification';

/** The error name of a SageMaker ValidationException through the AWS SDK integration (`<Service>.<Exception>`). */
const SAGEMAKER_VALIDATION_ERROR = 'SageMaker.AmazonSageMakerException';

export interface ModelDeploymentProps {
  readonly failurePath: FailurePath;
  /** The stack's model package group (core/endpoint.ts `modelPackageGroupName`). */
  readonly modelPackageGroupName: string;
  /** The stack's key: endpoint configs are encrypted with it (KmsKeyId). */
  readonly encryptionKey: kms.IKey;
  /** Role that SageMaker assumes for a model created from a model package. */
  readonly sagemakerRole: iam.IRole;
  /** Where a run goes after its model is registered and, if asked, deployed. */
  readonly next: sfn.IChainable;
  /** The subnets and security groups of the stack's models: a model created from a version gets them too. @default - none */
  readonly vpcConfig?: SageMakerVpcConfig;
}

/**
 * The model registry and the endpoint deployment:
 *
 *   (after Create model) Register model → Deploy endpoint? ── no ──→ No endpoint → next
 *   (mode deploy)        Deploy a model package? ── no (modelName) ──→ Deploy existing model ─┐
 *                          └─ Describe model package → Model package approved? ── no ──→ Model package not approved (RunRequestRejected)
 *                               └─ Create model from package ────────────────────────────────┤
 *                                                                                              ↓
 *   Deploy: Encrypt endpoint config? → Build endpoint config → Create endpoint config → Find endpoint
 *           → (found) Update endpoint / (ValidationException "Could not find endpoint") Create endpoint
 *           → Start endpoint poll → Wait for endpoint → Describe endpoint → Endpoint in service?
 *               InService with the new config → Read endpoint → next
 *               InService with another config (the update rolled back) / Failed / polls used up → failure path
 *               otherwise → Count endpoint poll → Wait for endpoint
 *
 * Step Functions has no `.sync` for endpoints, so the machine polls DescribeEndpoint (every
 * ENDPOINT_POLL_SECONDS, at most MAX_ENDPOINT_POLLS times: about an hour). The statuses are those of
 * DescribeEndpoint (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeEndpoint.html): "Failed:
 * Endpoint could not be created, updated, or re-scaled. Use DescribeEndpointOutput$FailureReason"; an update that
 * fails leaves the endpoint InService on its previous endpoint config, with a FailureReason.
 */
export class ModelDeployment extends Construct {
  /** After `Create model`: registration, then the optional deployment. */
  readonly registerModel: sfn.CustomState;
  /** Mode `deploy`: from an approved model package version or an existing model to the endpoint. */
  readonly deployMode: sfn.Choice;

  constructor(scope: Construct, id: string, private readonly props: ModelDeploymentProps) {
    super(scope, id);
    const tags = [{ Key: RUN_ID_TAG, 'Value.$': '$.run.runId' }];
    const deploy = this.deployment(tags);

    // CreateModelPackage (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateModelPackage.html):
    // a versioned model package of the group (ModelPackageGroupName; no ModelPackageName, which is for unversioned
    // ones). The Model Registry numbers versions from 1 within the group
    // (https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-models.html). CustomerMetadataProperties are
    // strings of letters, digits, spaces and `_.:/=+-@` (at most 256 characters): the run id and the accuracy fit,
    // an S3 URI may not (Prepare run checks it); the description takes any printable text.
    this.registerModel = this.sdkTask(STATE_NAMES.registerModel, 'createModelPackage', {
      Parameters: {
        ModelPackageGroupName: props.modelPackageGroupName,
        'ModelPackageDescription.$':
          "States.Format('Run {}: training job {}, trained on {}', $.run.runId, $.trainingJob.TrainingJobName, $.run.training.trainingData)",
        InferenceSpecification: {
          Containers: [{ 'Image.$': '$.image.imageUri', 'ModelDataUrl.$': '$.trainingJob.ModelArtifacts' }],
          SupportedContentTypes: [...INFERENCE_CONTENT_TYPES],
          SupportedResponseMIMETypes: [...INFERENCE_RESPONSE_TYPES],
          SupportedRealtimeInferenceInstanceTypes: [...REGISTERED_REALTIME_INSTANCE_TYPES],
          SupportedTransformInstanceTypes: [...REGISTERED_TRANSFORM_INSTANCE_TYPES],
        },
        'ModelApprovalStatus.$': '$.run.registry.approval',
        MetadataProperties: { 'GeneratedBy.$': '$$.Execution.Id', 'ProjectId.$': '$.run.runId' },
        CustomerMetadataProperties: {
          'runId.$': '$.run.runId',
          'modelName.$': '$.run.names.model',
          'trainingJobName.$': '$.trainingJob.TrainingJobName',
          // "null" when training reported no validation:accuracy (no gate looked for it, or none was reported).
          'validationAccuracy.$': "States.Format('{}', $.gate.metric.Value)",
          // The class names are those of the training data set (prepare-data writes its classes.json there).
          'classNames.$': '$.run.registry.classNamesLocation',
        },
        Tags: tags,
      },
      ResultSelector: { 'ModelPackageArn.$': '$.ModelPackageArn' },
      ResultPath: '$.modelPackage',
    });
    const noEndpoint = passState(this, STATE_NAMES.noEndpoint, { EndpointName: null, EndpointStatus: null }, '$.endpoint');
    noEndpoint.next(props.next);
    this.registerModel.next(
      new sfn.Choice(this, 'DeployAfterTraining', { stateName: STATE_NAMES.deployAfterTraining })
        .when(sfn.Condition.isNull('$.run.endpoint'), noEndpoint)
        .otherwise(deploy),
    );

    // Mode deploy.
    const describePackage = this.sdkTask(STATE_NAMES.describeModelPackage, 'describeModelPackage', {
      Parameters: { 'ModelPackageName.$': '$.run.modelPackage' },
      // ModelApprovalStatus is not a required member of DescribeModelPackage's answer.
      ResultSelector: {
        'ModelPackageArn.$': '$.ModelPackageArn',
        'ModelPackageStatus.$': '$.ModelPackageStatus',
        'described.$': withDefaults('$', { ModelApprovalStatus: 'none', ModelPackageVersion: null }),
      },
      ResultPath: '$.modelPackage',
    });
    const notApproved = props.failurePath.fail(STATE_NAMES.modelPackageNotApproved, {
      state: STATE_NAMES.describeModelPackage,
      runId: at('$.run.runId'),
      error: RUN_REQUEST_REJECTED_ERROR,
      cause: at(
        "States.Format('modelPackage {}: version {} is {}, and only an Approved version can be deployed: approve it first " +
          "(ic-pipeline approve {}) or choose an approved version (ic-pipeline models). Nothing was deployed.', " +
          '$.run.modelPackage, $.modelPackage.described.ModelPackageVersion, $.modelPackage.described.ModelApprovalStatus, ' +
          '$.modelPackage.described.ModelPackageVersion)',
      ),
      modelArtifacts: null,
    });
    const createFromPackage = new sfn.CustomState(this, STATE_NAMES.createModelFromPackage, {
      stateJson: {
        Type: 'Task',
        Resource: integrationArn('createModel'),
        TimeoutSeconds: SHORT_TASK_TIMEOUT.toSeconds(),
        Parameters: {
          'ModelName.$': '$.run.names.model',
          ExecutionRoleArn: props.sagemakerRole.roleArn,
          PrimaryContainer: { 'ModelPackageName.$': '$.modelPackage.ModelPackageArn' },
          EnableNetworkIsolation: true,
          ...(props.vpcConfig ? { VpcConfig: { SecurityGroupIds: props.vpcConfig.securityGroupIds, Subnets: props.vpcConfig.subnetIds } } : {}),
          Tags: tags,
        },
        ResultPath: '$.model',
      },
    });
    createFromPackage.addRetry(SAGEMAKER_CAPACITY_RETRY).addRetry(SAGEMAKER_THROTTLING_RETRY);
    props.failurePath.catchErrorsOf(createFromPackage, STATE_NAMES.createModelFromPackage);
    createFromPackage.next(deploy);
    describePackage.next(
      new sfn.Choice(this, 'ModelPackageApproved', { stateName: STATE_NAMES.modelPackageApproved })
        .when(sfn.Condition.stringEquals('$.modelPackage.described.ModelApprovalStatus', 'Approved'), createFromPackage)
        .otherwise(notApproved),
    );
    const existingModel = passState(this, STATE_NAMES.deployExistingModel, { ModelPackageArn: null }, '$.modelPackage');
    existingModel.next(deploy);
    this.deployMode = new sfn.Choice(this, 'DeployFromPackage', { stateName: STATE_NAMES.deployFromPackage })
      .when(sfn.Condition.isNull('$.run.modelPackage'), existingModel)
      .otherwise(describePackage);
  }

  /** From `Encrypt endpoint config?` to `Read endpoint` → next. */
  private deployment(tags: unknown[]): sfn.Choice {
    const { props } = this;
    const endpoint = '$.run.endpoint';
    const configRequest = (encrypted: boolean) => ({
      'EndpointConfigName.$': `${endpoint}.configName`,
      ProductionVariants: [
        {
          VariantName: ENDPOINT_VARIANT_NAME,
          'ModelName.$': `${endpoint}.modelName`,
          'InitialInstanceCount.$': `${endpoint}.instanceCount`,
          'InstanceType.$': `${endpoint}.instanceType`,
        },
      ],
      // CreateEndpointConfig rejects a KmsKeyId for instance types with local NVMe storage (their volumes are
      // encrypted by the hardware): Prepare run says which (`encrypted`).
      ...(encrypted ? { KmsKeyId: props.encryptionKey.keyArn } : {}),
      Tags: tags,
    });
    const createConfig = this.sdkTask(STATE_NAMES.createEndpointConfig, 'createEndpointConfig', {
      InputPath: '$.endpointConfigRequest',
      ResultSelector: { 'EndpointConfigArn.$': '$.EndpointConfigArn' },
      ResultPath: '$.endpointConfig',
    });
    const build = (stateName: string, encrypted: boolean) =>
      passState(this, stateName, configRequest(encrypted), '$.endpointConfigRequest').next(createConfig);
    const encrypt = new sfn.Choice(this, 'EndpointConfigEncrypted', { stateName: STATE_NAMES.endpointConfigEncrypted })
      .when(sfn.Condition.booleanEquals(`${endpoint}.encrypted`, true), build(STATE_NAMES.buildEndpointConfig, true))
      .otherwise(build(STATE_NAMES.buildUnencryptedEndpointConfig, false));

    const endpointRequest = { 'EndpointName.$': `${endpoint}.name`, 'EndpointConfigName.$': `${endpoint}.configName` };
    const createEndpoint = this.sdkTask(STATE_NAMES.createEndpoint, 'createEndpoint', {
      Parameters: { ...endpointRequest, Tags: tags },
      ResultPath: null,
    });
    // UpdateEndpoint: SageMaker deploys the new config beside the old one, switches traffic and rolls back by
    // itself when the new one fails (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UpdateEndpoint.html).
    const updateEndpoint = this.sdkTask(STATE_NAMES.updateEndpoint, 'updateEndpoint', { Parameters: endpointRequest, ResultPath: null });

    // DescribeEndpoint of an endpoint that does not exist: a ValidationException "Could not find endpoint …".
    const findEndpoint = this.sdkTask(
      STATE_NAMES.findEndpoint,
      'describeEndpoint',
      {
        Parameters: { 'EndpointName.$': `${endpoint}.name` },
        ResultSelector: { 'EndpointName.$': '$.EndpointName', 'EndpointStatus.$': '$.EndpointStatus' },
        ResultPath: '$.existingEndpoint',
      },
      { catchErrors: false },
    );
    const lookupFailed = props.failurePath.fail(STATE_NAMES.endpointLookupError, {
      state: STATE_NAMES.findEndpoint,
      runId: at('$.run.runId'),
      error: at(`States.Format('${STATE_NAMES.findEndpoint} failed: {}', $.endpointLookup.Error)`),
      cause: at(`States.Format('${STATE_NAMES.findEndpoint} failed: {}', $.endpointLookup.Cause)`),
      modelArtifacts: null,
    });
    findEndpoint.addCatch(
      new sfn.Choice(this, 'EndpointFound', { stateName: STATE_NAMES.endpointLookupFailed })
        .when(sfn.Condition.stringMatches('$.endpointLookup.Cause', '*Could not find endpoint*'), createEndpoint)
        .otherwise(lookupFailed),
      { errors: [SAGEMAKER_VALIDATION_ERROR], resultPath: '$.endpointLookup' },
    );
    props.failurePath.catchErrorsOf(findEndpoint, STATE_NAMES.findEndpoint);
    findEndpoint.next(updateEndpoint);
    createConfig.next(findEndpoint);

    const start = passState(this, STATE_NAMES.startEndpointPoll, { count: 0 }, '$.endpointPoll');
    createEndpoint.next(start);
    updateEndpoint.next(start);
    const wait = new sfn.Wait(this, 'WaitForEndpoint', {
      stateName: STATE_NAMES.waitForEndpoint,
      time: sfn.WaitTime.duration(Duration.seconds(ENDPOINT_POLL_SECONDS)),
    });
    start.next(wait);
    const described = '$.endpointPoll.answer.described';
    const describe = this.sdkTask(STATE_NAMES.describeEndpoint, 'describeEndpoint', {
      Parameters: { 'EndpointName.$': `${endpoint}.name` },
      // EndpointConfigName and FailureReason are not required members of the answer.
      ResultSelector: { 'described.$': withDefaults('$', { EndpointConfigName: null, FailureReason: null }) },
      ResultPath: '$.endpointPoll.answer',
    });
    wait.next(describe);
    const count = passState(this, STATE_NAMES.countEndpointPoll, { 'count.$': 'States.MathAdd($.endpointPoll.count, 1)' }, '$.endpointPoll');
    count.next(wait);
    const read = passState(
      this,
      STATE_NAMES.readEndpoint,
      { 'EndpointName.$': `${described}.EndpointName`, 'EndpointStatus.$': `${described}.EndpointStatus` },
      '$.endpoint',
    );
    read.next(props.next);
    const billing = 'An endpoint bills every hour it exists: ic-pipeline undeploy {} deletes it.';
    const failed = props.failurePath.fail(STATE_NAMES.endpointFailed, {
      state: STATE_NAMES.describeEndpoint,
      runId: at('$.run.runId'),
      error: ENDPOINT_FAILED_ERROR,
      cause: at(
        `States.Format('endpoint {} is {}: {} (endpoint config {}). ${billing}', ${described}.EndpointName, ` +
          `${described}.EndpointStatus, ${described}.FailureReason, ${endpoint}.configName, ${described}.EndpointName)`,
      ),
      modelArtifacts: null,
    });
    const rolledBack = props.failurePath.fail(STATE_NAMES.endpointRolledBack, {
      state: STATE_NAMES.describeEndpoint,
      runId: at('$.run.runId'),
      error: ENDPOINT_FAILED_ERROR,
      cause: at(
        "States.Format('the update of endpoint {} to endpoint config {} failed: {}. SageMaker rolled it back; it serves " +
          `endpoint config {} again. ${billing}', ${described}.EndpointName, ${endpoint}.configName, ${described}.FailureReason, ` +
          `${described}.EndpointConfigName, ${described}.EndpointName)`,
      ),
      modelArtifacts: null,
    });
    const notReady = props.failurePath.fail(STATE_NAMES.endpointNotReady, {
      state: STATE_NAMES.describeEndpoint,
      runId: at('$.run.runId'),
      error: ENDPOINT_NOT_READY_ERROR,
      cause: at(
        `States.Format('endpoint {} is still {} after {} polls, ${ENDPOINT_POLL_SECONDS} s apart: the run stops waiting, SageMaker ` +
          `goes on. Check it with ic-pipeline endpoints. ${billing}', ${described}.EndpointName, ${described}.EndpointStatus, ` +
          `$.endpointPoll.count, ${described}.EndpointName)`,
      ),
      modelArtifacts: null,
    });
    const status = (value: string) => sfn.Condition.stringEquals(`${described}.EndpointStatus`, value);
    describe.next(
      new sfn.Choice(this, 'EndpointReady', { stateName: STATE_NAMES.endpointReady })
        .when(sfn.Condition.and(status('InService'), sfn.Condition.stringEqualsJsonPath(`${described}.EndpointConfigName`, `${endpoint}.configName`)), read)
        .when(status('InService'), rolledBack)
        .when(sfn.Condition.or(status('Failed'), status('UpdateRollbackFailed'), status('OutOfService')), failed)
        .when(sfn.Condition.numberGreaterThanEquals('$.endpointPoll.count', MAX_ENDPOINT_POLLS - 1), notReady)
        .otherwise(count),
    );
    return encrypt;
  }

  /** An AWS SDK integration state with the SDK throttling retry and (unless told not to) the failure path. */
  private sdkTask(stateName: string, api: string, state: Record<string, unknown>, options: { catchErrors?: boolean } = {}): sfn.CustomState {
    const task = new sfn.CustomState(this, stateName, {
      stateJson: { Type: 'Task', Resource: sdkIntegrationArn('sagemaker', api), TimeoutSeconds: SHORT_TASK_TIMEOUT.toSeconds(), ...state },
    });
    task.addRetry(SAGEMAKER_SDK_THROTTLING_RETRY);
    if (options.catchErrors !== false) this.props.failurePath.catchErrorsOf(task, stateName);
    return task;
  }
}
