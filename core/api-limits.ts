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
