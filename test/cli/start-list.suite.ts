import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { deriveRunId } from '../../core/names';
import { cliExecutionName, startCommand } from '../../cli/commands/start';
import { listCommand } from '../../cli/commands/list';
import { awsError, capture, DATA_BUCKET, executionArn, history, mockedAws, STATE_MACHINE_ARN } from './aws-fixtures';
import { tempDir } from '../support/temp-dir';

const dir = tempDir('ic-start-');
function requestFile(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

describe('start', () => {
  test('starts an execution with the request, named after the file, and prints the ARN and console link', async () => {
    const { deps, mocks } = mockedAws();
    mocks.sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => ({ executionArn: executionArn(input.name), startDate: new Date() }));
    const file = requestFile('more-epochs.json', { hyperparameters: { epochs: 10 }, trainingData: `s3://${DATA_BUCKET}/train-v2/` });
    const { code, stdout, stderr } = await capture(false, (out) => startCommand({ request: file }, deps, out));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const sent = mocks.sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(sent?.stateMachineArn).toBe(STATE_MACHINE_ARN);
    expect(sent?.name).toMatch(/^more-epochs-20261128-101500-[0-9a-f]{4}$/);
    expect(JSON.parse(sent?.input ?? '')).toEqual({ hyperparameters: { epochs: 10 }, trainingData: `s3://${DATA_BUCKET}/train-v2/` });
    expect(stdout).toContain(`Started run ${deriveRunId(sent?.name as string)} on stack ImageClassificationPipeline.`);
    expect(stdout).toContain(`execution: ${sent?.name}  (${executionArn(sent?.name as string)})`);
    expect(stdout).toContain(`stop it:   ic-pipeline stop ${sent?.name}`);
    expect(stdout).toContain('console:   https://console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/');
  });

  test('--json: the execution, its run id and console link', async () => {
    const { deps, mocks } = mockedAws();
    mocks.sfn.on(StartExecutionCommand).resolves({ executionArn: executionArn('cli-x'), startDate: new Date() });
    const { code, stdout } = await capture(true, (out) => startCommand({ executionName: 'cli-x' }, deps, out));
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      executionArn: executionArn('cli-x'),
      executionName: 'cli-x',
      runId: deriveRunId('cli-x'),
      stack: 'ImageClassificationPipeline',
      consoleUrl: expect.stringContaining(executionArn('cli-x')),
    });
    expect(JSON.parse(mocks.sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? '')).toEqual({});
  });

  test('a request the pipeline would reject is not started: exit 1 with every problem, checked against the deployed buckets', async () => {
    const { deps, mocks } = mockedAws();
    const file = requestFile('bad.json', { trainingData: 's3://someone-elses-bucket/train/', hyperparameters: { epochs: 0 } });
    const { code, stderr } = await capture(false, (out) => startCommand({ request: file }, deps, out));
    expect(code).toBe(1);
    expect(mocks.sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    expect(stderr).toContain(`Error: The run request ${file} is not valid (2 problems); nothing was started:`);
    expect(stderr).toContain(`  - trainingData: "s3://someone-elses-bucket/train/" is in bucket "someone-elses-bucket"; the pipeline may read only the data bucket (s3://${DATA_BUCKET}/)`);
    expect(stderr).toContain('  - hyperparameters.epochs: 0 must be an integer >= 1');
  });

  test('a missing stack: one line, what to do next, and {"error"} with --json', async () => {
    const { deps, mocks } = mockedAws();
    mocks.cloudFormation.on(DescribeStacksCommand).rejects(awsError('ValidationError', 'Stack with id Other does not exist'));
    const human = await capture(false, (out) => startCommand({ stackName: 'Other' }, deps, out));
    expect(human.code).toBe(1);
    expect(human.stderr).toBe(
      'Error: Stack Other does not exist in Region eu-west-1.\n' +
        'Next: Deploy it with `npx cdk deploy`, or name the deployed stack with --stack <name> and its Region with --region <region>.\n',
    );
    const json = await capture(true, (out) => startCommand({ stackName: 'Other' }, deps, out));
    expect(JSON.parse(json.stdout)).toEqual({ error: expect.objectContaining({ code: 'StackNotFound', message: 'Stack Other does not exist in Region eu-west-1.' }) });
    expect(mocks.sfn.calls()).toHaveLength(0);
  });

  test('missing credentials: what to configure, and that dry-run works without them', async () => {
    const { deps, mocks } = mockedAws();
    mocks.cloudFormation.on(DescribeStacksCommand).rejects(awsError('CredentialsProviderError', 'Could not load credentials from any providers'));
    const { code, stdout, stderr } = await capture(false, (out) => startCommand({}, deps, out));
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('Error: No AWS credentials found.');
    expect(stderr).toContain('Next: Configure AWS credentials (aws configure, aws sso login, or AWS_PROFILE=<profile>)');
    expect(stderr).toContain('`ic-pipeline dry-run`');
    expect(stderr).not.toContain('    at ');
  });

  test('expired credentials and access denied on StartExecution', async () => {
    const { deps, mocks } = mockedAws();
    mocks.sfn.on(StartExecutionCommand).rejectsOnce(awsError('ExpiredTokenException', 'The security token included in the request is expired'));
    const expired = await capture(false, (out) => startCommand({}, deps, out));
    expect(expired.stderr).toContain('Error: Your AWS credentials have expired.');
    mocks.sfn
      .on(StartExecutionCommand)
      .rejects(awsError('AccessDeniedException', `User: arn:aws:iam::111122223333:user/dev is not authorized to perform: states:StartExecution on resource: ${STATE_MACHINE_ARN}`));
    const denied = await capture(true, (out) => startCommand({}, deps, out));
    expect(denied.code).toBe(1);
    expect(JSON.parse(denied.stdout).error).toMatchObject({ code: 'AccessDenied', message: 'Access denied to states:StartExecution.' });
  });

  test('--wait follows the run to its end', async () => {
    const { deps, mocks } = mockedAws();
    mocks.sfn.on(StartExecutionCommand).resolves({ executionArn: executionArn('cli-w'), startDate: new Date() });
    mocks.sfn.on(DescribeExecutionCommand).resolves({
      executionArn: executionArn('cli-w'), stateMachineArn: STATE_MACHINE_ARN, name: 'cli-w', status: 'FAILED', input: '{}',
      startDate: new Date('2026-11-28T10:00:00Z'), stopDate: new Date('2026-11-28T10:01:00Z'), error: 'Resolve image failed: UnknownRegionError', cause: 'Resolve image failed: …',
    });
    mocks.sfn.on(GetExecutionHistoryCommand).resolves({ events: history([{ entered: 'Prepare run' }, { entered: 'Resolve image' }]) });
    const { code, stdout } = await capture(false, (out) => startCommand({ executionName: 'cli-w', wait: true }, deps, out));
    expect(code).toBe(1);
    expect(stdout).toContain('waiting for it to end');
    expect(stdout).toContain('error: Resolve image failed: UnknownRegionError');
  });

  test('execution names: readable file name, UTC time, random suffix, at most 80 characters', () => {
    const now = new Date('2026-11-28T10:15:00Z');
    expect(cliExecutionName(undefined, now, 'abcd')).toBe('cli-20261128-101500-abcd');
    expect(cliExecutionName('requests/Mehr Epochen.json', now, 'abcd')).toBe('Mehr-Epochen-20261128-101500-abcd');
    expect(cliExecutionName(`${'x'.repeat(200)}.json`, now, 'abcd')).toHaveLength(80);
  });
});

