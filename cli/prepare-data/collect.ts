/**
 * Reads every candidate file of a scanned tree once, a bounded number at a time: hashes its bytes,
 * decodes and converts it (./convert.ts) or, with `keep-original`, checks its header, and keeps the
 * converted JPEG in a work folder (never in memory, so memory stays flat in the number of images).
 *
 * Then finds what may be trained on: byte-identical files are kept once (the first by path); the same
 * bytes in two class folders are a labelling conflict and every copy is left out. Classes are the
 * folders that still hold an image, labelled 0..N-1 in name order.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { runPool } from '../download/pool';
import { checkDecodable, type ConvertSettings, convertImage, type Rejection } from './convert';
import { bufferSource, sniffImage } from './image-header';
import { compareNames, type FileTree, type RejectedEntry, type SourceFile } from './image-tree';

/** `convert` decodes and re-encodes every image (the default); `keep-original` packs JPEG and PNG bytes as they are. */
export type PrepareMode = 'convert' | 'keep-original';

/**
 * Images in flight at once: two per core, at most 8. sharp runs each image on libuv's thread pool (4
 * threads by default), with libvips' own threads per image set to 1 on glibc Linux
 * (sharp.concurrency()), so one image per core would leave a core idle while its next file is read,
 * hashed and its JPEG written.
 */
export function defaultConcurrency(): number {
  return Math.max(2, Math.min(8, 2 * availableParallelism()));
}

