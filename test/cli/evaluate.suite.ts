import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { DescribeTransformJobCommand } from '@aws-sdk/client-sagemaker';
import { DescribeExecutionCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { evaluateCommand } from '../../cli/commands/evaluate';
import { reportCommand } from '../../cli/commands/report';
import { resultsCommand } from '../../cli/commands/results';
import { deriveRunId } from '../../core/names';
import { tempDir } from '../support/temp-dir';
import { ARTIFACT_BUCKET, awsError, capture, DATA_BUCKET, executionArn, mockedAws, STATE_MACHINE_ARN } from './aws-fixtures';

const NAME = 'pets-20261128-101500-ab12';
const RUN_ID = deriveRunId(NAME, 'pets');
const PREFIX = `runs/${RUN_ID}/predictions/`;
const INPUT = 'batch-input/';

/** 4 probabilities (cat, dog, zebra, other) with `top` best. */
const prediction = (top: number) => JSON.stringify({ prediction: [0, 1, 2, 3].map((c) => (c === top ? 0.7 : 0.1)) });
const body = (text: string) => ({ transformToString: async () => text }) as never;

/**
 * A run whose transform job failed part-way (SageMaker kept the outputs of the other inputs): the
 * execution FAILED, the job Failed, 3 of 5 inputs with an output, classes.txt beside the training data.
 */
function failedRun(outputs: Record<string, number>, inputs: string[]) {
  const aws = mockedAws();
  aws.mocks.sfn.on(DescribeExecutionCommand).resolves({
    executionArn: executionArn(NAME), stateMachineArn: STATE_MACHINE_ARN, name: NAME, status: 'FAILED', startDate: new Date(),
    input: JSON.stringify({ runName: 'pets', trainingData: `s3://${DATA_BUCKET}/datasets/pets/train/` }),
    error: 'Run batch transform failed: States.TaskFailed', cause: 'Run batch transform failed: 3 outputs were written …',
  });
  aws.mocks.sagemaker.on(DescribeTransformJobCommand, { TransformJobName: RUN_ID }).resolves({
    TransformJobName: RUN_ID, TransformJobStatus: 'Failed', FailureReason: 'ClientError: See job logs for more information', ModelName: RUN_ID, CreationTime: new Date(),
    TransformInput: { DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${DATA_BUCKET}/${INPUT}` } } },
    TransformOutput: { S3OutputPath: `s3://${ARTIFACT_BUCKET}/${PREFIX}` },
    TransformResources: { InstanceType: 'ml.c5.xlarge', InstanceCount: 1 },
  } as never);
  aws.mocks.s3
    .on(ListObjectsV2Command, { Bucket: ARTIFACT_BUCKET, Prefix: PREFIX })
    .resolves({ Contents: Object.keys(outputs).map((image) => ({ Key: `${PREFIX}${image}.out` })), IsTruncated: false })
    .on(ListObjectsV2Command, { Bucket: DATA_BUCKET, Prefix: INPUT })
    .resolves({ Contents: [...inputs.map((image) => ({ Key: `${INPUT}${image}` })), { Key: `${INPUT}cat/` }], IsTruncated: false })
    .on(GetObjectCommand, { Bucket: DATA_BUCKET, Key: 'datasets/pets/classes.txt' })
    .resolves({ Body: body('cat\ndog\nzebra\nother\n') })
    .on(PutObjectCommand)
    .rejects(awsError('AccessDenied', 'not authorized to perform: s3:PutObject'));
  for (const [image, top] of Object.entries(outputs)) aws.mocks.s3.on(GetObjectCommand, { Bucket: ARTIFACT_BUCKET, Key: `${PREFIX}${image}.out` }).resolves({ Body: body(prediction(top)) });
  return aws;
}

const OUTPUTS = { 'cat/1.jpg': 0, 'cat/2.jpg': 1, 'dog/1.jpg': 1 };
const INPUTS = ['cat/1.jpg', 'cat/2.jpg', 'cat/3.jpg', 'dog/1.jpg', 'dog/2.jpg'];

test("a run whose transform failed part-way: evaluate reads the outputs it wrote and lists the inputs without output", async () => {
  const { deps, mocks } = failedRun(OUTPUTS, INPUTS);
  const { code, stdout } = await capture(true, (out) => evaluateCommand({ execution: NAME }, deps, out));
  expect(code).toBe(0);
  const document = JSON.parse(stdout);
  expect(document).toMatchObject({
    run: RUN_ID,
    runStatus: 'FAILED',
    transformStatus: 'Failed',
    images: 5,
    labeled: 3,
    unlabeled: 0,
    missingOutputs: ['cat/3.jpg', 'dog/2.jpg'],
    labeledWithoutOutput: 2,
    accuracy: 2 / 3,
    predictions: `s3://${ARTIFACT_BUCKET}/${PREFIX}`,
    input: `s3://${DATA_BUCKET}/${INPUT}`,
    saved: null,
  });
  expect(document.warnings[0]).toBe(
    `Run ${NAME} is FAILED: its transform job ended Failed (ClientError: See job logs for more information); these figures are over the outputs it wrote before it ended.`,
  );
  expect(mocks.s3.commandCalls(PutObjectCommand)).toHaveLength(0); // no --save
});

test('results of the same failed run: the CSV of its outputs with actual and correct, and the inputs without output', async () => {
  const out = tempDir('ic-evaluate-');
  const { deps } = failedRun(OUTPUTS, INPUTS);
  const { code, stdout, stderr } = await capture(false, (o) => resultsCommand({ execution: NAME, outDir: join(out, 'r') }, deps, o));
  expect(code).toBe(0);
  expect(stderr).toContain(`Warning: Run ${NAME} is FAILED: its transform job ended Failed`);
  expect(stdout).toContain(`Predictions of run ${RUN_ID}: 3 images from s3://${ARTIFACT_BUCKET}/${PREFIX}; accuracy 66.7% (2 of 3 labelled)\n`);
  expect(stdout).toContain('Inputs with no output (2):\n  cat/3.jpg\n  dog/2.jpg\n');
  expect(readFileSync(join(out, 'r', 'predictions.csv'), 'utf8')).toBe(
    'image,top_class,probability,class_index,actual,correct\ncat/1.jpg,cat,0.7,0,cat,true\ncat/2.jpg,dog,0.7,1,cat,false\ndog/1.jpg,dog,0.7,1,dog,true\n',
  );
});

test('no labelled input: evaluate says so, with the label rule, and exits 1', async () => {
  const { deps } = failedRun({ 'holiday/1.jpg': 0 }, ['holiday/1.jpg']);
  const { code, stderr } = await capture(false, (out) => evaluateCommand({ execution: NAME }, deps, out));
  expect(code).toBe(1);
  expect(stderr).toContain(`Error: None of the 1 input of run ${RUN_ID} is labelled: there is nothing to evaluate.`);
  expect(stderr).toContain('an image is labelled by the folder that holds it, when that folder equals a class name');
});

test('--save writes evaluation.json beside the predictions; a refused write is an error naming the action', async () => {
  const { deps, mocks } = failedRun(OUTPUTS, INPUTS);
  const { code, stdout } = await capture(true, (out) => evaluateCommand({ execution: NAME, save: true }, deps, out));
  expect(code).toBe(1);
  expect(JSON.parse(stdout).error).toMatchObject({ code: 'AccessDenied', message: 'Access denied to s3:PutObject.' });
  expect(mocks.s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toMatchObject({ Bucket: ARTIFACT_BUCKET, Key: `runs/${RUN_ID}/evaluation.json`, ContentType: 'application/json' });
});

test('a failed run whose transform never ran has no predictions', async () => {
  const aws = mockedAws();
  aws.mocks.sfn.on(DescribeExecutionCommand).resolves({ executionArn: executionArn(NAME), stateMachineArn: STATE_MACHINE_ARN, name: NAME, status: 'FAILED', startDate: new Date(), input: '{}' });
  aws.mocks.sagemaker.on(DescribeTransformJobCommand).rejects(awsError('ValidationException', `Could not find requested job with name ${deriveRunId(NAME)}`));
  const { code, stderr } = await capture(false, (out) => evaluateCommand({ execution: NAME }, aws.deps, out));
  expect(code).toBe(1);
  expect(stderr).toContain(`Error: Run ${NAME} is FAILED and its batch transform did not run: it has no predictions.`);
  expect(aws.mocks.sfn.commandCalls(ListExecutionsCommand)).toHaveLength(0);
  expect(aws.mocks.s3.calls()).toHaveLength(0);
});

test('report of the same failed run: the evaluation section over the outputs it wrote, and the inputs without output', async () => {
  const out = tempDir('ic-evaluate-report-');
  const { deps, mocks } = failedRun(OUTPUTS, INPUTS);
  // The pictures are gone since (the gallery shows the cards without them): not what this test is about.
  for (const image of INPUTS) mocks.s3.on(GetObjectCommand, { Bucket: DATA_BUCKET, Key: `${INPUT}${image}` }).rejects(awsError('NoSuchKey', 'The specified key does not exist.'));
  const { code, stdout } = await capture(true, (o) => reportCommand({ execution: NAME, outDir: join(out, 'r') }, deps, o));
  expect(code).toBe(0);
  const document = JSON.parse(stdout);
  expect(document.evaluation).toEqual({ labeled: 3, accuracy: 2 / 3, topK: { k: 5, accuracy: 1, correct: 3 }, missingOutputs: 2 });
  expect(document.warnings).toContain(`Run ${NAME} is FAILED: its transform job ended Failed (ClientError: See job logs for more information); this report shows the outputs it wrote before it ended.`);
  const html = readFileSync(join(out, 'r', 'index.html'), 'utf8');
  expect(html).toContain('<div class="figure" data-metric="accuracy"><b>66.7%</b>');
  expect(html).toContain('<summary>2 inputs with no output</summary><ul><li><code>cat/3.jpg</code></li><li><code>dog/2.jpg</code></li></ul>');
  expect(html).toContain('<th>Status</th><td>FAILED</td>');
});
