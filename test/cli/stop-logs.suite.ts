import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { deriveRunId } from '../../core/names';
import { logsCommand } from '../../cli/commands/logs';
import { statusCommand } from '../../cli/commands/status';
import { STOP_CAUSE, STOP_ERROR, stopCommand } from '../../cli/commands/stop';
import { awsError, capture, executionArn, history, mockedAws, preparedOutput, STATE_MACHINE_ARN } from './aws-fixtures';

const NAME = 'cli-20261128-100000-ab12';
const RUN_ID = deriveRunId(NAME);
const STREAM = `${RUN_ID}/algo-1-1764324000`;
const START = new Date('2026-11-28T10:00:00Z');

function execution(status: 'RUNNING' | 'ABORTED' | 'SUCCEEDED') {
  return { executionArn: executionArn(NAME), stateMachineArn: STATE_MACHINE_ARN, name: NAME, status, startDate: START, input: '{}', ...(status !== 'RUNNING' ? { stopDate: new Date('2026-11-28T10:14:00Z') } : {}) };
}

function trainingJob(status: 'InProgress' | 'Stopping' | 'Stopped' | 'Completed') {
  return {
    TrainingJobName: RUN_ID,
    TrainingJobStatus: status,
    SecondaryStatus: status === 'InProgress' ? ('Training' as const) : status,
    HyperParameters: { epochs: '3' },
    CreationTime: new Date('2026-11-28T10:00:05Z'),
    TrainingStartTime: new Date('2026-11-28T10:03:00Z'),
    SecondaryStatusTransitions: [],
  };
}

/** A run in `Train model` with its training job, and the job's log with two epochs so far. */
function trainingRun() {
  const aws = mockedAws();
  aws.mocks.sfn.on(ListExecutionsCommand).resolves({ executions: [{ executionArn: executionArn(NAME), stateMachineArn: STATE_MACHINE_ARN, name: NAME, status: 'RUNNING', startDate: START }] });
  aws.mocks.sfn.on(DescribeExecutionCommand).resolves(execution('RUNNING'));
  // No execution is named like the run id: it is found in the list of executions.
  aws.mocks.sfn.on(DescribeExecutionCommand, { executionArn: executionArn(RUN_ID) }).rejects(awsError('ExecutionDoesNotExist', 'Execution Does Not Exist'));
  aws.mocks.sfn.on(GetExecutionHistoryCommand).resolves({
    events: history([{ entered: 'Prepare run', exited: true, output: preparedOutput(RUN_ID) }, { entered: 'Resolve image', exited: true }, { entered: 'Train model' }]),
  });
  aws.mocks.sagemaker.on(DescribeTrainingJobCommand).resolves(trainingJob('InProgress'));
  const line = (ms: number, message: string, id: string) => ({ timestamp: START.getTime() + ms, message: `[11/28/2026 10:0${ms / 60_000} INFO 1401] ${message}\n`, logStreamName: STREAM, eventId: id });
  const lines = [
    line(60_000, 'Epoch[0] Batch [20]#011Speed: 210.3 samples/sec#011accuracy=0.031250', 'e1'),
    line(120_000, 'Epoch[0] Train-accuracy=0.052083', 'e2'),
    line(120_000, 'Epoch[0] Time cost=123.456', 'e3'),
    line(180_000, 'Epoch[0] Validation-accuracy=0.066406', 'e4'),
    line(240_000, 'Epoch[1] Train-accuracy=0.150000', 'e5'),
    line(240_000, 'Epoch[1] Time cost=120.000', 'e6'),
    line(300_000, 'Epoch[1] Validation-accuracy=0.171875', 'e7'),
  ];
  return { ...aws, lines };
}

