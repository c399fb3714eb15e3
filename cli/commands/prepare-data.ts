import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { type AwsDeps } from '../aws/clients';
import { DEFAULT_STACK_NAME, findPipelineStack } from '../aws/stack';
import { CliError, EXIT, UsageError } from '../errors';
import type { Output } from '../output';
import { PLACEHOLDER_BUCKETS, prepareRunOrReject, VALIDATE_EXECUTION_NAME } from '../prepare-data/contract';
import { checkOutputFolder, type DatasetManifest, writeDataset } from '../prepare-data/dataset-writer';
import { scanImageTree } from '../prepare-data/image-tree';
import { createProgress, type ProgressStream } from '../prepare-data/progress';
import { IMAGE_RECORD_HEADER_SIZE, RECORDIO_MAX_LENGTH } from '../prepare-data/recordio';
import { DATASET_FORMATS, type DatasetFormat, imageShapeSide, resizeFor, resizeNeed } from '../prepare-data/run-request';
import { uploadDataset, type UploadResult } from '../prepare-data/upload';

import { DEFAULT_SEED, DEFAULT_VALIDATION_FRACTION } from '../defaults';
import { datasetPrefix } from '../../core/s3-layout';
import { STACK_OUTPUTS } from '../../core/stack-outputs';

export { DEFAULT_SEED, DEFAULT_VALIDATION_FRACTION };
/** Dataset names become S3 key parts and file names: keep them plain. */
export const DATASET_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
/** Classes listed one by one in the summary; the rest are in dataset.json. */
const SUMMARY_CLASSES = 20;

export interface PrepareDataOptions {
  readonly imagesDir: string;
  readonly out: string;
  /** @default 'recordio' */
  readonly format?: string;
  /** @default 0.2 */
  readonly validationFraction?: number;
  /** @default 1 */
  readonly seed?: number;
  /** @default - the images folder's name, made S3-safe */
  readonly name?: string;
  /** The deployed data bucket, for the run request's URIs (not needed with `upload`). */
  readonly dataBucket?: string;
  /** Upload to the deployed stack's data bucket. */
  readonly upload?: boolean;
  /** With `upload`: replace a different dataset of the same name. */
  readonly force?: boolean;
  readonly stackName?: string;
  /** Where the progress bar goes. @default - none */
  readonly progressStream?: ProgressStream;
  /** Multipart part size for the upload (tests). */
  readonly partSize?: number;
}

/** The JSON document of `--json`: dataset.json, plus where things went. */
export type PrepareDataJson = DatasetManifest & { out: string; runRequest: string; upload?: UploadResult };

/** The default dataset name: the folder's name with anything but letters, digits, `.`, `_`, `-` made `-`. */
export function defaultDatasetName(imagesDir: string): string {
  return basename(resolve(imagesDir))
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 100);
}

function checkOptions(options: PrepareDataOptions) {
  const format = (options.format ?? 'recordio') as DatasetFormat;
  if (!DATASET_FORMATS.includes(format)) {
    throw new UsageError(`--format ${options.format} is not a dataset format.`, `Use --format recordio (the default) or --format lst.`);
  }
  const validationFraction = options.validationFraction ?? DEFAULT_VALIDATION_FRACTION;
  if (!(validationFraction > 0 && validationFraction < 1)) {
    throw new UsageError(
      `--validation-fraction ${validationFraction} must be a number between 0 and 1 (exclusive).`,
      'The algorithm needs a validation channel and training images: e.g. --validation-fraction 0.2.',
    );
  }
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new UsageError(`--seed ${seed} must be a whole number from 0 to 4294967295.`);
  if (!existsSync(options.imagesDir) || !statSync(options.imagesDir).isDirectory()) {
    throw new UsageError(
      `The images folder ${options.imagesDir} does not exist or is not a folder.`,
      'Pass a folder laid out as <images-dir>/<class folder>/<image files>, like Caltech-256.',
    );
  }
  const name = options.name ?? defaultDatasetName(options.imagesDir);
  if (!DATASET_NAME_PATTERN.test(name)) {
    throw new UsageError(
      `The dataset name ${JSON.stringify(name)} is not usable in S3 keys and file names.`,
      'Pass --name <name>: 1-100 letters, digits, ".", "_" or "-", starting with a letter or digit.',
    );
  }
  if (options.upload && options.dataBucket) {
    throw new UsageError('--upload and --data-bucket cannot be used together.', '--upload finds the data bucket from the deployed stack; --data-bucket is for preparing offline.');
  }
  if (options.force && !options.upload) throw new UsageError('--force only applies with --upload.', 'Add --upload, or leave out --force.');
  return { format, validationFraction, seed, name };
}

