/**
 * Writes a prepared dataset: the split image records (RecordIO files, or image files and .lst files),
 * the held-out test images under `test/<class folder>/`, `classes.txt`, `dataset.json` and
 * `run-request.json`.
 *
 * Files are streamed one image at a time through fixed buffers, so memory does not grow with the
 * dataset. Everything is written into a staging folder beside `<out>` and moved into place at the end,
 * so a failed or interrupted run never leaves a half-written dataset where a complete one is expected.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { CliError, UsageError } from '../errors';
import type { Collected, CollectedImage, DuplicateGroup, PrepareMode } from './collect';
import type { ConvertSettings } from './convert';
import type { RejectedEntry } from './image-tree';
import { IMAGE_RECORD_HEADER_SIZE, RecordIOFileWriter, writeImageRecordHeader } from './recordio';
import { schemaReferenceFrom } from '../run-request-schema-file';
import { type DatasetFormat, runRequestFor, type RunRequestForDataset } from './run-request';
import { type Split, stratifiedSplit } from './split';

/** Images per class in each split. */
export interface SplitCounts {
  train: number;
  validation: number;
  test: number;
}

/** How the images were processed; recorded in dataset.json. */
export interface ProcessingSettings {
  readonly mode: PrepareMode;
  /** The settings of `convert`; null with `keep-original`, except `minSide`, which applies to both. */
  readonly shortSide: number | null;
  readonly quality: number | null;
  readonly background: string | null;
  readonly minSide: number;
  /** What the written images are: `baseline JPEG, 8-bit sRGB, 3 channels`, or `original bytes`. */
  readonly output: string;
}

/** The processing settings of `mode` with `settings`. */
export function processingSettings(mode: PrepareMode, settings: ConvertSettings): ProcessingSettings {
  return mode === 'convert'
    ? { mode, shortSide: settings.shortSide, quality: settings.quality, background: settings.background, minSide: settings.minSide, output: 'baseline JPEG, 8-bit sRGB, 3 channels' }
    : { mode, shortSide: null, quality: null, background: null, minSide: settings.minSide, output: 'original JPEG and PNG bytes' };
}

/** `<out>/dataset.json`: what the dataset holds and how it was made. */
export interface DatasetManifest {
  readonly name: string;
  readonly format: DatasetFormat;
  readonly processing: ProcessingSettings;
  readonly numClasses: number;
  readonly numTrainingSamples: number;
  readonly numValidationSamples: number;
  /** Held-out labelled images under `test/<class folder>/` (the run request's `batchInput`). */
  readonly numTestSamples: number;
  /** Index = label. */
  readonly classes: string[];
  readonly counts: Record<string, SplitCounts>;
  /** The shorter side of the smallest written image, in pixels. */
  readonly minImageSide: number;
  readonly seed: number;
  readonly validationFraction: number;
  readonly testFraction: number;
  /** What the command warned about (unbalanced classes, a lowered mini_batch_size, …). */
  readonly warnings: string[];
  /** Every file or folder not used, with its reason. */
  readonly rejected: RejectedEntry[];
  /** Every set of byte-identical files: one kept, or none (a labelling conflict). */
  readonly duplicates: DuplicateGroup[];
  /**
   * SHA-256 over the path and SHA-256 of every data file and classes.txt: two datasets with the same
   * hash hold the same bytes. `--upload` compares it to refuse overwriting a different dataset.
   */
  readonly contentHash: string;
}

/** The split of the collected images, decided before anything is written. */
export interface DatasetPlan {
  readonly collected: Collected;
  readonly split: Split<CollectedImage>;
  readonly counts: Record<string, SplitCounts>;
}

/** Splits the collected images (stratified, seeded) and counts them per class. */
export function planDataset(collected: Collected, fractions: { validationFraction: number; testFraction: number; seed: number }): DatasetPlan {
  const split = stratifiedSplit(collected.images, fractions.validationFraction, fractions.seed, fractions.testFraction);
  const counts: Record<string, SplitCounts> = {};
  for (const name of collected.classes) counts[name] = { train: 0, validation: 0, test: 0 };
  for (const part of ['train', 'validation', 'test'] as const) {
    for (const image of split[part]) (counts[collected.classes[image.label] as string] as SplitCounts)[part] += 1;
  }
  return { collected, split, counts };
}

