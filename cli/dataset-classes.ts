/**
 * The class names of a run trained on a prepared dataset: `prepare-data` writes `classes.txt` beside the
 * training data (`s3://<bucket>/datasets/<name>/classes.txt` next to `…/<name>/train/`), so a run's
 * results can name its classes without being told.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DATASET_CLASSES_FILE } from '../core/s3-layout';
import { parseS3Uri } from '../core/s3-uri';

export interface DatasetClasses {
  readonly names: string[];
  /** `s3://…/classes.txt` */
  readonly source: string;
}

/** `s3://b/datasets/pets/train/` → `{ bucket: 'b', key: 'datasets/pets/classes.txt' }`; undefined for anything else. */
export function classesLocationFor(trainingData: unknown): { bucket: string; key: string } | undefined {
  if (typeof trainingData !== 'string') return undefined;
  const uri = parseS3Uri(trainingData);
  if (uri === undefined || uri.prefix === '') return undefined;
  const segments = uri.prefix.replace(/\/+$/, '').split('/');
  segments.pop();
  return { bucket: uri.bucket, key: [...segments, DATASET_CLASSES_FILE].join('/') };
}

/** Class names from text: one per line, line i = class i, trailing blank lines ignored. */
export function parseClassNames(text: string): string[] {
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * The class names beside the training data of the run whose execution input is `executionInput`, or
 * undefined when the run names no training data or there is no `classes.txt` there.
 * @param warn told why an existing-looking list could not be read (e.g. access denied); the caller falls back
 */
export async function datasetClassNames(s3: S3Client, executionInput: string | undefined, warn: (text: string) => void): Promise<DatasetClasses | undefined> {
  let input: unknown;
  try {
    input = JSON.parse(executionInput ?? '{}');
  } catch {
    return undefined;
  }
  const location = classesLocationFor((input as { trainingData?: unknown } | null)?.trainingData);
  if (!location) return undefined;
  const source = `s3://${location.bucket}/${location.key}`;
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
    const names = parseClassNames((await object.Body?.transformToString('utf-8')) ?? '');
    return names.length > 0 ? { names, source } : undefined;
  } catch (error) {
    const name = (error as { name?: string })?.name ?? 'Error';
    if (name !== 'NoSuchKey' && name !== 'NotFound') warn(`could not read the class names at ${source} (${name}); using the default list`);
    return undefined;
  }
}
