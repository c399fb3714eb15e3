import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';

/**
 * Retry policies of the state machine. Only what is transient and happened before a job exists is
 * retried; a job that ran and failed (`States.TaskFailed` from a `.sync` task) never is: a retry would
 * reuse its name, and the failure is the job's, not the request's.
 */

/**
 * A SageMaker account quota is in use (for example, every ml.p3.2xlarge training instance the account
 * may run is busy). Other runs free capacity over minutes to hours: wait 1, 2, 4, 8, 15 and 15 minutes
 * (45 minutes in all, jittered so parallel runs do not retry in step), then give up with the error.
 */
export const SAGEMAKER_CAPACITY_RETRY: sfn.RetryProps = {
  errors: ['SageMaker.ResourceLimitExceededException'],
  interval: Duration.minutes(1),
  backoffRate: 2,
  maxDelay: Duration.minutes(15),
  maxAttempts: 6,
  jitterStrategy: sfn.JitterType.FULL,
};

/**
 * The SageMaker API throttled the call (request rate, not capacity): it clears within seconds.
 * Step Functions reports SageMaker throttling as the generic `SageMaker.AmazonSageMakerException`
 * (cause "Rate exceeded"), the same name it gives a ValidationException, so the two cannot be told
 * apart by name. Requests are validated in `Prepare run` before any SageMaker call, so what reaches
 * this retrier is almost always throttling; a rare validation error costs three quick retries
 * (5, 10, 20 s: under a minute) and still fails the run with SageMaker's message.
 */
export const SAGEMAKER_THROTTLING_RETRY: sfn.RetryProps = {
  errors: ['SageMaker.AmazonSageMakerException'],
  interval: Duration.seconds(5),
  backoffRate: 2,
  maxAttempts: 3,
  jitterStrategy: sfn.JitterType.FULL,
};

/**
 * DescribeTrainingJob through the AWS SDK integration was throttled. The SDK integration names errors
 * `SageMaker.<exception>` ("Learning to use AWS service SDK integrations in Step Functions"), so throttling
 * reads `SageMaker.ThrottlingException`, not the optimized integration's generic name. A describe is
 * read-only, so retrying it is always safe: 3 attempts from 5 s, doubling, as SAGEMAKER_THROTTLING_RETRY.
 */
export const SAGEMAKER_SDK_THROTTLING_RETRY: sfn.RetryProps = {
  errors: ['SageMaker.ThrottlingException'],
  interval: Duration.seconds(5),
  backoffRate: 2,
  maxAttempts: 3,
  jitterStrategy: sfn.JitterType.FULL,
};

/**
 * The Lambda service, not the function, failed or throttled. The errors a handler throws itself
 * (a bad run request, an unknown Region) are deterministic and are not retried.
 * 3 attempts from 2 s, doubling: under 15 s.
 */
export const LAMBDA_SERVICE_RETRY: sfn.RetryProps = {
  errors: [
    'Lambda.ServiceException',
    'Lambda.AWSLambdaException',
    'Lambda.SdkClientException',
    'Lambda.TooManyRequestsException',
  ],
  interval: Duration.seconds(2),
  backoffRate: 2,
  maxAttempts: 3,
  jitterStrategy: sfn.JitterType.FULL,
};

/** SNS throttled or failed to accept the notification. 3 attempts from 2 s, doubling. */
export const SNS_RETRY: sfn.RetryProps = {
  errors: ['SNS.ThrottledException', 'SNS.InternalErrorException', 'SNS.KMSThrottlingException'],
  interval: Duration.seconds(2),
  backoffRate: 2,
  maxAttempts: 3,
  jitterStrategy: sfn.JitterType.FULL,
};
