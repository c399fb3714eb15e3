/**
 * Writes a prepared dataset: the split image records (RecordIO files, or image copies and .lst files),
 * `classes.txt`, `dataset.json` and `run-request.json`.
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
import type { ImageEntry, ImageTree, SkippedEntry } from './image-tree';
import { IMAGE_RECORD_HEADER_SIZE, RecordIOFileWriter, writeImageRecordHeader } from './recordio';
import { schemaReferenceFrom } from '../run-request-schema-file';
import { type DatasetFormat, runRequestFor, type RunRequestForDataset } from './run-request';
import { stratifiedSplit } from './split';

/** `<out>/dataset.json`: what the dataset holds and how it was made. */
export interface DatasetManifest {
  readonly name: string;
  readonly format: DatasetFormat;
  readonly numClasses: number;
  readonly numTrainingSamples: number;
  readonly numValidationSamples: number;
  /** Index = label. */
  readonly classes: string[];
  readonly counts: Record<string, { train: number; validation: number }>;
  /** The shorter side of the smallest image, in pixels. */
  readonly minImageSide: number;
  readonly skipped: SkippedEntry[];
  readonly seed: number;
  readonly validationFraction: number;
  /**
   * SHA-256 over the path and SHA-256 of every data file and classes.txt: two datasets with the same
   * hash hold the same bytes. `--upload` compares it to refuse overwriting a different dataset.
   */
  readonly contentHash: string;
}

export interface WriteDatasetOptions {
  readonly out: string;
  readonly name: string;
  readonly format: DatasetFormat;
  readonly validationFraction: number;
  readonly seed: number;
  /** For the run request's URIs. @default the placeholder `<data-bucket>` */
  readonly dataBucket?: string;
  /** Called after each image is written. */
  readonly onProgress?: (split: 'train' | 'validation', done: number, total: number) => void;
}

export interface WrittenDataset {
  readonly manifest: DatasetManifest;
  readonly runRequest: RunRequestForDataset;
  /** Absolute path of the output folder. */
  readonly out: string;
}

/** What prepare-data writes into `<out>`; anything else there means it is someone else's folder. */
export const OUTPUT_ENTRIES = ['train', 'validation', 'train_lst', 'validation_lst', 'classes.txt', 'dataset.json', 'run-request.json'] as const;

/**
 * Refuses an output folder that overlaps the images or holds files prepare-data did not write.
 * A folder holding an earlier prepare-data output is replaced.
 * @throws UsageError
 */
export function checkOutputFolder(out: string, imagesDir: string): void {
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
  const entries = readdirSync(outAbs);
  if (entries.length === 0) return;
  const foreign = entries.filter((entry) => !(OUTPUT_ENTRIES as readonly string[]).includes(entry));
  if (!entries.includes('dataset.json') || foreign.length > 0) {
    throw new UsageError(
      `The output folder ${out} is not empty and does not hold (only) an earlier prepare-data output` +
        `${foreign.length > 0 ? ` (it holds ${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''})` : ''}.`,
      'Pass --out <dir> with a new or empty folder; a folder written by prepare-data is replaced.',
    );
  }
}

/**
 * Splits `tree` and writes the dataset into `options.out` (see the file comment).
 * @throws CliError when an image changed or vanished while it was being written
 */
