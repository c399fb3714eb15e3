import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { prepareDataCommand, type PrepareDataOptions } from '../../../cli/commands/prepare-data';
import { awsError, capture, DATA_BUCKET, mockedAws } from '../aws-fixtures';
import { buildTestTree, type TestTree } from './fixtures';
import { tempDir } from '../../support/temp-dir';

let tree: TestTree;
beforeAll(() => {
  tree = buildTestTree();
});

const PREFIX = 'datasets/pets/';
/** Small parts, so that the training .rec file (several KiB) goes up in a multipart upload. */
const PART_SIZE = 4096;

/** The output with its lines joined: sentences are wrapped to the terminal's width. */
const flat = (text: string) => text.replace(/\s+/g, ' ');

function body(text: string) {
  return { transformToString: async () => text } as never;
}

function s3WithNothingThere() {
  const aws = mockedAws();
  aws.mocks.s3.on(GetObjectCommand).rejects(awsError('NoSuchKey', 'The specified key does not exist.'));
  aws.mocks.s3.on(ListObjectsV2Command).resolves({ Contents: [], IsTruncated: false });
  aws.mocks.s3.on(PutObjectCommand).resolves({ ETag: '"etag"' });
  aws.mocks.s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'upload-1' });
  aws.mocks.s3.on(UploadPartCommand).callsFake((input: { PartNumber: number }) => ({ ETag: `"part-${input.PartNumber}"` }));
  aws.mocks.s3.on(CompleteMultipartUploadCommand).resolves({});
  aws.mocks.s3.on(DeleteObjectsCommand).resolves({});
  return aws;
}

async function upload(aws: ReturnType<typeof mockedAws>, options: Partial<PrepareDataOptions> = {}) {
  const outDir = join(tempDir('ic-upload-'), 'prepared');
  // The jpeg-js tree packed as it is: the upload, not the conversion, is under test here.
  const result = await capture(false, (out) =>
    prepareDataCommand(
      { imagesDir: tree.root, out: outDir, name: 'pets', upload: true, partSize: PART_SIZE, keepOriginal: true, minSide: 1, testFraction: 0, ...options },
      out,
      () => aws.deps,
    ),
  );
  return { ...result, outDir };
}

test('--upload puts the dataset under datasets/<name>/ of the stack data bucket, the large file in parts, dataset.json last', async () => {
  const aws = s3WithNothingThere();
  const { code, stdout, stderr, outDir } = await upload(aws);
  // The only thing on stderr: the 12-image training set lowers mini_batch_size.
  expect(flat(stderr)).toMatch(/^Warning: The training set has 12 images, fewer than the reference mini_batch_size 64[^\n]*$/);
  expect(code).toBe(0);

  const request = JSON.parse(readFileSync(join(outDir, 'run-request.json'), 'utf8'));
  expect(request.trainingData).toBe(`s3://${DATA_BUCKET}/${PREFIX}train/`);

  const files = ['classes.txt', 'run-request.json', 'train/pets-train.rec', 'validation/pets-validation.rec'];
  const large = files.filter((file) => statSync(join(outDir, file)).size > PART_SIZE);
  expect(large).toContain('train/pets-train.rec');
  const puts = aws.mocks.s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
  expect(puts.every((input) => input.Bucket === DATA_BUCKET)).toBe(true);
  expect(puts.map((input) => input.Key).sort()).toEqual(
    [...files.filter((file) => !large.includes(file)), 'dataset.json'].map((file) => `${PREFIX}${file}`).sort(),
  );
  expect(puts.at(-1)?.Key).toBe(`${PREFIX}dataset.json`);

  expect(aws.mocks.s3.commandCalls(CreateMultipartUploadCommand).map((call) => call.args[0].input.Key).sort()).toEqual(large.map((file) => `${PREFIX}${file}`).sort());
  const recPath = join(outDir, 'train', 'pets-train.rec');
  const size = statSync(recPath).size;
  const parts = aws.mocks.s3
    .commandCalls(UploadPartCommand)
    .map((call) => call.args[0].input)
    .filter((input) => input.Key === `${PREFIX}train/pets-train.rec`);
  expect(parts).toHaveLength(Math.ceil(size / PART_SIZE));
  const sent = Buffer.concat([...parts].sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0)).map((part) => part.Body as Buffer));
  expect(sent.equals(readFileSync(recPath))).toBe(true);
  const completed = aws.mocks.s3.commandCalls(CompleteMultipartUploadCommand).find((call) => call.args[0].input.Key === `${PREFIX}train/pets-train.rec`);
  expect(completed?.args[0].input.MultipartUpload?.Parts).toEqual(parts.map((_, i) => ({ PartNumber: i + 1, ETag: `"part-${i + 1}"` })));

  expect(flat(stdout)).toContain(`Uploaded 5 files`);
  expect(flat(stdout)).toContain(`to s3://${DATA_BUCKET}/${PREFIX}, ${large.length} in multipart uploads.`);
  expect(stdout).toContain(`Start a run on it:\n  npx ic-pipeline start --request ${join(outDir, 'run-request.json')}`);
});