export interface WriteDatasetOptions {
  readonly out: string;
  readonly name: string;
  readonly format: DatasetFormat;
  readonly processing: ProcessingSettings;
  readonly validationFraction: number;
  readonly testFraction: number;
  readonly seed: number;
  readonly warnings?: string[];
  /** For the run request's URIs. @default the placeholder `<data-bucket>` */
  readonly dataBucket?: string;
  /** Called after each image is written. */
  readonly onProgress?: (split: 'train' | 'validation' | 'test', done: number, total: number) => void;
}

export interface WrittenDataset {
  readonly manifest: DatasetManifest;
  readonly runRequest: RunRequestForDataset;
  /** Absolute path of the output folder. */
  readonly out: string;
}

/** What prepare-data writes into `<out>`; anything else there means it is someone else's folder. */
export const OUTPUT_ENTRIES = ['train', 'validation', 'test', 'train_lst', 'validation_lst', 'classes.txt', 'dataset.json', 'run-request.json'] as const;

/**
 * Refuses an output folder that overlaps the images or holds files prepare-data did not write.
 * A folder holding an earlier prepare-data output is replaced.
 * @param entries what the command writes there; @default OUTPUT_ENTRIES
 * @param marker the file that marks an earlier output; @default dataset.json
 * @throws UsageError
 */
export function checkOutputFolder(out: string, imagesDir: string, entries: readonly string[] = OUTPUT_ENTRIES, marker = 'dataset.json', command = 'prepare-data'): void {
  const outAbs = resolve(out);
  const imagesAbs = resolve(imagesDir);
  const inside = (child: string, parent: string) => child === parent || child.startsWith(parent + sep);
  if (inside(outAbs, imagesAbs) || inside(imagesAbs, outAbs)) {
    throw new UsageError(
      `The output folder ${out} and the images folder ${imagesDir} overlap.`,
      'Pass --out <dir> outside the images folder (e.g. --out prepared), so the output is not read as images.',
    );
  }
  if (!existsSync(outAbs)) return;
  if (!statSync(outAbs).isDirectory()) throw new UsageError(`The output ${out} is a file, not a folder.`, 'Pass --out <dir> with a new or empty folder.');
  const present = readdirSync(outAbs);
  if (present.length === 0) return;
  const foreign = present.filter((entry) => !entries.includes(entry));
  if (!present.includes(marker) || foreign.length > 0) {
    throw new UsageError(
      `The output folder ${out} is not empty and does not hold (only) an earlier ${command} output` +
        `${foreign.length > 0 ? ` (it holds ${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''})` : ''}.`,
      `Pass --out <dir> with a new or empty folder; a folder written by ${command} is replaced.`,
    );
  }
}

/** A folder beside `out` for work in progress: `.<name>.<what>-<pid>`. */
export function besideOut(out: string, what: string): string {
  const abs = resolve(out);
  return join(dirname(abs), `.${basename(abs)}.${what}-${process.pid}`);
}

/**
 * Makes `dir` (empty) and removes it when the process exits before `release()` is called: Ctrl-C ends
 * the command line with process.exit, which skips `finally` blocks, and a hidden half-written folder
 * beside `--out` would otherwise stay.
 * @returns release(): removes `dir` and the exit hook
 */
export function temporaryDir(dir: string): () => void {
  const remove = () => rmSync(dir, { recursive: true, force: true });
  remove();
  mkdirSync(dir, { recursive: true });
  process.on('exit', remove);
  return () => {
    process.off('exit', remove);
    remove();
  };
}

/**
 * Writes `plan` into `options.out` (see the file comment).
 * @throws CliError when an image changed or vanished while it was being written
 */
