import { DescribeTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { deriveRunId } from '../../core/names';
import { startCommand } from '../../cli/commands/start';
import { statusCommand } from '../../cli/commands/status';
import { MAX_FAILED_POLLS } from '../../cli/run-view';
import { visibleLength } from '../../cli/output';
import { runCommand } from '../../cli/run-command';
import { bufferOutput } from '../support/output';
import { awsError, executionArn, history, mockedAws, preparedOutput, STATE_MACHINE_ARN } from './aws-fixtures';

const NAME = 'caltech-resnet50-lr005-20261128-101500-ab12';
const RUN_ID = deriveRunId(NAME);

function runningRun() {
  const aws = mockedAws();
  const running = { executionArn: executionArn(NAME), stateMachineArn: STATE_MACHINE_ARN, name: NAME, status: 'RUNNING' as const, input: '{}', startDate: new Date('2026-11-28T09:05:00Z') };
  aws.mocks.sfn.on(DescribeExecutionCommand).resolves(running);
  aws.mocks.sfn.on(GetExecutionHistoryCommand).resolves({
    events: history([{ entered: 'Prepare run', exited: true, output: preparedOutput(RUN_ID) }, { entered: 'Resolve image', exited: true }, { entered: 'Train model' }]),
  });
  aws.mocks.sagemaker.on(DescribeTrainingJobCommand).resolves({
    TrainingJobName: RUN_ID,
    TrainingJobStatus: 'InProgress',
    SecondaryStatus: 'Training',
    HyperParameters: { epochs: '30' },
    CreationTime: new Date('2026-11-28T09:05:10Z'),
    TrainingStartTime: new Date('2026-11-28T09:08:00Z'),
    BillableTimeInSeconds: 3600,
    FinalMetricDataList: [{ MetricName: 'train:accuracy', Value: 0.4321 }, { MetricName: 'validation:accuracy', Value: 0.4123 }],
    SecondaryStatusTransitions: [],
  });
  const succeeded = { ...running, status: 'SUCCEEDED' as const, stopDate: new Date('2026-11-28T10:40:00Z'), output: JSON.stringify({ runId: RUN_ID, mode: 'full', metrics: [] }) };
  return { ...aws, running, succeeded };
}

async function wait(deps: ReturnType<typeof mockedAws>['deps'], options: { tty?: boolean; columns?: number; json?: boolean } = {}) {
  const out = bufferOutput(options);
  const code = await runCommand(out, () => statusCommand({ execution: NAME, wait: true, pollSeconds: 30 }, deps, out));
  return { code, stdout: out.stdout(), stderr: out.stderr() };
}

test('a network blip while waiting is tried again at the next poll; the run succeeds: exit 0', async () => {
  const { deps, mocks, running, succeeded } = runningRun();
  mocks.sfn
    .on(DescribeExecutionCommand)
    .resolvesOnce(running)
    .rejectsOnce(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))
    .resolves(succeeded);
  const { code, stdout } = await wait(deps);
  expect(code).toBe(0);
  expect(stdout).toContain('AWS did not answer (1/3); trying again in 30s');
  expect(stdout).toContain(': SUCCEEDED');
});

test('AWS unreachable for several polls: exit 3 (not 1, a failed run), and how to resume', async () => {
  const { deps, mocks, running } = runningRun();
  mocks.sfn.on(DescribeExecutionCommand).resolvesOnce(running).rejects(awsError('ThrottlingException', 'Rate exceeded'));
  const { code, stderr, stdout } = await wait(deps);
  expect(code).toBe(3);
  expect(stdout.match(/trying again/g)).toHaveLength(MAX_FAILED_POLLS - 1);
  expect(stderr).toBe(
    'Error: AWS answered with a transient error (ThrottlingException).\n' +
      `Next: The run itself may be fine (this is no news about it): once AWS answers again, ic-pipeline status ${NAME} --wait\n`,
  );
  const json = await wait(deps, { json: true });
  expect(json.code).toBe(3);
  expect(JSON.parse(json.stdout)).toEqual({ error: expect.objectContaining({ code: 'AwsUnavailable' }) });
});

test('Ctrl-C while waiting: the live line ends with a newline, and the run continues in AWS (exit 130)', async () => {
  const { deps } = runningRun();
  const controller = new AbortController();
  const out = bufferOutput({ tty: true, columns: 80 });
  const code = await runCommand(out, () =>
    statusCommand({ execution: NAME, wait: true }, { ...deps, signal: controller.signal, sleep: () => (controller.abort(), new Promise(() => undefined)) }, out),
  );
  expect(code).toBe(130);
  expect(out.stdout().startsWith('\r\u001b[2K⟳ ')).toBe(true);
  expect(out.stdout().endsWith('\n')).toBe(true);
  expect(out.stderr()).toBe(`Stopped waiting; the run continues in AWS: ic-pipeline status ${NAME} --wait\nNext: To stop the run itself: ic-pipeline stop ${NAME}\n`);
});

describe('the live --wait line fits the terminal', () => {
  it.each([80, 60])('%i columns: one line, rewritten in place, the most useful parts kept', async (columns) => {
    const { deps, mocks, running, succeeded } = runningRun();
    mocks.sfn.on(DescribeExecutionCommand).resolvesOnce(running).resolvesOnce(running).resolvesOnce(running).resolves(succeeded);
    const { stdout } = await wait(deps, { tty: true, columns });
    const live = stdout.split('\n')[0]?.split('\r\x1b[2K').filter(Boolean) ?? [];
    expect(live).toHaveLength(3); // one per poll, each replacing the last
    for (const line of live) {
      expect(visibleLength(line)).toBeLessThanOrEqual(columns - 1);
      // The execution name is shortened in the middle: both ends stay recognisable.
      expect(line).toMatch(/^⟳ caltech-res\S*…\S*101500-ab12 · 1h 10m · Train model/);
    }
    // At 80 columns the job's status still fits; at 60 it is the first thing to go after the details.
    if (columns === 80) expect(live[0]).toBe('⟳ caltech-res…101500-ab12 · 1h 10m · Train model · training InProgress/Training');
    else expect(live[0]).toBe('⟳ caltech-resnet50-…1128-101500-ab12 · 1h 10m · Train model');
  });

  it('without a terminal the line is printed once while nothing but the clock changes', async () => {
    const { deps, mocks, running, succeeded } = runningRun();
    mocks.sfn.on(DescribeExecutionCommand).resolvesOnce(running).resolvesOnce(running).resolvesOnce(running).resolves(succeeded);
    const { stdout } = await wait(deps, { tty: false });
    expect(stdout.split('\n').filter((line) => line.startsWith('⟳'))).toHaveLength(1);
    expect(stdout).not.toContain('\r');
  });
});

test('start --wait --json that loses AWS: the error document names the execution, so a script can resume', async () => {
  const { deps, mocks } = runningRun();
  mocks.sfn.on(StartExecutionCommand).resolves({ executionArn: executionArn(NAME), startDate: new Date() });
  mocks.sfn.on(DescribeExecutionCommand).rejects(awsError('ServiceUnavailable', 'Service unavailable'));
  const out = bufferOutput({ json: true });
  const code = await runCommand(out, () => startCommand({ wait: true, executionName: NAME }, deps, out));
  expect(code).toBe(3);
  expect(JSON.parse(out.stdout())).toEqual({
    error: expect.objectContaining({ code: 'AwsUnavailable', executionName: NAME, executionArn: executionArn(NAME), runId: RUN_ID, hint: expect.stringContaining(`ic-pipeline status ${NAME} --wait`) }),
  });
});
