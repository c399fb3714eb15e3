import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { LocalPipeline, LocalRunOutcome } from '../../simulation/local-run';
import { handler as startRun } from '../../lambda/start-run/index';
import { getObjectOutput, objectCreatedEvent } from '../lambda/start-run/fixtures';
import { pipelineTemplateJson, TEST_ENV } from '../support/template';

/**
 * End to end, offline: an S3 `Object Created` event (as EventBridge delivers it) → the real start-run
 * handler → StartExecution (a stand-in that, like Step Functions, refuses a second execution of the
 * same name) → the synthesized state machine run locally → the SageMaker requests.
 */

const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);
const STATE_MACHINE_ARN = `arn:aws:states:${TEST_ENV.region}:${TEST_ENV.account}:stateMachine:Pipeline`;

let pipeline: LocalPipeline;
let dataBucket: string;
let runs: LocalRunOutcome[];
let pending: Promise<unknown>[];
const savedEnv = { ...process.env };

beforeAll(() => {
  pipeline = new LocalPipeline(pipelineTemplateJson(), TEST_ENV);
  dataBucket = pipeline.buckets.data;
});

beforeEach(() => {
  s3.reset();
  sfn.reset();
  runs = [];
  pending = [];
  process.env.STATE_MACHINE_ARN = STATE_MACHINE_ARN;
  process.env.DATA_BUCKET = dataBucket;
  process.env.REQUEST_PREFIX = 'requests/';
  const started = new Set<string>();
  sfn.on(StartExecutionCommand).callsFake((input: { name: string; input: string }) => {
    if (started.has(input.name)) {
      throw new ExecutionAlreadyExists({ message: `Execution Already Exists: '${STATE_MACHINE_ARN}:${input.name}'`, $metadata: {} });
    }
    started.add(input.name);
    pending.push(pipeline.run(JSON.parse(input.input), { executionName: input.name }).then((outcome) => runs.push(outcome)));
    return { executionArn: `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${input.name}`, startDate: new Date(), $metadata: {} };
  });
});

afterAll(() => {
  process.env = savedEnv;
});

const upload = async (key: string, body: string, versionId: string) => {
  s3.on(GetObjectCommand, { Bucket: dataBucket, Key: key, VersionId: versionId }).resolves(getObjectOutput(body) as never);
  const result = await startRun(objectCreatedEvent({ bucket: dataBucket, key, versionId, size: Buffer.byteLength(body) }));
  await Promise.all(pending);
  return result;
};

test('an uploaded run request starts one run whose SageMaker requests carry its settings, and whose summary names the file', async () => {
  const key = 'requests/more-epochs.json';
  const result = await upload(key, JSON.stringify({ runName: 'upload', hyperparameters: { epochs: 5 } }), 'v-1');

  expect(result.duplicate).toBe(false);
  expect(result.executionName).toMatch(/^more-epochs-[0-9a-f]{16}$/);
  expect(runs).toHaveLength(1);
  const [run] = runs;
  expect(run?.status).toBe('SUCCEEDED');
  expect(run?.sagemaker.calls.map((call) => call.api)).toEqual(['CreateTrainingJob', 'CreateModel', 'CreateModelPackage', 'CreateTransformJob']);
  expect((run?.sagemaker.calls[0]?.request as { HyperParameters: Record<string, string> }).HyperParameters.epochs).toBe('5');
  expect(run?.output?.runId).toMatch(/^upload-more-epochs-[0-9a-f]{16}-[0-9a-f]{8}$/);
  expect(run?.output?.source).toEqual({ bucket: dataBucket, key, versionId: 'v-1' });
});

test('a redelivered event for the same object version starts nothing more: one training job in all', async () => {
  const key = 'requests/once.json';
  const first = await upload(key, '{}', 'v-7');
  const second = await upload(key, '{}', 'v-7');

  expect(second.executionName).toBe(first.executionName);
  expect(first.duplicate).toBe(false);
  expect(second.duplicate).toBe(true);
  expect(runs).toHaveLength(1);
  expect(runs.flatMap((run) => run.sagemaker.calls).filter((call) => call.api === 'CreateTrainingJob')).toHaveLength(1);
});

test('uploading the same key again (a new version) starts a new run with its own names', async () => {
  const key = 'requests/again.json';
  await upload(key, '{}', 'v-1');
  await upload(key, '{}', 'v-2');
  expect(runs).toHaveLength(2);
  expect(runs[0]?.output?.runId).not.toBe(runs[1]?.output?.runId);
});

test('an empty file runs the reference configuration', async () => {
  await upload('requests/empty.json', '', 'v-1');
  expect(runs[0]?.status).toBe('SUCCEEDED');
  expect((runs[0]?.sagemaker.calls[0]?.request as { HyperParameters: Record<string, string> }).HyperParameters).toMatchObject({
    epochs: '2',
    num_layers: '18',
  });
});

test.each([
  ['not valid JSON', '{"runName": "broken",', 'is not valid JSON'],
  ['a JSON array', '[1, 2]', 'is not a JSON object'],
  ['the reserved source field', '{"source": {"bucket": "x"}}', 'reserved field "source"'],
])('a file that is %s still shows up as a failed run naming the file, and costs nothing', async (_label, body, problem) => {
  const key = 'requests/bad file.json';
  await upload(key, body, 'v-3');
  expect(runs).toHaveLength(1);
  const [run] = runs;
  expect(run?.status).toBe('FAILED');
  expect(run?.error).toBe('RunRequestRejected');
  expect(run?.cause).toContain(`Run request file s3://${dataBucket}/${key} (version v-3): `);
  expect(run?.cause).toContain(problem);
  expect(run?.sagemaker.calls).toHaveLength(0);
  expect(run?.notifications.map((n) => n.message.status)).toEqual(['FAILED']);
});
