/**
 * prepare-data on real files of every kind users have (made with sharp in fixtures.ts): what it writes
 * is checked by decoding it back, and the records by a RecordIO reader that is not the writer.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { checkPlan, prepareDataCommand, type PrepareDataOptions, printSummary } from '../../../cli/commands/prepare-data';
import { validateCommand } from '../../../cli/commands/validate';
import type { Collected } from '../../../cli/prepare-data/collect';
import { convertImage, DEFAULT_CONVERT_SETTINGS, parseBackground, sniffFormat } from '../../../cli/prepare-data/convert';
import { type DatasetManifest, listFiles, planDataset } from '../../../cli/prepare-data/dataset-writer';
import { runCommand } from '../../../cli/run-command';
import { visibleLength } from '../../../cli/output';
import { bufferOutput } from '../../support/output';
import { buildPhotoTree, type PhotoTree, readRecordFile } from './fixtures';
import { tempDir } from '../../support/temp-dir';

let tree: PhotoTree;
/** The default run (recordio, converted), shared by the tests that only read it. */
let prepared: { outDir: string; manifest: DatasetManifest; stdout: string; stderr: string };

async function prepare(options: Partial<PrepareDataOptions> & { tty?: boolean; columns?: number; json?: boolean } = {}) {
  const { tty, columns, json, ...rest } = options;
  const out = bufferOutput({ tty, columns, json });
  const outDir = join(tempDir('ic-photos-out-'), 'prepared');
  const code = await runCommand(out, () => prepareDataCommand({ imagesDir: tree.root, out: outDir, name: 'pets', ...rest }, out));
  return { code, outDir, stdout: out.stdout(), stderr: out.stderr() };
}

/** Decoding a few dozen images takes well under a second, but the test machine's two cores are shared. */
const SLOW = 30_000;

const readManifest = (outDir: string): DatasetManifest => JSON.parse(readFileSync(join(outDir, 'dataset.json'), 'utf8'));

beforeAll(async () => {
  tree = await buildPhotoTree();
  const run = await prepare();
  expect(run.code).toBe(0);
  prepared = { ...run, manifest: readManifest(run.outDir) };
}, SLOW);

/** Every written image: the .rec records (read independently) and the test files, with their label. */
function writtenImages(outDir: string): { part: string; label: number; bytes: Buffer }[] {
  const records = ['train', 'validation'].flatMap((part) =>
    readRecordFile(join(outDir, part, `pets-${part}.rec`)).map((record) => ({ part, label: record.label, bytes: record.image })),
  );
  const tests = listFiles(join(outDir, 'test')).map((path) => ({
    part: 'test',
    path,
    label: prepared.manifest.classes.indexOf(path.split('/')[0] as string),
    bytes: readFileSync(join(outDir, 'test', ...path.split('/'))),
  }));
  return [...records, ...tests];
}

/** The RGB value at (x, y) of a decoded image. */
async function pixel(bytes: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * info.channels;
  return [...data.subarray(i, i + 3)];
}

/** The written images shown 256x384 (collected by the first test). */
const portrait: Buffer[] = [];

const near = (actual: number[], expected: number[]) => actual.every((value, i) => Math.abs(value - (expected[i] as number)) <= 24);

test('every image is written as a baseline 8-bit 3-channel sRGB JPEG whose shorter side is 256 px, in records and test files', async () => {
  const images = writtenImages(prepared.outDir);
  expect(images).toHaveLength(Object.values(tree.used).flat().length);
  for (const image of images) {
    const metadata = await sharp(image.bytes).metadata();
    if (metadata.width === 256 && metadata.height === 384) portrait.push(image.bytes);
    expect(metadata).toMatchObject({ format: 'jpeg', channels: 3, space: 'srgb', depth: 'uchar', isProgressive: false });
    expect(Math.min(metadata.width, metadata.height)).toBe(256);
    // Baseline: a SOF0 frame header, no progressive SOF2.
    expect(image.bytes.includes(Buffer.from([0xff, 0xc0]))).toBe(true);
    expect(metadata.orientation).toBeUndefined();
  }
});

