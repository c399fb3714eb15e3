import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { resultsCommand } from '../../cli/commands/results';
import { ARTIFACT_BUCKET, capture, executionArn, mockedAws, STATE_MACHINE_ARN } from './aws-fixtures';
import { tempDir } from '../support/temp-dir';

const RUN_ID = 'console-4f1c9e2a-0a1b2c3d';
const NAME = 'console-4f1c9e2a';
const PREFIX = `runs/${RUN_ID}/predictions/`;

/** 257 probabilities with `top` at `index`. */
function prediction(index: number, top: number, length = 257): string {
  const rest = (1 - top) / (length - 1);
  return JSON.stringify({ prediction: Array.from({ length }, (_, i) => (i === index ? top : rest)) });
}

/** The part of the SDK's streaming body the command uses. */
function body(text: string) {
  return { transformToString: async (encoding?: string) => Buffer.from(text).toString((encoding ?? 'utf-8') as BufferEncoding) } as never;
}

function mockSucceededRun(objects: Record<string, string>, summary: Record<string, unknown> = {}) {
  const aws = mockedAws();
  aws.mocks.sfn.on(ListExecutionsCommand).resolves({
    executions: [{ executionArn: executionArn(NAME), stateMachineArn: STATE_MACHINE_ARN, name: NAME, status: 'SUCCEEDED', startDate: new Date() }],
  });
  aws.mocks.sfn.on(DescribeExecutionCommand).resolves({
    executionArn: executionArn(NAME), stateMachineArn: STATE_MACHINE_ARN, name: NAME, status: 'SUCCEEDED', startDate: new Date(),
    output: JSON.stringify({ runId: RUN_ID, mode: 'full', predictions: `s3://${ARTIFACT_BUCKET}/${PREFIX}`, ...summary }),
  });
  const keys = Object.keys(objects);
  // Two pages, as S3 lists at most 1,000 keys at a time.
  aws.mocks.s3
    .on(ListObjectsV2Command, { ContinuationToken: undefined })
    .resolves({ Contents: keys.slice(0, 2).map((Key) => ({ Key })), IsTruncated: true, NextContinuationToken: 'page-2' })
    .on(ListObjectsV2Command, { ContinuationToken: 'page-2' })
    .resolves({ Contents: [...keys.slice(2).map((Key) => ({ Key })), { Key: `${PREFIX}manifest.json` }], IsTruncated: false });
  for (const [key, text] of Object.entries(objects)) aws.mocks.s3.on(GetObjectCommand, { Key: key }).callsFake(() => ({ Body: body(text) }));
  return aws;
}

const OBJECTS = {
  [`${PREFIX}008.bathtub/008_0001.jpg.out`]: prediction(7, 0.91),
  [`${PREFIX}008.bathtub/008_0002.jpg.out`]: prediction(7, 0.55),
  [`${PREFIX}008.bathtub/008_0003.jpg.out`]: prediction(0, 0.4),
};

test('the latest succeeded run: top class and probability per image, a count per class, and a CSV', async () => {
  const outDir = join(tempDir('ic-results-'), 'out');
  const { deps, mocks } = mockSucceededRun(OBJECTS);
  const { code, stdout, stderr } = await capture(false, (out) => resultsCommand({ outDir }, deps, out));
  expect(stderr).toBe('');
  expect(code).toBe(0);
  expect(mocks.sfn.commandCalls(ListExecutionsCommand)[0]?.args[0].input).toMatchObject({ statusFilter: 'SUCCEEDED' }); // the latest run with predictions
  expect(mocks.s3.commandCalls(ListObjectsV2Command)[0]?.args[0].input).toMatchObject({ Bucket: ARTIFACT_BUCKET, Prefix: PREFIX });
  expect(mocks.s3.commandCalls(GetObjectCommand)).toHaveLength(3); // not manifest.json
  // The folder 008.bathtub names class 7 (bathtub): the images are labelled, and the summary gives the accuracy.
  expect(stdout).toContain(`Predictions of run ${RUN_ID}: 3 images from s3://${ARTIFACT_BUCKET}/${PREFIX}; accuracy 66.7% (2 of 3 labelled)\n`);
  expect(stdout).toMatch(/008\.bathtub\/008_0001\.jpg\s+bathtub \(91\.0%\)/); // line 8 of the class list is class 7
  expect(stdout).toMatch(/008\.bathtub\/008_0003\.jpg\s+ak47 \(40\.0%\)/);
  expect(stdout).toMatch(/Images per predicted class:\n\s+2 {2}bathtub\n\s+1 {2}ak47\n/);
  const csv = readFileSync(join(outDir, 'predictions.csv'), 'utf8');
  expect(csv).toBe(
    'image,top_class,probability,class_index,actual,correct\n008.bathtub/008_0001.jpg,bathtub,0.91,7,bathtub,true\n' +
      '008.bathtub/008_0002.jpg,bathtub,0.55,7,bathtub,true\n008.bathtub/008_0003.jpg,ak47,0.4,0,bathtub,false\n',
  );
});

test('--json, a named execution and --classes with a different class list: the size mismatch is reported', async () => {
  const root = tempDir('ic-results-');
  const classes = join(root, 'classes.txt');
  writeFileSync(classes, 'cat\ndog\n');
  const { deps, mocks } = mockSucceededRun(OBJECTS);
  const { code, stdout } = await capture(true, (out) => resultsCommand({ execution: NAME, classesFile: classes, outDir: join(root, 'r') }, deps, out));
  expect(code).toBe(0);
  expect(mocks.sfn.commandCalls(ListExecutionsCommand)).toHaveLength(0);
  const report = JSON.parse(stdout);
  expect(report.warnings[0]).toBe(
    `3 of 3 predictions have 257 probabilities, but ${classes} lists 2 class names: the names may not match the model; pass --classes <file> with one name per line (line i = class i)`,
  );
  expect(report.images[0]).toMatchObject({ image: '008.bathtub/008_0001.jpg', topClass: 'class 7', classIndex: 7, probability: 0.91 });
  expect(report.images[2]).toMatchObject({ topClass: 'cat', classIndex: 0 });
  expect(report.counts).toEqual([{ className: 'class 7', count: 2 }, { className: 'cat', count: 1 }]);
  expect(existsSync(report.csv)).toBe(true);
});

test('a run that is still running has no results yet', async () => {
  const { deps, mocks } = mockedAws();
  mocks.sfn.on(DescribeExecutionCommand).resolves({
    executionArn: executionArn(NAME), stateMachineArn: STATE_MACHINE_ARN, name: NAME, status: 'RUNNING', startDate: new Date(),
  });
  const { code, stderr } = await capture(false, (out) => resultsCommand({ execution: NAME }, deps, out));
  expect(code).toBe(1);
  expect(stderr).toContain(`Error: Run ${NAME} is RUNNING: predictions exist only once a run has succeeded.`);
  expect(stderr).toContain(`Next: Wait for it: ic-pipeline status ${NAME} --wait`);
  expect(mocks.s3.calls()).toHaveLength(0);
});

test('a train-only run made no predictions', async () => {
  const { deps } = mockSucceededRun({}, { mode: 'train', predictions: null });
  const { code, stdout } = await capture(true, (out) => resultsCommand({ execution: NAME }, deps, out));
  expect(code).toBe(1);
  expect(JSON.parse(stdout).error).toMatchObject({ code: 'NoPredictions', message: `Run ${NAME} (mode train) made no predictions.` });
});
