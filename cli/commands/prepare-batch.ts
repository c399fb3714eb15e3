/**
 * `ic-pipeline prepare-batch <dir>`: the same decoding, conversion and resizing as prepare-data, for
 * images to classify. No labels are needed: the folders are kept as they are (a labelled layout such as
 * `<class folder>/<file>` stays labelled, for evaluation). A batch transform then never meets an image
 * it cannot read, nor one over its MaxPayloadInMB.
 *
 * Writes `<out>/images/…` (what the transform reads) and `<out>/batch.json` (what was done, every file
 * left out); with `upload`, puts the images under `s3://<data bucket>/batches/<name>/` and prints the
 * `batchInput` to use.
 */
import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { type AwsDeps } from '../aws/clients';
import { DEFAULT_STACK_NAME, findPipelineStack } from '../aws/stack';
import { CliError, EXIT, UsageError } from '../errors';
import type { Output } from '../output';
import { collectImages } from '../prepare-data/collect';
import { DEFAULT_MAX_PAYLOAD_IN_MB, PLACEHOLDER_BUCKETS } from '../prepare-data/contract';
import { besideOut, checkOutputFolder, contentHash, type ProcessingSettings, processingSettings, temporaryDir, writeImageCopies } from '../prepare-data/dataset-writer';
import { type RejectedEntry, scanImageTree } from '../prepare-data/image-tree';
import { checkConvertOptions, type ConvertOptions, DATASET_NAME_PATTERN, defaultDatasetName, type UploadOptions } from '../prepare-data/options';
import { createProgress } from '../prepare-data/progress';
import { batchPrefix } from '../prepare-data/run-request';
import { plural, printRejected, printWrapped } from '../prepare-data/summary';
import { uploadBatch, type UploadResult } from '../prepare-data/upload';

/** What prepare-batch writes into `<out>`. */
export const BATCH_OUTPUT_ENTRIES = ['images', 'batch.json'] as const;

/** A transform request carries one image; SageMaker's default MaxPayloadInMB (6, the pipeline's too) bounds it. */
const MAX_PAYLOAD_BYTES = DEFAULT_MAX_PAYLOAD_IN_MB * 1_000_000;

export interface PrepareBatchOptions extends Omit<ConvertOptions, 'keepOriginal'>, UploadOptions {
  readonly imagesDir: string;
  /** @default `<images-dir>-batch`, beside the images folder */
  readonly out?: string;
  /** @default - the images folder's name, made S3-safe */
  readonly name?: string;
}

/** `<out>/batch.json`. */
export interface BatchManifest {
  readonly name: string;
  readonly processing: ProcessingSettings;
  /** Images written under `images/`. */
  readonly numImages: number;
  /** Where the images go: `s3://<data bucket>/batches/<name>/` (placeholder bucket offline). */
  readonly batchInput: string;
  readonly rejected: RejectedEntry[];
  readonly contentHash: string;
}

export type PrepareBatchJson = BatchManifest & { out: string; upload?: UploadResult };

/**
 * Converts the images under `options.imagesDir` for a batch transform (see the file comment).
 * @returns the exit code: 0 written (and uploaded)
 */