/**
 * `prepare-data <images-dir> --out <dir>`: turns a folder of class folders into a training set
 * (RecordIO or images + .lst), `classes.txt`, `dataset.json` and a run request with the dataset's
 * numbers; with `upload`, puts it under `s3://<data bucket>/datasets/<name>/`.
 * @param aws the AWS clients; called only with `upload`
 * @returns the exit code: 0 written (and uploaded)
 */
export async function prepareDataCommand(options: PrepareDataOptions, out: Output, aws?: () => AwsDeps): Promise<number> {
  const { format, validationFraction, seed, name } = checkOptions(options);
  checkOutputFolder(options.out, options.imagesDir);
  const progress = createProgress(options.progressStream ?? { write: () => undefined }, { json: out.jsonMode });

  // Find the bucket before the long work, so missing credentials or stack fail fast.
  let deps: AwsDeps | undefined;
  let dataBucket = options.dataBucket;
  const stackName = options.stackName ?? DEFAULT_STACK_NAME;
  if (options.upload) {
    if (!aws) throw new CliError('No AWS clients to upload with.', { code: 'NoAwsClients' });
    deps = aws();
    dataBucket = (await findPipelineStack(deps.cloudFormation, stackName, deps.region)).dataBucket;
  }

  const tree = scanImageTree(options.imagesDir, {
    maxImageBytes: format === 'recordio' ? RECORDIO_MAX_LENGTH - IMAGE_RECORD_HEADER_SIZE : undefined,
    onFile: (seen) => progress.update('Scanning', seen),
  });
  progress.end();
  if (tree.images.length === 0) {
    throw new UsageError(
      `No JPEG or PNG images under ${options.imagesDir}/<class folder>/ (${tree.skipped.length} file${tree.skipped.length === 1 ? '' : 's'} or folder${tree.skipped.length === 1 ? '' : 's'} skipped); nothing was written.`,
      'Lay the images out as <images-dir>/<class folder>/<image files> (JPEG or PNG), one folder per class.',
    );
  }
  if (tree.classes.length < 2) {
    throw new UsageError(
      `Only one class (${tree.classes[0]}) holds images under ${options.imagesDir}; nothing was written.`,
      'A classifier needs at least two classes: one folder of images per class.',
    );
  }

  const written = writeDataset(tree, {
    out: options.out,
    name,
    format,
    validationFraction,
    seed,
    dataBucket,
    onProgress: (split, done, total) => progress.update(`Writing ${split}`, done, total),
  });
  progress.end();
  const runRequestPath = join(options.out, 'run-request.json');
  checkRunRequest(written.runRequest, dataBucket, runRequestPath);

  let upload: UploadResult | undefined;
  if (options.upload && deps && dataBucket) {
    upload = await uploadDataset({
      s3: deps.s3,
      bucket: dataBucket,
      dir: written.out,
      manifest: written.manifest,
      force: options.force,
      partSize: options.partSize,
      region: deps.region,
      onProgress: (done, total) => progress.update('Uploading', Math.round(done / 1048576), Math.max(1, Math.round(total / 1048576))),
    });
    progress.end();
  }

  if (out.jsonMode) {
    const document: PrepareDataJson = { ...written.manifest, out: options.out, runRequest: runRequestPath, ...(upload ? { upload } : {}) };
    out.json(document);
    return EXIT.ok;
  }
  printSummary(out, written.manifest, options.out);
  const startFlags = `${stackName !== DEFAULT_STACK_NAME ? ` --stack ${stackName}` : ''}`;
  if (upload) {
    out.line(
      upload.alreadyThere
        ? `The same dataset is already at ${upload.uri}: nothing uploaded.`
        : `Uploaded ${upload.files} files (${formatBytes(upload.bytes)}) to ${upload.uri}` +
            `${upload.multipartFiles > 0 ? `, ${upload.multipartFiles} in multipart uploads` : ''}` +
            `${upload.deleted > 0 ? `; deleted ${upload.deleted} stale objects` : ''}.`,
    );
    out.line(`Start a run on it:  npx ic-pipeline start --request ${runRequestPath}${startFlags}`);
  } else if (dataBucket) {
    out.line(`Upload ${options.out}/ to s3://${dataBucket}/${datasetPrefix(name)} (or run again with --upload), then:`);
    out.line(`  npx ic-pipeline start --request ${runRequestPath}${startFlags}`);
  } else {
    out.line(`${runRequestPath} uses the placeholder bucket ${PLACEHOLDER_BUCKETS.dataBucket}; try it offline:`);
    out.line(`  npx ic-pipeline validate ${runRequestPath}`);
    out.line(`  npm run dry-run -- --request ${runRequestPath}`);
    out.line(
      `To train on it, run again with --upload (puts it in the deployed data bucket and fills in the bucket), ` +
        `or with --data-bucket <${STACK_OUTPUTS.dataBucketName} stack output> once you have copied ${options.out}/ to s3://<bucket>/${datasetPrefix(name)}.`,
    );
  }
  return EXIT.ok;
}

