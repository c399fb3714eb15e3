/**
 * S3 locations of a run: which URIs a request may point at, and the prefixes a run writes.
 *
 * The SageMaker execution role may read only the data bucket and the artifact bucket, so an input URI in any
 * other bucket would fail only after the job had started; it is rejected here instead.
 */
import limits from './reference/sagemaker-api-limits.json';
import { describeValue } from './problems';

/** The two buckets of the stack, as the Lambda's environment names them. */
export interface PipelineBuckets {
  /** What users upload: training data, batch input, request files. */
  dataBucket: string;
  /** What runs write: models and predictions under `runs/<run id>/`. */
  artifactBucket: string;
}

/** Longest S3Uri the SageMaker API accepts. */
export const S3_URI_MAX_LENGTH: number = limits.shapes.S3Uri.max;

/** `s3://<bucket>` optionally followed by `/<key prefix>`. */
const S3_URI = /^s3:\/\/([^/]+)(\/.*)?$/s;

/** `s3://bucket/prefix` → its parts (`prefix` without the leading `/`, '' for none); undefined when `uri` is not an S3 URI. */
export function parseS3Uri(uri: string): { bucket: string; prefix: string } | undefined {
  const match = S3_URI.exec(uri);
  return match ? { bucket: match[1] as string, prefix: (match[2] ?? '').slice(1) } : undefined;
}

/** `s3://<bucket>/<prefix>`, e.g. `s3Uri('data', 'train/')` = `s3://data/train/`. */
export function s3Uri(bucket: string, prefix: string): string {
  return `s3://${bucket}/${prefix}`;
}

/** Why `uri` cannot be an input of a run, or undefined when it can. */
export function s3UriProblem(uri: string, buckets: PipelineBuckets): string | undefined {
  const allowed =
    `the pipeline may read only the data bucket (${s3Uri(buckets.dataBucket, '')}) ` +
    `and the artifact bucket (${s3Uri(buckets.artifactBucket, '')})`;
  if (uri.length > S3_URI_MAX_LENGTH) {
    return `${describeValue(uri)} is ${uri.length} characters long; an S3 URI may have at most ${S3_URI_MAX_LENGTH}`;
  }
  const bucket = parseS3Uri(uri)?.bucket;
  if (bucket === undefined) {
    return `${describeValue(uri)} must be an S3 URI of the form s3://<bucket>/<prefix>; ${allowed}`;
  }
  if (bucket !== buckets.dataBucket && bucket !== buckets.artifactBucket) {
    return `${describeValue(uri)} is in bucket ${describeValue(bucket)}; ${allowed}`;
  }
  return undefined;
}
