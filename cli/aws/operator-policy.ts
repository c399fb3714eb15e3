/**
 * The minimum IAM policy of the command line for one deployed pipeline stack: every AWS call a command of
 * `ic-pipeline` makes, on that stack's resources only. `ic-pipeline policy --json` prints it, ready for
 * `aws iam create-policy --policy-document file://…`; test/cli/policy.suite.ts derives the calls from the
 * code in cli/ and checks that this policy allows each of them, and nothing more.
 *
 * Actions and resource ARNs are those of the Service Authorization Reference
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html).
 */
import { BATCHES_PREFIX, DATASETS_PREFIX, EVALUATION_FILE, RUNS_PREFIX } from '../../core/s3-layout';
import { modelPackageGroupName, resourceNamePrefix } from '../../core/endpoint';
import { LOG_GROUPS } from './job-logs';

/** What the policy is made of: read from the stack's outputs (cli/aws/stack.ts). */
export interface OperatorPolicyInput {
  readonly stackName: string;
  /** `arn:<partition>:states:<region>:<account>:stateMachine:<name>`: Region, account and partition come from it. */
  readonly stateMachineArn: string;
  readonly dataBucket: string;
  readonly artifactBucket: string;
  /** The stack's KMS key, which encrypts both buckets (output EncryptionKeyArn). */
  readonly keyArn: string;
  /** The prefix of the stack's endpoint names (output ResourceNamePrefix). @default - derived from the stack name */
  readonly resourceNamePrefix?: string;
  /** The stack's model package group (output ModelPackageGroupName). @default - `<prefix>-models` */
  readonly modelPackageGroup?: string;
}

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Action: string[];
  readonly Resource: string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** An IAM policy document, as `aws iam create-policy --policy-document` takes it. */
export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: PolicyStatement[];
}

/** Why each statement is there and which commands need it, for the readable display and docs/security.md. */
export const STATEMENT_PURPOSES: Readonly<Record<string, string>> = {
  FindThePipelineStack: 'every command that calls AWS: the stack\'s outputs name its resources',
  StartAndListRuns: 'start; list, and finding the latest run (status, logs, results, report)',
  FollowAndStopRuns: 'status, stop, logs, results, report: an execution, its history, stopping it',
  DescribeRunJobs: 'status, stop, logs, results, evaluate, report: the training, tuning and transform jobs of a run',
  ReadJobLogs: 'logs, the epochs in report, the last epoch in status: the SageMaker jobs\' CloudWatch logs',
  ListBuckets: 'results, evaluate, report (prediction files, the inputs), prepare-data and prepare-batch --upload (what is there)',
  ReadRunData: 'results, evaluate, report (predictions, images, classes.txt), prepare-data --upload (dataset.json)',
  UploadDatasets: 'prepare-data --upload: datasets/<name>/; prepare-batch --upload: batches/<name>/; --force deleting stale files',
  SaveEvaluations: 'evaluate --save: runs/<run id>/evaluation.json beside the run\'s predictions',
  UseTheBucketKeyThroughS3: 'reading and writing the SSE-KMS buckets: Decrypt to read, GenerateDataKey to write',
  ListEndpointsAndModels: 'endpoints, models: listing (SageMaker allows these List calls only on "*"; the commands keep the stack\'s own)',
  ManageEndpoints: 'endpoints, undeploy, predict: the stack\'s endpoints (names with its prefix) and their configs',
  Predict: 'predict: InvokeEndpoint on the stack\'s endpoints',
  ReviewModels: 'models, approve, reject, predict: the versions of the stack\'s model package group',
};

/** The parts of an ARN: `arn:<partition>:<service>:<region>:<account>:<resource>`. */
function arnParts(arn: string): { partition: string; region: string; account: string; resource: string } {
  const [prefix, partition, , region, account, ...resource] = arn.split(':');
  if (prefix !== 'arn' || !partition || !region || !account) throw new Error(`not an ARN with a Region and an account: ${arn}`);
  return { partition, region, account, resource: resource.join(':') };
}

/** The domain of a partition's endpoints, for kms:ViaService (`s3.<region>.amazonaws.com`, `.com.cn` in China). */
function dnsSuffix(partition: string): string {
  return partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
}

