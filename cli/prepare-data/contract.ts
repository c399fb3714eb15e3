/**
 * Everything prepare-data uses from the run request contract (core/) and from offline validation, in one file.
 */
export { REFERENCE_HYPERPARAMETERS } from '../../core/hyperparameters';
export { RunRequestError } from '../../core/problems';
export { prepareRun, type PreparedRun } from '../../core/prepare-run';
export { PLACEHOLDER_BUCKETS, prepareRunOrReject, VALIDATE_EXECUTION_NAME } from '../offline-run';
export { DEFAULT_MAX_PAYLOAD_IN_MB } from '../../core/api-limits';
