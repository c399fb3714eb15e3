import { Annotations, Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from './nag';
import { PipelineFunction } from './pipeline-function';
import { RUN_REQUESTS_PREFIX } from '../core/s3-layout';

/** Where run request files go in the data bucket, unless `prefix` says otherwise. */
export const DEFAULT_RUN_REQUEST_PREFIX = RUN_REQUESTS_PREFIX;

/*
 * Delivery and retry. Two hops can fail, and each has its own retry policy; both end in the same DLQ.
 *
 * 1. EventBridge -> Lambda. EventBridge invokes the function asynchronously, so it retries only when
 *    it cannot hand the event to Lambda at all (Lambda unavailable or throttling the Invoke call).
 *    Its default is 185 attempts over 24 hours; a run request that has not started after 2 hours is
 *    better shown to a person in the DLQ than started hours late. Missing permissions and a deleted
 *    function go to the DLQ at once, without retries.
 */
/** EventBridge retries of the hand-over to Lambda (default 185). */
export const RULE_TARGET_RETRY_ATTEMPTS = 10;
/** How long EventBridge keeps trying to hand an event to Lambda (default 24 hours). */
export const RULE_TARGET_MAX_EVENT_AGE = Duration.hours(2);
/*
 * 2. The function itself. Errors it throws (S3 or Step Functions unavailable or throttling after the
 *    SDK's own retries) are retried by Lambda's asynchronous invocation: 2 is Lambda's maximum and its
 *    default, one and then two minutes apart. Retrying is safe because the execution name is derived
 *    from the object version, so a retry cannot start a second run. Same 2-hour age limit as above.
 */
/** Lambda's retries of a failed invocation (maximum 2). */
export const FUNCTION_RETRY_ATTEMPTS = 2;
/** How long Lambda keeps an event in its asynchronous queue (default and maximum 6 hours). */
export const FUNCTION_MAX_EVENT_AGE = Duration.hours(2);
/** Failed events stay in the DLQ this long (SQS maximum), time enough to look at them and redrive. */
export const DEAD_LETTER_RETENTION = Duration.days(14);

export interface RunRequestTriggerProps {
  /**
   * The bucket users upload run request files to.
   *
   * Its S3 events must go to EventBridge. For a bucket of this app (an `s3.Bucket`) this construct turns
   * that on with `enableEventBridgeNotification()`, which is idempotent; creating the bucket with
   * `eventBridgeEnabled: true` has the same effect. An imported bucket (`Bucket.fromBucketName` and the
   * like) is left as it is: its notification configuration belongs to whoever manages it, who must turn
   * EventBridge on (`eventBridgeEnabled: true`, or "Amazon EventBridge: On" in the S3 console); the
   * synthesis warns (`ic-pipeline:runRequestTrigger:importedDataBucket`, which can be acknowledged).
   * Only events from this bucket start runs.
   */
  readonly dataBucket: s3.IBucket;

  /** The state machine each run request starts an execution of. */
  readonly stateMachine: sfn.IStateMachine;

  /**
   * Key prefix of run request files: uploading `<prefix><anything>.json` starts a run. Must end with
   * `/` and must not contain `*` or `\` (it becomes part of an EventBridge wildcard pattern).
   * @default 'requests/'
   */
  readonly prefix?: string;

  /**
   * Customer managed KMS key that encrypts the `start-run` function's log group. The dead-letter queue does
   * not use it: it is always encrypted with SQS-managed keys (SSE-SQS), see {@link RunRequestTrigger.deadLetterQueue}.
   * @default - the log group is encrypted by CloudWatch Logs' own keys
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * Starts a pipeline run for every run request file uploaded to the data bucket.
 *
 * An EventBridge rule matches S3 `Object Created` events for `<prefix>*.json` in the data bucket and
 * invokes the `start-run` function, which reads that object version and calls StartExecution with a
 * name derived from bucket, key and version, so a redelivered event never starts a second run.
 * Events that could not be delivered or handled end in an encrypted dead-letter queue.
 *
 * The function may read only `<prefix>*` in the data bucket and start only this state machine.
 */
export class RunRequestTrigger extends Construct {
  /** The `start-run` function. */
  public readonly function: lambda.Function;
  /** The rule that routes run request uploads to the function. */
  public readonly rule: events.Rule;
  /**
   * Events that could not be delivered to the function, or that it failed to handle. Encrypted at rest with
   * SQS-managed keys (SSE-SQS), not a KMS key, so that EventBridge can always write to it (see the constructor).
   */
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: RunRequestTriggerProps) {
    super(scope, id);
    const prefix = props.prefix ?? DEFAULT_RUN_REQUEST_PREFIX;
    validatePrefix(this, prefix);

    if (props.dataBucket instanceof s3.Bucket) {
      props.dataBucket.enableEventBridgeNotification();
    } else {
      // CDK could change an imported bucket's notification configuration through a custom resource, but
      // that configuration is its owner's (another stack or a person would overwrite it, or lose theirs):
      // the owner turns EventBridge on, and the synthesis says so.
      Annotations.of(this).addWarningV2(
        'ic-pipeline:runRequestTrigger:importedDataBucket',
        `The data bucket is imported, so its notification configuration is not changed here: make sure its owner has turned on ` +
          `EventBridge notifications (s3.Bucket eventBridgeEnabled: true, or "Amazon EventBridge: On" in the S3 console), or ` +
          `run request uploads to ${prefix}*.json start no run. Acknowledge this warning once that is so.`,
      );
    }

    // SSE-SQS, not the customer managed key. EventBridge writes dead letters as the events.amazonaws.com
    // service, so a KMS-encrypted queue needs a key policy statement for that principal. The one this
    // construct had, conditioned on aws:SourceArn (the rules of the account), rests on a key EventBridge is
    // not documented to send when SQS calls KMS for it; for EventBridge writing to SNS topics AWS documents that
    // such conditions cannot be used ("Amazon SNS permissions",
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions),
    // and a denied GenerateDataKey loses the dead letter (InvocationsFailedToBeSentToDLQ). The condition
    // SQS does send, kms:EncryptionContext:aws:sqs:arn (SQS passes the queue's ARN as encryption context,
    // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html), cannot
    // name this queue here: the queue's ARN in the key policy and the key's ARN in the queue are a dependency
    // cycle CloudFormation refuses, and the queue has no physical name to build the ARN from. SSE-SQS needs no
    // key policy at all (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html),
    // and EventBridge writes to it as to any queue whose policy allows it (the target's DLQ policy below, for
    // this rule only: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html). The messages
    // are S3 event envelopes (bucket, key, version), never the request files' content.
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DEAD_LETTER_RETENTION,
    });

    const startRun = new PipelineFunction(this, 'Function', {
      handlerName: 'start-run',
      description: `Starts a pipeline run for each run request file uploaded to ${prefix}*.json in the data bucket`,
      environment: {
        STATE_MACHINE_ARN: props.stateMachine.stateMachineArn,
        DATA_BUCKET: props.dataBucket.bucketName,
        REQUEST_PREFIX: prefix,
      },
      logEncryptionKey: props.encryptionKey,
      asyncInvocation: {
        retryAttempts: FUNCTION_RETRY_ATTEMPTS,
        maxEventAge: FUNCTION_MAX_EVENT_AGE,
        deadLetterQueue: this.deadLetterQueue,
      },
    });
    const fn = startRun.function;
    this.function = fn;

    this.rule = new events.Rule(this, 'Rule', {
      description: `Run request uploaded to ${prefix}*.json in the data bucket: start a pipeline run`,
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: {
          bucket: { name: [props.dataBucket.bucketName] },
          object: { key: events.Match.wildcard(`${prefix}*.json`) },
        },
      },
    });
    this.rule.addTarget(
      new targets.LambdaFunction(fn, {
        retryAttempts: RULE_TARGET_RETRY_ATTEMPTS,
        maxEventAge: RULE_TARGET_MAX_EVENT_AGE,
        deadLetterQueue: this.deadLetterQueue,
      }),
    );

    // Exactly what reading one version of a request file needs: the object (and its versions) under the
    // prefix, and listing under the prefix only. S3 answers a missing object with 404 only to a caller that
    // may list the bucket, else 403 (GetObject, https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html),
    // and a listing right limited by s3:prefix is not documented to count: so after an AccessDenied the
    // function lists the versions of that one key (s3:ListBucketVersions, same condition) to tell a file
    // deleted before it was read (the "could not be read" run) from a real denial (lambda/start-run).
    const requestObjects = props.dataBucket.arnForObjects(`${prefix}*`);
    fn.addToRolePolicy(
      new iam.PolicyStatement({ sid: 'ReadRunRequests', actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: [requestObjects] }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ListRunRequests',
        actions: ['s3:ListBucket', 's3:ListBucketVersions'],
        resources: [props.dataBucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': `${prefix}*` } },
      }),
    );
    props.dataBucket.encryptionKey?.grantDecrypt(fn);
    props.stateMachine.grantStartExecution(fn);
    acknowledgeWildcardResource(startRun.role, requestObjects,
      'Run request files can have any name: the function reads any object under the run request prefix, and only there.');
  }
}

function validatePrefix(scope: Construct, prefix: string): void {
  if (prefix === '' || !prefix.endsWith('/') || prefix.startsWith('/') || /[*\\]/.test(prefix)) {
    throw new Error(
      `RunRequestTrigger ${scope.node.path}: prefix must be a folder such as 'requests/' (ending with '/', ` +
        `not starting with '/', without '*' or '\\'), got '${prefix}'`,
    );
  }
}
