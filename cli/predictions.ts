/**
 * A run's predictions, as `results` and `report` read them: the batch transform writes one
 * `<image key>.out` file per image under the run's predictions prefix, each `{"prediction": [p0, p1, …]}`
 * (one probability per class). They are downloaded by the shared pool (bounded concurrency, in order),
 * reduced at once to the k best classes, and handed on one by one: nothing holds all the files.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { runPool } from './download/pool';
import { getText, listKeys } from './download/s3-objects';

/** Files downloaded at once by default: S3 serves far more, and 16 hides a 20-50 ms latency per file. */
export const DEFAULT_CONCURRENCY = 16;
/** Below this probability an image's top class is "low confidence" in the summaries. */
export const LOW_CONFIDENCE = 0.5;

export interface ClassScore {
  readonly index: number;
  readonly probability: number;
}

export interface PredictionRow {
  /** The image's key relative to the batch input prefix, e.g. `008.bathtub/008_0001.jpg`. */
  readonly image: string;
  /** The prediction file's key. */
  readonly key: string;
  /** The k best classes, best first (ties: lower class index first). */
  readonly top: readonly ClassScore[];
  /** How many probabilities the file has (the model's number of classes). */
  readonly classes: number;
}

/** The probabilities of a prediction file, or undefined when it is not `{"prediction": [numbers]}`. */
export function parsePrediction(body: string): number[] | undefined {
  let value: unknown;
  try {
    value = (JSON.parse(body) as { prediction?: unknown } | null)?.prediction;
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length === 0 || !value.every((p) => typeof p === 'number' && Number.isFinite(p))) return undefined;
  return value as number[];
}

/** The `k` best classes, best first; ties keep the lower index first (as argmax does). */
export function topClasses(values: readonly number[], k: number): ClassScore[] {
  const top: ClassScore[] = [];
  values.forEach((probability, index) => {
    if (top.length === k && probability <= (top[k - 1] as ClassScore).probability) return;
    let at = top.length;
    while (at > 0 && (top[at - 1] as ClassScore).probability < probability) at -= 1;
    top.splice(at, 0, { index, probability });
    if (top.length > k) top.pop();
  });
  return top;
}

export interface ReadPredictionsOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly prefix: string;
  /** Classes kept per image. */
  readonly topK: number;
  /** @default DEFAULT_CONCURRENCY */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  /** Called after each page of the listing with the count so far. */
  readonly onListed?: (count: number) => void;
  /** Called once the listing is complete, before any download, with the images the files are of (key order). */
  readonly onListComplete?: (total: number, images: readonly string[]) => void | Promise<void>;
  /** Called for every image, in key order. */
  readonly onRow: (row: PredictionRow, index: number) => void | Promise<void>;
  /**
   * More work per image, done inside the download pool right after its prediction (`report` fetches the
   * image and makes its thumbnail there, so image downloads overlap prediction downloads).
   */
  readonly afterDownload?: (row: PredictionRow, fileIndex: number) => Promise<void>;
  /** A file that is not a prediction: skipped, and said. */
  readonly onSkipped?: (key: string) => void;
  /** Files done so far (rows and skipped). */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface ReadPredictionsResult {
  readonly files: number;
  readonly rows: number;
  readonly skipped: number;
  /** The most downloads that were in flight at once. */
  readonly maxInFlight: number;
}

/** The image a prediction file is of: its key under the prefix without `.out`. */
export function imageOf(key: string, prefix: string): string {
  return key.slice(prefix.length).replace(/\.out$/, '');
}

/** Lists and downloads every `*.out` file under the prefix; the rows come in key order. */
export async function readPredictions(options: ReadPredictionsOptions): Promise<ReadPredictionsResult> {
  const keys = (await listKeys(options.s3, options.bucket, options.prefix, (key) => key.endsWith('.out'), { onPage: options.onListed, signal: options.signal })).sort();
  await options.onListComplete?.(keys.length, keys.map((key) => imageOf(key, options.prefix)));
  let rows = 0;
  let skipped = 0;
  let done = 0;
  const stats = await runPool(
    keys,
    async (key, fileIndex) => {
      const values = parsePrediction(await getText(options.s3, options.bucket, key, options.signal));
      const row = values ? { image: imageOf(key, options.prefix), key, top: topClasses(values, options.topK), classes: values.length } : undefined;
      if (row && options.afterDownload) await options.afterDownload(row, fileIndex);
      done += 1;
      options.onProgress?.(done, keys.length);
      return row;
    },
    {
      concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
      signal: options.signal,
      onResult: async (row, index) => {
        if (row === undefined) {
          skipped += 1;
          options.onSkipped?.(keys[index] as string);
          return;
        }
        rows += 1;
        await options.onRow(row, rows - 1);
      },
    },
  );
  return { files: keys.length, rows, skipped, maxInFlight: stats.maxInFlight };
}

/** Counts and extremes of a run's predictions, gathered row by row (memory: one entry per class plus `lowest`). */
export class PredictionTally {
  readonly perClass = new Map<number, number>();
  /** The least confident images, least first. */
  readonly lowest: PredictionRow[] = [];
  images = 0;
  lowConfidence = 0;
  /** Images whose number of probabilities differs from the number of class names. */
  mismatched = 0;
  mismatchLength = 0;
  private readonly histogram = new Array<number>(20).fill(0);

  constructor(
    private readonly classNames: readonly string[],
    private readonly keepLowest = 10,
  ) {}

  add(row: PredictionRow): void {
    const best = row.top[0] as ClassScore;
    this.images += 1;
    this.perClass.set(best.index, (this.perClass.get(best.index) ?? 0) + 1);
    if (best.probability < LOW_CONFIDENCE) this.lowConfidence += 1;
    this.histogram[Math.min(19, Math.max(0, Math.floor(best.probability * 20)))]! += 1;
    if (row.classes !== this.classNames.length) {
      this.mismatched += 1;
      this.mismatchLength = row.classes;
    }
    if (this.lowest.length < this.keepLowest || best.probability < (this.lowest[this.lowest.length - 1]?.top[0]?.probability ?? Infinity)) {
      let at = this.lowest.length;
      while (at > 0 && (this.lowest[at - 1]?.top[0]?.probability ?? 0) > best.probability) at -= 1;
      this.lowest.splice(at, 0, row);
      if (this.lowest.length > this.keepLowest) this.lowest.pop();
    }
  }

  /** Images per predicted class, most first (ties by name). */
  counts(): { classIndex: number; className: string; count: number }[] {
    return [...this.perClass.entries()]
      .map(([classIndex, count]) => ({ classIndex, className: className(this.classNames, classIndex), count }))
      .sort((a, b) => b.count - a.count || a.className.localeCompare(b.className));
  }

  /** The top-class probability below which half of the images are (from 5% buckets: ±2.5%). */
  medianConfidence(): number | undefined {
    if (this.images === 0) return undefined;
    let seen = 0;
    for (let bucket = 0; bucket < 20; bucket += 1) {
      seen += this.histogram[bucket] ?? 0;
      if (seen * 2 >= this.images) return (bucket + 0.5) / 20;
    }
    return 1;
  }
}

/** The name of class `index`, or `class <index>` when the list is shorter. */
export function className(names: readonly string[], index: number): string {
  return names[index] ?? `class ${index}`;
}
