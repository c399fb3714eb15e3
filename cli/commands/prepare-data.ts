import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type AwsDeps } from '../aws/clients';
import { DEFAULT_STACK_NAME, findPipelineStack } from '../aws/stack';
import { CliError, EXIT, UsageError } from '../errors';
import type { Output } from '../output';
import { type Collected, collectImages, type PrepareMode } from '../prepare-data/collect';
import { checkConvertOptions, type ConvertOptions, DATASET_NAME_PATTERN, defaultDatasetName, isWhole, type UploadOptions } from '../prepare-data/options';
import { PLACEHOLDER_BUCKETS, prepareRunOrReject, VALIDATE_EXECUTION_NAME } from '../prepare-data/contract';
import {
  besideOut,
  checkOutputFolder,
  type DatasetManifest,
  type DatasetPlan,
  planDataset,
  processingSettings,
  temporaryDir,
  writeDataset,
} from '../prepare-data/dataset-writer';
import { scanImageTree } from '../prepare-data/image-tree';
import { createProgress } from '../prepare-data/progress';
import { IMAGE_RECORD_HEADER_SIZE, RECORDIO_MAX_LENGTH } from '../prepare-data/recordio';
import { DATASET_FORMATS, type DatasetFormat, imageShapeSide, miniBatchSizeFor, referenceMiniBatchSize, resizeFor, resizeNeed } from '../prepare-data/run-request';
import { plural, printRejected, printWarning, printWrapped } from '../prepare-data/summary';
import { uploadDataset, type UploadResult } from '../prepare-data/upload';

import { DEFAULT_SEED, DEFAULT_TEST_FRACTION, DEFAULT_VALIDATION_FRACTION } from '../defaults';
import { datasetPrefix } from '../../core/s3-layout';
import { STACK_OUTPUTS } from '../../core/stack-outputs';

export { DEFAULT_SEED, DEFAULT_TEST_FRACTION, DEFAULT_VALIDATION_FRACTION };
/** Classes listed one by one in the summary; the rest are in dataset.json. */
const SUMMARY_CLASSES = 20;
/** Classes whose sizes differ more than this are warned about: the model then mostly learns the big ones. */
export const IMBALANCE_RATIO = 10;
/** Each class needs one image to train on and one to validate on. */
export const MIN_CLASS_IMAGES = 2;

export interface PrepareDataOptions extends ConvertOptions, UploadOptions {
  readonly imagesDir: string;
  readonly out: string;
  /** @default 'recordio' */
  readonly format?: string;
  /** @default 0.2 */
  readonly validationFraction?: number;
  /** Share of each class held out as labelled test images; 0 turns it off. @default 0.1 */
  readonly testFraction?: number;
  /** @default 1 */
  readonly seed?: number;
  /** @default - the images folder's name, made S3-safe */
  readonly name?: string;
}

/** The JSON document of `--json`: dataset.json, plus where things went. */
export type PrepareDataJson = DatasetManifest & { out: string; runRequest: string; upload?: UploadResult };

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
  const testFraction = options.testFraction ?? DEFAULT_TEST_FRACTION;
  if (!(testFraction >= 0 && testFraction < 1) || validationFraction + testFraction >= 1) {
    throw new UsageError(
      `--test-fraction ${testFraction} must be a number from 0 (no test images) to below 1, and leave images to train on: with --validation-fraction ${validationFraction} it must be below ${Number((1 - validationFraction).toFixed(6))}.`,
      'E.g. --test-fraction 0.1 (the default).',
    );
  }
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new UsageError(`--seed ${seed} must be a whole number from 0 to 4294967295.`);
  if (options.concurrency !== undefined && !isWhole(options.concurrency, 1, 64)) throw new UsageError(`concurrency ${options.concurrency} must be a whole number from 1 to 64.`);
  const settings = checkConvertOptions(options);
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
  const mode: PrepareMode = options.keepOriginal ? 'keep-original' : 'convert';
  return { format, validationFraction, testFraction, seed, name, settings, mode };
}

