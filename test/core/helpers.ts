/** Shared fixtures of the prepare-run tests: the bucket configuration and a way to catch a rejection. */
import { RunRequestError } from '../../core/problems';
import { type PrepareRunConfig, type PreparedRun, prepareRun } from '../../core/prepare-run';

export const CONFIG: PrepareRunConfig = { dataBucket: 'data-bkt', artifactBucket: 'artifact-bkt' };
export const KMS_KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
export const EXECUTION = 'exec-1';

export function prepare(request: unknown, config: PrepareRunConfig = CONFIG): PreparedRun {
  return prepareRun(request, EXECUTION, config);
}

/** The RunRequestError `request` is rejected with; fails the test when it is accepted or fails otherwise. */
export function rejectionOf(request: unknown, config: PrepareRunConfig = CONFIG): RunRequestError {
  let prepared: PreparedRun;
  try {
    prepared = prepare(request, config);
  } catch (error) {
    if (error instanceof RunRequestError) return error;
    throw error;
  }
  throw new Error(`expected a RunRequestError, but the request was accepted: ${JSON.stringify(prepared)}`);
}

/** The problem lines (`field: message`) of the rejection of `request`. */
export function problemsOf(request: unknown): string[] {
  return rejectionOf(request).problems.map((problem) => `${problem.field}: ${problem.message}`);
}

/** The single problem of the rejection of `request`, failing when there are more or none. */
export function onlyProblemOf(request: unknown): string {
  const problems = problemsOf(request);
  expect(problems).toHaveLength(1);
  return problems[0] as string;
}
