/**
 * Everything prepare-data uses from the run request contract, imported in this one file so that moving
 * the contract (to `core/`) means repointing only these lines.
 */
export { REFERENCE_HYPERPARAMETERS } from '../../lambda/prepare-run/hyperparameters';
export { RunRequestError } from '../../lambda/prepare-run/errors';
export { prepareRun, type PreparedRun } from '../../lambda/prepare-run/prepare-run';
export { PLACEHOLDER_BUCKETS, VALIDATE_EXECUTION_NAME } from '../commands/validate';
