/**
 * The one S3 call the state machine makes itself, answered locally: ListObjectsV2 through the Step Functions
 * AWS SDK integration (`arn:aws:states:::aws-sdk:s3:listObjectsV2`: parameters and answer fields in
 * PascalCase, https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html), over the
 * objects the simulated jobs wrote (SageMakerStandIn.writtenObjects).
 */

/** The fields of a ListObjectsV2 answer the pipeline reads, and those S3 always sends. */
export interface ListObjectsV2Answer {
  Name: string;
  Prefix: string;
  MaxKeys: number;
  /** Keys in this answer (at most MaxKeys). */
  KeyCount: number;
  IsTruncated: boolean;
  /** Left out when no key matches, as S3 leaves it out. */
  Contents?: { Key: string; Size: number; StorageClass: 'STANDARD' }[];
  NextContinuationToken?: string;
}

/**
 * ListObjectsV2 over `objects` (`s3://bucket/key` URIs), as S3 answers it: keys under `Prefix` of bucket
 * `Bucket` in UTF-8 binary order, at most `MaxKeys` (default and maximum 1,000) a page
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html).
 */
export function listObjectsV2(objects: readonly string[], request: { Bucket?: unknown; Prefix?: unknown; MaxKeys?: unknown; ContinuationToken?: unknown }): ListObjectsV2Answer {
  const bucket = String(request.Bucket ?? '');
  const prefix = typeof request.Prefix === 'string' ? request.Prefix : '';
  const maxKeys = typeof request.MaxKeys === 'number' ? Math.min(1000, Math.max(0, request.MaxKeys)) : 1000;
  const start = typeof request.ContinuationToken === 'string' ? Number(request.ContinuationToken) : 0;
  const keys = objects
    .filter((uri) => uri.startsWith(`s3://${bucket}/`))
    .map((uri) => uri.slice(`s3://${bucket}/`.length))
    .filter((key) => key.startsWith(prefix))
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const page = keys.slice(start, start + maxKeys);
  const truncated = start + maxKeys < keys.length;
  return {
    Name: bucket,
    Prefix: prefix,
    MaxKeys: maxKeys,
    KeyCount: page.length,
    IsTruncated: truncated,
    ...(page.length > 0 ? { Contents: page.map((Key) => ({ Key, Size: 2600, StorageClass: 'STANDARD' as const })) } : {}),
    ...(truncated ? { NextContinuationToken: String(start + maxKeys) } : {}),
  };
}
