/**
 * Reads an image tree laid out like Caltech-256: `<root>/<class folder>/<image files>`, images at any
 * depth under their class folder. Classes are the top-level folders that hold at least one image,
 * sorted by name as MXNet's im2rec sorts them (code point order), labelled 0..N-1 in that order.
 *
 * Every file that is not used is reported with its reason; nothing is dropped silently.
 */
import { readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { type ImageFormat, sniffImageFile } from './image-header';

/** One image of the tree. Paths use `/` and are relative to the tree's root. */
export interface ImageEntry {
  /** `<class folder>/<path under it>`, e.g. `001.ak47/001_0001.jpg`. */
  readonly path: string;
  readonly label: number;
  readonly size: number;
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
}

/** A file or folder that is not used, and why. */
export interface SkippedEntry {
  /** Relative to the tree's root, with `/`; folders end with `/`. */
  readonly path: string;
  readonly reason: string;
}

export interface ImageTree {
  readonly root: string;
  /** Class folder names; index = label. */
  readonly classes: string[];
  /** Every usable image, by label, then by path. */
  readonly images: ImageEntry[];
  readonly skipped: SkippedEntry[];
}

export interface ScanOptions {
  /** Images larger than this are skipped (RecordIO cannot frame them). @default no limit */
  readonly maxImageBytes?: number;
  /** Called after each file is looked at, with the number looked at so far. */
  readonly onFile?: (filesSeen: number) => void;
}

/** Code point order, which is Python's `sorted` on str, as im2rec sorts folders and files. */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Tabs and line breaks cannot be written in a `.lst` line or a `classes.txt` line. */
const UNLISTABLE = /[\t\r\n]/;

/**
 * Scans the tree under `root`.
 * @throws the file system's error when `root` itself cannot be read
 */
export function scanImageTree(root: string, options: ScanOptions = {}): ImageTree {
  const classes: string[] = [];
  const images: ImageEntry[] = [];
  const skipped: SkippedEntry[] = [];
  let seen = 0;
  const visited = new Set<string>([realpathSync(root)]);

  const entries = readdirSync(root).sort(compareNames);
  for (const name of entries) {
    const stats = statOrSkip(join(root, name), name, skipped);
    if (!stats) continue;
    if (!stats.isDirectory()) {
      seen += 1;
      options.onFile?.(seen);
      skipped.push({ path: name, reason: 'not in a class folder: only images under <images-dir>/<class folder>/ are used' });
      continue;
    }
    if (UNLISTABLE.test(name)) {
      skipped.push({ path: `${name}/`, reason: 'class folder name holds a tab or line break, which classes.txt and .lst files cannot hold' });
      continue;
    }
    const label = classes.length;
    const found: ImageEntry[] = [];
    const walk = (dir: string, relative: string): void => {
      const real = realpathSync(dir);
      if (visited.has(real) && relative !== name) {
        skipped.push({ path: `${relative}/`, reason: 'folder link loop: already scanned' });
        return;
      }
      visited.add(real);
      const children = readdirSync(dir).sort(compareNames);
      if (children.length === 0) {
        skipped.push({ path: `${relative}/`, reason: relative === name ? 'empty class folder: no label' : 'empty folder' });
        return;
      }
      for (const child of children) {
        const path = join(dir, child);
        const rel = `${relative}/${child}`;
        const childStats = statOrSkip(path, rel, skipped);
        if (!childStats) continue;
        if (childStats.isDirectory()) {
          walk(path, rel);
          continue;
        }
        seen += 1;
        options.onFile?.(seen);
        if (!childStats.isFile()) {
          skipped.push({ path: rel, reason: 'not a regular file' });
          continue;
        }
        if (UNLISTABLE.test(child)) {
          skipped.push({ path: rel, reason: 'file name holds a tab or line break, which .lst files cannot hold' });
          continue;
        }
        let info;
        try {
          info = sniffImageFile(path);
        } catch (error) {
          skipped.push({ path: rel, reason: `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
          continue;
        }
        if (info.kind !== 'image') {
          skipped.push({ path: rel, reason: info.reason });
          continue;
        }
        if (options.maxImageBytes !== undefined && childStats.size > options.maxImageBytes) {
          skipped.push({ path: rel, reason: `too large: ${childStats.size} bytes, a RecordIO record holds at most ${options.maxImageBytes}` });
          continue;
        }
        found.push({ path: rel, label, size: childStats.size, format: info.format, width: info.width, height: info.height });
      }
    };
    walk(join(root, name), name);
    if (found.length === 0) {
      // An empty class folder was reported by walk(); a folder of non-images is reported here as a class.
      if (!skipped.some((entry) => entry.path === `${name}/`)) skipped.push({ path: `${name}/`, reason: 'class folder holds no image: no label' });
      continue;
    }
    classes.push(name);
    images.push(...found);
  }
  return { root, classes, images, skipped };
}

function statOrSkip(path: string, relative: string, skipped: SkippedEntry[]): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    // A dangling symbolic link or a file removed while scanning.
    skipped.push({ path: relative, reason: `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
    return undefined;
  }
}
