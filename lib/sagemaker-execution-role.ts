import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeNag, acknowledgeWildcardResource } from './nag';
import { CHECKPOINT_OBJECTS_PATTERN, RUN_OBJECTS_PATTERN, RUNS_PREFIX as CORE_RUNS_PREFIX } from '../core/s3-layout';

export interface SageMakerExecutionRoleProps {
  /** Bucket that training and transform jobs read (training data, batch input). */
  readonly dataBucket: s3.IBucket;
  /** Bucket that jobs write to (`runs/*`: models, predictions) and read models back from. */
  readonly artifactBucket: s3.IBucket;
  /** ARN of the algorithm's ECR repository in the stack's Region (see `AlgorithmRegistry`). */
  readonly algorithmRepositoryArn: string;
  /**
   * Key that encrypts the buckets, job outputs and ML storage volumes.
   * @default - no KMS permissions
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Whether jobs run inside a VPC, which needs elastic network interface permissions.
   * @default false
   */
  readonly vpcAccess?: boolean;
}

/** Prefix under which runs write to the artifact bucket. */
export const RUNS_PREFIX = CORE_RUNS_PREFIX;
/** Objects under which managed spot training jobs keep their checkpoints: `runs/<run id>/checkpoints/`. */
export const CHECKPOINT_OBJECTS = CHECKPOINT_OBJECTS_PATTERN;

/**
 * The one role SageMaker assumes for the pipeline's training job, model and transform job.
 *
 * Least privilege, written out action by action (no `s3:*`, no `AmazonSageMakerFullAccess`, no
 * wildcard actions): read the data bucket, read and write `runs/*` in the artifact bucket, pull the
 * algorithm image from its one repository, write job logs and metrics under `/aws/sagemaker/`, and
 * read, write and delete spot training checkpoints under `runs/<run id>/checkpoints/`.
 */
export class SageMakerExecutionRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: SageMakerExecutionRoleProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'Assumed by SageMaker for the image-classification pipeline jobs and model',
    });

    // Reading a prefix needs ListBucket on the bucket and GetObject on its objects.
    this.addStatement(
      'ListBuckets',
      ['s3:ListBucket', 's3:GetBucketLocation'],
      [props.dataBucket.bucketArn, props.artifactBucket.bucketArn],
    );
    const dataObjects = props.dataBucket.arnForObjects('*');
    const runObjects = props.artifactBucket.arnForObjects(RUN_OBJECTS_PATTERN);
    this.addStatement('ReadData', ['s3:GetObject'], [dataObjects]);
    this.addStatement(
      'ReadWriteRuns',
      ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      [runObjects],
    );
    acknowledgeWildcardResource(this.role, dataObjects,
      'Training and transform jobs read whatever prefixes of the data bucket a run request names (train/, validation/, batch-input/ by default); read-only.');
    acknowledgeWildcardResource(this.role, runObjects,
      'Jobs write model artifacts and predictions under runs/<run id>/, a new prefix per run, and the transform job reads the model back from there.');
    // Managed spot training syncs checkpoints both ways and removes the ones the algorithm deletes; delete
    // is granted here only, under the checkpoint prefix of each run.
    const checkpointObjects = props.artifactBucket.arnForObjects(CHECKPOINT_OBJECTS);
    this.addStatement('Checkpoints', ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], [checkpointObjects]);
    acknowledgeWildcardResource(this.role, checkpointObjects,
      'A spot training job reads, writes and deletes its checkpoints under runs/<run id>/checkpoints/; the run id is derived per execution at run time, so the policy names every run\'s checkpoint prefix and nothing else.');

    this.addStatement(
      'PullAlgorithmImage',
      ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
      [props.algorithmRepositoryArn],
    );
    // GetAuthorizationToken has no resource-level permissions: IAM only accepts "*" for it.
    this.addStatement('EcrLogin', ['ecr:GetAuthorizationToken'], ['*']);

    const logGroups = ['TrainingJobs', 'TransformJobs'].map((kind) =>
      stack.formatArn({
        service: 'logs',
        resource: 'log-group',
        resourceName: `/aws/sagemaker/${kind}:*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    );
    this.addStatement(
      'WriteJobLogs',
      ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      logGroups,
    );
    for (const logGroup of logGroups) {
      acknowledgeWildcardResource(this.role, logGroup,
        'SageMaker writes one log stream per job and instance, named by SageMaker, into this one log group: the grant covers the streams of that log group only.');
    }
    acknowledgeNag(this.role, 'AwsSolutions-IAM5[Resource::*]',
      'Only actions without resource-level permissions, for which IAM accepts only "*": ecr:GetAuthorizationToken (registry login), ' +
        'cloudwatch:PutMetricData (limited to the /aws/sagemaker/* namespaces by condition)' +
        (props.vpcAccess ? ' and the EC2 network-interface actions SageMaker needs to place jobs in the VPC' : '') + '.');
    // PutMetricData has no resource-level permissions; the condition limits it to SageMaker's namespaces.
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PutJobMetrics',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringLike: { 'cloudwatch:namespace': '/aws/sagemaker/*' } },
      }),
    );

    if (props.encryptionKey) {
      // Decrypt inputs, encrypt outputs (S3 SSE-KMS with bucket keys and the jobs' KmsKeyId).
      props.encryptionKey.grant(this.role, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey');
      // Encrypting ML storage volumes (VolumeKmsKeyId) makes SageMaker create a grant for EC2.
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'EncryptVolumes',
          actions: ['kms:CreateGrant'],
          resources: [props.encryptionKey.keyArn],
          conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
        }),
      );
    }

    // A bucket of the user's (`existingDataBucket`, `existingArtifactBucket`) may have a default key of its
    // own: reading its objects needs Decrypt, and what S3 encrypts with it by default (spot checkpoints,
    // which carry no KmsKeyId) needs a data key.
    const bucketKeys: Array<[kms.IKey | undefined, string[]]> = [
      [props.dataBucket.encryptionKey, ['kms:Decrypt']],
      [props.artifactBucket.encryptionKey, ['kms:Decrypt', 'kms:GenerateDataKey']],
    ];
    for (const [key, actions] of bucketKeys) {
      if (key && key !== props.encryptionKey) key.grant(this.role, ...actions);
    }

    if (props.vpcAccess) {
      // SageMaker attaches network interfaces to the job's instances in the given subnets. These EC2
      // actions do not support resource-level permissions, so IAM only accepts "*" for them.
      this.addStatement(
        'VpcNetworkInterfaces',
        [
          'ec2:CreateNetworkInterface',
          'ec2:CreateNetworkInterfacePermission',
          'ec2:DeleteNetworkInterface',
          'ec2:DeleteNetworkInterfacePermission',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeVpcs',
          'ec2:DescribeDhcpOptions',
          'ec2:DescribeSubnets',
          'ec2:DescribeSecurityGroups',
        ],
        ['*'],
      );
    }
  }

  private addStatement(sid: string, actions: string[], resources: string[]): void {
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid, actions, resources }));
  }
}
