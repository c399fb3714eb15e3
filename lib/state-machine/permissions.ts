import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { acknowledgeNag, acknowledgeWildcardResource } from '../nag';

export interface IntegrationGrantsProps {
  readonly prepareRun: lambda.IFunction;
  readonly resolveImage: lambda.IFunction;
  readonly sagemakerRole: iam.IRole;
  readonly notificationTopic: sns.ITopic;
  /** Where runs write predictions: a failed transform's outputs are counted there (TransformFailure). */
  readonly artifactBucket: s3.IBucket;
  /** The stack's model package group: the only one runs register versions in and deploy versions from. */
  readonly modelPackageGroupName: string;
  /** The stack's name prefix: the only endpoints and endpoint configs runs create, update or describe. */
  readonly resourceNamePrefix: string;
  /** The key endpoint configs are encrypted with: SageMaker is granted its use when the endpoint is created. */
  readonly encryptionKey: kms.IKey;
}

/**
 * What the SageMaker integrations and the encrypted topic need (the Lambda and SNS tasks grant
 * the rest), action by action, with the reason for every wildcard that cannot be avoided.
 */
export function grantIntegrations(stateMachine: sfn.StateMachine, props: IntegrationGrantsProps): void {
  const stack = Stack.of(stateMachine);
  const role = stateMachine.role;
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
  acknowledgeWildcardResource(role, sagemaker('hyper-parameter-tuning-job'), reason('hyperparameter tuning job'));
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
  // createHyperParameterTuningJob.sync: create, then describe until it ends, and stop it when the execution
  // stops ("Tune a Machine Learning Model", the sample project of the Step Functions developer guide: its
  // state machine policy). DescribeTrainingJob of the best job and of a base job (AWS SDK integration) is in
  // TrainingJobs: the tuning job's training jobs and earlier runs' jobs are training jobs too.
  statement(
    'TuningJobs',
    ['sagemaker:CreateHyperParameterTuningJob', 'sagemaker:DescribeHyperParameterTuningJob', 'sagemaker:StopHyperParameterTuningJob'],
    [sagemaker('hyper-parameter-tuning-job')],
  );
  statement('Models', ['sagemaker:CreateModel'], [sagemaker('model')]);
  statement(
    'TransformJobs',
    ['sagemaker:CreateTransformJob', 'sagemaker:DescribeTransformJob', 'sagemaker:StopTransformJob'],
    [sagemaker('transform-job')],
  );
  // Creating a resource with Tags needs sagemaker:AddTags on it too; the .sync integrations call ListTags.
  statement(
    'TagRunResources',
    ['sagemaker:AddTags', 'sagemaker:ListTags'],
    [sagemaker('training-job'), sagemaker('model'), sagemaker('transform-job'), sagemaker('hyper-parameter-tuning-job')],
  );
  // The model registry: versions of this stack's group only. A versioned model package's ARN is
  // model-package/<group>/<version> (https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-models.html).
  const group = props.modelPackageGroupName;
  const packageVersions = stack.formatArn({ service: 'sagemaker', resource: 'model-package', resourceName: `${group}/*`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
  const packageGroup = stack.formatArn({ service: 'sagemaker', resource: 'model-package-group', resourceName: group, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
  acknowledgeWildcardResource(role, packageVersions,
    'Model package versions are numbered by SageMaker as they are registered; the resource is every version of this stack\'s own group.');
  statement('RegisterModels', ['sagemaker:CreateModelPackage', 'sagemaker:DescribeModelPackage'], [packageGroup, packageVersions]);
  // Endpoints and endpoint configs: only names with this stack's prefix (Prepare run rejects any other name).
  const prefixed = (resource: string) =>
    stack.formatArn({ service: 'sagemaker', resource, resourceName: `${props.resourceNamePrefix}-*`, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
  for (const resource of ['endpoint', 'endpoint-config']) {
    acknowledgeWildcardResource(role, prefixed(resource),
      `The ${resource} name is the request's or derived from the run id, always with this stack's name prefix; the resource is limited to that prefix.`);
  }
  statement('EndpointConfigs', ['sagemaker:CreateEndpointConfig'], [prefixed('endpoint-config')]);
  // CreateEndpoint and UpdateEndpoint are authorized on the endpoint and on the endpoint config they use.
  statement('Endpoints', ['sagemaker:CreateEndpoint', 'sagemaker:UpdateEndpoint', 'sagemaker:DescribeEndpoint'], [prefixed('endpoint'), prefixed('endpoint-config')]);
  statement('TagDeployments', ['sagemaker:AddTags'], [prefixed('endpoint'), prefixed('endpoint-config'), packageVersions]);
  // An endpoint config with KmsKeyId: creating the endpoint makes SageMaker create a grant on the key for its volumes.
  statement('EndpointKeyGrants', ['kms:CreateGrant', 'kms:DescribeKey'], [props.encryptionKey.keyArn], {
    Bool: { 'kms:GrantIsForAWSResource': 'true' },
  });
  // `.sync` waits for the job through managed EventBridge rules that Step Functions creates.
  statement(
    'SyncJobEvents',
    ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
    [
      'StepFunctionsGetEventsForSageMakerTrainingJobsRule',
      'StepFunctionsGetEventsForSageMakerTransformJobsRule',
      'StepFunctionsGetEventsForSageMakerTuningJobsRule',
    ].map(
      (rule) => stack.formatArn({ service: 'events', resource: 'rule', resourceName: rule }),
    ),
  );
  // A failed transform's outputs are counted (ListObjectsV2 through the AWS SDK integration, which needs
  // s3:ListBucket on the bucket); only the runs' predictions prefixes may be listed.
  statement('CountTransformOutputs', ['s3:ListBucket'], [props.artifactBucket.bucketArn], {
    StringLike: { 's3:prefix': 'runs/*/predictions/' },
  });
  // Publishing to an SSE-KMS topic needs a data key of the topic's key (sns:Publish alone is refused).
  props.notificationTopic.masterKey?.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');
  statement('PassSageMakerRole', ['iam:PassRole'], [props.sagemakerRole.roleArn], {
    StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' },
  });
}
