/**
 * Rerunnable figures for `ic-pipeline prepare-data`: how long it takes on a tree of photo-sized JPEGs
 * (1600x1200) compared with a plain loop that does the same image work with the same library at the same
 * concurrency (read, decode, orient, resize, encode, write: sharp, collect.ts defaultConcurrency()), the
 * issue's bar being 1.5x; and the peak memory of the command on a tree and on one three times larger
 * (flat = streaming, not holding the images). Prints; asserts nothing.
 *
 *   npx tsx scripts/measure-prepare-data.ts            # 1000 images, 3 runs, memory at 1000 and 3000
 *   npx tsx scripts/measure-prepare-data.ts 2000 5     # 2000 images, 5 runs, memory at 2000 and 6000
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { prepareDataCommand } from '../cli/commands/prepare-data';
import { runPool } from '../cli/download/pool';
import { createOutput } from '../cli/output';
import { defaultConcurrency } from '../cli/prepare-data/collect';
import { DEFAULT_QUALITY, DEFAULT_SHORT_SIDE } from '../cli/prepare-data/convert';
import { listFiles } from '../cli/prepare-data/dataset-writer';

export interface PrepareDataFigures {
  readonly images: number;
  readonly bytes: number;
  readonly runs: number;
  readonly concurrency: number;
  /** The plain sharp loop (baseline), median seconds. */
  readonly loopSeconds: number;
  /** prepare-data (scan, hash, convert, split, RecordIO, test files, dataset.json), median seconds. */
  readonly prepareSeconds: number;
  /** prepare / loop. */
  readonly ratio: number;
  /** Peak resident memory of the command (MiB) on `images` and on 3 x `images` images. */
  readonly peakMiB?: { readonly small: number; readonly large: number };
}

const WIDTH = 1600;
const HEIGHT = 1200;
const CLASSES = 30;
/** Distinct pictures; every file still gets its own bytes (a comment segment), so none is a duplicate. */
const DISTINCT = 8;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** A 1600x1200 photo-like JPEG (gradients, waves and grain; about 400 KB at quality 85). */
async function photo(seed: number): Promise<Buffer> {
  const data = Buffer.alloc(WIDTH * HEIGHT * 3);
  let state = (seed * 2654435761) >>> 0 || 1;
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      const grain = (state >>> 0) & 0x0f;
      const i = (y * WIDTH + x) * 3;
      data[i] = ((x * 255) / WIDTH + grain + seed * 40) & 0xff;
      data[i + 1] = ((y * 255) / HEIGHT + grain) & 0xff;
      data[i + 2] = ((Math.sin(x / 37 + seed) + Math.cos(y / 23)) * 60 + 128 + grain) & 0xff;
    }
  }
  return sharp(data, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } }).jpeg({ quality: 85 }).toBuffer();
}

/** `jpeg` with a comment segment after SOI holding `index`: other bytes, the same decoding work. */
function tagged(jpeg: Buffer, index: number): Buffer {
  const text = Buffer.from(`image ${index}`, 'latin1');
  const segment = Buffer.concat([Buffer.from([0xff, 0xfe, (text.length + 2) >> 8, (text.length + 2) & 0xff]), text]);
  return Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
}

/** A tree of `images` distinct 1600x1200 JPEGs in 30 class folders; returns its size in bytes. */
export async function buildPhotoBenchmarkTree(root: string, images: number): Promise<number> {
  const distinct = await Promise.all(Array.from({ length: DISTINCT }, (_, i) => photo(i + 1)));
  let bytes = 0;
  for (let i = 0; i < images; i++) {
    const dir = join(root, `${String(i % CLASSES).padStart(3, '0')}.class`);
    if (i < CLASSES) mkdirSync(dir, { recursive: true });
    const image = tagged(distinct[i % DISTINCT] as Buffer, i);
    writeFileSync(join(dir, `${i}.jpg`), image);
    bytes += image.length;
  }
  return bytes;
}