export async function prepareBatchCommand(options: PrepareBatchOptions, out: Output, aws?: () => AwsDeps): Promise<number> {
  const settings = checkConvertOptions(options);
  if (!existsSync(options.imagesDir) || !statSync(options.imagesDir).isDirectory()) {
    throw new UsageError(`The images folder ${options.imagesDir} does not exist or is not a folder.`, 'Pass the folder of images to classify (any layout).');
  }
  const name = options.name ?? defaultDatasetName(options.imagesDir);
  if (!DATASET_NAME_PATTERN.test(name)) {
    throw new UsageError(
      `The batch name ${JSON.stringify(name)} is not usable in S3 keys.`,
      'Pass --name <name>: 1-100 letters, digits, ".", "_" or "-", starting with a letter or digit.',
    );
  }
  if (options.upload && options.dataBucket) {
    throw new UsageError('--upload and --data-bucket cannot be used together.', '--upload finds the data bucket from the deployed stack; --data-bucket is for preparing offline.');
  }
  if (options.force && !options.upload) throw new UsageError('--force only applies with --upload.', 'Add --upload, or leave out --force.');
  const outDir = options.out ?? join(dirname(options.imagesDir), `${basename(resolve(options.imagesDir))}-batch`);
  checkOutputFolder(outDir, options.imagesDir, BATCH_OUTPUT_ENTRIES, 'batch.json', 'prepare-batch');
  const progress = createProgress(options.progressStream ?? { write: () => undefined }, { json: out.jsonMode });

  let deps: AwsDeps | undefined;
  let dataBucket = options.dataBucket;
  if (options.upload) {
    if (!aws) throw new CliError('No AWS clients to upload with.', { code: 'NoAwsClients' });
    deps = aws();
    dataBucket = (await findPipelineStack(deps.cloudFormation, options.stackName ?? DEFAULT_STACK_NAME, deps.region)).dataBucket;
  }
  const batchInput = `s3://${dataBucket ?? PLACEHOLDER_BUCKETS.dataBucket}/${batchPrefix(name)}`;

  const tree = scanImageTree(options.imagesDir, { filesAtRoot: true, onFile: (seen) => progress.update('Scanning', seen) });
  progress.end();
  const workDir = besideOut(outDir, 'images');
  const staging = besideOut(outDir, 'partial');
  const releaseWorkDir = temporaryDir(workDir);
  const releaseStaging = temporaryDir(staging);
  let manifest: BatchManifest;
  try {
    const collected = await collectImages(tree, {
      mode: 'convert',
      settings,
      workDir,
      dedupe: false,
      maxImageBytes: MAX_PAYLOAD_BYTES,
      concurrency: options.concurrency,
      onProgress: (done, total) => progress.update('Converting images', done, total),
    });
    progress.end();
    if (collected.images.length === 0) {
      throw new UsageError(
        `No usable image under ${options.imagesDir} (${plural(collected.rejected.length, 'file or folder', 'files or folders')} left out); nothing was written.`,
        'Run with --json to see every file left out and why.',
      );
    }
    const images = [...collected.images].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const files = writeImageCopies(images, staging, 'images', undefined, (done) => progress.update('Writing images', done, images.length));
    progress.end();
    manifest = {
      name,
      processing: processingSettings('convert', settings),
      numImages: images.length,
      batchInput,
      rejected: collected.rejected,
      contentHash: contentHash(files),
    };
    writeFileSync(join(staging, 'batch.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    rmSync(outDir, { recursive: true, force: true });
    renameSync(staging, outDir);
  } finally {
    releaseWorkDir();
    releaseStaging();
  }

  let upload: UploadResult | undefined;
  if (options.upload && deps && dataBucket) {
    upload = await uploadBatch({
      s3: deps.s3,
      bucket: dataBucket,
      dir: join(outDir, 'images'),
      name,
      force: options.force,
      partSize: options.partSize,
      region: deps.region,
      onProgress: (done, total) => progress.update('Uploading', Math.round(done / 1048576), Math.max(1, Math.round(total / 1048576))),
    });
    progress.end();
  }

  if (out.jsonMode) {
    const document: PrepareBatchJson = { ...manifest, out: outDir, ...(upload ? { upload } : {}) };
    out.json(document);
    return EXIT.ok;
  }
  printWrapped(
    out,
    `Prepared ${plural(manifest.numImages, 'image')} to classify in ${join(outDir, 'images')}/ ` +
      `(converted to JPEG with the shorter side ${settings.shortSide} px; folders kept).`,
  );
  printRejected(out, manifest.rejected, `${join(outDir, 'batch.json')} ("rejected")`);
  if (upload) {
    printWrapped(out, `Uploaded ${plural(upload.files, 'file')} to ${upload.uri}${upload.deleted > 0 ? `; deleted ${upload.deleted} stale objects` : ''}.`);
  } else {
    printWrapped(out, `Upload ${join(outDir, 'images')}/ to ${batchInput} (or run again with --upload), then classify them with:`);
  }
  out.line(`  "batchInput": "${batchInput}"`);
  printWrapped(out, 'in the run request (with "mode": "transform" and "modelName" to use a trained model).');
  return EXIT.ok;
}
