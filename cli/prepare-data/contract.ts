/**
 * Everything prepare-data uses from the run request contract (core/) and from validate, in one file.
 */
export { REFERENCE_HYPERPARAMETERS } from '../../core/hyperparameters';
export { RunRequestError } from '../../core/problems';
export { prepareRun, type PreparedRun } from '../../core/prepare-run';
export { PLACEHOLDER_BUCKETS, VALIDATE_EXECUTION_NAME } from '../commands/validate';
export { DEFAULT_MAX_PAYLOAD_IN_MB } from '../../core/api-limits';
