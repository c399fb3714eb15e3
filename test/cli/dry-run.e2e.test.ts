import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { dryRunCommand } from '../../cli/commands/dry-run';
import { runCommand } from '../../cli/run-command';
import type { ScenarioName } from '../../simulation/scenarios';
import { bufferOutput } from '../support/output';
import { pipelineTemplateJson } from '../support/template';
import { tempDir } from '../support/temp-dir';

/**
 * `ic-pipeline dry-run` as a user runs it: one real subprocess that synthesizes the app (or reuses a fresh
 * cdk.out) and runs the state machine locally; the other cases run the same command in-process, on the
 * template the tests share (the exit code is what the command returns to the entry point).
 */
const ROOT = resolve(__dirname, '../..');
const TIMEOUT = 120_000;

function dryRun(...args: string[]) {
  const env = { ...process.env };
  delete env.AWS_REGION;
  delete env.AWS_DEFAULT_REGION;
  const result = spawnSync(process.execPath, [join('bin', 'ic-pipeline.cjs'), 'dry-run', ...args], { cwd: ROOT, encoding: 'utf8', env, timeout: TIMEOUT });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function requestFile(content: string): string {
  const file = join(tempDir('ic-dry-run-'), 'request.json');
  writeFileSync(file, content);
  return file;
}

jest.setTimeout(TIMEOUT * 2);

test('the default dry-run prints each state, the four SageMaker requests (the registration too), [simulated] markers and the run summary', () => {
  const { code, stdout, stderr } = dryRun();
  expect(stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  expect(code).toBe(0);
  expect(stdout).toMatch(/Template: {2}(reused|synthesized) cdk\.out\/ImageClassificationPipeline\.template\.json/);
  const calls = [...stdout.matchAll(/^\[simulated\] {3}SageMaker (\w+) request/gm)].map((m) => m[1]);
  expect(calls).toEqual(['CreateTrainingJob', 'CreateModel', 'CreateModelPackage', 'CreateTransformJob']);
  for (const state of ['Prepare run', 'Resolve image', 'Train model', 'Create model', 'Run batch transform', 'Run succeeded']) {
    expect(stdout).toContain(`[simulated] ▶ ${state} (`);
  }
  expect(stdout).toContain('"TrainingImage": "811284229777.dkr.ecr.us-east-1.amazonaws.com/image-classification:1"');
  expect(stdout).toContain('"S3Uri": "s3://<data-bucket>/train/"');
  expect(stdout).toContain('<data-bucket> and <artifact-bucket> are placeholders');
  expect(stdout).toContain('[simulated] Run succeeded. 4 SageMaker calls would be made: CreateTrainingJob, CreateModel, CreateModelPackage, CreateTransformJob.');
  expect(stdout).toContain('"predictions": "s3://<artifact-bucket>/runs/dry-run-');
  // Every line that stands for AWS says it is simulated: state lines and call lines all carry the marker.
  const awsLines = stdout.split('\n').filter((line) => /▶|SageMaker \w+ request|SNS notification/.test(line));
  expect(awsLines.length).toBeGreaterThan(10);
  expect(awsLines.every((line) => line.startsWith('[simulated]'))).toBe(true);
});

/** The same command in-process, on the synthesized template (fast: no subprocess, no synthesis). */
async function dryRunInProcess(options: { request?: string; region?: string; executionName?: string; json?: boolean; scenario?: ScenarioName }) {
  const template = pipelineTemplateJson();
  const out = bufferOutput({ json: options.json });
  const code = await runCommand(out, () =>
    dryRunCommand({ root: ROOT, request: options.request, region: options.region, executionName: options.executionName, scenario: options.scenario }, out, {
      env: {},
      loadTemplate: () => ({ template, path: 'cdk.out/ImageClassificationPipeline.template.json', how: 'reused', reason: 'test' }),
    }),
  );
  return { code, stdout: out.stdout(), stderr: out.stderr() };
}

test('a rejected request exits 1 with the message the deployed pipeline gives, naming the field', async () => {
  const file = requestFile(JSON.stringify({ hyperparameters: { epochs: 0 } }));
  const { code, stdout, stderr } = await dryRunInProcess({ request: file });
  expect(code).toBe(1);
  expect(stdout).toContain('error: RunRequestRejected');
  expect(stdout).toContain('cause: Invalid run request (1 problem): hyperparameters.epochs: 0 must be an integer >= 1');
  expect(stdout).toContain('    - hyperparameters.epochs: 0 must be an integer >= 1');
  expect(stdout).not.toMatch(/SageMaker \w+ request/);
  expect(stderr).toContain('Error: the simulated run failed: RunRequestRejected');
  expect(stderr).not.toMatch(/at .*\.ts:\d+/);
});

test('a request file that is not JSON is rejected (exit 1) in the words of the S3 trigger', async () => {
  const file = requestFile('{ epochs: 3');
  const { code, stderr } = await dryRunInProcess({ request: file });
  expect(code).toBe(1);
  expect(stderr).toContain(`Error: The request file ${file} is not valid JSON`);
  expect(stderr).toContain('Next: A run request is one JSON object');
});

test('--region cn-north-1 simulates China: the China image URI and aws-cn ARNs', async () => {
  const { code, stdout } = await dryRunInProcess({ region: 'cn-north-1' });
  expect(code).toBe(0);
  expect(stdout).toContain('390948362332.dkr.ecr.cn-north-1.amazonaws.com.cn/image-classification:1');
  expect(stdout).toContain('Region:    cn-north-1 (--region)');
  expect(stdout).toContain('arn:aws-cn:sagemaker:cn-north-1:123456789012:model/');
});

test('--json prints one JSON document with the calls and the summary', async () => {
  const { code, stdout } = await dryRunInProcess({ json: true, executionName: 'json-check' });
  expect(code).toBe(0);
  const report = JSON.parse(stdout);
  expect(report).toMatchObject({ simulated: true, status: 'SUCCEEDED', region: 'us-east-1', executionName: 'json-check' });
  expect(report.sagemakerCalls.map((call: { api: string }) => call.api)).toEqual(['CreateTrainingJob', 'CreateModel', 'CreateModelPackage', 'CreateTransformJob']);
  expect(report.output.runId).toMatch(/^json-check-[0-9a-f]{8}$/);
  expect(report.template.how).toBe('reused');
});

test('--json reports a rejected request as error and cause, exit 1', async () => {
  const file = requestFile(JSON.stringify({ mode: 'transform' }));
  const { code, stdout } = await dryRunInProcess({ json: true, request: file });
  expect(code).toBe(1);
  const report = JSON.parse(stdout);
  expect(report.status).toBe('FAILED');
  expect(report.error).toBe('RunRequestRejected');
  expect(report.cause).toContain('modelName: missing');
  expect(report.problems).toEqual([expect.objectContaining({ field: 'modelName' })]);
});

describe('tuning, the accuracy gate and incremental training', () => {
  test('--request with a tuning section shows the tuning job request and a model created from the best job', async () => {
    const { code, stdout } = await dryRunInProcess({ request: requestFile(JSON.stringify({ tuning: {} })) });
    expect(code).toBe(0);
    const calls = [...stdout.matchAll(/^\[simulated\] {3}SageMaker (\w+) request/gm)].map((m) => m[1]);
    expect(calls).toEqual(['CreateHyperParameterTuningJob', 'DescribeTrainingJob', 'CreateModel', 'CreateModelPackage', 'CreateTransformJob']);
    expect(stdout).toContain('"HyperParameterTuningJobName": "dry-run-');
    expect(stdout).toContain('"MetricName": "validation:accuracy"');
    const best = /→ tuning job \S+ Completed: 6 of 6 training jobs completed; best (\S+) \(.*\) with validation:accuracy 0\.85/.exec(stdout)?.[1];
    expect(best).toBeDefined();
    expect(stdout).toContain(`"ModelDataUrl": "s3://<artifact-bucket>/runs/${best?.replace(/-[0-9a-f]{8}-\d{3}-[0-9a-f]{8}$/, '')}/model/${best}/output/model.tar.gz"`);
    expect(stdout).toContain('training (tuning, 6 jobs)');
  });

  test('--request with a gate above the stand-in\'s accuracy fails before Create model with the gate message', async () => {
    const { code, stdout, stderr } = await dryRunInProcess({ request: requestFile(JSON.stringify({ minValidationAccuracy: 0.9 })) });
    expect(code).toBe(1);
    expect(stdout).not.toContain('SageMaker CreateModel request');
    expect(stdout).toContain('error: AccuracyBelowGate');
    expect(stdout).toMatch(/cause: validation accuracy 0\.85 is below the gate 0\.90 \(minValidationAccuracy\): no model was created and nothing was classified\. The trained model is s3:\/\/<artifact-bucket>\/runs\/.*\/output\/model\.tar\.gz/);
    expect(stderr).toContain('Next: the model was trained but not created');
  });

  test('--simulate accuracy-low fails a gate the default accuracy would pass', async () => {
    const { code, stdout } = await dryRunInProcess({ request: requestFile(JSON.stringify({ minValidationAccuracy: 0.6 })), scenario: 'accuracy-low' });
    expect(code).toBe(1);
    expect(stdout).toContain('cause: validation accuracy 0.41 is below the gate 0.60');
  });

  test('an incremental request describes the base job and trains with its model; --simulate base-job-missing fails', async () => {
    const request = requestFile(JSON.stringify({ baseTrainingJob: 'caltech-baseline-dry-run-0123abcd' }));
    const ok = await dryRunInProcess({ request });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('"ContentType": "application/x-sagemaker-model"');
    const missing = await dryRunInProcess({ request, scenario: 'base-job-missing' });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('error: Describe base training job failed: SageMaker.ResourceNotFoundException');
  });
});