export function writeDataset(plan: DatasetPlan, options: WriteDatasetOptions): WrittenDataset {
  const out = resolve(options.out);
  const staging = besideOut(out, 'partial');
  const { collected, split, counts } = plan;
  const release = temporaryDir(staging);
  try {
    const files: { path: string; sha256: string }[] = [];
    for (const part of ['train', 'validation'] as const) {
      const entries = split[part];
      const progress = (done: number) => options.onProgress?.(part, done, entries.length);
      if (options.format === 'recordio') {
        files.push(writeRecordFile(entries, join(staging, part), `${options.name}-${part}.rec`, progress));
      } else {
        files.push(...writeImageCopies(entries, staging, part, `${options.name}-${part}.lst`, progress));
      }
    }
    if (split.test.length > 0) {
      files.push(...writeImageCopies(split.test, staging, 'test', undefined, (done) => options.onProgress?.('test', done, split.test.length)));
    }
    const classesText = collected.classes.map((name) => `${name}\n`).join('');
    writeFileSync(join(staging, 'classes.txt'), classesText);
    files.push({ path: 'classes.txt', sha256: sha256(Buffer.from(classesText)) });

    const written = [...split.train, ...split.validation, ...split.test];
    const manifest: DatasetManifest = {
      name: options.name,
      format: options.format,
      processing: options.processing,
      numClasses: collected.classes.length,
      numTrainingSamples: split.train.length,
      numValidationSamples: split.validation.length,
      numTestSamples: split.test.length,
      classes: collected.classes,
      counts,
      minImageSide: written.reduce((min, image) => Math.min(min, image.width, image.height), Number.POSITIVE_INFINITY),
      seed: options.seed,
      validationFraction: options.validationFraction,
      testFraction: options.testFraction,
      warnings: options.warnings ?? [],
      rejected: collected.rejected,
      duplicates: collected.duplicates,
      contentHash: contentHash(files),
    };
    const runRequest = runRequestFor({ ...manifest, shortSide: options.processing.shortSide }, options.dataBucket);
    writeFileSync(join(staging, 'dataset.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    // "$schema" first, so that editors check and complete the file (cli/run-request-schema-file.ts says why a path).
    writeFileSync(join(staging, 'run-request.json'), `${JSON.stringify({ $schema: schemaReferenceFrom(out), ...runRequest }, null, 2)}\n`);

    // Only prepare-data's own earlier output can be here (checkOutputFolder); replace it whole.
    rmSync(out, { recursive: true, force: true });
    renameSync(staging, out);
    return { manifest, runRequest, out };
  } finally {
    release();
  }
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Order-independent of how the files were written: sorted by path. */
export function contentHash(files: readonly { path: string; sha256: string }[]): string {
  const lines = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map((file) => `${file.path}\t${file.sha256}\n`);
  return createHash('sha256').update(lines.join('')).digest('hex');
}

/** Reads image files one at a time into one reusable buffer (grown to the largest image), after `offset` free bytes. */
export class ImageReader {
  private buffer = Buffer.allocUnsafe(1024 * 1024);

  /** `offset` free bytes followed by the image's bytes. The buffer is reused by the next call. */
  read(image: Pick<CollectedImage, 'path' | 'source' | 'size'>, offset: number): Buffer {
    const total = offset + image.size;
    if (this.buffer.length < total) this.buffer = Buffer.allocUnsafe(Math.max(total, this.buffer.length * 2));
    let fd: number;
    try {
      fd = openSync(image.source, 'r');
    } catch (error) {
      throw changedError(image, `it cannot be opened any more (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    try {
      let filled = 0;
      while (filled < image.size) {
        const n = readSync(fd, this.buffer, offset + filled, image.size - filled, filled);
        if (n === 0) break;
        filled += n;
      }
      // One more byte would mean the file grew since it was read.
      if (filled !== image.size || readSync(fd, Buffer.alloc(1), 0, 1, image.size) !== 0) {
        throw changedError(image, `its size changed from ${image.size} bytes`);
      }
    } finally {
      closeSync(fd);
    }
    return this.buffer.subarray(0, total);
  }
}

function changedError(image: Pick<CollectedImage, 'path'>, what: string): CliError {
  return new CliError(`The image ${image.path} changed while the dataset was being written: ${what}.`, {
    hint: 'Run prepare-data again once nothing is writing to the images folder.',
    code: 'ImageChanged',
  });
}

function writeRecordFile(
  entries: readonly CollectedImage[],
  dir: string,
  fileName: string,
  progress: (done: number) => void,
): { path: string; sha256: string } {
  mkdirSync(dir, { recursive: true });
  const writer = new RecordIOFileWriter(join(dir, fileName));
  const reader = new ImageReader();
  try {
    entries.forEach((image, id) => {
      const payload = reader.read(image, IMAGE_RECORD_HEADER_SIZE);
      writeImageRecordHeader(payload, image.label, id);
      writer.writeRecord(payload);
      progress(id + 1);
    });
  } catch (error) {
    writer.abandon();
    throw error;
  }
  const summary = writer.close();
  return { path: `${basename(dir)}/${fileName}`, sha256: summary.sha256 };
}

/** im2rec writes labels with Python's `'%f'`. */
function lstLabel(label: number): string {
  return label.toFixed(6);
}

/**
 * Where an image is written under its split folder: its path, with `.jpg` in place of its extension
 * when it was converted to JPEG (`cat/a.png` → `cat/a.jpg`); `cat/a.png.jpg` when that name is taken.
 */
export function writtenPath(image: Pick<CollectedImage, 'path' | 'format'>, taken: Set<string>): string {
  let path = image.path;
  if (image.format === 'jpeg' && !/\.jpe?g$/i.test(path)) {
    const stem = path.replace(/\.[^./]*$/, '');
    path = taken.has(`${stem}.jpg`) ? `${path}.jpg` : `${stem}.jpg`;
  }
  taken.add(path);
  return path;
}

/** Image files under `<staging>/<part>/`, listed in `<part>_lst/<lstName>` when a name is given. */
export function writeImageCopies(
  entries: readonly CollectedImage[],
  staging: string,
  part: string,
  lstName: string | undefined,
  progress: (done: number) => void,
): { path: string; sha256: string }[] {
  const reader = new ImageReader();
  const files: { path: string; sha256: string }[] = [];
  const lstDir = join(staging, `${part}_lst`);
  if (lstName) mkdirSync(lstDir, { recursive: true });
  mkdirSync(join(staging, part), { recursive: true });
  const lstFd = lstName ? openSync(join(lstDir, lstName), 'w') : undefined;
  const lstHash = createHash('sha256');
  const made = new Set<string>();
  // Names are given in path order, so which file gets the `.png.jpg` name does not depend on the shuffle.
  const taken = new Set<string>();
  const names = new Map([...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map((image) => [image, writtenPath(image, taken)]));
  try {
    entries.forEach((image, index) => {
      const bytes = reader.read(image, 0);
      const path = names.get(image) as string;
      const target = join(staging, part, ...path.split('/'));
      const folder = dirname(target);
      if (!made.has(folder)) {
        mkdirSync(folder, { recursive: true });
        made.add(folder);
      }
      writeFileSync(target, bytes);
      files.push({ path: `${part}/${path}`, sha256: sha256(bytes) });
      if (lstFd !== undefined) {
        // The path is relative to the channel's root (the train/ or validation/ prefix), as the algorithm reads it.
        const line = Buffer.from(`${index}\t${lstLabel(image.label)}\t${path}\n`);
        let written = 0;
        while (written < line.length) written += writeSync(lstFd, line, written);
        lstHash.update(line);
      }
      progress(index + 1);
    });
  } finally {
    if (lstFd !== undefined) closeSync(lstFd);
  }
  if (lstName) files.push({ path: `${part}_lst/${lstName}`, sha256: lstHash.digest('hex') });
  return files;
}

/** Every file under `dir`, as paths relative to it with `/`, sorted. */
export function listFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else found.push(relative(dir, path).split(sep).join('/'));
    }
  };
  walk(dir);
  return found.sort();
}