test('each used file is written exactly once, in the split of its class, with its label; the ones left out nowhere', async () => {
  const expected = new Map<string, number>();
  for (const [folder, files] of Object.entries(tree.used)) {
    for (const file of files) {
      const converted = await convertImage(readFileSync(join(tree.root, ...file.split('/'))), DEFAULT_CONVERT_SETTINGS);
      if (converted.kind !== 'image') throw new Error(`${file}: ${converted.reason}`);
      expected.set(converted.jpeg.toString('base64'), prepared.manifest.classes.indexOf(folder));
    }
  }
  const written = writtenImages(prepared.outDir);
  for (const image of written) {
    const key = image.bytes.toString('base64');
    expect(expected.get(key)).toBe(image.label);
    expected.delete(key); // a second copy (in another split) would now fail the line above
  }
  expect(expected.size).toBe(0);
  const records = written.filter((image) => image.part !== 'test');
  expect(records.filter((image) => image.part === 'train')).toHaveLength(prepared.manifest.numTrainingSamples);
});

test('EXIF orientation is applied: the 60x40 photo stored with orientation 6 comes out 256x384, red on top', async () => {
  // Found by the test above: the only source shown 2:3 is the rotated one (gray.jpg is 44x60).
  expect(portrait).toHaveLength(1);
  expect(near(await pixel(portrait[0] as Buffer, 128, 40), [220, 20, 20])).toBe(true);
  expect(near(await pixel(portrait[0] as Buffer, 128, 340), [20, 20, 220])).toBe(true);
});

test('transparent pixels are flattened onto the background: white by default, the colour --background names', async () => {
  const palette = readFileSync(join(tree.root, 'cat', 'palette.png'));
  for (const [background, rgb] of [[undefined, [255, 255, 255]], ['black', [0, 0, 0]], ['#3366cc', [0x33, 0x66, 0xcc]]] as const) {
    const converted = await convertImage(palette, { ...DEFAULT_CONVERT_SETTINGS, ...(background ? { background: parseBackground(background) as string } : {}) });
    if (converted.kind !== 'image') throw new Error(converted.reason);
    expect(near(await pixel(converted.jpeg, 60, 128), [0, 160, 0])).toBe(true);
    expect(near(await pixel(converted.jpeg, 200, 128), [...rgb])).toBe(true);
  }
});

test('CMYK, 16-bit, palette, grayscale, progressive, WebP, GIF, TIFF and AVIF inputs all become 3-channel 8-bit JPEGs', async () => {
  const kinds = ['cat/cmyk.jpg', 'cat/kittens/deep.png', 'cat/palette.png', 'cat/progressive.jpg', 'dog/gray.jpg', 'dog/dog.webp', 'dog/dog.gif', 'dog/dog.tiff'];
  if (sharp.format.heif.input.buffer) kinds.push('dog/dog.avif');
  for (const file of kinds) {
    const bytes = readFileSync(join(tree.root, ...file.split('/')));
    const before = await sharp(bytes).metadata();
    const converted = await convertImage(bytes, DEFAULT_CONVERT_SETTINGS);
    if (converted.kind !== 'image') throw new Error(`${file}: ${converted.reason}`);
    const after = await sharp(converted.jpeg).metadata();
    expect({ file, format: after.format, channels: after.channels, depth: after.depth, space: after.space }).toEqual({ file, format: 'jpeg', channels: 3, depth: 'uchar', space: 'srgb' });
    // The aspect ratio is kept (to the pixel).
    expect(Math.abs(after.width / after.height - before.width / before.height)).toBeLessThan(0.02);
  }
  expect(await sharp(readFileSync(join(tree.root, 'cat', 'cmyk.jpg'))).metadata()).toMatchObject({ space: 'cmyk', channels: 4 });
  expect(await sharp(readFileSync(join(tree.root, 'cat', 'kittens', 'deep.png'))).metadata()).toMatchObject({ depth: 'ushort' });
  expect(await sharp(readFileSync(join(tree.root, 'dog', 'gray.jpg'))).metadata()).toMatchObject({ channels: 1 });
});

