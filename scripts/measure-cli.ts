/**
 * The command line's performance figures, each printed as a ratio to a baseline measured in the same run
 * on the same machine (these machines are noisy; absolute seconds alone mean little). Prints, asserts
 * nothing.
 *
 *   npx tsx scripts/measure-cli.ts                 # 5 runs of each start-up, 500 prediction files, a report of 2,000 images
 *   npx tsx scripts/measure-cli.ts 9 2000 10000    # 9 runs, 2,000 files, a report of 10,000 images
 *
 * 1. Start-up: `--help` and `--version` of the entry point (bin/ic-pipeline.cjs, what `npm run pipeline`
 *    runs, and dist/bin/ic-pipeline.js, the installed command, after `npm run build`) against `node` doing nothing; what tsx itself costs (its CommonJS hook
 *    alone, and its CLI, which starts a second process and an ESM loader thread); and what loading every
 *    command module costs (what `--help` paid before commands were loaded lazily).
 * 2. `results` downloads: the same run of N prediction files, each read with a 20 ms delay (a realistic
 *    S3 first-byte latency), at --concurrency 1 (the old one-at-a-time download), 4, 16 (the default)
 *    and 32, as a speed-up over 1.
 * 3. `evaluate` of 10,000 predictions (labelled, 257 classes), 20 ms per S3 read, against the time those
 *    reads take at its concurrency (10,000 x 20 ms / 16, the bar is 1.5x); and the arithmetic alone (a
 *    257-class confusion matrix over 100,000 predictions, and its figures) against parsing the same
 *    100,000 prediction files (JSON.parse and the 5 best of 257 probabilities).
 * 4. `report` of N images (JPEG, 300 x 200 to 500 x 375, 20 ms per read): time against `results` of the same
 *    run (the download alone), the folder's size per image, and, where Debian's chromium is installed,
 *    how long the report takes to show its first page of cards in it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import sharp from 'sharp';
import { evaluateCommand } from '../cli/commands/evaluate';
import { reportCommand } from '../cli/commands/report';
import { EvaluationTally } from '../cli/evaluation/metrics';
import { parsePrediction, topClasses } from '../cli/predictions';
import { resultsCommand } from '../cli/commands/results';
import { createOutput } from '../cli/output';
import { runPrefix } from '../core/s3-layout';

const ROOT = join(__dirname, '..');
const TSX_CLI = join(ROOT, 'node_modules', '.bin', 'tsx');

function seconds(command: string, args: string[]): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const row = (label: string, value: number, baseline: number, unit = 's') =>
  console.log(`  ${label.padEnd(62)} ${value.toFixed(unit === 's' ? 3 : 2).padStart(8)} ${unit}  ${(value / baseline).toFixed(2).padStart(6)}x`);

/** Start-up times, median of `runs`, against `node -e ''`. */
export function measureStartup(runs = 5): Record<string, number> {
  const work = mkdtempSync(join(tmpdir(), 'ic-measure-cli-'));
  const empty = join(work, 'empty.ts');
  writeFileSync(empty, 'export {};\n');
  // Every command module, as the entry point loaded them all before --help could answer.
  const everything = join(work, 'load-all.ts');
  const commands = ['dry-run', 'validate', 'estimate', 'prepare-data', 'start', 'status', 'stop', 'logs', 'list', 'results', 'report'];
  writeFileSync(everything, `${commands.map((c) => `require(${JSON.stringify(join(ROOT, 'cli', 'commands', c))});`).join('\n')}\nrequire(${JSON.stringify(join(ROOT, 'cli', 'aws', 'create-clients'))});\n`);
  const cases: [string, string, string[]][] = [
    ['node -e "" (baseline)', process.execPath, ['-e', '']],
    ["tsx's CommonJS hook on an empty file", process.execPath, ['--require', 'tsx/cjs', empty]],
    ['ic-pipeline --version (node bin/ic-pipeline.cjs)', process.execPath, ['bin/ic-pipeline.cjs', '--version']],
    ['ic-pipeline --help (node bin/ic-pipeline.cjs)', process.execPath, ['bin/ic-pipeline.cjs', '--help']],
    ['every command module loaded (what --help paid before)', process.execPath, ['--require', 'tsx/cjs', everything]],
    ['the tsx CLI on an empty file (npx tsx …)', TSX_CLI, [empty]],
    ['npx tsx bin/ic-pipeline.ts --help', TSX_CLI, ['bin/ic-pipeline.ts', '--help']],
    // The installed command: compiled JavaScript, no tsx (after `npm run build`).
    ...(existsSync(join(ROOT, 'dist', 'bin', 'ic-pipeline.js'))
      ? ([
          ['ic-pipeline --version (compiled: node dist/bin/ic-pipeline.js)', process.execPath, ['dist/bin/ic-pipeline.js', '--version']],
          ['ic-pipeline --help (compiled: node dist/bin/ic-pipeline.js)', process.execPath, ['dist/bin/ic-pipeline.js', '--help']],
        ] satisfies [string, string, string[]][])
      : []),
  ];
  if (!existsSync(join(ROOT, 'dist', 'bin', 'ic-pipeline.js'))) console.log('(no dist/: run `npm run build` to measure the compiled command too)');
  try {
    const results: Record<string, number> = {};
    for (const [label, command, args] of cases) {
      seconds(command, args); // warm the file cache and tsx's transform cache
      results[label] = median(Array.from({ length: runs }, () => seconds(command, args)));
    }
    const baseline = results[cases[0]![0]]!;
    console.log(`Start-up, median of ${runs} (ratio to node doing nothing):`);
    for (const [label] of cases) row(label, results[label]!, baseline);
    return results;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** `results` of a run of `files` prediction files, each read with `latencyMs` delay, at several concurrencies. */
export async function measureResults(files = 500, latencyMs = 20): Promise<Record<number, number>> {
  const region = 'eu-west-1';
  const prefix = runPrefix('bench-0a1b2c3d', 'predictions');
  const body = JSON.stringify({ prediction: Array.from({ length: 257 }, (_, i) => (i === 7 ? 0.8 : 0.2 / 256)) });
  const keys = Array.from({ length: files }, (_, i) => `${prefix}${String(i % 257).padStart(3, '0')}.class/${String(i).padStart(6, '0')}.jpg.out`);
  const timings: Record<number, number> = {};
  for (const concurrency of [1, 4, 16, 32]) {
    const clients = { cloudFormation: new CloudFormationClient({ region }), sfn: new SFNClient({ region }), sagemaker: new SageMakerClient({ region }), s3: new S3Client({ region }) };
    mockClient(clients.cloudFormation).on(DescribeStacksCommand).resolves({ Stacks: [] });
    mockClient(clients.sfn).on(DescribeExecutionCommand).resolves({
      status: 'SUCCEEDED', name: 'bench', input: '{}', executionArn: 'arn:aws:states:eu-west-1:111122223333:execution:sm:bench',
      output: JSON.stringify({ runId: 'bench-0a1b2c3d', mode: 'full', predictions: `s3://artifacts/${prefix}` }),
    } as never);
    const s3 = mockClient(clients.s3);
    s3.on(ListObjectsV2Command).callsFake(async (input: { ContinuationToken?: string }) => {
      await new Promise((resolve) => setTimeout(resolve, latencyMs));
      const start = Number(input.ContinuationToken ?? 0);
      const page = keys.slice(start, start + 1000);
      const more = start + 1000 < keys.length;
      return { Contents: page.map((Key) => ({ Key })), IsTruncated: more, ...(more ? { NextContinuationToken: String(start + 1000) } : {}) };
    });
    s3.on(GetObjectCommand).callsFake(async () => {
      await new Promise((resolve) => setTimeout(resolve, latencyMs));
      return { Body: { transformToString: async () => body } };
    });
    const outDir = mkdtempSync(join(tmpdir(), 'ic-measure-results-'));
    const out = createOutput({ stdout: { write: () => true }, stderr: { write: () => true }, json: true });
    const start = process.hrtime.bigint();
    const code = await resultsCommand({ execution: 'arn:aws:states:eu-west-1:111122223333:execution:sm:bench', outDir, concurrency, classesFile: join(ROOT, 'core', 'reference', 'caltech256-classes.txt') }, { ...clients, region }, out);
    timings[concurrency] = Number(process.hrtime.bigint() - start) / 1e9;
    rmSync(outDir, { recursive: true, force: true });
    if (code !== 0) throw new Error(`results exited ${code}`);
  }
  console.log(`results of ${files.toLocaleString('en-US')} prediction files, ${latencyMs} ms per S3 read (speed-up over --concurrency 1, the old one-at-a-time download):`);
  for (const [concurrency, value] of Object.entries(timings)) {
    const label = `--concurrency ${concurrency}${concurrency === '16' ? ' (default)' : ''}`;
    console.log(`  ${label.padEnd(62)} ${value.toFixed(2).padStart(8)} s  ${(timings[1]! / value).toFixed(1).padStart(6)}x faster`);
  }
  return timings;
}

/** `evaluate` of `files` labelled predictions (inputs listed too), each S3 read delayed `latencyMs`, against files x latency / concurrency. */
export async function measureEvaluate(files = 10_000, latencyMs = 20, concurrency = 16): Promise<{ seconds: number; floor: number }> {
  const region = 'eu-west-1';
  const prefix = 'runs/bench-0a1b2c3d/predictions/';
  const caltech = readFileSync(join(ROOT, 'core', 'reference', 'caltech256-classes.txt'), 'utf8').trim().split('\n');
  // Laid out as Caltech-256 is: 008.bathtub/…, so every input is labelled.
  const names = Array.from({ length: files }, (_, i) => `${String((i % 257) + 1).padStart(3, '0')}.${caltech[i % 257]}/${String(i).padStart(6, '0')}.jpg`);
  const bodies = Array.from({ length: 257 }, (_, c) => JSON.stringify({ prediction: Array.from({ length: 257 }, (_, k) => (k === c ? 0.6 : 0.4 / 256)) }));
  const clients = { cloudFormation: new CloudFormationClient({ region }), sfn: new SFNClient({ region }), sagemaker: new SageMakerClient({ region }), s3: new S3Client({ region }) };
  mockClient(clients.cloudFormation).on(DescribeStacksCommand).resolves({ Stacks: [] });
  mockClient(clients.sfn).on(DescribeExecutionCommand).resolves({
    status: 'SUCCEEDED', name: 'bench', input: JSON.stringify({ batchInput: 's3://data/batch-input/' }), executionArn: 'arn:aws:states:eu-west-1:111122223333:execution:sm:bench',
    output: JSON.stringify({ runId: 'bench-0a1b2c3d', mode: 'transform', predictions: `s3://artifacts/${prefix}` }),
  } as never);
  const s3 = mockClient(clients.s3);
  const delay = () => new Promise((resolve) => setTimeout(resolve, latencyMs));
  s3.on(ListObjectsV2Command).callsFake(async (input: { Prefix: string; ContinuationToken?: string }) => {
    await delay();
    const start = Number(input.ContinuationToken ?? 0);
    const keys = names.slice(start, start + 1000).map((name) => (input.Prefix === prefix ? `${prefix}${name}.out` : `batch-input/${name}`));
    const more = start + 1000 < names.length;
    return { Contents: keys.map((Key) => ({ Key })), IsTruncated: more, ...(more ? { NextContinuationToken: String(start + 1000) } : {}) };
  });
  s3.on(GetObjectCommand).callsFake(async (input: { Key: string }) => {
    await delay();
    // Image i of class folder c is predicted class c-1 (right) four times in five, else the next class.
    const i = Number(/(\d+)\.jpg\.out$/.exec(input.Key)?.[1] ?? 0);
    const body = bodies[(i % 257 + (i % 5 === 0 ? 1 : 0)) % 257] as string;
    return { Body: { transformToString: async () => body } };
  });
  const out = createOutput({ stdout: { write: () => true }, stderr: { write: () => true }, json: true });
  const start = process.hrtime.bigint();
  const code = await evaluateCommand({ execution: 'arn:aws:states:eu-west-1:111122223333:execution:sm:bench', concurrency, classesFile: join(ROOT, 'core', 'reference', 'caltech256-classes.txt') }, { ...clients, region }, out);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (code !== 0) throw new Error(`evaluate exited ${code}`);
  const floor = (files * latencyMs) / concurrency / 1000;
  console.log(`evaluate of ${files.toLocaleString('en-US')} labelled predictions, ${latencyMs} ms per S3 read, --concurrency ${concurrency} (ratio to the reads alone: ${files.toLocaleString('en-US')} x ${latencyMs} ms / ${concurrency}; the bar is 1.5x):`);
  row(`reads alone (baseline)`, floor, floor);
  row('evaluate (two listings, every prediction, the figures)', seconds, floor);
  return { seconds, floor };
}

/** The metrics alone: a 257-class confusion matrix over `predictions` predictions, against parsing the same prediction files. */
export function measureEvaluationArithmetic(predictions = 100_000, classes = 257): { parse: number; arithmetic: number } {
  const files = Array.from({ length: classes }, (_, c) => JSON.stringify({ prediction: Array.from({ length: classes }, (_, k) => (k === c ? 0.6 : 0.4 / (classes - 1))) }));
  const names = Array.from({ length: classes }, (_, c) => `class-${c}`);
  const images = Array.from({ length: predictions }, (_, i) => `${String((i % classes) + 1).padStart(3, '0')}.class-${i % classes}/${i}.jpg`);
  let start = process.hrtime.bigint();
  const tops: number[][] = [];
  for (let i = 0; i < predictions; i += 1) {
    const values = parsePrediction(files[(i * 7) % classes] as string) as number[];
    tops.push(topClasses(values, 5).map((score) => score.index));
  }
  const parse = Number(process.hrtime.bigint() - start) / 1e9;
  start = process.hrtime.bigint();
  const tally = new EvaluationTally(names, 5);
  for (let i = 0; i < predictions; i += 1) tally.add(images[i] as string, tops[i] as number[]);
  const document = tally.result('bench');
  const arithmetic = Number(process.hrtime.bigint() - start) / 1e9;
  if (document.labeled !== predictions) throw new Error(`labelled ${document.labeled} of ${predictions}`);
  console.log(`The evaluation arithmetic: ${classes} classes, ${predictions.toLocaleString('en-US')} predictions (ratio to parsing the same prediction files):`);
  row('parse the predictions (JSON.parse, the 5 best of 257) (baseline)', parse, parse);
  row('labels, confusion matrix, per-class figures, most confused', arithmetic, parse);
  return { parse, arithmetic };
}

/** A succeeded run of `images` images in mocked AWS: predictions and images served with `latencyMs` per read. */
async function mockedRun(images: number, latencyMs: number) {
  const region = 'eu-west-1';
  const prefix = runPrefix('bench-0a1b2c3d', 'predictions');
  const pictures = await Promise.all(
    [0, 1, 2, 3].map((k) =>
      sharp({ create: { width: 300 + k * 66, height: 200 + k * 58, channels: 3, background: { r: 40 + k * 50, g: 120, b: 200 - k * 40 } } })
        .composite([{ input: Buffer.from(`<svg width="120" height="120"><circle cx="60" cy="60" r="50" fill="white"/></svg>`), top: 30, left: 40 }])
        .jpeg()
        .toBuffer(),
    ),
  );
  const names = Array.from({ length: images }, (_, i) => `${String(i % 257).padStart(3, '0')}.class/${String(i).padStart(6, '0')}.jpg`);
  const clients = { cloudFormation: new CloudFormationClient({ region }), sfn: new SFNClient({ region }), sagemaker: new SageMakerClient({ region }), s3: new S3Client({ region }) };
  mockClient(clients.cloudFormation).on(DescribeStacksCommand).resolves({ Stacks: [] });
  mockClient(clients.sfn).on(DescribeExecutionCommand).resolves({
    status: 'SUCCEEDED', name: 'bench', input: JSON.stringify({ batchInput: 's3://data/batch-input/' }), executionArn: 'arn:aws:states:eu-west-1:111122223333:execution:sm:bench',
    output: JSON.stringify({ runId: 'bench-0a1b2c3d', mode: 'transform', predictions: `s3://artifacts/${prefix}`, transformJobName: 'bench-0a1b2c3d' }),
  } as never);
  const s3 = mockClient(clients.s3);
  const delay = () => new Promise((resolve) => setTimeout(resolve, latencyMs));
  s3.on(ListObjectsV2Command).callsFake(async (input: { ContinuationToken?: string }) => {
    await delay();
    const start = Number(input.ContinuationToken ?? 0);
    const page = names.slice(start, start + 1000).map((name) => ({ Key: `${prefix}${name}.out` }));
    const more = start + 1000 < names.length;
    return { Contents: page, IsTruncated: more, ...(more ? { NextContinuationToken: String(start + 1000) } : {}) };
  });
  s3.on(GetObjectCommand).callsFake(async (input: { Key: string }) => {
    await delay();
    if (input.Key.endsWith('.out')) {
      const i = Number(/(\d+)\.jpg\.out$/.exec(input.Key)?.[1] ?? 0);
      const top = 0.3 + (i % 70) / 100;
      const body = JSON.stringify({ prediction: Array.from({ length: 257 }, (_, c) => (c === i % 257 ? top : (1 - top) / 256)) });
      return { Body: { transformToString: async () => body } };
    }
    const bytes = pictures[Number(/(\d+)\.jpg$/.exec(input.Key)?.[1] ?? 0) % pictures.length] as Buffer;
    return { Body: { transformToByteArray: async () => new Uint8Array(bytes) } };
  });
  return { ...clients, region };
}

function folderBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => sum + (entry.isDirectory() ? folderBytes(join(dir, entry.name)) : statSync(join(dir, entry.name)).size), 0);
}

