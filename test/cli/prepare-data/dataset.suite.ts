/**
 * The dataset writer with `--keep-original` (bytes packed as they are, so every record can be compared
 * with its file), on the jpeg-js tree of fixtures.ts: the scan, the split, RecordIO and .lst output.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { collectImages } from '../../../cli/prepare-data/collect';
import { DEFAULT_CONVERT_SETTINGS } from '../../../cli/prepare-data/convert';
import { checkOutputFolder, planDataset, processingSettings, writeDataset, type WriteDatasetOptions } from '../../../cli/prepare-data/dataset-writer';
import { scanImageTree } from '../../../cli/prepare-data/image-tree';
import { RECORDIO_MAX_LENGTH } from '../../../cli/prepare-data/recordio';
import { buildTestTree, readRecordFile, type TestTree } from './fixtures';
import { tempDir } from '../../support/temp-dir';

let tree: TestTree;
beforeAll(() => {
  tree = buildTestTree();
});

/** The old tree's images are 24-64 px: --min-side 1 keeps them all. */
const SETTINGS = { ...DEFAULT_CONVERT_SETTINGS, minSide: 1 };

async function collect() {
  return collectImages(scanImageTree(tree.root), { mode: 'keep-original', settings: SETTINGS, workDir: tempDir('ic-work-'), maxImageBytes: RECORDIO_MAX_LENGTH - 24 });
}

async function prepare(options: Partial<WriteDatasetOptions> & { testFraction?: number } = {}) {
  const collected = await collect();
  const plan = planDataset(collected, { validationFraction: 0.2, testFraction: options.testFraction ?? 0, seed: options.seed ?? 1 });
  const out = join(tempDir('ic-prepared-'), 'prepared');
  return writeDataset(plan, {
    out,
    name: 'pets',
    format: 'recordio',
    processing: processingSettings('keep-original', SETTINGS),
    validationFraction: 0.2,
    testFraction: 0,
    seed: 1,
    ...options,
  });
}

const CLASSES = ['cat', 'dog', 'zebra'];

describe('the scan', () => {
  test('classes are the top-level folders with a usable image, in name order; images are found by bytes at any depth', async () => {
    const collected = await collect();
    expect(collected.classes).toEqual(CLASSES);
    expect(new Set(collected.images.map((image) => image.path))).toEqual(new Set(tree.images.keys()));
    for (const image of collected.images) expect(collected.classes[image.label]).toBe(tree.images.get(image.path)?.className);
    expect(collected.images.find((image) => image.path === 'cat/really-a-png.jpg')).toMatchObject({ format: 'png', width: 30, height: 40 });
    expect(collected.images.find((image) => image.path === 'cat/kittens/small kitten.jpg')).toMatchObject({ format: 'jpeg', width: 32, height: 24 });
  });

  test('every file or folder not used is listed with its reason', async () => {
    const collected = await collect();
    expect(collected.rejected.map((entry) => entry.path).sort()).toEqual(Object.keys(tree.skipped).sort());
    for (const entry of collected.rejected) expect(entry.reason).toMatch(tree.skipped[entry.path] as RegExp);
  });
});

