/**
 * The prepare-data command's output and options, on the jpeg-js tree of fixtures.ts with
 * --keep-original (no decoding, so these tests stay fast); photos.suite.ts covers converted images.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareDataCommand, type PrepareDataOptions } from '../../../cli/commands/prepare-data';
import { validateCommand } from '../../../cli/commands/validate';
import { bufferOutput } from '../../support/output';
import { createProgress, progressLine } from '../../../cli/prepare-data/progress';
import { runCommand } from '../../../cli/run-command';
import { prepareRun } from '../../../core/prepare-run';
import { buildTestTree, type TestTree } from './fixtures';
import { tempDir } from '../../support/temp-dir';

let tree: TestTree;
beforeAll(() => {
  tree = buildTestTree();
});

const newOut = () => join(tempDir('ic-cmd-'), 'prepared');

async function prepare(options: Partial<PrepareDataOptions> & { json?: boolean } = {}) {
  const out = bufferOutput({ json: options.json });
  const progress: string[] = [];
  const outDir = options.out ?? newOut();
  const code = await runCommand(out, () =>
    prepareDataCommand(
      { imagesDir: tree.root, out: outDir, name: 'pets', keepOriginal: true, minSide: 1, testFraction: 0, progressStream: { write: (text: string) => progress.push(text) }, ...options },
      out,
    ),
  );
  return { code, stdout: out.stdout(), stderr: out.stderr(), progress: progress.join(''), outDir };
}

test('prints the summary table, what was left out, the smallest side and the resize it sets, and how to go on offline', async () => {
  const { code, stdout, stderr, outDir } = await prepare();
  const flat = stdout.replace(/\s+/g, ' ');
  expect(stderr.replace(/\n +/g, ' ')).toBe(
    'Warning: The training set has 12 images, fewer than the reference mini_batch_size 64: the run request sets mini_batch_size=12, as SageMaker fails a job whose training set is smaller than its batch.\n',
  );
  expect(code).toBe(0);
  expect(flat).toContain(`Dataset pets (recordio) written to ${outDir}/: 3 classes, 12 training, 4 validation and 0 test images (seed 1; images packed as they are, --keep-original).`);
  expect(stdout).toMatch(/ 0 {2}cat +6 +2 +0\n/);
  expect(stdout).toMatch(/ 2 {2}zebra +1 +1 +0\n/);
  expect(stdout).toMatch(/ total +12 +4 +0\n/);
  expect(flat).toContain('Left out 5 files or folders: 2 empty folders, 1 corrupt or truncated, 1 not an image, 1 format not decoded.');
  expect(stdout).toContain('  dog/broken.jpg: truncated JPEG: the file ends before the frame header (SOF)');
  expect(stdout).toContain('  empty/: empty class folder: no label');
  expect(flat).toContain('Smallest image side: 24 px (below 224, the side of image_shape): the run request sets resize=256');
  expect(flat).toContain(`${join(outDir, 'run-request.json')} uses the placeholder bucket <data-bucket>`);
  expect(stdout).toContain(`npx ic-pipeline validate ${join(outDir, 'run-request.json')}`);
});

test('the written run request passes validate and the Prepare run code, with the dataset numbers', async () => {
  const { outDir } = await prepare();
  const file = join(outDir, 'run-request.json');
  const out = bufferOutput();
  expect(await runCommand(out, () => validateCommand({ file }, out))).toBe(0);
  const run = prepareRun(JSON.parse(readFileSync(file, 'utf8')), 'check', { dataBucket: '<data-bucket>', artifactBucket: '<artifact-bucket>' });
  expect(run.training?.hyperparameters).toMatchObject({ num_classes: '3', num_training_samples: '12', resize: '256', mini_batch_size: '12' });
  expect(run.training?.trainingData).toBe('s3://<data-bucket>/datasets/pets/train/');
});

test('an lst dataset with a data bucket passes the Prepare run code with its .lst channels', async () => {
  const { code, outDir } = await prepare({ format: 'lst', dataBucket: 'my-data-bucket' });
  expect(code).toBe(0);
  const request = JSON.parse(readFileSync(join(outDir, 'run-request.json'), 'utf8'));
  const run = prepareRun(request, 'check', { dataBucket: 'my-data-bucket', artifactBucket: 'my-artifacts' });
  expect(run.training?.inputDataConfig.map((channel) => [channel.ChannelName, channel.DataSource.S3DataSource.S3Uri, channel.ContentType])).toEqual([
    ['train', 's3://my-data-bucket/datasets/pets/train/', 'application/x-image'],
    ['validation', 's3://my-data-bucket/datasets/pets/validation/', 'application/x-image'],
    ['train_lst', 's3://my-data-bucket/datasets/pets/train_lst/', 'application/x-image'],
    ['validation_lst', 's3://my-data-bucket/datasets/pets/validation_lst/', 'application/x-image'],
  ]);
});

test('--json prints exactly the dataset.json content (and where it went), no progress', async () => {
  const { code, stdout, progress, outDir } = await prepare({ json: true });
  expect(code).toBe(0);
  expect(progress).toBe('');
  const document = JSON.parse(stdout);
  const { out, runRequest, ...manifest } = document;
  expect(manifest).toEqual(JSON.parse(readFileSync(join(outDir, 'dataset.json'), 'utf8')));
  expect(out).toBe(outDir);
  expect(runRequest).toBe(join(outDir, 'run-request.json'));
});

test('a tree without images is a usage error (exit 2) and writes nothing', async () => {
  const root = tempDir('ic-noimages-');
  mkdirSync(join(root, 'a'));
  writeFileSync(join(root, 'a', 'readme.txt'), 'no images here');
  const outDir = newOut();
  const { code, stderr } = await prepare({ imagesDir: root, out: outDir });
  expect(code).toBe(2);
  expect(stderr).toContain(`Error: No usable image under ${root}/<class folder>/ (2 files or folders left out); nothing was written.`);
  expect(stderr).toContain('Next: Lay the images out as <images-dir>/<class folder>/<image files>');
  expect(existsSync(outDir)).toBe(false);
});

test.each([
  [{ format: 'tfrecord' }, '--format tfrecord is not a dataset format.'],
  [{ validationFraction: 1 }, '--validation-fraction 1 must be a number between 0 and 1 (exclusive).'],
  [{ name: 'my pets!' }, 'The dataset name "my pets!" is not usable in S3 keys and file names.'],
  [{ upload: true, dataBucket: 'x' }, '--upload and --data-bucket cannot be used together.'],
  [{ force: true }, '--force only applies with --upload.'],
])('bad options are usage errors: %j', async (options, message) => {
  const { code, stderr } = await prepare(options);
  expect(code).toBe(2);
  expect(stderr).toContain(`Error: ${message}`);
});

describe('progress display', () => {
  const fake = (isTTY: boolean, columns?: number) => {
    const writes: string[] = [];
    return { stream: { isTTY, columns, write: (text: string) => writes.push(text) }, writes };
  };

  test.each([80, 60])('on a %i-column terminal the bar is redrawn in place and never wider than the terminal', (columns) => {
    const { stream, writes } = fake(true, columns);
    const progress = createProgress(stream);
    for (let done = 0; done <= 1000; done++) progress.update('Writing train', done, 1000);
    progress.end();
    const frames = writes.filter((text) => text.startsWith('\r\x1b[2K')).map((text) => text.slice(5));
    expect(frames.length).toBeGreaterThan(50);
    for (const frame of frames) expect(frame.length).toBeLessThanOrEqual(columns - 1);
    expect(frames.at(-1)).toMatch(/^Writing train \[#+\] 1000\/1000 100%$/);
    expect(frames.at(-1)).toHaveLength(columns - 1);
    expect(writes.at(-1)).toBe('\n');
  });

  test('a terminal too narrow for a bar shows the counts only', () => {
    expect(progressLine('Writing validation', 5, 10, 30)).toBe('Writing validation 5/10  50%');
  });

  test('without a terminal: plain lines at every tenth, no control characters', () => {
    const { stream, writes } = fake(false);
    const progress = createProgress(stream);
    for (let done = 1; done <= 200; done++) progress.update('Writing train', done, 200);
    progress.update('Writing validation', 3, 3);
    expect(writes).toHaveLength(11 + 1);
    expect(writes[0]).toBe('Writing train: 0% (1/200)\n');
    expect(writes[10]).toBe('Writing train: 100% (200/200)\n');
    expect(writes[11]).toBe('Writing validation: 100% (3/3)\n');
    for (const control of ['\r', '\u001b']) expect(writes.join('')).not.toContain(control);
  });

  test('with --json nothing is shown', () => {
    const { stream, writes } = fake(true, 80);
    const progress = createProgress(stream, { json: true });
    progress.update('Writing train', 1, 2);
    progress.end();
    expect(writes).toEqual([]);
  });
});
