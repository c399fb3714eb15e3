import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeHyperParameterTuningJobCommand, DescribeTrainingJobCommand, DescribeTransformJobCommand } from '@aws-sdk/client-sagemaker';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { statusCommand } from '../../cli/commands/status';
import { awsError, capture, executionArn, history, mockedAws, preparedOutput, STATE_MACHINE_ARN } from './aws-fixtures';

const RUN_ID = 'console-4f1c9e2a-0a1b2c3d';
const NAME = 'console-4f1c9e2a';

function trainingJobInProgress() {
  return {
    TrainingJobName: RUN_ID,
    TrainingJobArn: `arn:aws:sagemaker:eu-west-1:111122223333:training-job/${RUN_ID}`,
    TrainingJobStatus: 'InProgress' as const,
    SecondaryStatus: 'Training' as const,
    HyperParameters: { epochs: '2', num_classes: '257' },
    CreationTime: new Date('2026-11-28T10:00:05Z'),
    TrainingStartTime: new Date('2026-11-28T10:03:05Z'),
    LastModifiedTime: new Date('2026-11-28T10:05:00Z'),
    SecondaryStatusTransitions: [
      { Status: 'Starting' as const, StartTime: new Date('2026-11-28T10:00:05Z'), EndTime: new Date('2026-11-28T10:03:05Z'), StatusMessage: 'Preparing the instances for training' },
      { Status: 'Downloading' as const, StartTime: new Date('2026-11-28T10:03:05Z'), EndTime: new Date('2026-11-28T10:04:05Z'), StatusMessage: 'Downloading input data' },
      { Status: 'Training' as const, StartTime: new Date('2026-11-28T10:04:05Z'), StatusMessage: 'Training image download completed. Training in progress.' },
    ],
    AlgorithmSpecification: { TrainingInputMode: 'File' as const },
    RoleArn: 'arn:aws:iam::111122223333:role/SageMakerExecutionRole',
    OutputDataConfig: { S3OutputPath: 's3://artifacts/runs/x/model/' },
    ResourceConfig: { InstanceType: 'ml.p3.2xlarge' as const, InstanceCount: 1, VolumeSizeInGB: 50 },
    StoppingCondition: { MaxRuntimeInSeconds: 360000 },
    ModelArtifacts: undefined,
  };
}

function running(mocks: ReturnType<typeof mockedAws>['mocks']) {
  mocks.sfn.on(ListExecutionsCommand).resolves({
    executions: [{ executionArn: executionArn(NAME), stateMachineArn: STATE_MACHINE_ARN, name: NAME, status: 'RUNNING', startDate: new Date('2026-11-28T10:00:00Z') }],
  });
  mocks.sfn.on(DescribeExecutionCommand).resolves({
    executionArn: executionArn(NAME), stateMachineArn: STATE_MACHINE_ARN, name: NAME, status: 'RUNNING', startDate: new Date('2026-11-28T10:00:00Z'), input: '{}',
  });
  mocks.sfn.on(GetExecutionHistoryCommand).resolves({
    events: history([
      { entered: 'Prepare run', exited: true, output: preparedOutput(RUN_ID) },
      { entered: 'Resolve image', exited: true },
      { entered: 'Train model' },
    ]),
  });
  mocks.sagemaker.on(DescribeTrainingJobCommand).resolves(trainingJobInProgress());
}

test('a run in progress: the latest execution, its current state and the training job InProgress/Training', async () => {
  const { deps, mocks } = mockedAws();
  running(mocks);
  const { code, stdout, stderr } = await capture(false, (out) => statusCommand({}, deps, out));
  expect(stderr).toBe('');
  expect(code).toBe(0);
  expect(mocks.sfn.commandCalls(ListExecutionsCommand)[0]?.args[0].input).toMatchObject({ stateMachineArn: STATE_MACHINE_ARN, maxResults: 1 });
  expect(mocks.sagemaker.commandCalls(DescribeTrainingJobCommand)[0]?.args[0].input).toEqual({ TrainingJobName: RUN_ID });
  expect(stdout).toContain(`Run ${RUN_ID} (execution ${NAME}): RUNNING`);
  expect(stdout).toContain('running for 15m 00s');
  expect(stdout).toContain('current state: Train model');
  expect(stdout).toContain(`training job ${RUN_ID}: InProgress/Training, elapsed 11m 55s, 2 epochs`);
  expect(stdout).toContain('Training image download completed. Training in progress.');
  expect(stdout).toContain('console: https://console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/arn:aws:states:eu-west-1:');
});

