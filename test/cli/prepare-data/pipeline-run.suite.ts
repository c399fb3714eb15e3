import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareDataCommand } from '../../../cli/commands/prepare-data';
import { bufferOutput } from '../../support/output';
import { LocalPipeline } from '../../../simulation/local-run';
import { pipelineTemplateJson, TEST_ENV } from '../../support/template';
import { buildPhotoTree, type PhotoTree } from './fixtures';
import { tempDir } from '../../support/temp-dir';

/**
 * The run request prepare-data writes, run through a local execution of the synthesized state machine
 * (real Prepare run code, SageMaker stand-in): training gets the dataset's numbers and channels, and the
 * batch transform classifies the held-out test images.
 * One synthesized template for the file: synthesis is the slow part.
 */
let pipeline: LocalPipeline;
let tree: PhotoTree;
beforeAll(async () => {
  pipeline = new LocalPipeline(pipelineTemplateJson(), TEST_ENV);
  tree = await buildPhotoTree();
}, 30_000);

async function preparedRequest(format: 'recordio' | 'lst') {
  const outDir = join(tempDir('ic-run-'), 'prepared');
  const out = bufferOutput({ json: true });
  const code = await prepareDataCommand({ imagesDir: tree.root, out: outDir, name: 'pets', format, dataBucket: pipeline.buckets.data }, out);
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
] as const)('a %s dataset trains with its numbers and channels, and the transform classifies its test images', async (format, contentType, channels) => {
  const request = await preparedRequest(format);
  const outcome = await pipeline.run(request, { executionName: `prepared-${format}` });
  expect(outcome.cause).toBeUndefined();
  expect(outcome.status).toBe('SUCCEEDED');
  const training = outcome.sagemaker.calls.find((call) => call.api === 'CreateTrainingJob')?.request as Record<string, any>;
  expect(training.HyperParameters).toMatchObject({ num_classes: '3', num_training_samples: '11', resize: '256', mini_batch_size: '11' });
  const base = `s3://${pipeline.buckets.data}/datasets/pets/`;
  expect(training.InputDataConfig).toEqual(channels.map((name) => channel(name, `${base}${name}/`, contentType)));
  const transform = outcome.sagemaker.calls.find((call) => call.api === 'CreateTransformJob')?.request as Record<string, any>;
  expect(transform.TransformInput.DataSource.S3DataSource.S3Uri).toBe(`${base}test/`);
  expect(transform.TransformInput.ContentType).toBe('application/x-image');
}, 30_000); // decoding the images and the local run take a second or two; the test machine's cores are shared
