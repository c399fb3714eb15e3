import { RunRequestError } from '../../core/problems';
import { STACK_OUTPUTS } from '../../core/stack-outputs';
import { prepareRun, type PreparedRun } from '../../core/prepare-run';
import { CliError, EXIT } from '../errors';
import type { Output } from '../output';
import { describePreparedRun, runWarnings } from '../prepared-run';
import { readRequestFile } from '../request-file';

/** Bucket names used offline, where the deployed ones are unknown. */
export const PLACEHOLDER_BUCKETS = { dataBucket: '<data-bucket>', artifactBucket: '<artifact-bucket>' } as const;

/** The execution name validate derives the example run id from. */
export const VALIDATE_EXECUTION_NAME = 'validate';

export interface ValidateOptions {
  readonly file: string;
  /** The deployed data bucket, to check S3 URIs against. @default '<data-bucket>' */
  readonly dataBucket?: string;
  /** @default '<artifact-bucket>' */
  readonly artifactBucket?: string;
}

/**
 * `validate file.json`: checks a run request offline with the code of the Prepare run Lambda
 * (`prepareRun`), and prints the resolved configuration or every problem.
 * @returns the exit code: 0 valid, 1 rejected
 */
export function validateCommand(options: ValidateOptions, out: Output): number {
  const request = readRequestFile(options.file);
  const buckets = {
    dataBucket: options.dataBucket ?? PLACEHOLDER_BUCKETS.dataBucket,
    artifactBucket: options.artifactBucket ?? PLACEHOLDER_BUCKETS.artifactBucket,
  };
  const placeholders = options.dataBucket === undefined || options.artifactBucket === undefined;
  let run: PreparedRun;
  try {
    run = prepareRun(request, VALIDATE_EXECUTION_NAME, buckets);
  } catch (error) {
    if (!(error instanceof RunRequestError)) throw error;
    const bucketProblem = placeholders && error.problems.some((p) => /is in bucket/.test(p.message));
    const count = `${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}`;
    throw new CliError(`${options.file} is not a valid run request (${count}):`, {
      code: 'RunRequestError',
      exitCode: EXIT.failure,
      details: { problems: error.problems },
      hint: bucketProblem
        ? 'Offline the bucket names are placeholders (<data-bucket>, <artifact-bucket>): pass --data-bucket and --artifact-bucket ' +
          `(the stack outputs ${STACK_OUTPUTS.dataBucketName} and ${STACK_OUTPUTS.artifactBucketName}) to check S3 URIs against the deployed buckets.`
        : 'Fix the fields above and validate again; "Run request reference" in the README lists every field.',
    });
  }
  const warnings = runWarnings(run);
  if (out.jsonMode) {
    out.json({ valid: true, file: options.file, buckets, placeholderBuckets: placeholders, run, warnings });
    return EXIT.ok;
  }
  out.line(`${out.c.green('OK')} ${options.file} is a valid run request.`);
  for (const line of describePreparedRun(run)) out.line(`  ${line}`);
  if (placeholders) out.line(out.c.dim('  (bucket names are placeholders offline; --data-bucket/--artifact-bucket set the real ones)'));
  for (const warning of warnings) out.warn(`${out.c.yellow('Warning:')} ${warning}`);
  return EXIT.ok;
}