test('a different dataset under the same name is not overwritten: the upload is refused with a way out', async () => {
  const aws = s3WithNothingThere();
  aws.mocks.s3.on(GetObjectCommand, { Key: `${PREFIX}dataset.json` }).resolves({ Body: body(JSON.stringify({ name: 'pets', contentHash: 'other' })) });
  aws.mocks.s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: `${PREFIX}dataset.json` }, { Key: `${PREFIX}train/pets-train.rec` }], IsTruncated: false });
  const { code, stderr } = await upload(aws);
  expect(code).toBe(1);
  expect(stderr).toContain(`Error: s3://${DATA_BUCKET}/${PREFIX} already holds a different dataset named pets.`);
  expect(stderr).toContain('Next: Choose another name with --name <name>, or replace what is there with --force');
  expect(aws.mocks.s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  expect(aws.mocks.s3.commandCalls(CreateMultipartUploadCommand)).toHaveLength(0);
});

test('objects without a dataset.json (an interrupted upload) are not overwritten silently either', async () => {
  const aws = s3WithNothingThere();
  aws.mocks.s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: `${PREFIX}train/old.rec` }], IsTruncated: false });
  const { code, stderr } = await upload(aws);
  expect(code).toBe(1);
  expect(stderr).toContain(`already holds 1 object but no dataset.json`);
  expect(aws.mocks.s3.commandCalls(PutObjectCommand)).toHaveLength(0);
});

test('the same dataset again uploads nothing', async () => {
  const first = s3WithNothingThere();
  const { outDir } = await upload(first);
  const hash = JSON.parse(readFileSync(join(outDir, 'dataset.json'), 'utf8')).contentHash;
  const aws = s3WithNothingThere();
  aws.mocks.s3.on(GetObjectCommand, { Key: `${PREFIX}dataset.json` }).resolves({ Body: body(JSON.stringify({ contentHash: hash })) });
  const { code, stdout } = await upload(aws);
  expect(code).toBe(0);
  expect(flat(stdout)).toContain(`The same dataset is already at s3://${DATA_BUCKET}/${PREFIX}: nothing uploaded.`);
  expect(aws.mocks.s3.commandCalls(PutObjectCommand)).toHaveLength(0);
});

test('--force replaces a different dataset and deletes the objects it does not have (training would read them)', async () => {
  const aws = s3WithNothingThere();
  aws.mocks.s3.on(GetObjectCommand, { Key: `${PREFIX}dataset.json` }).resolves({ Body: body(JSON.stringify({ contentHash: 'other' })) });
  aws.mocks.s3.on(ListObjectsV2Command).resolves({
    Contents: [{ Key: `${PREFIX}dataset.json` }, { Key: `${PREFIX}train/pets-train.rec` }, { Key: `${PREFIX}train/cat/a.jpg` }, { Key: `${PREFIX}train_lst/pets-train.lst` }],
    IsTruncated: false,
  });
  const { code, stdout } = await upload(aws, { force: true });
  expect(code).toBe(0);
  expect(aws.mocks.s3.commandCalls(DeleteObjectsCommand)[0]?.args[0].input.Delete?.Objects).toEqual([
    { Key: `${PREFIX}train/cat/a.jpg` },
    { Key: `${PREFIX}train_lst/pets-train.lst` },
  ]);
  expect(flat(stdout)).toContain('deleted 2 stale objects');
});

test('a failed part aborts the multipart upload and reports the error; dataset.json is not written', async () => {
  const aws = s3WithNothingThere();
  aws.mocks.s3.on(UploadPartCommand).rejects(awsError('AccessDenied', 'User is not authorized to perform: s3:PutObject'));
  aws.mocks.s3.on(AbortMultipartUploadCommand).resolves({});
  const { code, stderr } = await upload(aws);
  expect(code).toBe(1);
  expect(stderr).toContain('Error: Access denied to s3:PutObject.');
  const aborted = aws.mocks.s3.commandCalls(AbortMultipartUploadCommand).map((call) => call.args[0].input);
  expect(aborted).toContainEqual({ Bucket: DATA_BUCKET, Key: `${PREFIX}train/pets-train.rec`, UploadId: 'upload-1' });
  expect(aborted).toHaveLength(aws.mocks.s3.commandCalls(CreateMultipartUploadCommand).length);
  expect(aws.mocks.s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input.Key)).not.toContain(`${PREFIX}dataset.json`);
});
