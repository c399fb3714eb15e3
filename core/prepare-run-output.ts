/**
 * What the `Prepare run` state answers: the prepared run, or the rejection of the request. A rejected
 * request is the user's mistake, so it is an answer, not a Lambda error: the state machine routes it to
 * the failure notification (`Request rejected`) without raising the Lambda Errors alarm.
 */
import { prepareRun, type PrepareRunConfig, type PreparedRun } from './prepare-run';
import { type Problem, RunRequestError } from './problems';
import { RUN_REQUEST_REJECTED_ERROR } from './state-names';

/** Why a request was rejected: every problem, and one line for the error cause. */
export interface RunRejection {
  readonly error: typeof RUN_REQUEST_REJECTED_ERROR;
  /** One line, e.g. `Invalid run request (2 problems): a: … | b: …`; the execution's error cause. */
  readonly cause: string;
  readonly problems: readonly Problem[];
}

export type PrepareRunOutput = { readonly run: PreparedRun } | { readonly rejection: RunRejection };

/**
 * Validates `request` and prepares the run, or describes why the request is rejected.
 * @throws InvalidEventError when `executionName` is not a non-empty string (a wiring bug, not user input)
 */
export function prepareRunOutput(request: unknown, executionName: string, config: PrepareRunConfig): PrepareRunOutput {
  try {
    return { run: prepareRun(request, executionName, config) };
  } catch (error) {
    if (!(error instanceof RunRequestError)) throw error;
    return { rejection: { error: RUN_REQUEST_REJECTED_ERROR, cause: error.message, problems: error.problems } };
  }
}