describe('a RecordIO dataset', () => {
  test('every image and its label round-trip through the .rec files, ids unique, in the header im2rec writes', async () => {
    const { out, manifest } = await prepare();
    const train = readRecordFile(join(out, 'train', 'pets-train.rec'));
    const validation = readRecordFile(join(out, 'validation', 'pets-validation.rec'));
    const all = [...train, ...validation];
    expect(all).toHaveLength(tree.images.size);
    const byBytes = new Map([...tree.images.values()].map((image) => [image.bytes.toString('base64'), image.className]));
    for (const record of all) {
      expect(record.flag).toBe(0);
      expect(record.id2).toBe(0n);
      const className = byBytes.get(record.image.toString('base64'));
      expect(className).toBeDefined();
      expect(CLASSES[record.label]).toBe(className);
      byBytes.delete(record.image.toString('base64')); // each image exactly once: train and validation are disjoint
    }
    expect(byBytes.size).toBe(0);
    for (const records of [train, validation]) {
      expect(records.map((record) => record.id)).toEqual(records.map((_, i) => BigInt(i)));
    }
    expect(manifest).toMatchObject({ numTrainingSamples: train.length, numValidationSamples: validation.length });
  });

  test('the images holding the magic word are written in parts and read back unchanged', async () => {
    const { out } = await prepare();
    const records = [...readRecordFile(join(out, 'train', 'pets-train.rec')), ...readRecordFile(join(out, 'validation', 'pets-validation.rec'))];
    const magic = records.find((record) => record.image.equals(tree.images.get('dog/magic.jpg')?.bytes as Buffer));
    const atEnd = records.find((record) => record.image.equals(tree.images.get('dog/magic-at-end.png')?.bytes as Buffer));
    // Magic words at image offsets 8, 12 and 20: four parts.
    expect(magic?.parts).toBe(4);
    expect(atEnd?.parts).toBe(2);
  });

  test('the split is stratified: a fifth of each class (at least one) to validation, a tenth (at least one from three images) to test', async () => {
    const { manifest } = await prepare();
    expect(manifest.counts).toEqual({ cat: { train: 6, validation: 2, test: 0 }, dog: { train: 5, validation: 1, test: 0 }, zebra: { train: 1, validation: 1, test: 0 } });
    expect(manifest).toMatchObject({ numClasses: 3, classes: CLASSES, numTrainingSamples: 12, numValidationSamples: 4, numTestSamples: 0, seed: 1, validationFraction: 0.2 });
    const tested = await prepare({ testFraction: 0.1 });
    expect(tested.manifest.counts).toEqual({ cat: { train: 5, validation: 2, test: 1 }, dog: { train: 4, validation: 1, test: 1 }, zebra: { train: 1, validation: 1, test: 0 } });
    // Test images are the files as they are, under test/<class folder>/, never also in a .rec file.
    const records = ['train', 'validation'].flatMap((part) => readRecordFile(join(tested.out, part, `pets-${part}.rec`))).map((record) => record.image.toString('base64'));
    for (const className of ['cat', 'dog']) {
      const [file] = readdirSync(join(tested.out, 'test', className), { recursive: true }).map(String).filter((name) => /\.(jpg|png)$/.test(name));
      const bytes = readFileSync(join(tested.out, 'test', className, file as string));
      expect(bytes).toEqual(tree.images.get(`${className}/${file}`)?.bytes);
      expect(records).not.toContain(bytes.toString('base64'));
    }
  });

  test('the same seed gives the same files; another seed another split', async () => {
    const first = await prepare({ seed: 7 });
    const again = await prepare({ seed: 7 });
    const other = await prepare({ seed: 8 });
    const files = (out: string) => [readFileSync(join(out, 'train', 'pets-train.rec')), readFileSync(join(out, 'validation', 'pets-validation.rec'))];
    expect(files(again.out)).toEqual(files(first.out));
    expect(again.manifest.contentHash).toBe(first.manifest.contentHash);
    const validationImages = (out: string) =>
      readRecordFile(join(out, 'validation', 'pets-validation.rec'))
        .map((record) => record.image.toString('base64'))
        .sort();
    expect(validationImages(other.out)).not.toEqual(validationImages(first.out));
    expect(other.manifest.contentHash).not.toBe(first.manifest.contentHash);
  });

  test('classes.txt, dataset.json and run-request.json describe the dataset', async () => {
    const { out, manifest } = await prepare();
    expect(readFileSync(join(out, 'classes.txt'), 'utf8')).toBe('cat\ndog\nzebra\n');
    expect(JSON.parse(readFileSync(join(out, 'dataset.json'), 'utf8'))).toEqual(manifest);
    expect(manifest.minImageSide).toBe(24);
    expect(manifest.rejected).toHaveLength(5);
    expect(manifest.processing).toEqual({ mode: 'keep-original', shortSide: null, quality: null, background: null, minSide: 1, output: 'original JPEG and PNG bytes' });
    expect(JSON.parse(readFileSync(join(out, 'run-request.json'), 'utf8'))).toEqual({
      $schema: expect.any(String),
      trainingData: 's3://<data-bucket>/datasets/pets/train/',
      validationData: 's3://<data-bucket>/datasets/pets/validation/',
      hyperparameters: { num_classes: 3, num_training_samples: 12, resize: 256, mini_batch_size: 12 },
      training: { contentType: 'application/x-recordio' },
    });
    expect(readdirSync(out).sort()).toEqual(['classes.txt', 'dataset.json', 'run-request.json', 'train', 'validation']);
  });

  test('run-request.json names the JSON Schema of the package by its path from the file, so that editors find it', async () => {
    const { out } = await prepare();
    const { $schema } = JSON.parse(readFileSync(join(out, 'run-request.json'), 'utf8')) as { $schema: string };
    expect($schema).toMatch(/^\.{1,2}\/.*run-request\.schema\.json$/);
    expect(resolve(out, $schema)).toBe(resolve(__dirname, '../../../run-request.schema.json'));
    expect(existsSync(resolve(out, $schema))).toBe(true);
  });
});