test('dataset.json lists every file left out with its reason, every duplicate group, the settings and the counts per split', () => {
  const { manifest } = prepared;
  expect(Object.fromEntries(manifest.rejected.map((entry) => [entry.path, entry.code]))).toEqual(tree.rejected);
  const reasons = Object.fromEntries(manifest.rejected.map((entry) => [entry.path, entry.reason]));
  // The decoder's own message is a detail that concurrent decoding can lose (libvips has one error buffer).
  expect(reasons['dog/broken.jpg']).toMatch(/^truncated JPEG: the file ends before its end-of-image marker \(FFD9\) and the image does not decode completely( \(VipsJpeg: premature end of JPEG image\))?$/);
  expect(reasons['dog/tiny.png']).toBe('too small: 10x10 px, the shorter side is below --min-side 32');
  expect(reasons['dog/scan.bmp']).toMatch(/^a BMP image, which the image library \(sharp\) does not decode: convert it to JPEG or PNG first/);
  expect(reasons['dog/notes.txt']).toMatch(/^not an image: the formats used are JPEG, PNG, WebP, GIF \(first frame\), TIFF \(first page\)/);
  expect(reasons['cat/conflict.jpg']).toBe('labelling conflict: the same bytes are in another class folder (zebra/conflict.jpg); every copy is left out');
  expect(manifest.duplicates.map(({ kept, files }) => ({ kept, files }))).toEqual(tree.duplicates);
  expect(manifest.processing).toEqual({ mode: 'convert', shortSide: 256, quality: 90, background: '#ffffff', minSide: 32, output: 'baseline JPEG, 8-bit sRGB, 3 channels' });
  const used = Object.values(tree.used).flat().length;
  expect(manifest.numTrainingSamples + manifest.numValidationSamples + manifest.numTestSamples).toBe(used);
  expect(manifest.counts).toEqual({
    cat: { train: 7, validation: 2, test: 1 },
    dog: { train: tree.used.dog?.length === 5 ? 3 : 2, validation: 1, test: 1 },
    zebra: { train: 1, validation: 1, test: 1 },
  });
  expect(manifest).toMatchObject({ classes: ['cat', 'dog', 'zebra'], numTestSamples: 3, testFraction: 0.1, validationFraction: 0.2, minImageSide: 256 });
  expect(readdirSync(join(prepared.outDir, 'test')).sort()).toEqual(['cat', 'dog', 'zebra']);
});

test('the run request points batchInput at the test images, resize follows --short-side, mini_batch_size fits the training set, and validate accepts it', async () => {
  const request = JSON.parse(readFileSync(join(prepared.outDir, 'run-request.json'), 'utf8'));
  const train = prepared.manifest.numTrainingSamples;
  expect(request).toMatchObject({
    trainingData: 's3://<data-bucket>/datasets/pets/train/',
    batchInput: 's3://<data-bucket>/datasets/pets/test/',
    hyperparameters: { num_classes: 3, num_training_samples: train, resize: 256, mini_batch_size: train },
  });
  expect(prepared.stderr.replace(/\s+/g, ' ')).toContain(`Warning: The training set has ${train} images, fewer than the reference mini_batch_size 64: the run request sets mini_batch_size=${train}`);
  const out = bufferOutput();
  expect(await runCommand(out, () => validateCommand({ file: join(prepared.outDir, 'run-request.json') }, out))).toBe(0);
});

