import { createServer, type Server, type Socket } from 'node:net';
import { findPipelineStack } from '../../cli/aws/stack';
import { AWS_TIMEOUTS, createAwsDeps, s3EndpointOf } from '../../cli/aws/create-clients';
import { EXIT, isTransientAwsError, toCliError } from '../../cli/errors';
import { awsError } from './aws-fixtures';

describe('a custom S3 endpoint gets path-style addressing', () => {
  it.each([
    ['http://127.0.0.1:4566', true],
    ['http://localhost:9000', true],
    ['https://minio.internal.example:9000', true],
    ['https://s3.eu-west-1.amazonaws.com', false],
    ['https://s3.cn-north-1.amazonaws.com.cn', false],
    ['https://s3.dualstack.us-east-1.api.aws', false],
  ])('%s -> forcePathStyle %s', (endpoint, pathStyle) => {
    expect(s3EndpointOf({ AWS_ENDPOINT_URL: endpoint }).forcePathStyle).toBe(pathStyle);
  });

  it('AWS_ENDPOINT_URL_S3 wins over AWS_ENDPOINT_URL; none means AWS', () => {
    expect(s3EndpointOf({ AWS_ENDPOINT_URL: 'https://sfn.example.com', AWS_ENDPOINT_URL_S3: 'https://s3.us-east-1.amazonaws.com' })).toEqual({
      endpoint: 'https://s3.us-east-1.amazonaws.com',
      forcePathStyle: false,
    });
    expect(s3EndpointOf({})).toEqual({ forcePathStyle: false });
  });

  it('the S3 client of the command line is configured so', async () => {
    const deps = createAwsDeps({ region: 'eu-west-1', env: { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4566' } });
    expect(deps.s3.config.forcePathStyle).toBe(true);
    expect(createAwsDeps({ region: 'eu-west-1', env: {} }).s3.config.forcePathStyle).toBe(false);
  });
});

test('--profile and --region reach every client', async () => {
  const deps = createAwsDeps({ region: 'ap-southeast-2', profile: 'ml-team', env: {} });
  for (const client of [deps.cloudFormation, deps.sfn, deps.sagemaker, deps.s3, deps.logs!]) {
    expect(await client.config.region()).toBe('ap-southeast-2');
    expect((client.config as { profile?: string }).profile).toBe('ml-team');
  }
  expect(deps.region).toBe('ap-southeast-2');
});

describe('AWS that cannot be reached or answers with a transient error is exit code 3', () => {
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })],
    ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['a timeout', Object.assign(new Error('Request timed out'), { name: 'TimeoutError' })],
    ['throttling', awsError('ThrottlingException', 'Rate exceeded')],
    ['a server error', Object.assign(new Error('We encountered an internal error'), { name: 'InternalFailure', $fault: 'server', $metadata: { httpStatusCode: 500 } })],
  ])('%s', (_label, error) => {
    expect(isTransientAwsError(error)).toBe(true);
    const cli = toCliError(error, { resume: 'ic-pipeline status my-run --wait' });
    expect(cli.exitCode).toBe(EXIT.unavailable);
    expect(cli.code).toBe('AwsUnavailable');
    expect(cli.hint).toBe('The run itself may be fine (this is no news about it): once AWS answers again, ic-pipeline status my-run --wait');
  });

  it('but not access denied or a missing execution (exit 1)', () => {
    expect(toCliError(awsError('AccessDeniedException', 'User: x is not authorized to perform: states:StopExecution')).exitCode).toBe(EXIT.failure);
    expect(toCliError(awsError('ExecutionDoesNotExist', 'Execution Does Not Exist')).exitCode).toBe(EXIT.failure);
  });
});

test('a half-open connection does not hang: the call times out and the command ends with exit code 3', async () => {
  // A server that accepts connections and never answers, like a peer that went away without closing.
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const saved = { ...process.env };
  // As a user points the command line at a local endpoint; fake credentials, as a local stand-in takes any.
  Object.assign(process.env, { AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`, AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' });
  try {
    const deps = createAwsDeps({ region: 'eu-west-1', maxAttempts: 1, timeouts: { connectMs: 500, idleMs: 300, requestMs: 600 } });
    const started = Date.now();
    const error = await findPipelineStack(deps.cloudFormation, 'ImageClassificationPipeline', 'eu-west-1').catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250); // it waited for an answer that never came…
    expect(Date.now() - started).toBeLessThan(5_000); // …and then gave up
    expect(sockets.length).toBe(1);
    expect(error).toMatchObject({ exitCode: EXIT.unavailable, code: 'AwsUnavailable', message: 'AWS did not answer in time.' });
    deps.cloudFormation.destroy();
  } finally {
    process.env = saved;
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('the default timeouts bound every call', () => {
  expect(AWS_TIMEOUTS.connectMs).toBeLessThanOrEqual(10_000);
  expect(AWS_TIMEOUTS.idleMs).toBeLessThanOrEqual(60_000);
  expect(AWS_TIMEOUTS.requestMs).toBeGreaterThan(AWS_TIMEOUTS.idleMs);
});