describe('list', () => {
  const runs = [
    { name: 'cli-20261128-101500-abcd', status: 'RUNNING' as const, startDate: new Date('2026-11-28T10:05:00Z') },
    { name: 'console-4f1c9e2a', status: 'SUCCEEDED' as const, startDate: new Date('2026-11-27T08:00:00Z'), stopDate: new Date('2026-11-27T08:41:10Z') },
    { name: 'bad-request-1', status: 'FAILED' as const, startDate: new Date('2026-11-26T08:00:00Z'), stopDate: new Date('2026-11-26T08:00:02Z') },
  ];

  function mockRuns() {
    const aws = mockedAws();
    aws.mocks.sfn.on(ListExecutionsCommand).resolves({ executions: runs.map((r) => ({ ...r, executionArn: executionArn(r.name), stateMachineArn: STATE_MACHINE_ARN })) });
    aws.mocks.sfn.on(DescribeExecutionCommand).resolves({
      executionArn: executionArn('console-4f1c9e2a'), stateMachineArn: STATE_MACHINE_ARN, status: 'SUCCEEDED', startDate: new Date(),
      output: JSON.stringify({ metrics: [{ MetricName: 'train:accuracy', Value: 0.7 }, { MetricName: 'validation:accuracy', Value: 0.6123456 }] }),
    });
    return aws;
  }

  test('recent runs with status, start, duration and validation accuracy', async () => {
    const { deps, mocks } = mockRuns();
    const { code, stdout } = await capture(false, (out) => listCommand({ max: 3 }, deps, out));
    expect(code).toBe(0);
    expect(mocks.sfn.commandCalls(ListExecutionsCommand)[0]?.args[0].input).toEqual({ stateMachineArn: STATE_MACHINE_ARN, maxResults: 3 });
    // Only the succeeded run has a summary to read.
    expect(mocks.sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(1);
    const lines = stdout.trim().split('\n');
    // COST: a summary without instance types (test/cli/run-cost.suite.ts has priced ones) has nothing to price.
    expect(lines[0]).toMatch(/^EXECUTION\s+STATUS\s+STARTED\s+DURATION\s+VAL\. ACCURACY\s+COST$/);
    expect(lines[1]).toMatch(/^cli-20261128-101500-abcd\s+RUNNING\s+2026-11-28 10:05:00Z\s+10m 00s so far\s+-\s+-$/);
    expect(lines[2]).toMatch(/^console-4f1c9e2a\s+SUCCEEDED\s+2026-11-27 08:00:00Z\s+41m 10s\s+0\.6123\s+-$/);
    expect(lines[3]).toMatch(/^bad-request-1\s+FAILED\s+.*2s\s+-\s+-$/);
  });

  test('--json', async () => {
    const { deps } = mockRuns();
    const { stdout } = await capture(true, (out) => listCommand({}, deps, out));
    const report = JSON.parse(stdout);
    expect(report.runs).toHaveLength(3);
    expect(report.runs[1]).toMatchObject({ executionName: 'console-4f1c9e2a', status: 'SUCCEEDED', durationSeconds: 2470, validationAccuracy: 0.6123456 });
    expect(report.runs[0].validationAccuracy).toBeUndefined();
  });

  test('no runs yet', async () => {
    const { deps, mocks } = mockedAws();
    mocks.sfn.on(ListExecutionsCommand).resolves({ executions: [] });
    const { stdout } = await capture(false, (out) => listCommand({}, deps, out));
    expect(stdout).toBe('No runs yet on stack ImageClassificationPipeline. Start one with `ic-pipeline start`.\n');
  });
});
