/**
 * Defaults that the command line's help shows. They live apart from the commands so that
 * bin/ic-pipeline.ts can show them without loading any command (and the AWS SDK) for `--help`.
 */

/** Seconds between two polls of `--wait`: SageMaker jobs take minutes, DescribeTrainingJob is throttled at a few calls/s. */
export const DEFAULT_POLL_SECONDS = 30;

/** prepare-data: share of each class kept for validation. */
export const DEFAULT_VALIDATION_FRACTION = 0.2;
/** prepare-data: seed of the split and the record order. */
export const DEFAULT_SEED = 1;
/** prepare-data: share of each class held out as labelled test images (0 turns it off). */
export const DEFAULT_TEST_FRACTION = 0.1;
