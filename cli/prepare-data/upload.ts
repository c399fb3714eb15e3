/**
 * Uploads a prepared dataset to `s3://<data bucket>/datasets/<name>/` (or prepared images to classify to
 * `batches/<name>/`): files above the part size in concurrent multipart uploads, the others in single
 * requests, all through one bound on concurrent requests. A dataset's `dataset.json` goes last, so its
 * presence marks a complete upload.
 *
 * A different dataset already under the name is never overwritten silently: the upload is refused
 * unless `force` is set, and with `force` the objects the new dataset does not have are deleted (a
 * training channel or a batch transform reads every object under its prefix, so a stale file would be
 * trained on or classified).
 */
import { statSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { CliError, toCliError } from '../errors';
import { type DatasetManifest, listFiles } from './dataset-writer';
import { batchPrefix, datasetPrefix } from './run-request';

/** Parts of 8 MiB: S3 allows 5 MiB to 5 GiB per part and 10,000 parts, so up to 78 GiB per file. */
export const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
/** S3's smallest part (all but the last). */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
export const MAX_PARTS = 10_000;
/** Concurrent requests: enough to fill a typical uplink, few enough to keep memory at concurrency x part size. */
export const DEFAULT_CONCURRENCY = 4;

export interface UploadDatasetOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  /** The prepared folder (`<out>`). */
  readonly dir: string;
  readonly manifest: DatasetManifest;
  /** Replace a different dataset of the same name. @default false */
  readonly force?: boolean;
  /** @default DEFAULT_PART_SIZE */
  readonly partSize?: number;
  /** @default DEFAULT_CONCURRENCY */
  readonly concurrency?: number;
  /** For error messages. */
  readonly region?: string;
  readonly onProgress?: (bytesDone: number, bytesTotal: number) => void;
}

export interface UploadResult {
  /** `s3://<bucket>/datasets/<name>/` */
  readonly uri: string;
  /** True when the same dataset (same content hash) was already there: nothing was uploaded. */
  readonly alreadyThere: boolean;
  readonly files: number;
  readonly bytes: number;
  readonly multipartFiles: number;
  /** Stale objects deleted with `force`. */
  readonly deleted: number;
}

/** What tasks not yet started reject with once another task failed. */
const STOPPED = new Error('stopped after an earlier failure');

/** Bounds how many requests run at once; after the first failure, tasks not yet started do not start. */
class Limit {
  private active = 0;
  private stopped = false;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly max: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active += 1;
    try {
      if (this.stopped) throw STOPPED;
      return await task();
    } catch (error) {
      this.stopped = true;
      throw error;
    } finally {
      this.active -= 1;
      this.waiting.shift()?.();
    }
  }
}

function contentTypeOf(key: string): string {
  const ext = /\.([^./]+)$/.exec(key)?.[1]?.toLowerCase();
  switch (ext) {
    case 'json':
      return 'application/json';
    case 'txt':
    case 'lst':
      return 'text/plain; charset=utf-8';
    case 'jpg':
    case 'jpeg':
      return 'image/jpeg';
    case 'png':
      return 'image/png';
    default:
      return 'application/octet-stream';
  }
}

const isMissing = (error: unknown) => ['NoSuchKey', 'NotFound'].includes((error as { name?: string })?.name ?? '');

/** The content hash of the dataset.json under `prefix`, null when there is none. */
async function existingHash(s3: S3Client, bucket: string, key: string): Promise<string | null | undefined> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const text = (await object.Body?.transformToString('utf-8')) ?? '';
    try {
      return (JSON.parse(text) as { contentHash?: string }).contentHash ?? undefined;
    } catch {
      return undefined;
    }
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

/**
 * Uploads the prepared dataset in `options.dir` (see the file comment).
 * @throws CliError `DatasetExists` when another dataset is under the name and `force` is not set
 */
export async function uploadDataset(options: UploadDatasetOptions): Promise<UploadResult> {
  const { manifest } = options;
  return uploadFolder({
    ...options,
    prefix: datasetPrefix(manifest.name),
    what: `dataset named ${manifest.name}`,
    marker: { name: 'dataset.json', bytes: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), contentHash: manifest.contentHash },
  });
}

export interface UploadBatchOptions extends Omit<UploadDatasetOptions, 'manifest'> {
  /** The batch's name: the images go under `batches/<name>/`. */
  readonly name: string;
}

/**
 * Uploads prepared images to classify (`options.dir`, every file in it) to `s3://<bucket>/batches/<name>/`.
 * Anything already there is refused without `force` (a transform reads every object under the prefix);
 * with `force` it is replaced.
 * @throws CliError `DatasetExists` when objects are there and `force` is not set
 */
export async function uploadBatch(options: UploadBatchOptions): Promise<UploadResult> {
  return uploadFolder({ ...options, prefix: batchPrefix(options.name), what: `batch of images` });
}

interface UploadFolderOptions extends Omit<UploadDatasetOptions, 'manifest'> {
  readonly prefix: string;
  /** For messages: `dataset named pets`. */
  readonly what: string;
  /** Uploaded last; an object of that name with the same content hash means the same upload is there. */
  readonly marker?: { readonly name: string; readonly bytes: Buffer; readonly contentHash: string };
}