async function seconds(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** The baseline: the same image work on every file, in a plain bounded loop, nothing else. */
async function plainLoop(root: string, out: string, concurrency: number): Promise<void> {
  mkdirSync(out, { recursive: true });
  const files = listFiles(root);
  await runPool(
    files,
    async (file, index) => {
      const bytes = await readFile(join(root, file));
      const jpeg = await sharp(bytes, { failOn: 'error' })
        .autoOrient()
        .toColourspace('srgb')
        .resize({ width: DEFAULT_SHORT_SIDE, height: DEFAULT_SHORT_SIDE, fit: 'outside' })
        .jpeg({ quality: DEFAULT_QUALITY })
        .toBuffer();
      await writeFile(join(out, `${index}.jpg`), jpeg);
    },
    { concurrency },
  );
}

/** prepare-data as the command line runs it (offline, default settings), its output discarded. */
async function prepare(root: string, out: string): Promise<void> {
  const output = createOutput({ stdout: { write: () => true }, stderr: { write: () => true }, json: true });
  const code = await prepareDataCommand({ imagesDir: root, out, name: 'bench' }, output);
  if (code !== 0) throw new Error(`prepare-data exited ${code}`);
}

/** Peak RSS (MiB) of prepare-data on `images` generated images, in a fresh process. */
async function peakMiB(work: string, images: number): Promise<number> {
  const root = join(work, `tree-${images}`);
  await buildPhotoBenchmarkTree(root, images);
  try {
    const child = spawnSync(join(__dirname, '..', 'node_modules', '.bin', 'tsx'), [__filename, '--child', root, join(work, `out-${images}`)], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`child failed: ${child.stderr}`);
    return Number(child.stdout.trim()) / 1024;
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(join(work, `out-${images}`), { recursive: true, force: true });
  }
}

/** Times the plain loop and prepare-data on a generated tree (medians of `runs`, alternating). */
export async function measurePrepareData(options: { images?: number; runs?: number; memory?: boolean } = {}): Promise<PrepareDataFigures> {
  const images = options.images ?? 1000;
  const runs = options.runs ?? 3;
  const concurrency = defaultConcurrency();
  const work = mkdtempSync(join(os.tmpdir(), 'ic-measure-prepare-'));
  try {
    const root = join(work, 'tree');
    const bytes = await buildPhotoBenchmarkTree(root, images);
    const loop: number[] = [];
    const prepared: number[] = [];
    for (let i = 0; i < runs; i++) {
      const loopOut = join(work, 'loop');
      loop.push(await seconds(() => plainLoop(root, loopOut, concurrency)));
      rmSync(loopOut, { recursive: true });
      const out = join(work, 'prepared');
      prepared.push(await seconds(() => prepare(root, out)));
      rmSync(out, { recursive: true });
    }
    rmSync(root, { recursive: true, force: true });
    const loopSeconds = median(loop);
    const prepareSeconds = median(prepared);
    const peak = options.memory === false ? undefined : { small: await peakMiB(work, images), large: await peakMiB(work, images * 3) };
    return { images, bytes, runs, concurrency, loopSeconds, prepareSeconds, ratio: prepareSeconds / loopSeconds, ...(peak ? { peakMiB: peak } : {}) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The figures as printed by this script and by `npm run measure`. */
export function describePrepareData(figures: PrepareDataFigures): string[] {
  const mb = (figures.bytes / 1048576).toFixed(0);
  const lines = [
    `prepare-data vs a plain sharp loop doing the same image work (${figures.images} JPEGs of ${WIDTH}x${HEIGHT}, ${mb} MiB, ` +
      `${figures.runs} runs, ${figures.concurrency} images at once, ${os.cpus().length} cores): loop ${figures.loopSeconds.toFixed(2)} s, ` +
      `prepare-data ${figures.prepareSeconds.toFixed(2)} s, ratio ${figures.ratio.toFixed(2)} (bar: 1.5)`,
  ];
  if (figures.peakMiB) {
    lines.push(`peak memory of prepare-data: ${figures.peakMiB.small.toFixed(0)} MiB on ${figures.images} images, ${figures.peakMiB.large.toFixed(0)} MiB on ${figures.images * 3}`);
  }
  return lines;
}

if (require.main === module) {
  if (process.argv[2] === '--child') {
    prepare(process.argv[3] as string, process.argv[4] as string).then(
      () => process.stdout.write(`${process.resourceUsage().maxRSS}\n`),
      (error: unknown) => {
        console.error(error);
        process.exitCode = 1;
      },
    );
  } else {
    measurePrepareData({ images: Number(process.argv[2] ?? 1000), runs: Number(process.argv[3] ?? 3) }).then(
      (figures) => describePrepareData(figures).forEach((line) => console.log(line)),
      (error: unknown) => {
        console.error(error);
        process.exitCode = 1;
      },
    );
  }
}