export interface CollectOptions {
  readonly mode: PrepareMode;
  readonly settings: ConvertSettings;
  /** Folder for the converted JPEGs (must exist; the caller removes it). */
  readonly workDir: string;
  /** Images larger than this (bytes, as written) are rejected: a RecordIO record cannot frame them. */
  readonly maxImageBytes?: number;
  /** Group byte-identical files and find labelling conflicts (prepare-data). @default true */
  readonly dedupe?: boolean;
  /** @default defaultConcurrency() */
  readonly concurrency?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/** An image that is used: where its bytes to write are, and what they are. */
export interface CollectedImage {
  /** Relative path of the source file, with `/`. */
  readonly path: string;
  readonly folder: string;
  /** Index of `folder` in the classes (prepare-data). */
  readonly label: number;
  /** Absolute path of the bytes to write: the converted JPEG, or with keep-original the file itself. */
  readonly source: string;
  readonly size: number;
  /** Of the written image. */
  readonly width: number;
  readonly height: number;
  /** Of the written image: always `jpeg` when converted. */
  readonly format: 'jpeg' | 'png';
}

/** Files with the same bytes. `kept` is the one used; none when they sit in different class folders. */
export interface DuplicateGroup {
  readonly sha256: string;
  readonly files: string[];
  readonly kept: string | null;
  readonly conflict: boolean;
}

export interface Collected {
  /** Folders that hold at least one used image; index = label. */
  readonly classes: string[];
  /** Used images, by label, then path. */
  readonly images: CollectedImage[];
  /** Every file or folder not used, sorted by path. */
  readonly rejected: RejectedEntry[];
  readonly duplicates: DuplicateGroup[];
  /** Folders that held files but no usable image (they are not classes). */
  readonly foldersWithoutImages: string[];
}

type Outcome = (Omit<CollectedImage, 'path' | 'folder' | 'label'> & { kind: 'image' }) | Rejection;

/**
 * Reads, checks and converts every file of `tree` (see the file comment).
 * @throws the file system's error when the work folder cannot be written
 */
export async function collectImages(tree: FileTree, options: CollectOptions): Promise<Collected> {
  const dedupe = options.dedupe ?? true;
  // One conversion per distinct content: a copy that arrives while the first is converted waits for it.
  const bySha = new Map<string, Promise<Outcome>>();
  const results: { file: SourceFile; sha256: string; outcome: Outcome }[] = [];
  let done = 0;
  await runPool(
    tree.files,
    async (file) => {
      const path = join(tree.root, ...file.path.split('/'));
      let bytes: Buffer;
      try {
        bytes = await readFile(path);
      } catch (error) {
        const reason = `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
        return { file, sha256: '', outcome: { kind: 'rejected', code: 'unreadable', reason } as Rejection };
      }
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      let outcome = bySha.get(sha256);
      if (!outcome) {
        outcome = examine(bytes, path, sha256, options);
        bySha.set(sha256, outcome);
      }
      return { file, sha256, outcome: await outcome };
    },
    {
      concurrency: options.concurrency ?? defaultConcurrency(),
      onResult: (result) => {
        results.push(result);
        done += 1;
        options.onProgress?.(done, tree.files.length);
      },
    },
  );
  bySha.clear();

  const rejected: RejectedEntry[] = [...tree.rejected];
  const duplicates: DuplicateGroup[] = [];
  const groups = new Map<string, number[]>();
  if (dedupe) {
    results.forEach((result, index) => {
      if (result.outcome.kind === 'rejected') return;
      const group = groups.get(result.sha256);
      if (group) group.push(index);
      else groups.set(result.sha256, [index]);
    });
  }
  const left = new Set<number>();
  for (const [sha256, members] of groups) {
    if (members.length < 2) continue;
    const files = members.map((index) => (results[index] as (typeof results)[number]).file);
    const conflict = new Set(files.map((file) => file.folder)).size > 1;
    duplicates.push({ sha256, files: files.map((file) => file.path), kept: conflict ? null : (files[0] as SourceFile).path, conflict });
    members.forEach((index, i) => {
      if (conflict) {
        const others = files.filter((other) => other.folder !== (files[i] as SourceFile).folder).map((other) => other.path);
        rejected.push({
          path: (files[i] as SourceFile).path,
          code: 'conflict',
          reason: `labelling conflict: the same bytes are in another class folder (${others.join(', ')}); every copy is left out`,
        });
      }
      if (conflict || i > 0) left.add(index);
    });
  }

  const used = results.filter((result, index) => result.outcome.kind !== 'rejected' && !left.has(index));
  for (const result of results) {
    if (result.outcome.kind === 'rejected') rejected.push({ path: result.file.path, code: result.outcome.code, reason: result.outcome.reason });
  }
  const usedFolders = new Set(used.map((result) => result.file.folder));
  const classes = tree.folders.filter((folder) => usedFolders.has(folder));
  const foldersWithoutImages = tree.folders.filter((folder) => !classes.includes(folder));
  for (const folder of foldersWithoutImages) {
    const count = results.filter((result) => result.file.folder === folder).length;
    rejected.push({
      path: `${folder}/`,
      code: 'no-usable-image',
      reason: `folder holds no usable image (${count} file${count === 1 ? '' : 's'} left out, listed above)${options.dedupe === false ? '' : ': no label'}`,
    });
  }
  const labels = new Map(classes.map((name, label) => [name, label]));
  const images = used.map((result): CollectedImage => {
    const { source, size, width, height, format } = result.outcome as Exclude<Outcome, Rejection>;
    return { path: result.file.path, folder: result.file.folder, label: labels.get(result.file.folder) ?? -1, source, size, width, height, format };
  });
  rejected.sort((a, b) => compareNames(a.path, b.path));
  return { classes, images, rejected, duplicates, foldersWithoutImages };
}

/** Converts (or, with keep-original, checks) one file's bytes. */
async function examine(bytes: Buffer, path: string, sha256: string, options: CollectOptions): Promise<Outcome> {
  const tooLarge = (size: number): Rejection | undefined =>
    options.maxImageBytes !== undefined && size > options.maxImageBytes
      ? { kind: 'rejected', code: 'too-large', reason: `too large: ${size} bytes, a RecordIO record holds at most ${options.maxImageBytes}` }
      : undefined;
  if (options.mode === 'keep-original') {
    const header = sniffImage(bufferSource(bytes));
    if (header.kind !== 'image') {
      const decodable = checkDecodable(bytes.subarray(0, 32));
      if (header.kind === 'not-image' && decodable.kind !== 'rejected') {
        return {
          kind: 'rejected',
          code: 'unsupported-format',
          reason: `a ${decodable.name} image: --keep-original packs only JPEG and PNG files as they are; without it, the image is converted`,
        };
      }
      return { kind: 'rejected', code: header.kind === 'corrupt' ? 'corrupt' : 'not-image', reason: header.reason };
    }
    if (Math.min(header.width, header.height) < options.settings.minSide) {
      return { kind: 'rejected', code: 'too-small', reason: `too small: ${header.width}x${header.height} px, the shorter side is below --min-side ${options.settings.minSide}` };
    }
    return tooLarge(bytes.length) ?? { kind: 'image', source: path, size: bytes.length, width: header.width, height: header.height, format: header.format };
  }
  const converted = await convertImage(bytes, options.settings);
  if (converted.kind === 'rejected') return converted;
  const large = tooLarge(converted.jpeg.length);
  if (large) return large;
  const source = join(options.workDir, `${sha256}.jpg`);
  await writeFile(source, converted.jpeg);
  return { kind: 'image', source, size: converted.jpeg.length, width: converted.width, height: converted.height, format: 'jpeg' };
}
