import { DeleteEndpointCommand, DeleteEndpointConfigCommand, DescribeEndpointCommand, DescribeEndpointConfigCommand, DescribeModelPackageCommand, ListEndpointsCommand, ListModelPackagesCommand, UpdateModelPackageCommand } from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, ListExecutionsCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { approvalCommand, deployCommand, endpointsCommand, modelsCommand, undeployCommand } from '../../cli/commands/endpoints';
import { MAX_REQUEST_BYTES, predictCommand, prepareImage } from '../../cli/commands/predict';
import { runCommand } from '../../cli/run-command';
import { visibleLength } from '../../cli/output';
import { deriveRunId } from '../../core/names';
import { ACCOUNT, awsError, capture, DATA_BUCKET, executionArn, mockedAws, REGION, STATE_MACHINE_ARN } from './aws-fixtures';
import { bufferOutput } from '../support/output';
import { tempDir } from '../support/temp-dir';

const PREFIX = 'imageclassificationpipeline';
const ENDPOINT = `${PREFIX}-endpoint`;
const NAME = 'cli-20261128-090000-ab12';
const RUN_ID = deriveRunId(NAME);
const CONFIG = `${PREFIX}-${RUN_ID}`;
const GROUP = `${PREFIX}-models`;
const versionArn = (n: number) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:model-package/${GROUP}/${n}`;

/** The stack with one InService endpoint on ml.c5.xlarge x2, created 3 h before NOW, serving RUN_ID's model. */
function withEndpoint() {
  const aws = mockedAws();
  aws.mocks.sagemaker.on(ListEndpointsCommand).resolves({ Endpoints: [
    { EndpointName: ENDPOINT, EndpointArn: 'x', CreationTime: new Date('2026-11-28T07:15:00Z'), LastModifiedTime: new Date(), EndpointStatus: 'InService' },
    // Another stack's, which the list leaves out although its name contains the prefix.
    { EndpointName: `other-${PREFIX}-endpoint`, EndpointArn: 'y', CreationTime: new Date(), LastModifiedTime: new Date(), EndpointStatus: 'InService' },
  ] });
  aws.mocks.sagemaker.on(DescribeEndpointCommand).resolves({
    EndpointName: ENDPOINT, EndpointArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/${ENDPOINT}`, EndpointConfigName: CONFIG,
    EndpointStatus: 'InService', CreationTime: new Date('2026-11-28T07:15:00Z'), LastModifiedTime: new Date('2026-11-28T07:25:00Z'),
  });
  aws.mocks.sagemaker.on(DescribeEndpointConfigCommand).resolves({
    EndpointConfigName: CONFIG, EndpointConfigArn: 'c', CreationTime: new Date(),
    ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: RUN_ID, InstanceType: 'ml.c5.xlarge', InitialInstanceCount: 2 }],
  });
  return aws;
}

describe('endpoints', () => {
  test('--json: the stack\'s endpoints only, with instances and the cost per hour and so far from list prices', async () => {
    const aws = withEndpoint();
    const { code, stdout } = await capture(true, (out) => endpointsCommand({}, aws.deps, out));
    expect(code).toBe(0);
    expect(aws.mocks.sagemaker.commandCalls(ListEndpointsCommand)[0]?.args[0].input).toMatchObject({ NameContains: PREFIX });
    // eu-west-1 has no sourced price for ml.c5.xlarge: null, never a guess.
    expect(JSON.parse(stdout)).toMatchObject({
      endpoints: [{ name: ENDPOINT, status: 'InService', instanceType: 'ml.c5.xlarge', instanceCount: 2, modelName: RUN_ID, costPerHour: null, costSoFar: null }],
    });
  });

  test('in us-east-1: $0.408 an hour for 2 x ml.c5.xlarge, $1.224 after 3 hours', async () => {
    const aws = withEndpoint();
    const { stdout } = await capture(true, (out) => endpointsCommand({}, { ...aws.deps, region: 'us-east-1' }, out));
    expect(JSON.parse(stdout).endpoints[0]).toMatchObject({ costPerHour: 0.408, costSoFar: 1.224 });
  });

  test.each([
    [80, true],
    [60, true],
    [80, false],
    [60, false],
  ])('at %i columns (terminal: %s): no line is wider, and the billing note is there', async (columns, tty) => {
    const aws = withEndpoint();
    const out = bufferOutput({ tty, columns });
    expect(await runCommand(out, () => endpointsCommand({}, { ...aws.deps, region: 'us-east-1' }, out))).toBe(0);
    const text = out.stdout();
    for (const line of text.split('\n')) expect({ line, fits: visibleLength(line) <= columns }).toEqual({ line, fits: true });
    expect(text).toContain(ENDPOINT);
    expect(text).toContain('$0.4080');
    expect(text).toContain('$1.22');
    expect(text).toContain('An endpoint bills every hour it exists');
  });
});

