import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { resultsCommand } from '../../cli/commands/results';
import { runPool } from '../../cli/download/pool';
import { topClasses } from '../../cli/predictions';
import { visibleLength } from '../../cli/output';
import { runCommand } from '../../cli/run-command';
import { bufferOutput } from '../support/output';
import { ARTIFACT_BUCKET, awsError, capture, executionArn, mockedAws, STATE_MACHINE_ARN } from './aws-fixtures';
import { tempDir } from '../support/temp-dir';

const NAME = 'cli-20261128-101500-ab12';
const RUN_ID = 'cli-20261128-101500-ab12-5c0ffee5';
const PREFIX = `runs/${RUN_ID}/predictions/`;
const CLASSES = 257;

/** 257 probabilities: `top` at `index`, `second` at index+1, the rest shared. */
function prediction(index: number, top: number, second = 0): string {
  const rest = (1 - top - second) / (CLASSES - 2);
  return JSON.stringify({ prediction: Array.from({ length: CLASSES }, (_, i) => (i === index ? top : i === (index + 1) % CLASSES ? second : rest)) });
}

const body = (text: string) => ({ transformToString: async () => text }) as never;

/** A succeeded run whose predictions are `objects`, served with `delay(key)` ms each; counts downloads in flight. */
function run(objects: Record<string, string>, delay: (key: string) => number = () => 0) {
  const aws = mockedAws();
  aws.mocks.sfn.on(DescribeExecutionCommand).resolves({
    executionArn: executionArn(NAME), stateMachineArn: STATE_MACHINE_ARN, name: NAME, status: 'SUCCEEDED', startDate: new Date(), input: '{}',
    output: JSON.stringify({ runId: RUN_ID, mode: 'full', predictions: `s3://${ARTIFACT_BUCKET}/${PREFIX}` }),
  });
  const keys = Object.keys(objects);
  const pages = [];
  for (let i = 0; i < keys.length; i += 1000) pages.push(keys.slice(i, i + 1000));
  pages.forEach((page, i) =>
    aws.mocks.s3
      .on(ListObjectsV2Command, { ContinuationToken: i === 0 ? undefined : `p${i}` })
      .resolves({ Contents: page.map((Key) => ({ Key })), IsTruncated: i < pages.length - 1, ...(i < pages.length - 1 ? { NextContinuationToken: `p${i + 1}` } : {}) }),
  );
  let inFlight = 0;
  const seen = { maxInFlight: 0, gets: 0 };
  aws.mocks.s3.on(GetObjectCommand).callsFake(async (input: { Key: string }) => {
    inFlight += 1;
    seen.gets += 1;
    seen.maxInFlight = Math.max(seen.maxInFlight, inFlight);
    await new Promise((resolve) => setTimeout(resolve, delay(input.Key)));
    inFlight -= 1;
    const text = objects[input.Key];
    if (text === undefined) throw awsError('NoSuchKey', 'The specified key does not exist.');
    return { Body: body(text) };
  });
  return { ...aws, seen };
}

const tmp = () => tempDir('ic-results-scale-');

function manyImages(count: number): Record<string, string> {
  const objects: Record<string, string> = {};
  for (let i = 0; i < count; i += 1) {
    const cls = i % 40;
    objects[`${PREFIX}${String(cls).padStart(3, '0')}.class/${String(i).padStart(5, '0')}.jpg.out`] = prediction(cls, i % 10 === 0 ? 0.2 + (i % 7) / 100 : 0.9);
  }
  return objects;
}

