import { dryRunCommand } from '../../cli/commands/dry-run';
import { SCENARIO_NAMES } from '../../simulation/scenarios';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bufferOutput } from '../support/output';
import { tempDir } from '../support/temp-dir';
import { pipelineTemplateJson } from '../support/template';

/** `dry-run --simulate <scenario>` in-process, on the synthesized template (the subprocess tests cover the rest). */
async function dryRun(scenario: (typeof SCENARIO_NAMES)[number], request?: string, json = true) {
  const template = pipelineTemplateJson();
  const out = bufferOutput({ json });
  const code = await dryRunCommand({ root: '.', scenario, ...(request === undefined ? {} : { request }) }, out, {
    env: {},
    loadTemplate: () => ({ template, path: 'cdk.out/test.template.json', how: 'reused', reason: 'test' }),
  });
  return { code, report: json ? JSON.parse(out.stdout()) : undefined, text: out.stdout() };
}

// One test per scenario: each run gets its own time budget on a loaded machine. The endpoint scenarios need a
// request that deploys: their own tests below run them with one.
test.each(SCENARIO_NAMES.filter((name) => !name.startsWith('endpoint-')))('scenario %s ends with exactly one notification, never a runtime error', async (scenario) => {
  const { report } = await dryRun(scenario);
  expect(report.notifications).toHaveLength(1);
  expect(report.error ?? '').not.toContain('States.Runtime');
});

test('training-fails shows the failure notification with the job\'s reason, and no model is created', async () => {
  const { code, report } = await dryRun('training-fails');
  expect(code).toBe(1);
  expect(report.error).toBe('Train model failed: States.TaskFailed');
  expect(report.notifications[0].message).toMatchObject({ status: 'FAILED', failedState: 'Train model', cause: expect.stringContaining('AlgorithmError') });
  expect(report.sagemakerCalls.map((call: { api: string }) => call.api)).toEqual(['CreateTrainingJob']);
});

test('no-training-metrics still succeeds, with empty metrics and null times in the summary', async () => {
  const { code, report } = await dryRun('no-training-metrics');
  expect(code).toBe(0);
  expect(report.output).toMatchObject({ metrics: [], trainingTimeInSeconds: null, billableTimeInSeconds: null });
});

test('capacity-busy retries CreateTrainingJob and then succeeds', async () => {
  const { code, report } = await dryRun('capacity-busy');
  expect(code).toBe(0);
  expect(report.sagemakerCalls.filter((call: { api: string }) => call.api === 'CreateTrainingJob')).toHaveLength(3);
});

test('transform-fails-part-way: the failure notification says how many outputs the job wrote before it failed', async () => {
  const { code, report } = await dryRun('transform-fails-part-way');
  expect(code).toBe(1);
  expect(report.error).toBe('Run batch transform failed: States.TaskFailed');
  expect(report.notifications[0].message).toMatchObject({
    status: 'FAILED',
    failedState: 'Run batch transform',
    cause: expect.stringMatching(/^Run batch transform failed: 57 outputs were written to s3:\/\/[^ ]+\/runs\/[^ ]+\/predictions\/ before it failed .*ClientError: See job logs/),
  });
});

describe('endpoint scenarios (with a request that deploys)', () => {
  let requestFile: string;
  beforeAll(() => {
    requestFile = join(tempDir('ic-dry-run-endpoint-'), 'deploy.json');
    writeFileSync(requestFile, JSON.stringify({ mode: 'train', endpoint: {} }));
  });

  test('the default run shows the registration, the endpoint config and the poll loop until InService', async () => {
    const { code, text } = await dryRun('endpoint-exists', requestFile, false);
    expect(code).toBe(0);
    expect(text).toContain('SageMaker CreateModelPackage request');
    expect(text).toContain('SageMaker CreateEndpointConfig request');
    expect(text).toContain('SageMaker UpdateEndpoint request');
    expect(text).toMatch(/→ endpoint \S+ Updating on endpoint config earlier-run-endpoint-config \(poll; stand-in values\)/);
    expect(text).toMatch(/→ endpoint \S+ InService on endpoint config \S+-dry-run-[0-9a-f]{8} \(poll; stand-in values\)/);
    expect(text).toContain('an endpoint bills every hour it exists');
  });

  test('endpoint-failed ends in the failure notification with SageMaker\'s FailureReason', async () => {
    const { code, report } = await dryRun('endpoint-failed', requestFile);
    expect(code).toBe(1);
    expect(report.error).toBe('EndpointDeploymentFailed');
    expect(report.notifications[0].message).toMatchObject({ failedState: 'Describe endpoint', cause: expect.stringContaining('did not pass the ping health check') });
  });
});