/**
 * The written request must pass the Prepare run code (as `validate` and the pipeline run it); a failure
 * here is a bug of prepare-data or a dataset beyond the algorithm's limits, reported as such.
 */
function checkRunRequest(request: unknown, dataBucket: string | undefined, path: string): void {
  prepareRunOrReject(request, VALIDATE_EXECUTION_NAME, { dataBucket: dataBucket ?? PLACEHOLDER_BUCKETS.dataBucket, artifactBucket: PLACEHOLDER_BUCKETS.artifactBucket }, {
    message: () => `The run request written to ${path} does not pass validation:`,
    hint: 'The dataset is written; edit the run request (docs/run-request.md lists every field) and check it with `ic-pipeline validate`.',
  });
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1048576) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1073741824) return `${(bytes / 1048576).toFixed(1)} MiB`;
  return `${(bytes / 1073741824).toFixed(2)} GiB`;
}

/** The summary table: classes and images per split, skipped files, the smallest image side. */
export function printSummary(out: Output, manifest: DatasetManifest, outDir: string): void {
  const shown = manifest.classes.slice(0, SUMMARY_CLASSES);
  const labelWidth = String(manifest.numClasses - 1).length;
  const nameWidth = Math.max(5, ...shown.map((name) => name.length));
  const row = (label: string, name: string, train: number | string, validation: number | string) =>
    `  ${label.padStart(labelWidth)}  ${name.padEnd(nameWidth)}  ${String(train).padStart(7)}  ${String(validation).padStart(10)}`;
  out.line(`Dataset ${out.c.bold(manifest.name)} (${manifest.format}) written to ${outDir}/: ${manifest.numClasses} classes, ` +
    `${manifest.numTrainingSamples} training and ${manifest.numValidationSamples} validation images (seed ${manifest.seed}).`);
  out.line(row('#', 'class', 'train', 'validation'));
  shown.forEach((name, label) => {
    const counts = manifest.counts[name] ?? { train: 0, validation: 0 };
    out.line(row(String(label), name, counts.train, counts.validation));
  });
  if (manifest.classes.length > shown.length) out.line(`  … ${manifest.classes.length - shown.length} more classes (all in ${outDir}/dataset.json)`);
  out.line(row('', 'total', manifest.numTrainingSamples, manifest.numValidationSamples));
  if (manifest.skipped.length > 0) {
    out.line(`Skipped ${manifest.skipped.length} file${manifest.skipped.length === 1 ? '' : 's'} or folder${manifest.skipped.length === 1 ? '' : 's'}:`);
    for (const entry of manifest.skipped) out.line(`  ${entry.path}: ${entry.reason}`);
  } else {
    out.line('Skipped: nothing.');
  }
  const side = imageShapeSide();
  const need = resizeNeed(manifest);
  out.line(
    `Smallest image side: ${manifest.minImageSide} px` +
      (need === 'small-images'
        ? ` (below ${side}, the side of image_shape): the run request sets resize=${resizeFor(side)} so that training does not fail on it.`
        : need === 'image-files'
          ? ` (image-file training needs resize: the run request sets resize=${resizeFor(side)}).`
          : ` (at least ${side}, the side of image_shape: no resize needed).`),
  );
  out.line(`Run request ${join(outDir, 'run-request.json')}: num_classes=${manifest.numClasses}, num_training_samples=${manifest.numTrainingSamples}.`);
}
