import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { validateCommand } from '../../cli/commands/validate';
import { bufferOutput } from '../support/output';
import { runCommand } from '../../cli/run-command';
import { tempDir } from '../support/temp-dir';

const dir = tempDir('ic-validate-');
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

async function validate(options: Parameters<typeof validateCommand>[0], json = false) {
  const out = bufferOutput({ json });
  const code = await runCommand(out, () => validateCommand(options, out));
  return { code, stdout: out.stdout(), stderr: out.stderr() };
}

test('a valid request prints OK and the resolved configuration', async () => {
  const path = file('good.json', { runName: 'more-epochs', hyperparameters: { epochs: 10, learning_rate: 0.05 } });
  const { code, stdout, stderr } = await validate({ file: path });
  expect(code).toBe(0);
  expect(stderr).toBe('');
  expect(stdout).toContain(`OK ${path} is a valid run request.`);
  expect(stdout).toContain('mode full, run name more-epochs');
  expect(stdout).toContain('training   1 x ml.g4dn.xlarge, 50 GB volume');
  expect(stdout).toMatch(/hyperparameters .*epochs=10 .*learning_rate=0\.05/);
  expect(stdout).toContain('train=s3://<data-bucket>/train/');
  expect(stdout).toContain('transform  1 x ml.c5.xlarge, SingleRecord, 16 concurrent x 6 MB');
});

test('tuning, the accuracy gate and the base training job are shown as the run will use them', async () => {
  const path = file('all-three.json', {
    tuning: { maxJobs: 4, ranges: { learning_rate: { min: 0.001, max: 0.1, scaling: 'Logarithmic' } } },
    minValidationAccuracy: 0.6,
    baseTrainingJob: 'caltech-baseline-0123abcd',
    hyperparameters: { num_classes: 257 },
  });
  const { code, stdout } = await validate({ file: path });
  expect(code).toBe(0);
  expect(stdout).toMatch(/tuning {3}tuning job validate-[0-9a-f]{8}-[0-9a-f]{8}: Bayesian, 4 training jobs, 2 at a time, early stopping Off; maximizes validation:accuracy/);
  expect(stdout).toContain('ranges learning_rate 0.001-0.1 (Logarithmic)');
  expect(stdout).toContain('base     continues from training job caltech-baseline-0123abcd (its model as the "model" channel); takes its num_layers, image_shape; checks num_classes=257 against it');
  expect(stdout).toContain('gate     validation:accuracy must reach 0.60, or the run stops before the model is created');
});

test('a bad tuning range exits 1, naming the field', async () => {
  const { code, stderr } = await validate({ file: file('bad-tuning.json', { tuning: { ranges: { learning_rate: { min: 0.1, max: 0.01 } } } }) });
  expect(code).toBe(1);
  expect(stderr).toContain('  - tuning.ranges.learning_rate.min: 0.1 must be less than max (0.01)');
});

test('a bad request exits 1 and lists every problem with its field', async () => {
  const path = file('bad.json', { hyperparameters: { epochs: 0 }, transform: { batchStrategy: 'Whatever' } });
  const { code, stderr } = await validate({ file: path });
  expect(code).toBe(1);
  expect(stderr).toContain(`Error: ${path} is not a valid run request (2 problems):`);
  expect(stderr).toContain('  - hyperparameters.epochs: 0 must be an integer >= 1');
  expect(stderr).toContain('  - transform.batchStrategy:');
  expect(stderr).toContain('Next: Fix the fields above');
});

test('--json: the problems as data, and the prepared run when valid', async () => {
  const bad = await validate({ file: file('bad2.json', { mode: 'sometimes' }) }, true);
  expect(bad.code).toBe(1);
  const error = JSON.parse(bad.stdout).error;
  expect(error.code).toBe('RunRequestError');
  expect(error.problems).toEqual([expect.objectContaining({ field: 'mode' })]);

  const good = await validate({ file: file('good2.json', { mode: 'train' }) }, true);
  expect(good.code).toBe(0);
  const report = JSON.parse(good.stdout);
  expect(report).toMatchObject({ valid: true, placeholderBuckets: true, run: { mode: 'train', transform: null } });
});

test('S3 URIs in real buckets: a hint to pass the bucket names, and accepted once they are given', async () => {
  const path = file('uris.json', { trainingData: 's3://my-data-123/train/' });
  const offline = await validate({ file: path });
  expect(offline.code).toBe(1);
  expect(offline.stderr).toContain('trainingData: "s3://my-data-123/train/" is in bucket "my-data-123"');
  expect(offline.stderr).toContain('pass --data-bucket and --artifact-bucket');

  const withBuckets = await validate({ file: path, dataBucket: 'my-data-123', artifactBucket: 'my-artifacts-123' });
  expect(withBuckets.code).toBe(0);
  expect(withBuckets.stdout).toContain('train=s3://my-data-123/train/');
});

test('a missing file is a usage error (exit 2)', async () => {
  const { code, stderr } = await validate({ file: join(dir, 'nope.json') });
  expect(code).toBe(2);
  expect(stderr).toContain('nope.json: no such file');
});

// Exit codes 0 and 2 from the real entry point are covered by test/cli/command-line.e2e.test.ts and the
// dry-run subprocess test; this one is the rejected request as a script sees it.
test('the command line: a rejected request exits 1 from the real entry point, listing each problem', () => {
  const root = resolve(__dirname, '../..');
  const bad = spawnSync(process.execPath, [join(root, 'bin', 'ic-pipeline.cjs'), 'validate', file('no.json', { epochs: 3 })], { cwd: root, encoding: 'utf8' });
  expect(bad.status).toBe(1);
  expect(bad.stderr).toContain('  - epochs:');
}, 60_000);