/** `report` of `images` images against `results` of the same run, the report's size, and its first render in Chromium. */
export async function measureReport(images = 2000, latencyMs = 20): Promise<{ report: number; results: number; bytesPerImage: number; firstPageMs?: number }> {
  const arn = 'arn:aws:states:eu-west-1:111122223333:execution:sm:bench';
  const classesFile = join(ROOT, 'core', 'reference', 'caltech256-classes.txt');
  const out = createOutput({ stdout: { write: () => true }, stderr: { write: () => true }, json: true });
  const time = async (run: () => Promise<number>) => {
    const start = process.hrtime.bigint();
    const code = await run();
    if (code !== 0) throw new Error(`exit ${code}`);
    return Number(process.hrtime.bigint() - start) / 1e9;
  };
  const resultsDir = mkdtempSync(join(tmpdir(), 'ic-measure-results-'));
  const reportDir = mkdtempSync(join(tmpdir(), 'ic-measure-report-'));
  try {
    const results = await time(async () => resultsCommand({ execution: arn, outDir: resultsDir, classesFile }, await mockedRun(images, latencyMs), out));
    const report = await time(async () => reportCommand({ execution: arn, outDir: reportDir, classesFile }, await mockedRun(images, latencyMs), out));
    const bytesPerImage = folderBytes(reportDir) / images;
    let firstPageMs: number | undefined;
    const chromiumPath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));
    if (chromiumPath) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { chromium } = require('playwright-core') as typeof import('playwright-core');
      const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const start = Date.now();
        await page.goto(`file://${join(reportDir, 'index.html')}`);
        await page.waitForFunction(`document.querySelectorAll('#gallery .card').length >= 120`);
        firstPageMs = Date.now() - start;
      } finally {
        await browser.close();
      }
    }
    console.log(`report of ${images.toLocaleString('en-US')} images, ${latencyMs} ms per S3 read (ratio to results of the same run, which downloads the predictions only):`);
    row('results (predictions only)', results, results);
    row('report (each prediction and image once, thumbnails, one pool)', report, results);
    console.log(`  report folder: ${(bytesPerImage / 1024).toFixed(1)} KiB per image (thumbnails and data), ${((bytesPerImage * images) / 1024 / 1024).toFixed(1)} MiB in all`);
    if (firstPageMs !== undefined) console.log(`  Chromium: the first ${120} cards shown ${firstPageMs} ms after opening index.html`);
    return { report, results, bytesPerImage, ...(firstPageMs !== undefined ? { firstPageMs } : {}) };
  } finally {
    rmSync(resultsDir, { recursive: true, force: true });
    rmSync(reportDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const runs = Number(process.argv[2] ?? 5);
  const files = Number(process.argv[3] ?? 500);
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const images = Number(process.argv[4] ?? 2000);
  measureStartup(runs);
  void measureResults(files)
    .then(() => measureEvaluate())
    .then(() => measureEvaluationArithmetic())
    .then(() => measureReport(images));
}
