/**
 * Preparing a run on this machine with the code of the Prepare run Lambda (core/prepare-run.ts), as
 * `validate`, `estimate`, `start` and `prepare-data` do before anything is sent to AWS, and the one
 * conversion of a rejected request into a command-line error. Shared by the commands, which never import
 * each other.
 */
import { prepareRun, type PreparedRun, type PrepareRunConfig } from '../core/prepare-run';
import { type Problem, RunRequestError } from '../core/problems';
import { parseS3Uri } from '../core/s3-uri';
import { CliError, EXIT } from './errors';

/** Bucket names used offline, where the deployed ones are unknown. */
export const PLACEHOLDER_BUCKETS = { dataBucket: '<data-bucket>', artifactBucket: '<artifact-bucket>' } as const;

/** The execution name `validate` (and `prepare-data`, which validates what it writes) derives the example run id from. */
export const VALIDATE_EXECUTION_NAME = 'validate';

/** How a command words the rejection of a request. */
export interface RejectionText {
  /** The error's first line, given the count of problems (`"2 problems"`); the problems follow it. */
  readonly message: (problemCount: string) => string;
  /** What to do next, or a function of the problems that says it. */
  readonly hint: string | ((problems: readonly Problem[]) => string);
}

/**
 * The one conversion of a rejected request into a command-line error: exit code 1, code `RunRequestError`,
 * and the problems (field and message each) as its details, which the error output lists under the message.
 */
export function rejectedRequestError(error: RunRequestError, text: RejectionText): CliError {
  const count = `${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}`;
  return new CliError(text.message(count), {
    code: 'RunRequestError',
    exitCode: EXIT.failure,
    details: { problems: error.problems },
    hint: typeof text.hint === 'string' ? text.hint : text.hint(error.problems),
  });
}

/**
 * The run `request` prepares (`prepareRun`), or, when it is rejected, the CliError of `rejectedRequestError`.
 * @throws CliError for a rejected request; any other error as it is
 */
export function prepareRunOrReject(request: unknown, executionName: string, config: PrepareRunConfig, text: RejectionText): PreparedRun {
  try {
    return prepareRun(request, executionName, config);
  } catch (error) {
    if (error instanceof RunRequestError) throw rejectedRequestError(error, text);
    throw error;
  }
}

/**
 * The buckets a request's own S3 URIs name (the first as the data bucket, another as the artifact
 * bucket), so that offline a request written for the deployed buckets is accepted where the buckets do not
 * matter (the estimate: where the data is does not change the cost). Placeholders for those it names none of.
 */
export function bucketsOf(request: Record<string, unknown>): PrepareRunConfig {
  const buckets: string[] = [];
  for (const field of ['trainingData', 'validationData', 'trainingLst', 'validationLst', 'batchInput']) {
    const value = request[field];
    const bucket = typeof value === 'string' ? parseS3Uri(value)?.bucket : undefined;
    if (bucket !== undefined && !buckets.includes(bucket)) buckets.push(bucket);
  }
  return { dataBucket: buckets[0] ?? PLACEHOLDER_BUCKETS.dataBucket, artifactBucket: buckets[1] ?? PLACEHOLDER_BUCKETS.artifactBucket };
}
