/**
 * The errors a Step Functions SageMaker service integration reports, as the SageMaker stand-in throws
 * them. A thrown error's `name` becomes the Step Functions error name (what `Retry`/`Catch` match on) and
 * its `message` the Cause (aws-local-stepfunctions reads exactly these two properties).
 *
 * Where the names come from (Step Functions' optimized SageMaker integration reports the SDK exception
 * class, prefixed `SageMaker.`):
 * - A SageMaker `ValidationException` arrives as `SageMaker.AmazonSageMakerException`, the SDK's base
 *   class: the service model defines no exception class for it.
 * - A SageMaker `ThrottlingException` ("Rate exceeded") arrives as `SageMaker.AmazonSageMakerException`
 *   too, not as `SageMaker.ThrottlingException`: AWS's own Step Functions Data Science SDK retries
 *   SageMaker throttling by matching `SageMaker.AmazonSageMakerException`
 *   (aws/aws-step-functions-data-science-sdk-python#162), and users report that throttling cannot be told
 *   apart from other errors by name, only by its Cause (…#191). A Retry on `SageMaker.ThrottlingException`
 *   or `ThrottlingException` never matches.
 * - `ResourceLimitExceeded` → `SageMaker.ResourceLimitExceededException`; `ResourceInUse` →
 *   `SageMaker.ResourceInUseException` (the modelled exceptions of the API). A reused training job name is
 *   ResourceInUse ("Training job names must be unique within an AWS account and region, and a training
 *   job with this name already exists (arn…)", aws/amazon-sagemaker-examples#3108); transform jobs are
 *   assumed to match; CreateModel has no ResourceInUse and answers a reused name with a ValidationException
 *   ("Cannot create already existing model "arn…"").
 * - A `.sync` job that ends Failed or Stopped → `States.TaskFailed`, Cause = the JSON Describe* answer.
 * - Parameters that Step Functions itself cannot use (a field the integration does not know, a value of
 *   the wrong JSON type) → `States.Runtime`, which no Retry or Catch (not even `States.ALL`) matches:
 *   "The Parameters '…' could not be used to start the Task: [The field "X" is not supported by Step
 *   Functions]" (as reported in aws/aws-step-functions-data-science-sdk-python#15).
 * The Cause of a service error ends the way Step Functions (an AWS SDK for Java client) words it:
 * `<message> (Service: AmazonSageMaker; Status Code: 400; Error Code: <code>; Request ID: <id>; Proxy: null)`.
 */
export const SAGEMAKER_ERROR_NAMES = {
  /** SageMaker ValidationException (and anything else without its own exception class). */
  validation: 'SageMaker.AmazonSageMakerException',
  /** SageMaker ThrottlingException: same name as a validation error; the Cause says "Rate exceeded". */
  throttling: 'SageMaker.AmazonSageMakerException',
  resourceLimitExceeded: 'SageMaker.ResourceLimitExceededException',
  resourceInUse: 'SageMaker.ResourceInUseException',
  /**
   * DescribeTrainingJob of a job that does not exist, through the AWS SDK integration: the service model's
   * `ResourceNotFound`, named `<Service>.<Exception>` as that integration names errors (an assumption: the
   * service may answer a ValidationException "Requested resource not found" instead; the pipeline catches both).
   */
  resourceNotFound: 'SageMaker.ResourceNotFoundException',
  /** A `.sync` job ended Failed or Stopped. */
  taskFailed: 'States.TaskFailed',
  /** Step Functions could not use the Parameters; cannot be retried or caught. */
  runtime: 'States.Runtime',
} as const;

/**
 * An error as a Step Functions Task state reports it. `isRetryable`/`isCatchable` are read by
 * aws-local-stepfunctions: `false` makes the error bypass `Retry` and `Catch` as `States.Runtime` does
 * on AWS. (The Cause is the message; the error deliberately has no `cause` property, which the runner
 * would otherwise prefer in its event log.)
 */
export class StepFunctionsTaskError extends Error {
  readonly isRetryable: boolean;
  readonly isCatchable: boolean;

  constructor(name: string, message: string, options: { retryable?: boolean; catchable?: boolean } = {}) {
    super(message);
    this.name = name;
    this.isRetryable = options.retryable ?? true;
    this.isCatchable = options.catchable ?? true;
  }
}

/** The suffix an AWS SDK for Java service exception appends to the service's message. */
export function serviceErrorCause(message: string, errorCode: string, requestId: string): string {
  return `${message} (Service: AmazonSageMaker; Status Code: 400; Error Code: ${errorCode}; Request ID: ${requestId}; Proxy: null)`;
}