describe('stop', () => {
  test('stops a running run: StopExecution, and says which SageMaker job Step Functions stops', async () => {
    const { deps, mocks } = trainingRun();
    mocks.sfn.on(StopExecutionCommand).resolves({ stopDate: new Date('2026-11-28T10:14:00Z') });
    const { code, stdout, stderr } = await capture(false, (out) => stopCommand({ execution: RUN_ID }, deps, out));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    // The run id was resolved to its execution (RUN_ID is no execution name: it is looked up in the list).
    expect(mocks.sfn.commandCalls(StopExecutionCommand)[0]?.args[0].input).toEqual({ executionArn: executionArn(NAME), error: STOP_ERROR, cause: STOP_CAUSE });
    expect(stdout).toContain(`Stopped run ${RUN_ID} (execution ${NAME}) in state Train model.`);
    expect(stdout).toContain(`Step Functions asks SageMaker to stop the training job ${RUN_ID}: it goes to Stopping, then Stopped`);
    expect(stdout).toContain(`Follow it: ic-pipeline status ${NAME}`);

    // Afterwards status shows it stopped, and the job stopping.
    mocks.sfn.on(DescribeExecutionCommand).resolves({ ...execution('ABORTED'), error: STOP_ERROR, cause: STOP_CAUSE });
    mocks.sagemaker.on(DescribeTrainingJobCommand).resolves(trainingJob('Stopping'));
    const status = await capture(false, (out) => statusCommand({ execution: NAME }, deps, out));
    expect(status.stdout).toContain(`Run ${RUN_ID} (execution ${NAME}): ABORTED (stopped)`);
    expect(status.stdout).toContain(`training job ${RUN_ID}: Stopping`);
    expect(status.stdout).toContain(`error: ${STOP_ERROR}`);
  });

  test('--wait waits for SageMaker to stop the job; --json says what was stopped', async () => {
    const { deps, mocks, sleeps } = trainingRun();
    mocks.sfn.on(StopExecutionCommand).resolves({ stopDate: new Date('2026-11-28T10:14:00Z') });
    mocks.sagemaker
      .on(DescribeTrainingJobCommand)
      .resolvesOnce(trainingJob('InProgress'))
      .resolvesOnce(trainingJob('Stopping'))
      .resolves(trainingJob('Stopped'));
    const { code, stdout } = await capture(true, (out) => stopCommand({ execution: NAME, wait: true, pollSeconds: 10 }, deps, out));
    expect(code).toBe(0);
    expect(sleeps).toEqual([10_000]);
    expect(JSON.parse(stdout)).toMatchObject({ executionName: NAME, runId: RUN_ID, stopped: true, stoppedInState: 'Train model', job: { kind: 'training', name: RUN_ID, statusBefore: 'InProgress', status: 'Stopped' } });
  });

  test('a run that already ended is left alone', async () => {
    const { deps, mocks } = trainingRun();
    mocks.sfn.on(DescribeExecutionCommand).resolves(execution('SUCCEEDED'));
    const { code, stdout } = await capture(false, (out) => stopCommand({ execution: NAME }, deps, out));
    expect(code).toBe(0);
    expect(stdout).toBe(`Run ${RUN_ID} (execution ${NAME}) already ended: SUCCEEDED. Nothing to stop.\n`);
    expect(mocks.sfn.commandCalls(StopExecutionCommand)).toHaveLength(0);
  });

  test('no permission to stop: exit 1 and which action is missing', async () => {
    const { deps, mocks } = trainingRun();
    mocks.sfn.on(StopExecutionCommand).rejects(awsError('AccessDeniedException', `User: arn:aws:iam::111122223333:user/ops is not authorized to perform: states:StopExecution on resource: ${executionArn(NAME)}`));
    const { code, stderr } = await capture(false, (out) => stopCommand({ execution: NAME }, deps, out));
    expect(code).toBe(1);
    expect(stderr).toContain('Error: Access denied to states:StopExecution.');
  });
});