/** The minimum policy of the command line for the stack `input` describes. */
export function operatorPolicy(input: OperatorPolicyInput): PolicyDocument {
  const { partition, region, account, resource } = arnParts(input.stateMachineArn);
  const stateMachineName = resource.replace(/^stateMachine:/, '');
  const arn = (service: string, rest: string) => `arn:${partition}:${service}:${region}:${account}:${rest}`;
  const bucket = (name: string, key?: string) => `arn:${partition}:s3:::${name}${key === undefined ? '' : `/${key}`}`;
  // A log group's ARN is written with and without the `:*` that DescribeLogGroups shows, so that the
  // statement matches however CloudWatch Logs forms the resource of FilterLogEvents.
  const prefix = input.resourceNamePrefix ?? resourceNamePrefix(input.stackName);
  const group = input.modelPackageGroup ?? modelPackageGroupName(prefix);
  const logGroups = Object.values(LOG_GROUPS).flatMap((name) => [arn('logs', `log-group:${name}`), arn('logs', `log-group:${name}:*`)]);
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'FindThePipelineStack',
        Effect: 'Allow',
        Action: ['cloudformation:DescribeStacks'],
        // The stack id ends in a generated UUID: the name and any id.
        Resource: [arn('cloudformation', `stack/${input.stackName}/*`)],
      },
      {
        Sid: 'StartAndListRuns',
        Effect: 'Allow',
        Action: ['states:StartExecution', 'states:ListExecutions'],
        Resource: [input.stateMachineArn],
      },
      {
        Sid: 'FollowAndStopRuns',
        Effect: 'Allow',
        Action: ['states:DescribeExecution', 'states:GetExecutionHistory', 'states:StopExecution'],
        // Executions of this state machine only.
        Resource: [arn('states', `execution:${stateMachineName}:*`)],
      },
      {
        Sid: 'DescribeRunJobs',
        Effect: 'Allow',
        Action: ['sagemaker:DescribeTrainingJob', 'sagemaker:DescribeHyperParameterTuningJob', 'sagemaker:DescribeTransformJob'],
        // Job names derive from run ids, which any execution name gives: the job types, not names.
        Resource: [arn('sagemaker', 'training-job/*'), arn('sagemaker', 'hyper-parameter-tuning-job/*'), arn('sagemaker', 'transform-job/*')],
      },
      {
        Sid: 'ReadJobLogs',
        Effect: 'Allow',
        Action: ['logs:FilterLogEvents'],
        Resource: logGroups,
      },
      {
        Sid: 'ListBuckets',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: [bucket(input.dataBucket), bucket(input.artifactBucket)],
      },
      {
        Sid: 'ReadRunData',
        Effect: 'Allow',
        Action: ['s3:GetObject'],
        Resource: [bucket(input.dataBucket, '*'), bucket(input.artifactBucket, '*')],
      },
      {
        Sid: 'UploadDatasets',
        Effect: 'Allow',
        // PutObject covers CreateMultipartUpload, UploadPart and CompleteMultipartUpload; DeleteObjects
        // needs s3:DeleteObject on each key.
        Action: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:DeleteObject'],
        Resource: [bucket(input.dataBucket, `${DATASETS_PREFIX}*`), bucket(input.dataBucket, `${BATCHES_PREFIX}*`)],
      },
      {
        Sid: 'SaveEvaluations',
        Effect: 'Allow',
        Action: ['s3:PutObject'],
        Resource: [bucket(input.artifactBucket, `${RUNS_PREFIX}*/${EVALUATION_FILE}`)],
      },
      {
        Sid: 'UseTheBucketKeyThroughS3',
        Effect: 'Allow',
        // SSE-KMS: reading an object needs kms:Decrypt, writing one kms:GenerateDataKey, and a multipart
        // upload both ("the requester must have permission to the kms:Decrypt and kms:GenerateDataKey actions",
        // https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateMultipartUpload.html, Permissions; GetObject
        // and PutObject likewise). Only when S3 asks for them: the key is no use to the operator otherwise.
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: [input.keyArn],
        Condition: { StringEquals: { 'kms:ViaService': `s3.${region}.${dnsSuffix(partition)}` } },
      },
      {
        Sid: 'ListEndpointsAndModels',
        Effect: 'Allow',
        // ListEndpoints and ListModelPackages have no resource type (Service Authorization Reference, SageMaker):
        // IAM takes only "*" for them. They list names, nothing of the endpoints' data.
        Action: ['sagemaker:ListEndpoints', 'sagemaker:ListModelPackages'],
        Resource: ['*'],
      },
      {
        Sid: 'ManageEndpoints',
        Effect: 'Allow',
        Action: ['sagemaker:DescribeEndpoint', 'sagemaker:DescribeEndpointConfig', 'sagemaker:DeleteEndpoint', 'sagemaker:DeleteEndpointConfig'],
        Resource: [arn('sagemaker', `endpoint/${prefix}-*`), arn('sagemaker', `endpoint-config/${prefix}-*`)],
      },
      {
        Sid: 'Predict',
        Effect: 'Allow',
        Action: ['sagemaker:InvokeEndpoint'],
        Resource: [arn('sagemaker', `endpoint/${prefix}-*`)],
      },
      {
        Sid: 'ReviewModels',
        Effect: 'Allow',
        Action: ['sagemaker:DescribeModelPackage', 'sagemaker:UpdateModelPackage'],
        Resource: [arn('sagemaker', `model-package/${group}/*`)],
      },
    ],
  };
}
