import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';

export { parseS3Uri } from '../../core/s3-uri';

/**
 * Every key under `prefix` that `keep` accepts, in S3's order (UTF-8 binary order of the keys).
 * @param onPage told the count so far after each page of up to 1,000 keys
 */
export async function listKeys(
  s3: S3Client,
  bucket: string,
  prefix: string,
  keep: (key: string) => boolean,
  options: { onPage?: (count: number) => void; signal?: AbortSignal } = {},
): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }), { abortSignal: options.signal });
    for (const object of page.Contents ?? []) if (object.Key !== undefined && keep(object.Key)) keys.push(object.Key);
    options.onPage?.(keys.length);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

/** The object's body as UTF-8 text. */
export async function getText(s3: S3Client, bucket: string, key: string, signal?: AbortSignal): Promise<string> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
  return (await object.Body?.transformToString('utf-8')) ?? '';
}

/** The object's body as bytes. */
export async function getBytes(s3: S3Client, bucket: string, key: string, signal?: AbortSignal): Promise<Uint8Array> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
  return (await object.Body?.transformToByteArray()) ?? new Uint8Array();
}