test('--short-side, --quality and --test-fraction 0 change what is written; --keep-original packs the JPEG and PNG bytes as they are', async () => {
  const custom = await prepare({ shortSide: 300, quality: 50, testFraction: 0, format: 'lst' });
  expect(custom.code).toBe(0);
  const request = JSON.parse(readFileSync(join(custom.outDir, 'run-request.json'), 'utf8'));
  expect(request.hyperparameters.resize).toBe(300);
  expect(request.batchInput).toBeUndefined();
  const manifest = readManifest(custom.outDir);
  expect(manifest.numTestSamples).toBe(0);
  expect(readdirSync(custom.outDir)).not.toContain('test');
  const lst = readFileSync(join(custom.outDir, 'train_lst', 'pets-train.lst'), 'utf8').trim().split('\n');
  for (const line of lst) {
    const path = line.split('\t')[2] as string;
    expect(path).toMatch(/\.jpg$/); // dog/dog.webp → dog/dog.jpg
    const metadata = await sharp(readFileSync(join(custom.outDir, 'train', ...path.split('/')))).metadata();
    expect(Math.min(metadata.width, metadata.height)).toBe(300);
  }

  const original = await prepare({ keepOriginal: true });
  expect(original.code).toBe(0);
  const kept = readManifest(original.outDir);
  expect(kept.processing.mode).toBe('keep-original');
  // Only JPEG and PNG are packed; the truncated JPEG's header reads, so it is packed as before.
  expect(kept.rejected.find((entry) => entry.path === 'dog/dog.webp')?.reason).toBe('a WebP image: --keep-original packs only JPEG and PNG files as they are; without it, the image is converted');
  expect(kept.rejected.map((entry) => entry.path)).not.toContain('dog/broken.jpg');
  const originals = new Set(['cat/cat_1.jpg', 'cat/cmyk.jpg', 'dog/broken.jpg'].map((file) => readFileSync(join(tree.root, ...file.split('/'))).toString('base64')));
  const records = ['train', 'validation'].flatMap((part) => readRecordFile(join(original.outDir, part, `pets-${part}.rec`)));
  const test = listFiles(join(original.outDir, 'test')).map((path) => readFileSync(join(original.outDir, 'test', ...path.split('/'))));
  const packed = [...records.map((record) => record.image), ...test].map((bytes) => bytes.toString('base64'));
  for (const bytes of originals) expect(packed).toContain(bytes);
}, SLOW);

describe('the summary on a terminal and piped', () => {
  test.each([
    [true, 80],
    [true, 60],
    [false, 80],
    [false, 60],
  ])('tty %s, %i columns: counts per reason, the first five files, where the full list is; prose fits the width', async (tty, columns) => {
    // The command's own output at 80 columns piped; the same summary printed for the other terminals.
    let stdout = prepared.stdout;
    const { outDir } = prepared;
    if (tty || columns !== 80) {
      const out = bufferOutput({ tty, columns });
      printSummary(out, prepared.manifest, outDir, JSON.parse(readFileSync(join(outDir, 'run-request.json'), 'utf8')).hyperparameters);
      stdout = out.stdout();
    }
    const lines = stdout.split('\n');
    const flat = stdout.replace(/\s+/g, ' ');
    expect(flat).toContain('Left out 8 files or folders: 2 labelling conflicts, 1 corrupt or truncated, 1 empty folder, 1 not an image, 1 not in a class folder, 1 too small, 1 format not decoded.');
    expect(lines.filter((line) => /^ {2}\S+: /.test(line))).toHaveLength(5);
    expect(flat).toContain(`… and 3 more; all of them with their reasons: ${join(outDir, 'dataset.json')} ("rejected")`);
    expect(flat).toContain('Duplicates: 1 file with the same bytes as another in its class, used once');
    expect(stdout).toMatch(/ {2}0 {2}cat +7 +2 +1\n/);
    expect(lines.length).toBeLessThan(40);
    for (const line of lines) {
      // Paths of files are cut on a terminal only; commands are never cut (they are copied).
      if (line.includes('npx ') || line.includes('npm run') || (!tty && /^ {2}\S+: /.test(line))) continue;
      if (line.includes(outDir) && !line.includes(' ')) continue;
      expect({ line, width: visibleLength(line) <= columns - 1 }).toEqual({ line, width: true });
    }
  });
});

