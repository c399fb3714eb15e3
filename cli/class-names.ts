/**
 * The class names of a run's predictions, in one place for `results` and `report`: `--classes <file>`,
 * else the `classes.txt` beside the run's training data (a `prepare-data` dataset), else the Caltech-256
 * names of the reference run. A new source of names goes here, and both commands have it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { datasetClassNames, parseClassNames } from './dataset-classes';
import { UsageError } from './errors';

/** The Caltech-256 class names, line i = class i (as the reference run's 257 outputs are numbered). */
export const DEFAULT_CLASSES_FILE = resolve(__dirname, '../core/reference/caltech256-classes.txt');

export interface ClassNames {
  readonly names: string[];
  /** A path or `s3://` URI, for messages. */
  readonly source: string;
  /** Read from the dataset the run trained on. */
  readonly fromDataset: boolean;
}

/** Class names from a file: one per line, blank trailing lines ignored. */
export function readClassNames(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`Cannot read the class names file ${path}.`, 'Pass --classes <file> with one class name per line (line i = class i).');
  }
  return parseClassNames(text);
}

/**
 * The names to use for a run whose execution input is `executionInput`.
 * @param explicit the names of `--classes`, read before any AWS call so that a bad path fails first
 * @param warn told why a dataset list that seems to exist could not be read (the default names are used)
 */
export async function loadClassNames(options: {
  readonly explicit?: { readonly names: string[]; readonly source: string };
  readonly s3: S3Client;
  readonly executionInput: string | undefined;
  readonly warn: (text: string) => void;
}): Promise<ClassNames> {
  if (options.explicit) return { ...options.explicit, fromDataset: false };
  const dataset = await datasetClassNames(options.s3, options.executionInput, options.warn);
  if (dataset) return { names: dataset.names, source: dataset.source, fromDataset: true };
  return { names: readClassNames(DEFAULT_CLASSES_FILE), source: DEFAULT_CLASSES_FILE, fromDataset: false };
}
