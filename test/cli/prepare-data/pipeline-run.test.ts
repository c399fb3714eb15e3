import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareDataCommand } from '../../../cli/commands/prepare-data';
import { bufferOutput } from '../../support/output';
import { LocalPipeline } from '../../../simulation/local-run';
import { pipelineTemplateJson, TEST_ENV } from '../../support/template';
import { buildTestTree } from './fixtures';
import { tempDir } from '../../support/temp-dir';

/**
 * The run request prepare-data writes, run through a local execution of the synthesized state machine
 * (real Prepare run code, SageMaker stand-in): training gets the dataset's numbers and channels.
 * One synthesized template for the file: synthesis is the slow part.
 */
let pipeline: LocalPipeline;
beforeAll(() => {
  pipeline = new LocalPipeline(pipelineTemplateJson(), TEST_ENV);
});

async function preparedRequest(format: 'recordio' | 'lst') {
  const outDir = join(tempDir('ic-run-'), 'prepared');
  const out = bufferOutput({ json: true });
  const code = await prepareDataCommand({ imagesDir: buildTestTree().root, out: outDir, name: 'pets', format, dataBucket: pipeline.buckets.data }, out);
  expect(code).toBe(0);
  return JSON.parse(readFileSync(join(outDir, 'run-request.json'), 'utf8'));
}

const channel = (name: string, uri: string, contentType: string) => ({
  ChannelName: name,
  DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: uri, S3DataDistributionType: 'FullyReplicated' } },
  ContentType: contentType,
  CompressionType: 'None',
});

test.each([
  ['recordio', 'application/x-recordio', ['train', 'validation']],
  ['lst', 'application/x-image', ['train', 'validation', 'train_lst', 'validation_lst']],
] as const)('a %s dataset trains with its num_classes, num_training_samples, resize and channels', async (format, contentType, channels) => {
  const request = await preparedRequest(format);
  const outcome = await pipeline.run(request, { executionName: `prepared-${format}` });
  expect(outcome.cause).toBeUndefined();
  expect(outcome.status).toBe('SUCCEEDED');
  const training = outcome.sagemaker.calls.find((call) => call.api === 'CreateTrainingJob')?.request as Record<string, any>;
  expect(training.HyperParameters).toMatchObject({ num_classes: '3', num_training_samples: '12', resize: '256' });
  const base = `s3://${pipeline.buckets.data}/datasets/pets/`;
  expect(training.InputDataConfig).toEqual(channels.map((name) => channel(name, `${base}${name}/`, contentType)));
});