describe('logs', () => {
  test('the training log with the epoch lines, a table of epochs and a link; the run id works as the argument', async () => {
    const { deps, mocks, lines } = trainingRun();
    mocks.logs.on(FilterLogEventsCommand).resolves({ events: lines });
    const { code, stdout, stderr } = await capture(false, (out) => logsCommand({ execution: RUN_ID }, deps, out));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(mocks.logs.commandCalls(FilterLogEventsCommand)[0]?.args[0].input).toMatchObject({ logGroupName: '/aws/sagemaker/TrainingJobs', logStreamNamePrefix: `${RUN_ID}/` });
    expect(stdout).toContain(`── training job ${RUN_ID} · /aws/sagemaker/TrainingJobs`);
    expect(stdout).toContain('[11/28/2026 10:03 INFO 1401] Epoch[0] Validation-accuracy=0.066406\n');
    expect(stdout).toMatch(/Epochs \(from the training log\):\n {2}EPOCH +TRAIN ACCURACY +VALIDATION ACCURACY +TIME\n {2}Epoch\[0\] +0\.0521 +0\.0664 +2m 03s\n {2}Epoch\[1\] +0\.1500 +0\.1719 +2m 00s\n/);
    expect(stdout).toContain(`training log: https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Faws$252Fsagemaker$252FTrainingJobs/log-events/`);
  });

  test('--follow reads again until the run ends, without repeating a line; --json is one document', async () => {
    const { deps, mocks, lines, sleeps } = trainingRun();
    mocks.sfn.on(DescribeExecutionCommand).resolvesOnce(execution('RUNNING')).resolvesOnce(execution('RUNNING')).resolves(execution('SUCCEEDED'));
    // The second read starts at the last timestamp seen, so CloudWatch returns that line again.
    mocks.logs.on(FilterLogEventsCommand).resolvesOnce({ events: lines.slice(0, 4) }).resolves({ events: lines.slice(3) });
    const { code, stdout } = await capture(true, (out) => logsCommand({ execution: NAME, follow: true, pollSeconds: 5 }, deps, out));
    expect(code).toBe(0);
    expect(sleeps).toEqual([5000, 5000]);
    const document = JSON.parse(stdout);
    expect(document.jobs[0].lines.map((l: { message: string }) => l.message)).toHaveLength(7);
    expect(document.epochs).toEqual([
      { epoch: 0, trainAccuracy: 0.052083, timeCostSeconds: 123.456, validationAccuracy: 0.066406 },
      { epoch: 1, trainAccuracy: 0.15, timeCostSeconds: 120, validationAccuracy: 0.171875 },
    ]);
    expect(mocks.logs.commandCalls(FilterLogEventsCommand)[1]?.args[0].input.startTime).toBe(START.getTime() + 180_000);
  });

  test('Ctrl-C while following ends at once, saying that the run goes on (exit 130)', async () => {
    const { deps, mocks, lines } = trainingRun();
    mocks.logs.on(FilterLogEventsCommand).resolves({ events: lines });
    const controller = new AbortController();
    const { code, stdout, stderr } = await capture(false, (out) =>
      logsCommand({ execution: NAME, follow: true }, { ...deps, signal: controller.signal, sleep: () => (controller.abort(), new Promise(() => undefined)) }, out),
    );
    expect(code).toBe(130);
    expect(stdout).toContain('Epoch[1] Validation-accuracy=0.171875');
    expect(stderr).toBe(`Stopped following; the run continues in AWS: ic-pipeline status ${NAME} --wait\n`);
  });

  test('no log yet (the log group is created by the first job): said, not an error', async () => {
    const { deps, mocks } = trainingRun();
    mocks.logs.on(FilterLogEventsCommand).rejects(awsError('ResourceNotFoundException', 'The specified log group does not exist.'));
    const { code, stdout } = await capture(false, (out) => logsCommand({ execution: NAME }, deps, out));
    expect(code).toBe(0);
    expect(stdout).toContain(`No log lines of the training job ${RUN_ID} yet`);
  });
});

test('status shows the last epoch of the training log and a link to the log', async () => {
  const { deps, mocks, lines } = trainingRun();
  mocks.logs.on(FilterLogEventsCommand).resolves({ events: lines.filter((l) => !l.message.includes('Batch')) });
  const { stdout } = await capture(false, (out) => statusCommand({ execution: NAME }, deps, out));
  expect(mocks.logs.commandCalls(FilterLogEventsCommand)[0]?.args[0].input.filterPattern).toBe('?"Train-accuracy" ?"Validation-accuracy" ?"Time cost"');
  expect(stdout).toContain('    last epoch: Epoch[1] (2 of 3): train accuracy 0.1500, validation accuracy 0.1719');
  expect(stdout).toContain(`    log: https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Faws$252Fsagemaker$252FTrainingJobs/log-events/${encodeURIComponent(encodeURIComponent(STREAM)).replace(/%/g, '$')}  (ic-pipeline logs ${NAME})`);
  expect(stdout).toContain(`  stop it: ic-pipeline stop ${NAME}`);

  // A log that cannot be read leaves the epochs out, not the status.
  mocks.logs.on(FilterLogEventsCommand).rejects(awsError('AccessDeniedException', 'not authorized to perform: logs:FilterLogEvents'));
  const denied = await capture(false, (out) => statusCommand({ execution: NAME }, deps, out));
  expect(denied.code).toBe(0);
  expect(denied.stdout).not.toContain('last epoch');
  expect(denied.stdout).toContain('logStreamNameFilter');
});