export function writeDataset(tree: ImageTree, options: WriteDatasetOptions): WrittenDataset {
  const out = resolve(options.out);
  const staging = join(dirname(out), `.${basename(out)}.partial-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    const split = stratifiedSplit(tree.images, options.validationFraction, options.seed);
    const files: { path: string; sha256: string }[] = [];
    for (const part of ['train', 'validation'] as const) {
      const entries = split[part];
      const progress = (done: number) => options.onProgress?.(part, done, entries.length);
      if (options.format === 'recordio') {
        files.push(writeRecordFile(tree.root, entries, join(staging, part), `${options.name}-${part}.rec`, progress));
      } else {
        files.push(...writeImageCopies(tree.root, entries, staging, part, `${options.name}-${part}.lst`, progress));
      }
    }
    const classesText = tree.classes.map((name) => `${name}\n`).join('');
    writeFileSync(join(staging, 'classes.txt'), classesText);
    files.push({ path: 'classes.txt', sha256: sha256(Buffer.from(classesText)) });

    const counts: Record<string, { train: number; validation: number }> = {};
    for (const name of tree.classes) counts[name] = { train: 0, validation: 0 };
    for (const part of ['train', 'validation'] as const) {
      for (const image of split[part]) (counts[tree.classes[image.label] as string] as { train: number; validation: number })[part] += 1;
    }
    const manifest: DatasetManifest = {
      name: options.name,
      format: options.format,
      numClasses: tree.classes.length,
      numTrainingSamples: split.train.length,
      numValidationSamples: split.validation.length,
      classes: tree.classes,
      counts,
      minImageSide: Math.min(...tree.images.map((image) => Math.min(image.width, image.height))),
      skipped: tree.skipped,
      seed: options.seed,
      validationFraction: options.validationFraction,
      contentHash: contentHash(files),
    };
    const runRequest = runRequestFor(manifest, options.dataBucket);
    writeFileSync(join(staging, 'dataset.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    // "$schema" first, so that editors check and complete the file (cli/run-request-schema-file.ts says why a path).
    writeFileSync(join(staging, 'run-request.json'), `${JSON.stringify({ $schema: schemaReferenceFrom(out), ...runRequest }, null, 2)}\n`);

    // Only prepare-data's own earlier output can be here (checkOutputFolder); replace it whole.
    rmSync(out, { recursive: true, force: true });
    renameSync(staging, out);
    return { manifest, runRequest, out };
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Order-independent of how the files were written: sorted by path. */
function contentHash(files: readonly { path: string; sha256: string }[]): string {
  const lines = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map((file) => `${file.path}\t${file.sha256}\n`);
  return createHash('sha256').update(lines.join('')).digest('hex');
}

/** Reads image files one at a time into one reusable buffer (grown to the largest image), after `offset` free bytes. */
class ImageReader {
  private buffer = Buffer.allocUnsafe(1024 * 1024);

  constructor(private readonly root: string) {}

  /** `offset` free bytes followed by the image's bytes. The buffer is reused by the next call. */
  read(image: ImageEntry, offset: number): Buffer {
    const path = join(this.root, ...image.path.split('/'));
    const total = offset + image.size;
    if (this.buffer.length < total) this.buffer = Buffer.allocUnsafe(Math.max(total, this.buffer.length * 2));
    let fd: number;
    try {
      fd = openSync(path, 'r');
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
      // One more byte would mean the file grew since it was scanned.
      if (filled !== image.size || readSync(fd, Buffer.alloc(1), 0, 1, image.size) !== 0) {
        throw changedError(image, `its size changed from ${image.size} bytes`);
      }
    } finally {
      closeSync(fd);
    }
    return this.buffer.subarray(0, total);
  }
}

function changedError(image: ImageEntry, what: string): CliError {
  return new CliError(`The image ${image.path} changed while the dataset was being written: ${what}.`, {
    hint: 'Run prepare-data again once nothing is writing to the images folder.',
    code: 'ImageChanged',
  });
}

function writeRecordFile(
  root: string,
  entries: readonly ImageEntry[],
  dir: string,
  fileName: string,
  progress: (done: number) => void,
): { path: string; sha256: string } {
  mkdirSync(dir, { recursive: true });
  const writer = new RecordIOFileWriter(join(dir, fileName));
  const reader = new ImageReader(root);
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

function writeImageCopies(
  root: string,
  entries: readonly ImageEntry[],
  staging: string,
  part: 'train' | 'validation',
  lstName: string,
  progress: (done: number) => void,
): { path: string; sha256: string }[] {
  const reader = new ImageReader(root);
  const files: { path: string; sha256: string }[] = [];
  const lstDir = join(staging, `${part}_lst`);
  mkdirSync(lstDir, { recursive: true });
  mkdirSync(join(staging, part), { recursive: true });
  const lstFd = openSync(join(lstDir, lstName), 'w');
  const lstHash = createHash('sha256');
  const made = new Set<string>();
  try {
    entries.forEach((image, index) => {
      const bytes = reader.read(image, 0);
      const target = join(staging, part, ...image.path.split('/'));
      const folder = dirname(target);
      if (!made.has(folder)) {
        mkdirSync(folder, { recursive: true });
        made.add(folder);
      }
      writeFileSync(target, bytes);
      files.push({ path: `${part}/${image.path}`, sha256: sha256(bytes) });
      // The path is relative to the channel's root (the train/ or validation/ prefix), as the algorithm reads it.
      const line = Buffer.from(`${index}\t${lstLabel(image.label)}\t${image.path}\n`);
      let written = 0;
      while (written < line.length) written += writeSync(lstFd, line, written);
      lstHash.update(line);
      progress(index + 1);
    });
  } finally {
    closeSync(lstFd);
  }
  files.push({ path: `${part}_lst/${lstName}`, sha256: lstHash.digest('hex') });
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