describe('an image-file (lst) dataset', () => {
  test('copies the images under train/ and validation/ by class folder and lists them in .lst files', async () => {
    const { out, manifest, runRequest } = await prepare({ format: 'lst', dataBucket: 'my-data' });
    const seen = new Set<string>();
    for (const part of ['train', 'validation'] as const) {
      const lines = readFileSync(join(out, `${part}_lst`, `pets-${part}.lst`), 'utf8').trimEnd().split('\n');
      expect(lines).toHaveLength(part === 'train' ? manifest.numTrainingSamples : manifest.numValidationSamples);
      lines.forEach((line, index) => {
        const [id, label, path] = line.split('\t') as [string, string, string];
        expect(id).toBe(String(index));
        expect(label).toBe(`${CLASSES.indexOf(path.split('/')[0] as string)}.000000`);
        expect(readFileSync(join(out, part, path))).toEqual(tree.images.get(path)?.bytes);
        expect(seen.has(path)).toBe(false);
        seen.add(path);
      });
    }
    expect(seen).toEqual(new Set(tree.images.keys()));
    expect(runRequest).toEqual({
      trainingData: 's3://my-data/datasets/pets/train/',
      validationData: 's3://my-data/datasets/pets/validation/',
      trainingLst: 's3://my-data/datasets/pets/train_lst/',
      validationLst: 's3://my-data/datasets/pets/validation_lst/',
      hyperparameters: { num_classes: 3, num_training_samples: 12, resize: 256, mini_batch_size: 12 },
      training: { contentType: 'application/x-image' },
    });
  });
});

describe('the output folder', () => {
  test('an earlier prepare-data output is replaced whole', async () => {
    const { out } = await prepare({ format: 'lst' });
    expect(() => checkOutputFolder(out, tree.root)).not.toThrow();
    await prepare({ out });
    expect(existsSync(join(out, 'train_lst'))).toBe(false);
    expect(readdirSync(join(out, 'train'))).toEqual(['pets-train.rec']);
  });

  test('a folder with other files, or one overlapping the images, is refused', () => {
    const dir = tempDir('ic-out-');
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    expect(() => checkOutputFolder(dir, tree.root)).toThrow(/is not empty and does not hold \(only\) an earlier prepare-data output \(it holds notes\.txt\)/);
    expect(() => checkOutputFolder(join(tree.root, 'prepared'), tree.root)).toThrow(/overlap/);
  });
});
