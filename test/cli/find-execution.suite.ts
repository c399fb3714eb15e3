import { DescribeExecutionCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { findExecution } from '../../cli/aws/find-execution';
import { deriveRunId } from '../../core/names';
import { awsError, executionArn, mockedAws, STATE_MACHINE_ARN } from './aws-fixtures';

const STACK = 'ImageClassificationPipeline';
const item = (name: string, status: 'SUCCEEDED' | 'RUNNING' = 'SUCCEEDED') => ({ executionArn: executionArn(name), stateMachineArn: STATE_MACHINE_ARN, name, status, startDate: new Date() });

test('an ARN is used as it is, a name becomes the ARN without a call', async () => {
  const { deps, mocks } = mockedAws();
  expect(await findExecution(deps, STACK, executionArn('x'))).toBe(executionArn('x'));
  expect(await findExecution(deps, STACK, 'cli-20261128-101500-ab12')).toBe(executionArn('cli-20261128-101500-ab12'));
  expect(mocks.sfn.calls()).toHaveLength(0);
});

test('a run id (the bold id `start` prints) is found among the executions, over pages', async () => {
  const { deps, mocks } = mockedAws();
  const wanted = 'baseline-20261127-090000-77aa';
  const runId = deriveRunId(wanted, 'more-epochs');
  mocks.sfn.on(DescribeExecutionCommand).rejects(awsError('ExecutionDoesNotExist', 'Execution Does Not Exist'));
  mocks.sfn
    .on(ListExecutionsCommand, { nextToken: undefined })
    .resolves({ executions: [item('cli-20261128-101500-ab12'), item('cli-20261128-090000-cd34')], nextToken: 'page-2' })
    .on(ListExecutionsCommand, { nextToken: 'page-2' })
    .resolves({ executions: [item(wanted)] });
  expect(await findExecution(deps, STACK, runId)).toBe(executionArn(wanted));
  expect(mocks.sfn.commandCalls(ListExecutionsCommand)).toHaveLength(2);
});

test('a run id that no execution has: exit 1, and what can be passed', async () => {
  const { deps, mocks } = mockedAws();
  mocks.sfn.on(DescribeExecutionCommand).rejects(awsError('ExecutionDoesNotExist', 'Execution Does Not Exist'));
  mocks.sfn.on(ListExecutionsCommand).resolves({ executions: [item('cli-20261128-101500-ab12')] });
  await expect(findExecution(deps, STACK, 'nothing-here-0a1b2c3d')).rejects.toMatchObject({
    exitCode: 1,
    code: 'ExecutionNotFound',
    message: 'No execution of the pipeline is named nothing-here-0a1b2c3d or has that run id in Region eu-west-1.',
    hint: 'Pass an execution name, ARN or run id from `ic-pipeline list` (or `start`).',
  });
});

test('no argument for results/report: the latest run that made predictions, past a later train-only run', async () => {
  const { deps, mocks } = mockedAws();
  mocks.sfn.on(ListExecutionsCommand).resolves({ executions: [item('train-only'), item('full-run'), item('older-full')] });
  mocks.sfn.on(DescribeExecutionCommand, { executionArn: executionArn('train-only') }).resolves({ ...item('train-only'), output: JSON.stringify({ mode: 'train', predictions: null }) });
  mocks.sfn.on(DescribeExecutionCommand, { executionArn: executionArn('full-run') }).resolves({ ...item('full-run'), output: JSON.stringify({ mode: 'full', predictions: 's3://a/runs/x/predictions/' }) });
  expect(await findExecution(deps, STACK, undefined, 'with-predictions')).toBe(executionArn('full-run'));
  expect(mocks.sfn.commandCalls(ListExecutionsCommand)[0]?.args[0].input).toMatchObject({ statusFilter: 'SUCCEEDED' });
  expect(mocks.sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(2); // the older run is not read
});

test('no run made predictions yet: said so', async () => {
  const { deps, mocks } = mockedAws();
  mocks.sfn.on(ListExecutionsCommand).resolves({ executions: [item('train-only')] });
  mocks.sfn.on(DescribeExecutionCommand).resolves({ ...item('train-only'), output: JSON.stringify({ mode: 'train', predictions: null }) });
  await expect(findExecution(deps, STACK, undefined, 'with-predictions')).rejects.toMatchObject({
    code: 'NoPredictions',
    message: 'None of the 1 latest succeeded runs of stack ImageClassificationPipeline made predictions (mode "train" runs make none).',
  });
});