/** A list of names for a message: the first few, then how many more. */
function someOf(names: readonly string[], shown = 5): string {
  return names.length <= shown ? names.join(', ') : `${names.slice(0, shown).join(', ')} and ${names.length - shown} more`;
}

/**
 * The checks made once every image is decoded and before anything is written: errors (usage errors,
 * exit 2) for a dataset that cannot train, warnings for one that trains badly.
 * @returns the warnings, as sentences
 * @throws UsageError
 */
export function checkPlan(plan: DatasetPlan, collected: Collected, imagesDir: string, testFraction: number): string[] {
  const leftOut = `${plural(collected.rejected.length, 'file or folder', 'files or folders')} left out`;
  if (collected.images.length === 0) {
    throw new UsageError(
      `No usable image under ${imagesDir}/<class folder>/ (${leftOut}); nothing was written.`,
      'Lay the images out as <images-dir>/<class folder>/<image files>, one folder per class; run with --json to see every file left out and why.',
    );
  }
  if (collected.classes.length < 2) {
    throw new UsageError(
      `Only one class (${collected.classes[0]}) holds usable images under ${imagesDir} (${leftOut}); nothing was written.`,
      'A classifier needs at least two classes: one folder of images per class.',
    );
  }
  const sizes = collected.classes.map((name) => {
    const counts = plan.counts[name] ?? { train: 0, validation: 0, test: 0 };
    return { name, images: counts.train + counts.validation + counts.test };
  });
  const tooFew = sizes.filter((size) => size.images < MIN_CLASS_IMAGES);
  if (tooFew.length > 0) {
    throw new UsageError(
      `${tooFew.length === 1 ? 'Class' : `${tooFew.length} classes have too few usable images:`} ` +
        `${someOf(tooFew.map((size) => `${size.name} (${plural(size.images, 'image')})`))}${tooFew.length === 1 ? ' has too few usable images' : ''}; ` +
        `every class needs at least ${MIN_CLASS_IMAGES} (one to train on, one to validate on); nothing was written.`,
      'Add images to these folders, or move the folders out of the images folder.',
    );
  }
  const warnings: string[] = [];
  if (collected.foldersWithoutImages.length > 0) {
    warnings.push(`${collected.foldersWithoutImages.length === 1 ? 'The folder' : `${collected.foldersWithoutImages.length} folders`} ${someOf(collected.foldersWithoutImages)} ${collected.foldersWithoutImages.length === 1 ? 'holds' : 'hold'} no usable image and ${collected.foldersWithoutImages.length === 1 ? 'is not a class' : 'are not classes'}.`);
  }
  const numTraining = plan.split.train.length;
  const miniBatch = miniBatchSizeFor(numTraining);
  if (miniBatch !== undefined) {
    warnings.push(
      `The training set has ${plural(numTraining, 'image')}, fewer than the reference mini_batch_size ${referenceMiniBatchSize()}: ` +
        `the run request sets mini_batch_size=${miniBatch}, as SageMaker fails a job whose training set is smaller than its batch.`,
    );
  }
  const largest = sizes.reduce((a, b) => (b.images > a.images ? b : a));
  const small = sizes.filter((size) => size.images * IMBALANCE_RATIO < largest.images);
  if (small.length > 0) {
    warnings.push(
      `Classes differ more than ${IMBALANCE_RATIO} to 1: ${largest.name} has ${plural(largest.images, 'image')}, ` +
        `${someOf(small.map((size) => `${size.name} ${size.images}`))}; the model will favour the large classes (add images, or leave some out).`,
    );
  }
  if (testFraction > 0) {
    const untested = collected.classes.filter((name) => (plan.counts[name]?.test ?? 0) === 0);
    if (untested.length > 0) {
      warnings.push(`${plural(untested.length, 'class', 'classes')} (${someOf(untested)}) ${untested.length === 1 ? 'has' : 'have'} no test image: a class needs at least 3 images for one to be held out.`);
    }
  }
  return warnings;
}