// A job being stopped is still running: DescribeTrainingJob has no TrainingEndTime yet
// (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeTrainingJob.html), and LastModifiedTime
// is when it began to stop, not when it ended.
test('a training job that is Stopping: elapsed counts to now, not to its last modification', async () => {
  const { deps, mocks } = mockedAws();
  running(mocks);
  mocks.sagemaker.on(DescribeTrainingJobCommand).resolves({ ...trainingJobInProgress(), TrainingJobStatus: 'Stopping', SecondaryStatus: 'Stopping' });
  const { code, stdout } = await capture(false, (out) => statusCommand({}, deps, out));
  expect(code).toBe(0);
  expect(stdout).toContain(`training job ${RUN_ID}: Stopping/Stopping, elapsed 11m 55s, 2 epochs`);
});

test('a run in progress, --json', async () => {
  const { deps, mocks } = mockedAws();
  running(mocks);
  const { code, stdout } = await capture(true, (out) => statusCommand({ execution: NAME }, deps, out));
  expect(code).toBe(0);
  expect(mocks.sfn.commandCalls(ListExecutionsCommand)).toHaveLength(0);
  expect(mocks.sfn.commandCalls(DescribeExecutionCommand)[0]?.args[0].input).toEqual({ executionArn: executionArn(NAME) });
  expect(JSON.parse(stdout)).toMatchObject({
    executionName: NAME,
    status: 'RUNNING',
    runId: RUN_ID,
    currentState: 'Train model',
    durationSeconds: 900,
    training: { status: 'InProgress', secondaryStatus: 'Training', elapsedSeconds: 715, epochs: 2, metrics: [] },
  });
});

test('a failed run: the error, the cause and the job\'s failure reason', async () => {
  const { deps, mocks } = mockedAws();
  const reason = 'AlgorithmError: ClientError: Data download failed: no files under s3://data/train/';
  mocks.sfn.on(DescribeExecutionCommand).resolves({
    executionArn: executionArn(NAME), stateMachineArn: STATE_MACHINE_ARN, name: NAME, status: 'FAILED', input: '{}',
    startDate: new Date('2026-11-28T10:00:00Z'), stopDate: new Date('2026-11-28T10:07:30Z'),
    error: 'Train model failed: States.TaskFailed', cause: `Train model failed: {"FailureReason":"${reason}"}`,
  });
  mocks.sfn.on(GetExecutionHistoryCommand).resolves({
    events: history([{ entered: 'Prepare run', exited: true, output: preparedOutput(RUN_ID) }, { entered: 'Train model' }, { entered: 'Train model failed' }, { entered: 'Run failed' }]),
  });
  mocks.sagemaker.on(DescribeTrainingJobCommand).resolves({
    ...trainingJobInProgress(), TrainingJobStatus: 'Failed', SecondaryStatus: 'Failed', FailureReason: reason,
    TrainingEndTime: new Date('2026-11-28T10:07:00Z'), BillableTimeInSeconds: 175,
  });
  const human = await capture(false, (out) => statusCommand({ execution: executionArn(NAME) }, deps, out));
  expect(human.code).toBe(0);
  expect(mocks.cloudFormation.commandCalls(DescribeStacksCommand)).toHaveLength(0); // an ARN needs no stack lookup
  expect(human.stdout).toContain(': FAILED');
  expect(human.stdout).toContain('took 7m 30s');
  expect(human.stdout).not.toContain('current state');
  expect(human.stdout).toContain('billable 2m 55s');
  expect(human.stdout).toContain(`failure reason: ${reason}`);
  expect(human.stdout).toContain('error: Train model failed: States.TaskFailed');

  const json = JSON.parse((await capture(true, (out) => statusCommand({ execution: executionArn(NAME) }, deps, out))).stdout);
  expect(json).toMatchObject({ status: 'FAILED', error: 'Train model failed: States.TaskFailed', training: { status: 'Failed', failureReason: reason, billableSeconds: 175 } });
});

