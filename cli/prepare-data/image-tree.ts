/**
 * Lists an image tree laid out like Caltech-256: `<root>/<class folder>/<files>`, files at any depth
 * under their class folder (or, for prepare-batch, at any depth under the root). Class folders and files
 * come sorted by name as MXNet's im2rec sorts them (code point order).
 *
 * Nothing is read here but the folders: whether a file is an image is found out by decoding it
 * (./collect.ts). Every file or folder that is not used is reported with its reason; nothing is
 * dropped silently.
 */
import { readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { RejectionCode } from './convert';

/** One file of the tree. Paths use `/` and are relative to the tree's root. */
export interface SourceFile {
  /** `<class folder>/<path under it>`, e.g. `001.ak47/001_0001.jpg`. */
  readonly path: string;
  /** The top-level folder that holds it ('' for a file at the root of a prepare-batch tree). */
  readonly folder: string;
  readonly size: number;
}

/** Codes of the folders and files the scan itself leaves out. */
export type ScanCode = 'empty-folder' | 'not-in-class-folder' | 'link-loop' | 'not-a-file' | 'no-usable-image';

/** A file or folder that is not used, and why. */
export interface RejectedEntry {
  /** Relative to the tree's root, with `/`; folders end with `/`. */
  readonly path: string;
  readonly code: RejectionCode | ScanCode;
  readonly reason: string;
}

export interface FileTree {
  readonly root: string;
  /** Top-level folders that hold at least one file, sorted. */
  readonly folders: string[];
  /** Every candidate file, by folder, then by path. */
  readonly files: SourceFile[];
  readonly rejected: RejectedEntry[];
}

export interface ScanOptions {
  /** Files directly under the root are candidates too (prepare-batch: no labels needed). @default false */
  readonly filesAtRoot?: boolean;
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
 * Lists the tree under `root`.
 * @throws the file system's error when `root` itself cannot be read
 */
export function scanImageTree(root: string, options: ScanOptions = {}): FileTree {
  const folders: string[] = [];
  const files: SourceFile[] = [];
  const rejected: RejectedEntry[] = [];
  let seen = 0;
  const visited = new Set<string>([realpathSync(root)]);
  const fileSeen = () => {
    seen += 1;
    options.onFile?.(seen);
  };

  /** A regular file with a listable name becomes a candidate; anything else is rejected. */
  const consider = (rel: string, stats: Stats, folder: string, name: string): boolean => {
    fileSeen();
    if (!stats.isFile()) {
      rejected.push({ path: rel, code: 'not-a-file', reason: 'not a regular file' });
      return false;
    }
    if (UNLISTABLE.test(name)) {
      rejected.push({ path: rel, code: 'unusable-name', reason: 'file name holds a tab or line break, which .lst files cannot hold' });
      return false;
    }
    files.push({ path: rel, folder, size: stats.size });
    return true;
  };

  for (const name of readdirSync(root).sort(compareNames)) {
    const stats = statOrReject(join(root, name), name, rejected);
    if (!stats) continue;
    if (!stats.isDirectory()) {
      if (options.filesAtRoot) consider(name, stats, '', name);
      else {
        fileSeen();
        rejected.push({ path: name, code: 'not-in-class-folder', reason: 'not in a class folder: only images under <images-dir>/<class folder>/ are used' });
      }
      continue;
    }
    if (UNLISTABLE.test(name)) {
      rejected.push({ path: `${name}/`, code: 'unusable-name', reason: 'folder name holds a tab or line break, which classes.txt and .lst files cannot hold' });
      continue;
    }
    let found = 0;
    const walk = (dir: string, relative: string): void => {
      const real = realpathSync(dir);
      if (visited.has(real) && relative !== name) {
        rejected.push({ path: `${relative}/`, code: 'link-loop', reason: 'folder link loop: already scanned' });
        return;
      }
      visited.add(real);
      const children = readdirSync(dir).sort(compareNames);
      if (children.length === 0) {
        rejected.push({ path: `${relative}/`, code: 'empty-folder', reason: relative === name && !options.filesAtRoot ? 'empty class folder: no label' : 'empty folder' });
        return;
      }
      for (const child of children) {
        const path = join(dir, child);
        const rel = `${relative}/${child}`;
        const childStats = statOrReject(path, rel, rejected);
        if (!childStats) continue;
        if (childStats.isDirectory()) walk(path, rel);
        else if (consider(rel, childStats, name, child)) found += 1;
      }
    };
    walk(join(root, name), name);
    if (found > 0) folders.push(name);
  }
  return { root, folders, files, rejected };
}

function statOrReject(path: string, relative: string, rejected: RejectedEntry[]): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    // A dangling symbolic link or a file removed while scanning.
    rejected.push({ path: relative, code: 'unreadable', reason: `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
    return undefined;
  }
}
