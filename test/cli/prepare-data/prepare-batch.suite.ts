/**
 * prepare-batch: images to classify converted as prepare-data converts them, folders kept, checked by
 * decoding the written files back; the upload under batches/<name>/ with a mocked S3.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { prepareBatchCommand, type PrepareBatchOptions } from '../../../cli/commands/prepare-batch';
import { listFiles } from '../../../cli/prepare-data/dataset-writer';
import { prepareRun } from '../../../core/prepare-run';
import { capture, DATA_BUCKET, mockedAws } from '../aws-fixtures';
import { exifRotatedJpeg, truncatedJpeg } from './fixtures';
import { tempDir } from '../../support/temp-dir';

let root: string;
beforeAll(async () => {
  root = join(tempDir('ic-batch-'), 'holiday');
  const put = (relative: string, bytes: Buffer | string) => {
    mkdirSync(join(root, relative, '..'), { recursive: true });
    writeFileSync(join(root, relative), bytes);
  };
  const raw = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: { r: 30, g: 90, b: 150 } } });
  put('beach.png', await raw(80, 50).png().toBuffer());
  put('day 2/rotated.jpg', await exifRotatedJpeg());
  put('day 2/boat.webp', await raw(60, 45).webp().toBuffer());
  put('day 2/boat.jpg', await raw(61, 45).jpeg().toBuffer());
  put('day 2/cut.jpg', await truncatedJpeg());
  put('notes.txt', 'what we saw');
}, 30_000);

async function prepareBatch(options: Partial<PrepareBatchOptions> = {}, aws = mockedAws()) {
  const out = join(tempDir('ic-batch-out-'), 'batch');
  const result = await capture(false, (output) => prepareBatchCommand({ imagesDir: root, out, ...options }, output, () => aws.deps));
  return { ...result, out, aws };
}

const flat = (text: string) => text.replace(/\s+/g, ' ');

test('images are decoded, oriented and converted to JPEG with the shorter side 256, in their folders; what cannot be used is listed', async () => {
  const { code, stdout, out } = await prepareBatch();
  expect(code).toBe(0);
  expect(listFiles(join(out, 'images'))).toEqual(['beach.jpg', 'day 2/boat.jpg', 'day 2/boat.webp.jpg', 'day 2/rotated.jpg']);
  for (const file of listFiles(join(out, 'images'))) {
    const metadata = await sharp(readFileSync(join(out, 'images', ...file.split('/')))).metadata();
    expect({ file, format: metadata.format, channels: metadata.channels, short: Math.min(metadata.width, metadata.height) }).toEqual({ file, format: 'jpeg', channels: 3, short: 256 });
  }
  expect(await sharp(readFileSync(join(out, 'images', 'day 2', 'rotated.jpg'))).metadata()).toMatchObject({ width: 256, height: 384 });
  const manifest = JSON.parse(readFileSync(join(out, 'batch.json'), 'utf8'));
  expect(manifest).toMatchObject({ name: 'holiday', numImages: 4, batchInput: 's3://<data-bucket>/batches/holiday/' });
  expect(manifest.rejected.map((entry: { path: string; code: string }) => [entry.path, entry.code])).toEqual([
    ['day 2/cut.jpg', 'corrupt'],
    ['notes.txt', 'not-image'],
  ]);
  expect(flat(stdout)).toContain(`Prepared 4 images to classify in ${join(out, 'images')}/ (converted to JPEG with the shorter side 256 px; folders kept).`);
  expect(flat(stdout)).toContain('Left out 2 files or folders: 1 corrupt or truncated, 1 not an image.');
  expect(stdout).toContain('  "batchInput": "s3://<data-bucket>/batches/holiday/"');
  // The batchInput it prints is one the pipeline may read.
  const run = prepareRun({ mode: 'transform', modelName: 'my-model', batchInput: `s3://${DATA_BUCKET}/batches/holiday/` }, 'check', { dataBucket: DATA_BUCKET, artifactBucket: 'artifacts' });
  expect(run.transform?.batchInput).toBe(`s3://${DATA_BUCKET}/batches/holiday/`);
});

test('--upload puts the images (not batch.json) under batches/<name>/ of the stack data bucket and prints the batchInput', async () => {
  const aws = mockedAws();
  aws.mocks.s3.on(ListObjectsV2Command).resolves({ Contents: [], IsTruncated: false });
  aws.mocks.s3.on(PutObjectCommand).resolves({ ETag: '"etag"' });
  const { code, stdout, stderr } = await prepareBatch({ upload: true, name: 'trip-1' }, aws);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  const keys = aws.mocks.s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input.Key).sort();
  expect(keys).toEqual(['batches/trip-1/beach.jpg', 'batches/trip-1/day 2/boat.jpg', 'batches/trip-1/day 2/boat.webp.jpg', 'batches/trip-1/day 2/rotated.jpg']);
  expect(aws.mocks.s3.commandCalls(PutObjectCommand).every((call) => call.args[0].input.ContentType === 'image/jpeg' && call.args[0].input.Bucket === DATA_BUCKET)).toBe(true);
  expect(stdout).toContain(`  "batchInput": "s3://${DATA_BUCKET}/batches/trip-1/"`);
});

test('objects already under batches/<name>/ are not overwritten without --force; nothing is uploaded', async () => {
  const aws = mockedAws();
  aws.mocks.s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'batches/holiday/old.jpg' }], IsTruncated: false });
  const { code, stderr, out } = await prepareBatch({ upload: true }, aws);
  expect(code).toBe(1);
  expect(stderr).toContain(`Error: s3://${DATA_BUCKET}/batches/holiday/ already holds 1 object.`);
  expect(stderr).toContain('--force');
  expect(aws.mocks.s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  // The prepared folder is kept: only the upload was refused.
  expect(existsSync(join(out, 'batch.json'))).toBe(true);
});

test('a folder without any usable image is a usage error and writes nothing', async () => {
  const empty = join(tempDir('ic-batch-empty-'), 'nothing');
  mkdirSync(empty);
  writeFileSync(join(empty, 'a.txt'), 'text');
  const out = join(tempDir('ic-batch-out-'), 'batch');
  const { code, stderr } = await capture(false, (output) => prepareBatchCommand({ imagesDir: empty, out }, output));
  expect(code).toBe(2);
  expect(stderr).toContain(`Error: No usable image under ${empty} (1 file or folder left out); nothing was written.`);
  expect(existsSync(out)).toBe(false);
});
