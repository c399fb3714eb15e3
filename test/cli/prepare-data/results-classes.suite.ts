import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { resultsCommand } from '../../../cli/commands/results';
import { classesLocationFor } from '../../../cli/dataset-classes';
import { ARTIFACT_BUCKET, awsError, capture, DATA_BUCKET, executionArn, mockedAws, STATE_MACHINE_ARN } from '../aws-fixtures';
import { tempDir } from '../../support/temp-dir';

const NAME = 'pets-run';
const RUN_ID = 'pets-run-0a1b2c3d';
const PREFIX = `runs/${RUN_ID}/predictions/`;
const CLASSES_KEY = 'datasets/pets/classes.txt';

function body(text: string) {
  return { transformToString: async () => text } as never;
}

/** A succeeded run trained on `trainingData`, with two predictions over 3 classes. */
function mockRun(trainingData: string | undefined) {
  const aws = mockedAws();
  const execution = { executionArn: executionArn(NAME), stateMachineArn: STATE_MACHINE_ARN, name: NAME, status: 'SUCCEEDED' as const, startDate: new Date() };
  aws.mocks.sfn.on(ListExecutionsCommand).resolves({ executions: [execution] });
  aws.mocks.sfn.on(DescribeExecutionCommand).resolves({
    ...execution,
    input: JSON.stringify(trainingData ? { trainingData, hyperparameters: { num_classes: 3 } } : {}),
    output: JSON.stringify({ runId: RUN_ID, mode: 'full', predictions: `s3://${ARTIFACT_BUCKET}/${PREFIX}` }),
  });
  aws.mocks.s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: `${PREFIX}a.jpg.out` }, { Key: `${PREFIX}b.jpg.out` }], IsTruncated: false });
  aws.mocks.s3.on(GetObjectCommand, { Key: `${PREFIX}a.jpg.out` }).callsFake(() => ({ Body: body(JSON.stringify({ prediction: [0.1, 0.8, 0.1] })) }));
  aws.mocks.s3.on(GetObjectCommand, { Key: `${PREFIX}b.jpg.out` }).callsFake(() => ({ Body: body(JSON.stringify({ prediction: [0.1, 0.2, 0.7] })) }));
  return aws;
}

const outDir = () => tempDir('ic-results-classes-');

test('a run trained on a prepared dataset is reported with the classes.txt beside its training data', async () => {
  const aws = mockRun(`s3://${DATA_BUCKET}/datasets/pets/train/`);
  aws.mocks.s3.on(GetObjectCommand, { Bucket: DATA_BUCKET, Key: CLASSES_KEY }).callsFake(() => ({ Body: body('cat\ndog\nzebra\n') }));
  const { code, stdout, stderr } = await capture(false, (out) => resultsCommand({ outDir: outDir() }, aws.deps, out));
  expect(stderr).toBe('');
  expect(code).toBe(0);
  expect(stdout).toContain(`Class names: s3://${DATA_BUCKET}/${CLASSES_KEY} (the dataset the run trained on)`);
  expect(stdout).toMatch(/a\.jpg\s+dog \(80\.0%\)/);
  expect(stdout).toMatch(/b\.jpg\s+zebra \(70\.0%\)/);
});

test('--classes still overrides the dataset list, which is then not read', async () => {
  const aws = mockRun(`s3://${DATA_BUCKET}/datasets/pets/train/`);
  const file = join(outDir(), 'names.txt');
  writeFileSync(file, 'red\ngreen\nblue\n');
  const { code, stdout } = await capture(false, (out) => resultsCommand({ outDir: outDir(), classesFile: file }, aws.deps, out));
  expect(code).toBe(0);
  expect(stdout).toMatch(/a\.jpg\s+green \(80\.0%\)/);
  expect(aws.mocks.s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input.Key)).not.toContain(CLASSES_KEY);
});

test('the reference data (no classes.txt beside it) keeps the Caltech-256 names', async () => {
  const aws = mockRun(`s3://${DATA_BUCKET}/train/`);
  aws.mocks.s3.on(GetObjectCommand, { Key: 'classes.txt' }).rejects(awsError('NoSuchKey', 'The specified key does not exist.'));
  const { code, stdout, stderr } = await capture(false, (out) => resultsCommand({ outDir: outDir() }, aws.deps, out));
  expect(code).toBe(0);
  expect(stdout).toMatch(/a\.jpg\s+american-flag \(80\.0%\)/);
  expect(stderr).toContain('3 probabilities, but'); // the Caltech list has 257 names: the existing mismatch warning
});

test('an unreadable dataset list is a warning, and the default names are used', async () => {
  const aws = mockRun(`s3://${DATA_BUCKET}/datasets/pets/train/`);
  aws.mocks.s3.on(GetObjectCommand, { Key: CLASSES_KEY }).rejects(awsError('AccessDenied', 'Access Denied'));
  const { code, stderr } = await capture(false, (out) => resultsCommand({ outDir: outDir() }, aws.deps, out));
  expect(code).toBe(0);
  expect(stderr).toContain(`Warning: could not read the class names at s3://${DATA_BUCKET}/${CLASSES_KEY} (AccessDenied); using the default list`);
});

test('classes.txt is looked for beside the training data prefix', () => {
  expect(classesLocationFor('s3://b/datasets/pets/train/')).toEqual({ bucket: 'b', key: 'datasets/pets/classes.txt' });
  expect(classesLocationFor('s3://b/train')).toEqual({ bucket: 'b', key: 'classes.txt' });
  expect(classesLocationFor(undefined)).toBeUndefined();
  expect(classesLocationFor('https://example.com/x')).toBeUndefined();
});
