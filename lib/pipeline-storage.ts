import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface PipelineStorageProps {
  /**
   * Customer-managed key that encrypts the data and artifact buckets (SSE-KMS with S3 Bucket Keys,
   * which cut the number of KMS requests, and so their cost, for SageMaker's many small reads).
   */
  readonly encryptionKey: kms.IKey;

  /**
   * How long an overwritten or deleted object version is kept before S3 expires it.
   * Current versions are never expired: nothing a user uploaded or a run wrote is lost.
   * @default Duration.days(90)
   */
  readonly noncurrentVersionExpiration?: Duration;

  /**
   * Use this bucket as the data bucket instead of creating one. See `ImageClassificationPipelineProps.existingDataBucket`.
   * @default - a new bucket
   */
  readonly existingDataBucket?: s3.IBucket;

  /**
   * Use this bucket as the artifact bucket instead of creating one.
   * @default - a new bucket
   */
  readonly existingArtifactBucket?: s3.IBucket;
}

/**
 * The pipeline's three buckets: a data bucket (what users upload: training data, batch input, run
 * requests), an artifact bucket (what runs write: models and predictions) and a bucket for the S3
 * server access logs of the other two. An existing bucket can take the place of either of the first two;
 * the access log bucket is created only when at least one of them is.
 *
 * Every bucket created here blocks public access, enforces TLS 1.2+, is versioned and encrypted, and is
 * RETAINED when the stack is deleted: data outlives the infrastructure.
 */
export class PipelineStorage extends Construct {
  /** Training data (`train/`, `validation/`), batch input (`batch-input/`) and run requests (`requests/`). */
  readonly dataBucket: s3.IBucket;
  /** Run outputs: `runs/<run id>/model/` and `runs/<run id>/predictions/`. */
  readonly artifactBucket: s3.IBucket;
  /** Server access logs of the data and artifact buckets that were created here; none when both exist already. */
  readonly accessLogBucket?: s3.Bucket;

  constructor(scope: Construct, id: string, props: PipelineStorageProps) {
    super(scope, id);
    // S3 server access logs are delivered under a bucket policy, not the LogDeliveryWrite ACL, which a bucket
    // with BUCKET_OWNER_ENFORCED (no ACLs) refuses. CDK does so under this feature flag (cdk.json of new
    // apps); it is set here for the buckets of this construct, so that an app without it works the same.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);

    const noncurrentVersionExpiration = props.noncurrentVersionExpiration ?? Duration.days(90);
    const lifecycleRules: s3.LifecycleRule[] = [
      {
        id: 'ExpireNoncurrentVersions',
        noncurrentVersionExpiration,
        // SageMaker uploads model artifacts and predictions in parts; a part left behind by a stopped
        // job is invisible and billed until it is aborted.
        abortIncompleteMultipartUploadAfter: Duration.days(7),
      },
    ];
    const common = {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules,
    } satisfies s3.BucketProps;

    if (props.existingDataBucket && props.existingArtifactBucket) {
      this.dataBucket = props.existingDataBucket;
      this.artifactBucket = props.existingArtifactBucket;
      return;
    }

    // S3 server access logging only delivers to buckets encrypted with SSE-S3, not SSE-KMS.
    const accessLogBucket = new s3.Bucket(this, 'AccessLogBucket', {
      ...common,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    });
    this.accessLogBucket = accessLogBucket;

    const encrypted = {
      ...common,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.encryptionKey,
      bucketKeyEnabled: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: accessLogBucket,
    } satisfies s3.BucketProps;

    this.dataBucket =
      props.existingDataBucket ??
      new s3.Bucket(this, 'DataBucket', {
        ...encrypted,
        serverAccessLogsPrefix: 'data-bucket/',
        // Run requests uploaded to requests/*.json start runs through EventBridge.
        eventBridgeEnabled: true,
      });

    this.artifactBucket =
      props.existingArtifactBucket ??
      new s3.Bucket(this, 'ArtifactBucket', {
        ...encrypted,
        serverAccessLogsPrefix: 'artifact-bucket/',
      });
  }
}
