/**
 * Rerunnable figures for `ic-pipeline prepare-data`: how long writing the RecordIO files of a generated
 * image tree takes compared with `tar cf` of the same tree (the bar: at most 3x), and the peak
 * memory of the command on a tree and on one four times larger (flat = streaming). Prints; asserts nothing.
 *
 *   npx tsx scripts/measure-prepare-data.ts            # 3000 images, 3 runs
 *   npx tsx scripts/measure-prepare-data.ts 6000 5     # 6000 images, 5 runs
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { writeDataset } from '../cli/prepare-data/dataset-writer';
import { scanImageTree } from '../cli/prepare-data/image-tree';
import { IMAGE_RECORD_HEADER_SIZE, RECORDIO_MAX_LENGTH } from '../cli/prepare-data/recordio';
import { generateJpeg } from './lib/generated-images';

export interface PrepareDataFigures {
  readonly images: number;
  readonly bytes: number;
  readonly runs: number;
  readonly tarSeconds: number;
  readonly recordioSeconds: number;
  /** recordio / tar, medians. */
  readonly ratio: number;
  /** Peak resident memory of the command (MiB) on `images` and on 4 x `images` images. */
  readonly peakMiB?: { readonly small: number; readonly large: number };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** A tree of `images` JPEGs (about 20 KB each, 50 distinct ones repeated) in 30 class folders. */
export function buildBenchmarkTree(root: string, images: number): number {
  const distinct = Array.from({ length: 50 }, (_, i) => generateJpeg(320, 240, i + 1, 85));
  let bytes = 0;
  for (let i = 0; i < images; i++) {
    const dir = join(root, `${String(i % 30).padStart(3, '0')}.class`);
    if (i < 30) mkdirSync(dir, { recursive: true });
    const image = distinct[i % distinct.length] as Buffer;
    writeFileSync(join(dir, `${i}.jpg`), image);
    bytes += image.length;
  }
  return bytes;
}

function seconds(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function prepare(root: string, out: string): void {
  const tree = scanImageTree(root, { maxImageBytes: RECORDIO_MAX_LENGTH - IMAGE_RECORD_HEADER_SIZE });
  writeDataset(tree, { out, name: 'bench', format: 'recordio', validationFraction: 0.2, seed: 1 });
}

/** Peak RSS (MiB) of prepare-data on `images` generated images, in a fresh process. */
function peakMiB(work: string, images: number): number {
  const root = join(work, `tree-${images}`);
  buildBenchmarkTree(root, images);
  const child = spawnSync(join(__dirname, '..', 'node_modules', '.bin', 'tsx'), [__filename, '--child', root, join(work, `out-${images}`)], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`child failed: ${child.stderr}`);
  return Number(child.stdout.trim()) / 1024;
}

/** Times `tar cf` and the RecordIO writing of a generated tree (medians of `runs`). */
export function measurePrepareData(options: { images?: number; runs?: number; memory?: boolean } = {}): PrepareDataFigures {
  const images = options.images ?? 3000;
  const runs = options.runs ?? 3;
  const work = mkdtempSync(join(os.tmpdir(), 'ic-measure-prepare-'));
  try {
    const root = join(work, 'tree');
    const bytes = buildBenchmarkTree(root, images);
    const tar: number[] = [];
    const recordio: number[] = [];
    for (let i = 0; i < runs; i++) {
      const tarFile = join(work, 'tree.tar');
      tar.push(seconds(() => execFileSync('tar', ['cf', tarFile, '-C', root, '.'])));
      rmSync(tarFile);
      const out = join(work, 'prepared');
      recordio.push(seconds(() => prepare(root, out)));
      rmSync(out, { recursive: true });
    }
    const tarSeconds = median(tar);
    const recordioSeconds = median(recordio);
    const peak = options.memory === false ? undefined : { small: peakMiB(work, images), large: peakMiB(work, images * 4) };
    return { images, bytes, runs, tarSeconds, recordioSeconds, ratio: recordioSeconds / tarSeconds, ...(peak ? { peakMiB: peak } : {}) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  if (process.argv[2] === '--child') {
    prepare(process.argv[3] as string, process.argv[4] as string);
    process.stdout.write(`${process.resourceUsage().maxRSS}\n`);
  } else {
    const figures = measurePrepareData({ images: Number(process.argv[2] ?? 3000), runs: Number(process.argv[3] ?? 3) });
    const mb = (figures.bytes / 1048576).toFixed(0);
    console.log(
      `prepare-data RecordIO vs tar cf (${figures.images} images, ${mb} MiB, ${figures.runs} runs, ${os.cpus().length} cores): ` +
        `tar ${figures.tarSeconds.toFixed(2)} s, recordio ${figures.recordioSeconds.toFixed(2)} s, ratio ${figures.ratio.toFixed(2)} (bar: 3)`,
    );
    if (figures.peakMiB) {
      console.log(`peak memory: ${figures.peakMiB.small.toFixed(0)} MiB on ${figures.images} images, ${figures.peakMiB.large.toFixed(0)} MiB on ${figures.images * 4}`);
    }
  }
}
