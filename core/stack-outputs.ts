/**
 * The output keys of the pipeline's stack, written once: the stack declares its outputs under these keys, and
 * the command line finds the deployed buckets and state machine by them (CloudFormation DescribeStacks).
 */
export const STACK_OUTPUTS = {
  /** The data bucket: training data, batch input, run requests, datasets. */
  dataBucketName: 'DataBucketName',
  /** The artifact bucket: what runs write under `runs/<run id>/`. */
  artifactBucketName: 'ArtifactBucketName',
  /** The bucket of the S3 server access logs. */
  accessLogBucketName: 'AccessLogBucketName',
  /** The state machine that runs the pipeline. */
  stateMachineArn: 'StateMachineArn',
  /** A console link to the state machine, to start a run by hand. */
  stateMachineConsoleUrl: 'StateMachineConsoleUrl',
  /** The dead-letter queue of run request uploads that could not start a run. */
  runRequestDeadLetterQueueUrl: 'RunRequestDeadLetterQueueUrl',
  /** The KMS key of both buckets (SSE-KMS): operators need kms:Decrypt and kms:GenerateDataKey on it. */
  encryptionKeyArn: 'EncryptionKeyArn',
  /** The topic that gets one message per run. */
  notificationTopicArn: 'NotificationTopicArn',
  /** The model package group every run registers its model in. */
  modelPackageGroupName: 'ModelPackageGroupName',
  /** The prefix of the stack's endpoint and endpoint config names (core/endpoint.ts). */
  resourceNamePrefix: 'ResourceNamePrefix',
} as const;
export type StackOutputKey = (typeof STACK_OUTPUTS)[keyof typeof STACK_OUTPUTS];
