import { Duration } from 'aws-cdk-lib';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { STATE_NAMES } from '../../core/state-names';
import { at, sdkIntegrationArn } from './asl';
import type { FailurePath } from './failure-path';
import { SHORT_TASK_TIMEOUT } from './notification';


/** Keys counted at most: one ListObjectsV2 page (S3 answers at most 1,000 keys a call). */
export const COUNTED_OUTPUTS_MAX = 1000;

/**
 * The count failed on S3's side (throttling is a `SlowDown` the SDK integration reports as `S3.S3Exception`,
 * the S3 client's own exception type, as the SDK integration names errors `<Service>.<Exception>`) or did
 * not reach S3 (`S3.SdkClientException`): tried once more after 2 s. A listing is read-only; one retry
 * keeps the failure path short.
 */
const COUNT_RETRY: sfn.RetryProps = {
  errors: ['S3.S3Exception', 'S3.SdkClientException'],
  interval: Duration.seconds(2),
  maxAttempts: 1,
  jitterStrategy: sfn.JitterType.FULL,
};

/**
 * What a batch transform that fails tells: how many outputs it wrote. SageMaker goes on with the other
 * inputs when one input fails and writes their outputs before it marks the job Failed ("Job shows as
 * failed", https://docs.aws.amazon.com/sagemaker/latest/dg/batch-transform-errors.html#batch-transform-errors-failed),
 * so a failed run may hold usable predictions. On failure, `Run batch transform` goes here:
 *
 *   Count transform outputs (S3 ListObjectsV2 on runs/<run id>/predictions/, one page, through the AWS SDK
 *   integration: https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html)
 *   → More than one page of outputs? → a failure record whose cause says how many outputs there are
 *   (or "at least 1000") and how to read them → Notify failure → Run failed.
 *
 * The count is bounded (one call, one page): a failure path must end soon, and `ic-pipeline results`,
 * `evaluate` and `report` list every output and every input without output. If the count itself fails,
 * the run fails as any other task failure does, saying the outputs were not counted.
 */
export class TransformFailure extends Construct {
  /** The Catch target of `Run batch transform` (ResultPath `$.error`). */
  readonly start: sfn.IChainable;

  constructor(scope: Construct, id: string, props: { failurePath: FailurePath; artifactBucket: s3.IBucket }) {
    super(scope, id);
    const stateName = STATE_NAMES.transform;
    const predictions = `States.Format('s3://${props.artifactBucket.bucketName}/runs/{}/predictions/', $.run.runId)`;
    const count = new sfn.CustomState(this, STATE_NAMES.countTransformOutputs, {
      stateJson: {
        Type: 'Task',
        Resource: sdkIntegrationArn('s3', 'listObjectsV2'),
        TimeoutSeconds: SHORT_TASK_TIMEOUT.toSeconds(),
        Parameters: {
          Bucket: props.artifactBucket.bucketName,
          'Prefix.$': "States.Format('runs/{}/predictions/', $.run.runId)",
          MaxKeys: COUNTED_OUTPUTS_MAX,
        },
        // KeyCount and IsTruncated are in every ListObjectsV2 answer (Contents is left out when empty).
        ResultSelector: { 'KeyCount.$': '$.KeyCount', 'IsTruncated.$': '$.IsTruncated' },
        ResultPath: '$.transformOutputs',
      },
    });
    count.addRetry(COUNT_RETRY);

    const record = (name: string, written: string) =>
      props.failurePath.fail(name, {
        state: stateName,
        runId: at('$.run.runId'),
        error: at(`States.Format('${stateName} failed: {}', $.error.Error)`),
        // States.Format: no braces or single quotes in the literal text.
        cause: at(
          `States.Format('${stateName} failed: ${written} ` +
            "(SageMaker goes on with the other inputs when one fails); ic-pipeline results, evaluate and report read them and list the inputs without output. " +
            `SageMaker: {}', $.transformOutputs.KeyCount, ${predictions}, $.error.Cause)`,
        ),
        modelArtifacts: null,
      });
    const exact = record(STATE_NAMES.transformFailedPartWay, '{} outputs were written to {} before it failed');
    const many = record(STATE_NAMES.transformFailedAfterManyOutputs, 'at least {} outputs were written to {} before it failed');
    const notCounted = props.failurePath.fail(STATE_NAMES.transformOutputsNotCounted, {
      state: stateName,
      runId: at('$.run.runId'),
      error: at(`States.Format('${stateName} failed: {}', $.error.Error)`),
      cause: at(
        `States.Format('${stateName} failed (its outputs in {} could not be counted: {}): {}', ${predictions}, $.countError.Error, $.error.Cause)`,
      ),
      modelArtifacts: null,
    });
    count.addCatch(notCounted, { errors: ['States.ALL'], resultPath: '$.countError' });
    count.next(
      new sfn.Choice(this, STATE_NAMES.transformOutputsTruncated)
        .when(sfn.Condition.booleanEquals('$.transformOutputs.IsTruncated', true), many)
        .otherwise(exact),
    );
    this.start = count;
  }
}
