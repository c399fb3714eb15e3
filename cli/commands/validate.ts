import { STACK_OUTPUTS } from '../../core/stack-outputs';
import { EXIT } from '../errors';
import { PLACEHOLDER_BUCKETS, prepareRunOrReject, VALIDATE_EXECUTION_NAME } from '../offline-run';
import type { Output } from '../output';
import { describePreparedRun, runWarnings } from '../prepared-run';
import { readRequestFile } from '../request-file';

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
  const run = prepareRunOrReject(request, VALIDATE_EXECUTION_NAME, buckets, {
    message: (count) => `${options.file} is not a valid run request (${count}):`,
    hint: (problems) =>
      placeholders && problems.some((p) => /is in bucket/.test(p.message))
        ? 'Offline the bucket names are placeholders (<data-bucket>, <artifact-bucket>): pass --data-bucket and --artifact-bucket ' +
          `(the stack outputs ${STACK_OUTPUTS.dataBucketName} and ${STACK_OUTPUTS.artifactBucketName}) to check S3 URIs against the deployed buckets.`
        : 'Fix the fields above and validate again; docs/run-request.md lists every field.',
  });
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