async function uploadFolder(options: UploadFolderOptions): Promise<UploadResult> {
  const { s3, bucket, prefix, marker } = options;
  const uri = `s3://${bucket}/${prefix}`;
  const partSize = Math.max(options.partSize ?? DEFAULT_PART_SIZE, 1);
  const limit = new Limit(options.concurrency ?? DEFAULT_CONCURRENCY);
  try {
    const hash = marker ? await existingHash(s3, bucket, `${prefix}${marker.name}`) : null;
    if (marker && hash === marker.contentHash) return { uri, alreadyThere: true, files: 0, bytes: 0, multipartFiles: 0, deleted: 0 };
    const existing = await listKeys(s3, bucket, prefix);
    if (existing.length > 0 && !options.force) {
      throw new CliError(
        hash === null
          ? `${uri} already holds ${existing.length} object${existing.length === 1 ? '' : 's'}${marker ? ` but no ${marker.name} (an interrupted upload, or files put there by hand)` : ''}.`
          : `${uri} already holds a different ${options.what}.`,
        {
          hint: `Choose another name with --name <name>, or replace what is there with --force (objects the new upload does not have are deleted; the bucket keeps old versions).`,
          code: 'DatasetExists',
        },
      );
    }

    const files = listFiles(options.dir).filter((file) => file !== marker?.name);
    const sizes = new Map(files.map((file) => [file, statSync(join(options.dir, ...file.split('/'))).size]));
    const total = [...sizes.values()].reduce((sum, size) => sum + size, 0) + (marker?.bytes.length ?? 0);
    let done = 0;
    const progressed = (bytes: number) => {
      done += bytes;
      options.onProgress?.(done, total);
    };
    let multipartFiles = 0;
    await settleAll(
      files.map(async (file) => {
        const size = sizes.get(file) as number;
        const path = join(options.dir, ...file.split('/'));
        if (size > partSize) {
          multipartFiles += 1;
          await multipartUpload({ s3, bucket, key: `${prefix}${file}`, path, size, partSize, limit, progressed });
        } else {
          const body = await limit.run(async () => {
            const bytes = await readFile(path);
            await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}${file}`, Body: bytes, ContentType: contentTypeOf(file) }));
            return bytes;
          });
          progressed(body.length);
        }
      }),
    );

    const wanted = new Set([...files, ...(marker ? [marker.name] : [])].map((file) => `${prefix}${file}`));
    const stale = existing.filter((key) => !wanted.has(key));
    for (let i = 0; i < stale.length; i += 1000) {
      const batch = stale.slice(i, i + 1000);
      const answer = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }));
      if (answer.Errors && answer.Errors.length > 0) {
        const first = answer.Errors[0];
        throw new CliError(`Could not delete ${answer.Errors.length} stale object(s) under ${uri}, e.g. ${first?.Key}: ${first?.Code} ${first?.Message ?? ''}`.trim(), {
          hint: 'Delete them yourself (they would be read by training or the transform), or upload again with --force.',
          code: 'DeleteFailed',
        });
      }
    }

    if (marker) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}${marker.name}`, Body: marker.bytes, ContentType: 'application/json' }));
      progressed(marker.bytes.length);
    }
    return { uri, alreadyThere: false, files: files.length + (marker ? 1 : 0), bytes: total, multipartFiles, deleted: stale.length };
  } catch (error) {
    throw toCliError(error, { region: options.region });
  }
}

/**
 * Like Promise.all, but waits for every promise to settle before rejecting with the first failure, so
 * nothing is still uploading when the caller aborts or reports.
 */
async function settleAll<T>(promises: readonly Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(promises);
  const failures = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failures.length > 0) throw (failures.find((failure) => failure.reason !== STOPPED) ?? failures[0] as PromiseRejectedResult).reason;
  return results.map((result) => (result as PromiseFulfilledResult<T>).value);
}

interface MultipartJob {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly key: string;
  readonly path: string;
  readonly size: number;
  readonly partSize: number;
  readonly limit: Limit;
  readonly progressed: (bytes: number) => void;
}

/** One file in parts read from disk one at a time per request; aborted on any failure so no parts are left billed. */
async function multipartUpload(job: MultipartJob): Promise<void> {
  const { s3, bucket, key } = job;
  // Grow the part size if the file would need more parts than S3 allows.
  const partSize = Math.max(job.partSize, Math.ceil(job.size / MAX_PARTS));
  const count = Math.ceil(job.size / partSize);
  const created = await job.limit.run(() => s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: contentTypeOf(key) })));
  const uploadId = created.UploadId;
  if (!uploadId) throw new CliError(`S3 returned no upload id for ${key}.`, { code: 'MultipartUploadFailed' });
  try {
    const parts = await settleAll(
      Array.from({ length: count }, (_, index) =>
        job.limit.run(async () => {
          const start = index * partSize;
          const length = Math.min(partSize, job.size - start);
          const body = Buffer.allocUnsafe(length);
          const handle = await open(job.path, 'r');
          try {
            let filled = 0;
            while (filled < length) {
              const { bytesRead } = await handle.read(body, filled, length - filled, start + filled);
              if (bytesRead === 0) throw new CliError(`${job.path} became shorter while it was being uploaded.`, { code: 'FileChanged' });
              filled += bytesRead;
            }
          } finally {
            await handle.close();
          }
          const answer = await s3.send(
            new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: index + 1, Body: body, ContentLength: length }),
          );
          job.progressed(length);
          return { PartNumber: index + 1, ETag: answer.ETag };
        }),
      ),
    );
    await job.limit.run(() =>
      s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } })),
    );
  } catch (error) {
    // Parts of an unfinished upload are stored (and billed) until it is aborted.
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })).catch(() => undefined);
    throw error;
  }
}