test('--wait polls until the run ends, sleeping between polls, and exits 0 when it succeeded', async () => {
  const { deps, mocks, sleeps } = mockedAws();
  running(mocks);
  const succeeded = {
    executionArn: executionArn(NAME), stateMachineArn: STATE_MACHINE_ARN, name: NAME, status: 'SUCCEEDED' as const, input: '{}',
    startDate: new Date('2026-11-28T10:00:00Z'), stopDate: new Date('2026-11-28T10:40:00Z'),
    output: JSON.stringify({ runId: RUN_ID, mode: 'full', metrics: [{ MetricName: 'validation:accuracy', Value: 0.6123 }], modelName: RUN_ID, predictions: `s3://a/runs/${RUN_ID}/predictions/` }),
  };
  // The first answer is the look-up of the name: `console-4f1c9e2a` has the shape of a run id, so the
  // command first checks that an execution has this name. Then two polls while it runs, then the end.
  mocks.sfn
    .on(DescribeExecutionCommand)
    .resolvesOnce({ ...succeeded, status: 'RUNNING', stopDate: undefined, output: undefined })
    .resolvesOnce({ ...succeeded, status: 'RUNNING', stopDate: undefined, output: undefined })
    .resolvesOnce({ ...succeeded, status: 'RUNNING', stopDate: undefined, output: undefined })
    .resolves(succeeded);
  mocks.sagemaker.on(DescribeTrainingJobCommand).resolves({
    ...trainingJobInProgress(), TrainingJobStatus: 'Completed', SecondaryStatus: 'Completed', BillableTimeInSeconds: 1500,
    TrainingEndTime: new Date('2026-11-28T10:30:00Z'), FinalMetricDataList: [{ MetricName: 'validation:accuracy', Value: 0.6123, Timestamp: new Date() }],
  });
  const { code, stdout } = await capture(false, (out) => statusCommand({ execution: NAME, wait: true, pollSeconds: 5 }, deps, out));
  expect(code).toBe(0);
  expect(sleeps).toEqual([5000, 5000]);
  // Not a terminal: one plain progress line per change, then the final status.
  expect(stdout.split('\n').filter((line) => line.startsWith('⟳'))).toHaveLength(1);
  expect(stdout).toContain(': SUCCEEDED');
  expect(stdout).toContain('validation accuracy: 0.6123');
  expect(stdout).toContain(`ic-pipeline results ${NAME}`);
});

test('--wait exits 1 when the run fails', async () => {
  const { deps, mocks } = mockedAws();
  mocks.sfn.on(DescribeExecutionCommand).resolves({
    executionArn: executionArn(NAME), stateMachineArn: STATE_MACHINE_ARN, name: NAME, status: 'FAILED', input: '{"epochs": 3}',
    startDate: new Date('2026-11-28T10:00:00Z'), stopDate: new Date('2026-11-28T10:00:02Z'),
    error: 'Prepare run failed: RunRequestError', cause: 'Prepare run failed: Invalid run request (1 problem): epochs: …',
  });
  mocks.sfn.on(GetExecutionHistoryCommand).resolves({ events: history([{ entered: 'Prepare run' }, { entered: 'Run failed' }]) });
  const { code, stdout } = await capture(false, (out) => statusCommand({ execution: NAME, wait: true }, deps, out));
  expect(code).toBe(1);
  expect(stdout).toContain('error: Prepare run failed: RunRequestError');
  expect(mocks.sagemaker.calls()).toHaveLength(0);
});

test('a training job SageMaker does not have yet (capacity retries) is "not created yet"', async () => {
  const { deps, mocks } = mockedAws();
  running(mocks);
  mocks.sagemaker.on(DescribeTrainingJobCommand).rejects(awsError('ValidationException', 'Requested resource not found.'));
  mocks.sagemaker.on(DescribeTransformJobCommand).rejects(new Error('not called'));
  const { code, stdout } = await capture(false, (out) => statusCommand({ execution: NAME }, deps, out));
  expect(code).toBe(0);
  expect(stdout).toContain(`training job ${RUN_ID}: not created yet`);
});

test('an unknown execution: one line and what to do next', async () => {
  const { deps, mocks } = mockedAws();
  mocks.sfn.on(DescribeExecutionCommand).rejects(awsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn('nope')}'`));
  const human = await capture(false, (out) => statusCommand({ execution: 'nope' }, deps, out));
  expect(human.code).toBe(1);
  expect(human.stderr).toBe(`Error: Execution ${executionArn('nope')} does not exist in Region eu-west-1.\nNext: \`ic-pipeline list\` shows the recent runs; pass an execution name, ARN or run id from there.\n`);
  const json = await capture(true, (out) => statusCommand({ execution: 'nope' }, deps, out));
  expect(JSON.parse(json.stdout)).toEqual({ error: expect.objectContaining({ code: 'ExecutionNotFound' }) });
});

