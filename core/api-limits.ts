/**
 * SageMaker API limits that are documented in words rather than in the API model's shapes
 * (`documentedLimits` of reference/sagemaker-api-limits.json), and the service's defaults, in one place.
 */

/** CreateTrainingJob StoppingCondition.MaxRuntimeInSeconds: at most 2,419,200 (28 days). */
export const MAX_RUNTIME_IN_SECONDS = 2_419_200;
/** CreateTransformJob MaxPayloadInMB: at most 100 MB, and MaxConcurrentTransforms x MaxPayloadInMB at most 100 MB. */
export const MAX_PAYLOAD_IN_MB = 100;
/** What SageMaker uses when CreateTransformJob leaves MaxPayloadInMB out. */
export const DEFAULT_MAX_PAYLOAD_IN_MB = 6;
/** What SageMaker uses when CreateTrainingJob leaves MaxRuntimeInSeconds out (one day). */
export const DEFAULT_MAX_RUNTIME_IN_SECONDS = 86_400;

/**
 * The longest CreateTrainingJob StoppingCondition.MaxWaitTimeInSeconds a run request may ask for (28 days).
 * SageMaker documents no upper bound of its own; this is the pipeline's, so that the `Train model` state's
 * timeout (`DEFAULT_TRAINING_TASK_TIMEOUT_SECONDS`) always outlasts the job it waits for.
 */
export const MAX_WAIT_TIME_IN_SECONDS = 2_419_200;
/**
 * With managed spot training and no `maxWaitTimeInSeconds`, the wait is `maxRuntimeInSeconds` plus this
 * (one day to find spot capacity, across interruptions), at most `MAX_WAIT_TIME_IN_SECONDS`.
 */
export const DEFAULT_SPOT_EXTRA_WAIT_SECONDS = 86_400;
/** How long `Train model` waits for its job (29 days): longer than any MaxRuntime or MaxWait a request may ask for. */
export const DEFAULT_TRAINING_TASK_TIMEOUT_SECONDS = 29 * 86_400;
/** How long `Run batch transform` waits for its job (3 days); Step Functions stops the job when it times out. */
export const DEFAULT_TRANSFORM_TASK_TIMEOUT_SECONDS = 3 * 86_400;

/**
 * The longest a hyperparameter tuning job of a run may take in the worst case (28 days): every round of
 * `maxParallelJobs` training jobs running to its limit. It stays below the `Train model` timeout, which
 * `Tune model` shares, so the state never times out before the tuning job ends. The pipeline's own bound:
 * SageMaker's ResourceLimits.MaxRuntimeInSeconds allows up to 15,768,000 s.
 */
export const MAX_TUNING_SECONDS = 2_419_200;