/**
 * `prepare-data <images-dir> --out <dir>`: turns a folder of class folders into a training set
 * (RecordIO or images + .lst), a labelled test set, `classes.txt`, `dataset.json` and a run request with
 * the dataset's numbers; with `upload`, puts it under `s3://<data bucket>/datasets/<name>/`.
 * @param aws the AWS clients; called only with `upload`
 * @returns the exit code: 0 written (and uploaded)
 */
export async function prepareDataCommand(options: PrepareDataOptions, out: Output, aws?: () => AwsDeps): Promise<number> {
  const { format, validationFraction, testFraction, seed, name, settings, mode } = checkOptions(options);
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

  const tree = scanImageTree(options.imagesDir, { onFile: (seen) => progress.update('Scanning', seen) });
  progress.end();
  if (tree.files.length === 0) {
    throw new UsageError(
      `No files under ${options.imagesDir}/<class folder>/ (${plural(tree.rejected.length, 'file or folder', 'files or folders')} left out); nothing was written.`,
      'Lay the images out as <images-dir>/<class folder>/<image files>, one folder per class.',
    );
  }

  const workDir = besideOut(options.out, 'images');
  const releaseWorkDir = temporaryDir(workDir);
  let written;
  try {
    const collected = await collectImages(tree, {
      mode,
      settings,
      workDir,
      maxImageBytes: format === 'recordio' ? RECORDIO_MAX_LENGTH - IMAGE_RECORD_HEADER_SIZE : undefined,
      concurrency: options.concurrency,
      onProgress: (done, total) => progress.update(mode === 'convert' ? 'Converting images' : 'Checking images', done, total),
    });
    progress.end();
    const plan = planDataset(collected, { validationFraction, testFraction, seed });
    const warnings = checkPlan(plan, collected, options.imagesDir, testFraction);
    for (const warning of warnings) printWarning(out, warning);
    written = writeDataset(plan, {
      out: options.out,
      name,
      format,
      processing: processingSettings(mode, settings),
      validationFraction,
      testFraction,
      seed,
      warnings,
      dataBucket,
      onProgress: (split, done, total) => progress.update(`Writing ${split}`, done, total),
    });
    progress.end();
  } finally {
    releaseWorkDir();
  }
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
  printSummary(out, written.manifest, options.out, written.runRequest.hyperparameters);
  const startFlags = `${stackName !== DEFAULT_STACK_NAME ? ` --stack ${stackName}` : ''}`;
  if (upload) {
    printWrapped(
      out,
      upload.alreadyThere
        ? `The same dataset is already at ${upload.uri}: nothing uploaded.`
        : `Uploaded ${upload.files} files (${formatBytes(upload.bytes)}) to ${upload.uri}` +
            `${upload.multipartFiles > 0 ? `, ${upload.multipartFiles} in multipart uploads` : ''}` +
            `${upload.deleted > 0 ? `; deleted ${upload.deleted} stale objects` : ''}.`,
    );
    out.line('Start a run on it:');
    out.line(`  npx ic-pipeline start --request ${runRequestPath}${startFlags}`);
  } else if (dataBucket) {
    printWrapped(out, `Upload ${options.out}/ to s3://${dataBucket}/${datasetPrefix(name)} (or run again with --upload), then:`);
    out.line(`  npx ic-pipeline start --request ${runRequestPath}${startFlags}`);
  } else {
    printWrapped(out, `${runRequestPath} uses the placeholder bucket ${PLACEHOLDER_BUCKETS.dataBucket}; try it offline:`);
    out.line(`  npx ic-pipeline validate ${runRequestPath}`);
    out.line(`  npm run dry-run -- --request ${runRequestPath}`);
    printWrapped(
      out,
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

/**
 * The summary: the classes and images per split (the first 20 classes), what was left out (counts per
 * reason, the first few files, where the full list is), duplicates, and the run request's numbers.
 */
export function printSummary(out: Output, manifest: DatasetManifest, outDir: string, hyperparameters: Record<string, number>): void {
  const shown = manifest.classes.slice(0, SUMMARY_CLASSES);
  const labelWidth = String(manifest.numClasses - 1).length;
  // The counts take 2 + label + 2 + 2 + 7 + 2 + 10 + 2 + 4 columns; the class name gets what is left on a terminal.
  const fixed = labelWidth + 31;
  const widest = Math.max(5, ...shown.map((name) => name.length));
  const nameWidth = out.tty ? Math.max(5, Math.min(widest, out.columns() - 1 - fixed)) : widest;
  const cut = (name: string) => (name.length <= nameWidth ? name : `${name.slice(0, nameWidth - 1)}…`);
  const row = (label: string, name: string, train: number | string, validation: number | string, test: number | string) =>
    `  ${label.padStart(labelWidth)}  ${cut(name).padEnd(nameWidth)}  ${String(train).padStart(7)}  ${String(validation).padStart(10)}  ${String(test).padStart(4)}`;
  const converted = manifest.processing.mode === 'convert'
    ? `images converted to JPEG with the shorter side ${manifest.processing.shortSide} px`
    : 'images packed as they are, --keep-original';
  printWrapped(out, `Dataset ${out.c.bold(manifest.name)} (${manifest.format}) written to ${outDir}/: ` +
    `${plural(manifest.numClasses, 'class', 'classes')}, ${manifest.numTrainingSamples} training, ${manifest.numValidationSamples} validation ` +
    `and ${manifest.numTestSamples} test images (seed ${manifest.seed}; ${converted}).`);
  out.line(row('#', 'class', 'train', 'validation', 'test'));
  shown.forEach((name, label) => {
    const counts = manifest.counts[name] ?? { train: 0, validation: 0, test: 0 };
    out.line(row(String(label), name, counts.train, counts.validation, counts.test));
  });
  if (manifest.classes.length > shown.length) printWrapped(out, `  … ${manifest.classes.length - shown.length} more classes (all in ${outDir}/dataset.json)`);
  out.line(row('', 'total', manifest.numTrainingSamples, manifest.numValidationSamples, manifest.numTestSamples));
  printRejected(out, manifest.rejected, `${join(outDir, 'dataset.json')} ("rejected")`);
  const copies = manifest.duplicates.filter((group) => !group.conflict).reduce((sum, group) => sum + group.files.length - 1, 0);
  if (copies > 0) {
    printWrapped(out, `Duplicates: ${plural(copies, 'file')} with the same bytes as another in its class, used once (groups in dataset.json, "duplicates").`, '  ');
  }
  if (manifest.processing.mode === 'keep-original') {
    const side = imageShapeSide();
    const need = resizeNeed({ ...manifest, shortSide: null });
    printWrapped(
      out,
      `Smallest image side: ${manifest.minImageSide} px` +
        (need === 'small-images'
          ? ` (below ${side}, the side of image_shape): the run request sets resize=${resizeFor(side)} so that training does not fail on it.`
          : need === 'image-files'
            ? ` (image-file training needs resize: the run request sets resize=${resizeFor(side)}).`
            : ` (at least ${side}, the side of image_shape: no resize needed).`),
    );
  }
  const numbers = Object.entries(hyperparameters).map(([key, value]) => `${key}=${value}`).join(', ');
  printWrapped(
    out,
    `Run request ${join(outDir, 'run-request.json')}: ${numbers}` +
      (manifest.numTestSamples > 0 ? `; its batch transform classifies the ${manifest.numTestSamples} test images (batchInput …/${manifest.name}/test/).` : '.'),
    '  ',
  );
}