describe('undeploy', () => {
  test('deletes the endpoint, then its config; says the model and registry version stay', async () => {
    const aws = withEndpoint();
    const { code, stdout } = await capture(false, (out) => undeployCommand({ endpoint: ENDPOINT }, aws.deps, out));
    expect(code).toBe(0);
    expect(aws.mocks.sagemaker.commandCalls(DeleteEndpointCommand)[0]?.args[0].input).toEqual({ EndpointName: ENDPOINT });
    expect(aws.mocks.sagemaker.commandCalls(DeleteEndpointConfigCommand)[0]?.args[0].input).toEqual({ EndpointConfigName: CONFIG });
    expect(stdout).toContain('The model and its model registry version stay');
  });

  test('refuses an endpoint of another stack before any SageMaker call', async () => {
    const aws = withEndpoint();
    const { code, stderr } = await capture(false, (out) => undeployCommand({ endpoint: 'production' }, aws.deps, out));
    expect(code).not.toBe(0);
    expect(stderr).toContain(`production is not one of this stack's endpoints: their names start with "${PREFIX}-"`);
    expect(aws.mocks.sagemaker.calls()).toHaveLength(0);
  });
});

describe('models, approve, reject', () => {
  function withVersions() {
    const aws = mockedAws();
    aws.mocks.sagemaker.on(ListModelPackagesCommand).resolves({ ModelPackageSummaryList: [
      { ModelPackageArn: versionArn(2), ModelPackageName: GROUP, CreationTime: new Date('2026-11-28T09:00:00Z'), ModelPackageStatus: 'Completed' },
      { ModelPackageArn: versionArn(1), ModelPackageName: GROUP, CreationTime: new Date('2026-11-27T09:00:00Z'), ModelPackageStatus: 'Completed' },
    ] });
    const described = (n: number, approval: 'Approved' | 'PendingManualApproval', accuracy: string) => ({
      ModelPackageName: GROUP, ModelPackageArn: versionArn(n), ModelPackageVersion: n, ModelPackageStatus: 'Completed' as const,
      ModelPackageStatusDetails: { ValidationStatuses: [] }, CreationTime: new Date(`2026-11-2${6 + n}T09:00:00Z`),
      ModelApprovalStatus: approval, CustomerMetadataProperties: { runId: `run-${n}-1a2b3c4d`, modelName: `run-${n}-1a2b3c4d`, validationAccuracy: accuracy },
    });
    aws.mocks.sagemaker.on(DescribeModelPackageCommand, { ModelPackageName: versionArn(2) }).resolves(described(2, 'PendingManualApproval', '0.85'));
    aws.mocks.sagemaker.on(DescribeModelPackageCommand, { ModelPackageName: `${GROUP}/2` }).resolves(described(2, 'PendingManualApproval', '0.85'));
    aws.mocks.sagemaker.on(DescribeModelPackageCommand, { ModelPackageName: versionArn(1) }).resolves(described(1, 'Approved', 'null'));
    return aws;
  }

  test('models --json: version, run, validation accuracy (null when none was recorded), approval, newest first', async () => {
    const aws = withVersions();
    const { stdout } = await capture(true, (out) => modelsCommand({}, aws.deps, out));
    expect(JSON.parse(stdout)).toMatchObject({
      modelPackageGroup: GROUP,
      versions: [
        { version: 2, runId: 'run-2-1a2b3c4d', validationAccuracy: 0.85, approval: 'PendingManualApproval', created: '2026-11-28T09:00:00.000Z' },
        { version: 1, runId: 'run-1-1a2b3c4d', validationAccuracy: null, approval: 'Approved' },
      ],
    });
  });

  test.each([[80, true], [60, false]])('models at %i columns (terminal: %s) fits', async (columns, tty) => {
    const aws = withVersions();
    const out = bufferOutput({ tty, columns });
    await runCommand(out, () => modelsCommand({}, aws.deps, out));
    for (const line of out.stdout().split('\n')) expect({ line, fits: visibleLength(line) <= columns }).toEqual({ line, fits: true });
    expect(out.stdout()).toContain('0.850');
  });

  test('approve 2 sets the version\'s ARN Approved and says how to deploy it and what it costs to keep', async () => {
    const aws = withVersions();
    const { code, stdout } = await capture(false, (out) => approvalCommand({ version: '2', status: 'Approved' }, aws.deps, out));
    expect(code).toBe(0);
    expect(aws.mocks.sagemaker.commandCalls(UpdateModelPackageCommand)[0]?.args[0].input).toEqual({ ModelPackageArn: versionArn(2), ModelApprovalStatus: 'Approved' });
    expect(stdout).toContain('is now Approved (was PendingManualApproval)');
    expect(stdout).toContain('An endpoint bills every hour it exists');
  });

  test('reject of a version of another group is refused before any SageMaker call', async () => {
    const aws = withVersions();
    const { code, stderr } = await capture(false, (out) => approvalCommand({ version: 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/other/1', status: 'Rejected' }, aws.deps, out));
    expect(code).not.toBe(0);
    expect(stderr).toContain(`is not a version of ${GROUP}`);
    expect(aws.mocks.sagemaker.calls()).toHaveLength(0);
  });
});

describe('deploy', () => {
  test('a version number starts a run in mode deploy of that version, validated locally first', async () => {
    const aws = mockedAws();
    aws.mocks.sfn.on(StartExecutionCommand).resolves({ executionArn: executionArn('deploy-x'), startDate: new Date() });
    const { code, stdout } = await capture(false, (out) => deployCommand({ target: '3', instanceType: 'ml.c5.xlarge' }, aws.deps, out));
    expect(code).toBe(0);
    const input = JSON.parse(aws.mocks.sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input as string);
    expect(input).toEqual({ mode: 'deploy', modelPackage: '3', endpoint: { instanceType: 'ml.c5.xlarge' } });
    expect(aws.mocks.sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.name).toMatch(/^deploy-\d{8}-\d{6}-[0-9a-f]{4}$/);
    expect(stdout).toContain('it bills every hour it exists');
  });

  test('a bad instance type is rejected before anything starts', async () => {
    const aws = mockedAws();
    const { code, stderr } = await capture(false, (out) => deployCommand({ target: RUN_ID, instanceType: 'ml.p9.mega' }, aws.deps, out));
    expect(code).toBe(1);
    expect(stderr).toContain('endpoint.instanceType: "ml.p9.mega" is not a SageMaker real-time inference instance type');
    expect(aws.mocks.sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});

describe('predict', () => {
  let folder: string;
  let bigPng: string;
  let photo: string;
  let webp: string;
  beforeAll(async () => {
    folder = tempDir('ic-predict-');
    // Noise does not compress: a 1800x1500 RGB PNG of it is over 8 MB, more than a request may carry.
    const width = 1800;
    const height = 1500;
    const noise = randomBytes(width * height * 3);
    bigPng = join(folder, 'big.png');
    writeFileSync(bigPng, await sharp(noise, { raw: { width, height, channels: 3 } }).png({ compressionLevel: 1 }).toBuffer());
    photo = join(folder, 'cat.jpg');
    writeFileSync(photo, await sharp({ create: { width: 64, height: 48, channels: 3, background: '#884422' } }).jpeg().toBuffer());
    webp = join(folder, 'dog.webp');
    writeFileSync(webp, await sharp({ create: { width: 300, height: 200, channels: 3, background: '#224488' } }).webp().toBuffer());
  });

  test('a PNG over 6 MB is shrunk under 6 MB as a JPEG; a small JPEG goes as it is; WebP is converted', async () => {
    const big = readFileSync(bigPng);
    expect(big.length).toBeGreaterThan(MAX_REQUEST_BYTES);
    const prepared = await prepareImage(bigPng, big);
    expect(prepared.contentType).toBe('image/jpeg');
    expect(prepared.body.length).toBeLessThan(MAX_REQUEST_BYTES);
    expect((await sharp(prepared.body).metadata()).format).toBe('jpeg');
    expect(prepared.converted).toMatch(/^\d\.\d MB is over the 6 MB a request may carry: sent as a \d+x256 JPEG$/);
    const small = readFileSync(photo);
    expect(await prepareImage(photo, small)).toEqual({ body: small, contentType: 'image/jpeg' });
    expect((await prepareImage(webp, readFileSync(webp))).converted).toBe('WebP is not JPEG or PNG: sent as a 384x256 JPEG');
    await expect(prepareImage('notes.txt', Buffer.from('hello, not an image at all'))).rejects.toThrow(/^notes\.txt: /);
  });

  test('--json: exactly {endpoint, predictions: [{image, top: [{class, index, probability}]}]}, class names from the run\'s data set', async () => {
    const aws = withEndpoint();
    const runtime = mockClient(SageMakerRuntimeClient);
    const probabilities = [0.05, 0.62, 0.3, 0.03];
    runtime.on(InvokeEndpointCommand).resolves({ Body: new TextEncoder().encode(JSON.stringify(probabilities)) as never, ContentType: 'application/json' });
    aws.mocks.sfn.on(DescribeExecutionCommand, { executionArn: executionArn(RUN_ID) }).rejects(awsError('ExecutionDoesNotExist', 'Execution Does Not Exist'));
    aws.mocks.sfn.on(ListExecutionsCommand).resolves({ executions: [{ executionArn: executionArn(NAME), stateMachineArn: STATE_MACHINE_ARN, name: NAME, status: 'SUCCEEDED', startDate: new Date() }] });
    aws.mocks.sfn.on(DescribeExecutionCommand, { executionArn: executionArn(NAME) }).resolves({
      executionArn: executionArn(NAME), stateMachineArn: STATE_MACHINE_ARN, status: 'SUCCEEDED', startDate: new Date(),
      input: JSON.stringify({ mode: 'train', trainingData: `s3://${DATA_BUCKET}/datasets/pets/train/`, endpoint: {} }),
    });
    aws.mocks.s3.on(GetObjectCommand, { Bucket: DATA_BUCKET, Key: 'datasets/pets/classes.txt' }).resolves({
      Body: { transformToString: async () => 'bathtub\ncat\ndog\nemu\n' } as never,
    });
    const deps = { ...aws.deps, sagemakerRuntime: new SageMakerRuntimeClient({ region: REGION }) };
    const { code, stdout } = await capture(true, (out) => predictCommand({ images: [photo, bigPng], top: 2 }, deps, out));
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      endpoint: ENDPOINT,
      predictions: [photo, bigPng].map((image) => ({
        image,
        top: [{ class: 'cat', index: 1, probability: 0.62 }, { class: 'dog', index: 2, probability: 0.3 }],
      })),
    });
    const calls = runtime.commandCalls(InvokeEndpointCommand).map((call) => call.args[0].input);
    expect(calls.map((input) => [input.EndpointName, input.ContentType, input.Accept])).toEqual([
      [ENDPOINT, 'image/jpeg', 'application/json'],
      [ENDPOINT, 'image/jpeg', 'application/json'],
    ]);
    expect((calls[1]?.Body as Uint8Array).length).toBeLessThan(MAX_REQUEST_BYTES);
    runtime.restore();
  });

  test.each([
    [80, true],
    [60, false],
  ])('at %i columns (terminal: %s): each image with its top classes in per cent, no line wider', async (columns, tty) => {
    const aws = withEndpoint();
    const runtime = mockClient(SageMakerRuntimeClient);
    runtime.on(InvokeEndpointCommand).resolves({ Body: new TextEncoder().encode(JSON.stringify([0.1, 0.7, 0.2])) as never });
    aws.mocks.sfn.on(DescribeExecutionCommand).rejects(awsError('ExecutionDoesNotExist', 'Execution Does Not Exist'));
    aws.mocks.sfn.on(ListExecutionsCommand).resolves({ executions: [] });
    const out = bufferOutput({ tty, columns });
    const deps = { ...aws.deps, sagemakerRuntime: new SageMakerRuntimeClient({ region: REGION }) };
    expect(await runCommand(out, () => predictCommand({ images: [photo], top: 2 }, deps, out))).toBe(0);
    const text = out.stdout();
    for (const line of text.split('\n')) expect({ line, fits: visibleLength(line) <= columns }).toEqual({ line, fits: true });
    // No run found for the model: the Caltech-256 names, and a warning saying so.
    expect(text).toContain(`class names: Caltech-256 (the default list)\n${photo}\n   70.0 %  american-flag (1)\n   20.0 %  backpack (2)`);
    expect(out.stderr()).toContain('using the default class names');
    runtime.restore();
  });

  test('an endpoint that is not InService is refused, naming its status', async () => {
    const aws = withEndpoint();
    aws.mocks.sagemaker.on(DescribeEndpointCommand).resolves({ EndpointName: ENDPOINT, EndpointArn: 'a', EndpointStatus: 'Creating', CreationTime: new Date(), LastModifiedTime: new Date() });
    const deps = { ...aws.deps, sagemakerRuntime: new SageMakerRuntimeClient({ region: REGION }) };
    const { code, stderr } = await capture(false, (out) => predictCommand({ images: [photo] }, deps, out));
    expect(code).not.toBe(0);
    expect(stderr).toContain(`endpoint ${ENDPOINT} is Creating, not InService`);
  });
});