test('no runs yet', async () => {
  const { deps, mocks } = mockedAws();
  mocks.sfn.on(ListExecutionsCommand).resolves({ executions: [] });
  const { code, stderr } = await capture(false, (out) => statusCommand({}, deps, out));
  expect(code).toBe(1);
  expect(stderr).toContain('Error: The pipeline of stack ImageClassificationPipeline has no runs yet.');
  expect(stderr).toContain('Next: Start one with `ic-pipeline start`');
});

describe('a run that tunes', () => {
  const TUNING_JOB = 'console-4f1c9e2a-0a1b2c-9f8e7d6c';

  function tuning(mocks: ReturnType<typeof mockedAws>['mocks'], answer: Record<string, unknown>) {
    running(mocks);
    const prepared = preparedOutput(RUN_ID);
    prepared.run.names = { ...prepared.run.names, tuningJob: TUNING_JOB };
    mocks.sfn.on(GetExecutionHistoryCommand).resolves({
      events: history([
        { entered: 'Prepare run', exited: true, output: prepared },
        { entered: 'Resolve image', exited: true },
        { entered: 'Build tuning request', exited: true },
        { entered: 'Tune model' },
      ]),
    });
    mocks.sagemaker.on(DescribeHyperParameterTuningJobCommand).resolves(answer as never);
  }

  const inProgress = {
    HyperParameterTuningJobName: TUNING_JOB,
    HyperParameterTuningJobStatus: 'InProgress',
    HyperParameterTuningJobConfig: { Strategy: 'Bayesian', ResourceLimits: { MaxNumberOfTrainingJobs: 6, MaxParallelTrainingJobs: 2 } },
    TrainingJobStatusCounters: { Completed: 3, InProgress: 2, RetryableError: 0, NonRetryableError: 1, Stopped: 0 },
    ObjectiveStatusCounters: { Succeeded: 3, Pending: 2, Failed: 1 },
    BestTrainingJob: {
      TrainingJobName: `${TUNING_JOB}-002-1a2b3c4d`,
      FinalHyperParameterTuningJobObjectiveMetric: { Type: 'Maximize', MetricName: 'validation:accuracy', Value: 0.8123 },
    },
  };

  test('shows the tuning progress: jobs completed of the maximum and the best objective so far', async () => {
    const { deps, mocks } = mockedAws();
    tuning(mocks, inProgress);
    const { code, stdout } = await capture(false, (out) => statusCommand({}, deps, out));
    expect(code).toBe(0);
    expect(mocks.sagemaker.commandCalls(DescribeHyperParameterTuningJobCommand)[0]?.args[0].input).toEqual({ HyperParameterTuningJobName: TUNING_JOB });
    // Tuning runs have no training job of the run's own name.
    expect(mocks.sagemaker.commandCalls(DescribeTrainingJobCommand)).toHaveLength(0);
    expect(stdout).toContain('current state: Tune model');
    expect(stdout).toContain(
      `tuning job ${TUNING_JOB}: InProgress, 3 of 6 training jobs completed (2 running, 1 failed); best validation:accuracy 0.8123 so far`,
    );
    expect(stdout).toContain(`best training job so far: ${TUNING_JOB}-002-1a2b3c4d`);
  });

  test('--json carries the tuning progress', async () => {
    const { deps, mocks } = mockedAws();
    tuning(mocks, inProgress);
    const { stdout } = await capture(true, (out) => statusCommand({}, deps, out));
    expect(JSON.parse(stdout).tuning).toEqual({
      name: TUNING_JOB,
      status: 'InProgress',
      maxJobs: 6,
      completed: 3,
      inProgress: 2,
      failed: 1,
      stopped: 0,
      bestTrainingJobName: `${TUNING_JOB}-002-1a2b3c4d`,
      bestObjective: { name: 'validation:accuracy', value: 0.8123 },
    });
  });

  test('before SageMaker has the tuning job', async () => {
    const { deps, mocks } = mockedAws();
    tuning(mocks, {});
    mocks.sagemaker.on(DescribeHyperParameterTuningJobCommand).rejects(awsError('ResourceNotFound', 'Amazon SageMaker can\'t find a tuning job'));
    const { stdout } = await capture(false, (out) => statusCommand({}, deps, out));
    expect(stdout).toContain(`tuning job ${TUNING_JOB}: not created yet`);
  });
});