/** A small RFC 4180 reader, to check the CSV as a spreadsheet would read it. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  return rows;
}

test('downloads concurrently, at most 16 at a time by default, and at most --concurrency', async () => {
  const objects = manyImages(300);
  const fast = run(objects, () => 3);
  const { code } = await capture(true, (out) => resultsCommand({ execution: NAME, outDir: join(tmp(), 'r') }, fast.deps, out));
  expect(code).toBe(0);
  expect(fast.seen.gets).toBe(300);
  expect(fast.seen.maxInFlight).toBe(16);

  const four = run(objects, () => 3);
  const answer = await capture(true, (out) => resultsCommand({ execution: NAME, outDir: join(tmp(), 'r'), concurrency: 4 }, four.deps, out));
  expect(four.seen.maxInFlight).toBe(4);
  expect(JSON.parse(answer.stdout).download).toMatchObject({ files: 300, concurrency: 4, maxInFlight: 4 });
});

test('a bad --out fails at once (exit 2), before any AWS call', async () => {
  const root = tmp();
  const file = join(root, 'taken');
  writeFileSync(file, 'not a folder');
  for (const outDir of [file, join(file, 'below')]) {
    const { deps, mocks } = run(manyImages(3));
    const { code, stderr } = await capture(false, (out) => resultsCommand({ execution: NAME, outDir }, deps, out));
    expect(code).toBe(2);
    expect(stderr).toMatch(outDir === file ? /^Error: --out .*taken is a file, not a folder\.\n/ : /^Error: --out .*below cannot be (a folder|created): part of its path is a file\.\n/);
    expect(stderr).toContain('Next: Pass --out <folder>');
    expect(mocks.sfn.calls()).toHaveLength(0);
    expect(mocks.s3.calls()).toHaveLength(0);
  }
});

test('the CSV is in key order whatever order the downloads finish in, and correct for odd file names', async () => {
  const names = ['plain.jpg', 'with space.jpg', 'comma,in,name.jpg', 'quote"d.jpg', 'new\nline.jpg', 'ünïcødé/猫.png', '=SUM(A1).jpg', ' lead.jpg', 'a+b%20c.jpg'];
  const objects = Object.fromEntries(names.map((name, i) => [`${PREFIX}${name}.out`, prediction(i, 0.5 + i / 100)]));
  const { deps } = run(objects, (key) => (key.length * 7) % 13); // finish out of order
  const outDir = join(tmp(), 'r');
  const { code, stdout } = await capture(false, (out) => resultsCommand({ execution: NAME, outDir, topK: 2 }, deps, out));
  expect(code).toBe(0);
  const rows = parseCsv(readFileSync(join(outDir, 'predictions.csv'), 'utf8'));
  expect(rows[0]).toEqual(['image', 'top_class', 'probability', 'class_index', 'class_2', 'probability_2', 'class_index_2']);
  expect(rows.slice(1).map((row) => row[0])).toEqual([...names].sort());
  const comma = rows.find((row) => row[0] === 'comma,in,name.jpg');
  expect(comma?.slice(1)).toEqual(['backpack', '0.52', '2', 'ak47', String((1 - 0.52) / 255), '0']); // line 3 of the Caltech-256 names
  expect(readdirSync(outDir)).toEqual(['predictions.csv']); // the .partial file was renamed
  // On the terminal the name with a line break does not break the listing.
  expect(stdout).toContain('new?line.jpg');
});

test('at scale the terminal gets a summary, not one line per image; --json keeps every image', async () => {
  const objects = manyImages(1200);
  const { deps } = run(objects);
  const outDir = join(tmp(), 'r');
  const { code, stdout } = await capture(false, (out) => resultsCommand({ execution: NAME, outDir }, deps, out));
  expect(code).toBe(0);
  const lines = stdout.split('\n');
  expect(lines.length).toBeLessThan(60);
  expect(stdout).toContain(`Predictions of run ${RUN_ID}: 1,200 images from s3://${ARTIFACT_BUCKET}/${PREFIX}`);
  expect(stdout).toContain('Images per predicted class (the 15 most predicted of 40):');
  expect(stdout).toContain('… 25 more classes: see the CSV');
  expect(stdout).toMatch(/Confidence of the top class: median about 92\.5%; 120 images below 50\.0%/);
  expect(stdout).toMatch(/Least confident images:\n {3}20\.0% {2}000\.class\/00000\.jpg → ak47, then backpack 0\.3%/);
  expect(stdout).toContain(`see every image with its classes: ic-pipeline report ${NAME}`);
  expect(readFileSync(join(outDir, 'predictions.csv'), 'utf8').split('\n')).toHaveLength(1202);

  const json = await capture(true, (out) => resultsCommand({ execution: NAME, outDir: join(tmp(), 'j') }, run(objects).deps, out));
  const document = JSON.parse(json.stdout);
  expect(document.images).toHaveLength(1200);
  expect(document.summary).toMatchObject({ images: 1200, lowConfidence: 120 });
  // Two results of 1,200 images each: about 3 s alone, more on a loaded machine; jest's 5 s default is a
  // guard against a hang, not a time limit of this test (npm run measure times results).
}, 30_000);

test('on a terminal a progress bar that fits the width; piped, a line per tenth', async () => {
  const objects = manyImages(200);
  for (const columns of [80, 60]) {
    const out = bufferOutput({ tty: true, columns });
    const code = await runCommand(out, () => resultsCommand({ execution: NAME, outDir: join(tmp(), 'r') }, run(objects).deps, out));
    expect(code).toBe(0);
    const bars = out.stdout().split('\r\x1b[2K').filter((part) => part.startsWith('Downloading predictions'));
    expect(bars.length).toBeGreaterThan(10);
    for (const bar of bars) expect(visibleLength(bar.split('\n')[0] as string)).toBeLessThanOrEqual(columns - 1);
    expect(bars[bars.length - 1]).toMatch(/^Downloading predictions \[#+\] 200\/200 100%\n/);
  }
  const piped = bufferOutput({ tty: false });
  await runCommand(piped, () => resultsCommand({ execution: NAME, outDir: join(tmp(), 'r') }, run(objects).deps, piped));
  expect(piped.stdout().split('\n').filter((line) => line.startsWith('Downloading predictions'))).toHaveLength(11);
});

test('a download that fails leaves nothing behind: no partial CSV, no folder it created (exit 3 when AWS is unreachable)', async () => {
  const objects = manyImages(50);
  const { deps, mocks } = run(objects);
  mocks.s3.on(GetObjectCommand).rejects(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
  const outDir = join(tmp(), 'new', 'folder');
  const { code, stderr } = await capture(false, (out) => resultsCommand({ execution: NAME, outDir }, deps, out));
  expect(code).toBe(3);
  expect(stderr).toContain(`once AWS answers again, ic-pipeline results ${NAME}`);
  expect(existsSync(outDir)).toBe(false);
});

test('the pool delivers in order, bounded, and stops at the first error', async () => {
  const order: number[] = [];
  const stats = await runPool(
    Array.from({ length: 50 }, (_, i) => i),
    async (i) => (await new Promise((resolve) => setTimeout(resolve, (i * 17) % 5)), i * 2),
    { concurrency: 5, onResult: (result) => void order.push(result) },
  );
  expect(order).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
  expect(stats.maxInFlight).toBe(5);
  let started = 0;
  await expect(
    runPool(Array.from({ length: 100 }, (_, i) => i), async (i) => {
      started += 1;
      if (i === 3) throw new Error('boom');
      await new Promise((resolve) => setTimeout(resolve, 2));
    }, { concurrency: 4 }),
  ).rejects.toThrow('boom');
  expect(started).toBeLessThan(10);
});

test('topClasses keeps the k best, best first, ties by lower index', () => {
  expect(topClasses([0.1, 0.5, 0.2, 0.5, 0.05], 3)).toEqual([
    { index: 1, probability: 0.5 },
    { index: 3, probability: 0.5 },
    { index: 2, probability: 0.2 },
  ]);
  expect(topClasses([1], 3)).toEqual([{ index: 0, probability: 1 }]);
});

test('Ctrl-C during the download: exit 130, nothing written, how to download', async () => {
  const controller = new AbortController();
  const objects = manyImages(200);
  // Ctrl-C while the 40th of 200 downloads is in flight (a timer instead would race the downloads).
  let started = 0;
  const { deps } = run(objects, () => {
    started += 1;
    if (started === 40) controller.abort();
    return 2;
  });
  const outDir = join(tmp(), 'r');
  const { code, stderr } = await capture(false, (out) => resultsCommand({ execution: NAME, outDir }, { ...deps, signal: controller.signal }, out));
  expect(code).toBe(130);
  expect(stderr).toBe(`Interrupted: the download stopped and nothing was written; to download: ic-pipeline results ${NAME}\n`);
  expect(existsSync(outDir)).toBe(false);
});