describe('checks before anything is written', () => {
  const collected = (sizes: Record<string, number>): Collected => {
    const classes = Object.keys(sizes);
    const images = classes.flatMap((name, label) =>
      Array.from({ length: sizes[name] as number }, (_, i) => ({ path: `${name}/${i}.jpg`, folder: name, label, source: '', size: 1, width: 256, height: 256, format: 'jpeg' as const })),
    );
    return { classes, images, rejected: [], duplicates: [], foldersWithoutImages: [] };
  };
  const check = (sizes: Record<string, number>, testFraction = 0.1) => {
    const c = collected(sizes);
    return checkPlan(planDataset(c, { validationFraction: 0.2, testFraction, seed: 1 }), c, 'photos', testFraction);
  };

  test('classes that differ more than 10 to 1 are a warning naming them', () => {
    expect(check({ big: 230, mid: 40, tiny: 12, small: 20 })).toContain(
      'Classes differ more than 10 to 1: big has 230 images, tiny 12, small 20; the model will favour the large classes (add images, or leave some out).',
    );
    expect(check({ a: 100, b: 10 }).join()).not.toContain('differ');
  });

  test('a class with one image, or a single class, is an error; a class of two gets no test image (a warning)', () => {
    expect(() => check({ cat: 10, zebra: 1 })).toThrow('Class zebra (1 image) has too few usable images; every class needs at least 2 (one to train on, one to validate on); nothing was written.');
    expect(() => check({ cat: 10 })).toThrow('Only one class (cat) holds usable images under photos (0 files or folders left out); nothing was written.');
    expect(check({ cat: 100, dog: 2 })).toContain('1 class (dog) has no test image: a class needs at least 3 images for one to be held out.');
    expect(check({ cat: 100, dog: 70 })).toEqual([]);
  });

  test('a tree where every class loses its images writes nothing and says why', async () => {
    const { code, stderr, outDir } = await prepare({ minSide: 4000 });
    expect(code).toBe(2);
    expect(stderr).toContain(`Error: No usable image under ${tree.root}/<class folder>/ (`);
    expect(() => readdirSync(outDir)).toThrow(/ENOENT/);
    expect(readdirSync(join(outDir, '..'))).toEqual([]);
  });
});

test.each([
  [{ shortSide: 224 }, '--short-side 224 must be a whole number from 225 to 4096.'],
  [{ quality: 0 }, '--quality 0 must be a whole number from 1 to 100.'],
  [{ background: 'pink' }, '--background "pink" is not a colour.'],
  [{ testFraction: 0.8 }, '--test-fraction 0.8 must be a number from 0 (no test images) to below 1, and leave images to train on: with --validation-fraction 0.2 it must be below 0.8.'],
  [{ keepOriginal: true, quality: 80 }, '--quality applies only when images are converted, not with --keep-original.'],
])('bad conversion options are usage errors: %j', async (options, message) => {
  const { code, stderr } = await prepare(options);
  expect(code).toBe(2);
  expect(stderr).toContain(`Error: ${message}`);
});

test('files are told by their bytes: HEIC, AVIF, BMP and JPEG XL by their headers, whatever their names', () => {
  const ftyp = (brand: string) => Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from(`ftyp${brand}`, 'latin1'), Buffer.alloc(12)]);
  expect(sniffFormat(ftyp('heic'))).toEqual({ name: 'HEIC', input: 'heif' });
  expect(sniffFormat(ftyp('avif'))).toEqual({ name: 'AVIF', input: 'heif' });
  expect(sniffFormat(Buffer.from([0xff, 0x0a, 0, 0]))).toMatchObject({ name: 'JPEG XL' });
  expect(sniffFormat(Buffer.from('just text'))).toBeUndefined();
});

test('an image beyond the decoder\'s pixel limit is left out as too large, not decoded', async () => {
  const jpeg = await sharp({ create: { width: 40, height: 40, channels: 3, background: '#123456' } }).jpeg().toBuffer();
  const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
  const huge = Buffer.from(jpeg);
  huge.writeUInt16BE(20000, sof + 5); // height
  huge.writeUInt16BE(20000, sof + 7); // width: 400 megapixels claimed
  expect(await convertImage(huge, DEFAULT_CONVERT_SETTINGS)).toEqual({
    kind: 'rejected',
    code: 'too-large',
    reason: "too large to decode: a 20000x20000 JPEG image, more than sharp's limit of 268,402,689 pixels; scale it down first",
  });
});
