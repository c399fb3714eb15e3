/**
 * The options prepare-data and prepare-batch share: the dataset or batch name and the image conversion
 * settings, checked before anything is read or written.
 */
import { basename, resolve } from 'node:path';
import { UsageError } from '../errors';
import { type ConvertSettings, DEFAULT_BACKGROUND, DEFAULT_MIN_SIDE, DEFAULT_QUALITY, DEFAULT_SHORT_SIDE, MAX_SHORT_SIDE, NAMED_BACKGROUNDS, parseBackground } from './convert';
import type { ProgressStream } from './progress';
import { imageShapeSide } from './run-request';

/** Dataset names become S3 key parts and file names: keep them plain. */
export const DATASET_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** The conversion options as a command takes them (undefined: the default). */
export interface ConvertOptions {
  /** The shorter side of every written image. @default 256 */
  readonly shortSide?: number;
  /** JPEG quality. @default 90 */
  readonly quality?: number;
  /** Images whose shorter side is below this are left out. @default 32 */
  readonly minSide?: number;
  /** What transparent pixels are flattened onto: a name or `#rrggbb`. @default white */
  readonly background?: string;
  /** Pack JPEG and PNG files as they are (headers checked only), as before images were converted. */
  readonly keepOriginal?: boolean;
  /** Images decoded at once. @default - collect.ts defaultConcurrency() */
  readonly concurrency?: number;
}

/** Where prepare-data and prepare-batch put their files with `upload`, and what the progress goes to. */
export interface UploadOptions {
  /** The deployed data bucket, for the URIs printed and written (not needed with `upload`). */
  readonly dataBucket?: string;
  /** Upload to the deployed stack's data bucket. */
  readonly upload?: boolean;
  /** With `upload`: replace a different dataset or batch of the same name. */
  readonly force?: boolean;
  readonly stackName?: string;
  /** Where the progress bar goes. @default - none */
  readonly progressStream?: ProgressStream;
  /** Multipart part size for the upload (tests). */
  readonly partSize?: number;
}

/** The default dataset name: the folder's name with anything but letters, digits, `.`, `_`, `-` made `-`. */
export function defaultDatasetName(imagesDir: string): string {
  return basename(resolve(imagesDir))
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 100);
}

/** A whole number from min to max. */
export const isWhole = (value: number, min: number, max: number): boolean => Number.isInteger(value) && value >= min && value <= max;

/**
 * The conversion options shared with prepare-batch, checked.
 * @throws UsageError naming the option, the bad value and what is allowed
 */
export function checkConvertOptions(options: ConvertOptions): ConvertSettings {
  const shortSide = options.shortSide ?? DEFAULT_SHORT_SIDE;
  const minShortSide = imageShapeSide() + 1;
  if (!isWhole(shortSide, minShortSide, MAX_SHORT_SIDE)) {
    throw new UsageError(
      `--short-side ${shortSide} must be a whole number from ${minShortSide} to ${MAX_SHORT_SIDE}.`,
      `Training crops ${imageShapeSide()}x${imageShapeSide()} (image_shape) out of each image, and the run request's resize, which follows --short-side, must be larger than that; 256 is the usual choice.`,
    );
  }
  const quality = options.quality ?? DEFAULT_QUALITY;
  if (!isWhole(quality, 1, 100)) throw new UsageError(`--quality ${quality} must be a whole number from 1 to 100.`, 'JPEG quality; 90 (the default) is what AWS\'s notebooks use.');
  const minSide = options.minSide ?? DEFAULT_MIN_SIDE;
  if (!isWhole(minSide, 1, MAX_SHORT_SIDE)) throw new UsageError(`--min-side ${minSide} must be a whole number from 1 to ${MAX_SHORT_SIDE}.`);
  const background = parseBackground(options.background ?? DEFAULT_BACKGROUND);
  if (background === undefined) {
    throw new UsageError(
      `--background ${JSON.stringify(options.background)} is not a colour.`,
      `Use ${Object.keys(NAMED_BACKGROUNDS).join(', ')} or #rrggbb (e.g. #ffffff).`,
    );
  }
  if (options.keepOriginal) {
    const given = (['shortSide', 'quality', 'background'] as const).filter((key) => options[key] !== undefined);
    if (given.length > 0) {
      const flag = { shortSide: '--short-side', quality: '--quality', background: '--background' }[given[0] as 'shortSide'];
      throw new UsageError(`${flag} applies only when images are converted, not with --keep-original.`, `Leave out ${flag}, or --keep-original.`);
    }
  }
  return { shortSide, quality, minSide, background };
}
