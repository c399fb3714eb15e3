import { Logger } from '@aws-lambda-powertools/logger';
import { type PrepareRunEvent, type PreparedRun, type RunRejection, handler } from '../../../lambda/prepare-run/index';
import { KMS_KEY_ARN } from '../../core/helpers';

const ENV_NAMES = ['DATA_BUCKET', 'ARTIFACT_BUCKET', 'KMS_KEY_ARN', 'RESOURCE_NAME_PREFIX'] as const;
const saved = Object.fromEntries(ENV_NAMES.map((name) => [name, process.env[name]]));

let info: jest.SpiedFunction<Logger['info']>;
let warn: jest.SpiedFunction<Logger['warn']>;

beforeEach(() => {
  process.env.DATA_BUCKET = 'data-bkt';
  process.env.ARTIFACT_BUCKET = 'artifact-bkt';
  process.env.RESOURCE_NAME_PREFIX = 'imageclassificationpipeline';
  delete process.env.KMS_KEY_ARN;
  info = jest.spyOn(Logger.prototype, 'info').mockImplementation(() => undefined);
  warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
});

afterEach(() => {
  jest.restoreAllMocks();
  for (const name of ENV_NAMES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

const event = (request: unknown, executionName = 'exec-1'): PrepareRunEvent => ({ request, executionName });

/** The prepared run the handler answers, failing the test if it rejected the request. */
async function accepted(request: unknown): Promise<PreparedRun> {
  const output = await handler(event(request));
  if (!('run' in output)) throw new Error(`expected the request to be accepted: ${JSON.stringify(output)}`);
  return output.run;
}

/** The rejection the handler answers, failing the test if it accepted the request. */
async function rejected(request: unknown): Promise<RunRejection> {
  const output = await handler(event(request));
  if (!('rejection' in output)) throw new Error(`expected the request to be rejected: ${JSON.stringify(output)}`);
  return output.rejection;
}

describe('prepare-run handler', () => {
  test('prepares the reference run for {} from the bucket names in the environment', async () => {
    const run = await accepted({});
    expect(run.runId).toMatch(/^exec-1-[0-9a-f]{8}$/);
    expect(run.training?.trainingData).toBe('s3://data-bkt/train/');
    expect(run.training?.outputPath).toBe(`s3://artifact-bkt/runs/${run.runId}/model/`);
    expect(run.transform?.outputPath).toBe(`s3://artifact-bkt/runs/${run.runId}/predictions/`);
    expect(run.training?.resourceConfig).not.toHaveProperty('VolumeKmsKeyId');
    expect(info).toHaveBeenCalledWith('Prepared run', expect.objectContaining({ runId: run.runId, mode: 'full' }));
  });

  test('sets the volume key from KMS_KEY_ARN', async () => {
    process.env.KMS_KEY_ARN = KMS_KEY_ARN;
    // ml.p3 has no instance storage (the default ml.g4dn has, and gets no volume key).
    const run = await accepted({ training: { instanceType: 'ml.p3.2xlarge' } });
    expect(run.training?.resourceConfig.VolumeKmsKeyId).toBe(KMS_KEY_ARN);
    expect(run.transform?.transformResources.VolumeKmsKeyId).toBe(KMS_KEY_ARN);
  });

  test('accepts URIs in the buckets of its environment only', async () => {
    process.env.DATA_BUCKET = 'other-data';
    expect((await rejected({ trainingData: 's3://data-bkt/train/' })).cause).toContain(
      'trainingData: "s3://data-bkt/train/" is in bucket "data-bkt"; the pipeline may read only the data bucket (s3://other-data/) and the artifact bucket (s3://artifact-bkt/)',
    );
  });

  test('answers an invalid request with its rejection (not a Lambda error) and logs the problems', async () => {
    const rejection = await rejected({ training: { instanceType: 'ml.m5.large' }, hyperparameters: { epochs: 0 } });
    expect(rejection).toMatchObject({
      error: 'RunRequestRejected',
      cause: expect.stringMatching(/^Invalid run request \(2 problems\): training\.instanceType: .* \| hyperparameters\.epochs: 0 must be an integer >= 1$/),
      problems: [expect.objectContaining({ field: 'training.instanceType' }), { field: 'hyperparameters.epochs', message: '0 must be an integer >= 1' }],
    });
    expect(warn).toHaveBeenCalledWith('Rejected run request', expect.objectContaining({ problems: expect.any(Array) }));
  });

  test('rejects the request with the request file problem set by the S3 trigger', async () => {
    const rejection = await rejected({ source: { bucket: 'data-bkt', key: 'requests/a.json', versionId: 'v1', problem: 'not JSON' } });
    expect(rejection).toMatchObject({ error: 'RunRequestRejected', cause: 'Run request file s3://data-bkt/requests/a.json (version v1): not JSON' });
  });

  test.each(['DATA_BUCKET', 'ARTIFACT_BUCKET', 'RESOURCE_NAME_PREFIX'])('fails naming %s when it is not set', async (name) => {
    delete process.env[name];
    await expect(handler(event({}))).rejects.toMatchObject({ name: 'MissingEnvironmentError', variable: name });
  });

  test('an event without an execution name is a wiring error', async () => {
    await expect(handler({ request: {} } as unknown as PrepareRunEvent)).rejects.toMatchObject({ name: 'InvalidEventError' });
  });
});
