import { DescribeExecutionCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { listCommand } from '../../cli/commands/list';
import { costLines, withCost } from '../../cli/run-cost';
import type { RunSummary } from '../../core/run-summary';
import { capture, mockedAws } from './aws-fixtures';

/** A run summary as a spot run ends it: SageMaker's billable time is 30 % of the training time. */
const SUMMARY: Partial<RunSummary> = {
  runId: 'spot-run-1a2b3c4d',
  mode: 'full',
  metrics: [{ MetricName: 'validation:accuracy', Value: 0.8 }],
  trainingTimeInSeconds: 1800,
  billableTimeInSeconds: 540,
  spot: true,
  trainingInstanceType: 'ml.g4dn.xlarge',
  trainingInstanceCount: 1,
  transformInstanceType: 'ml.c5.xlarge',
  transformInstanceCount: 1,
  transformStartTime: 1_795_860_000_000,
  transformEndTime: 1_795_860_300_000,
};
const arnIn = (region: string, name: string) => `arn:aws:states:${region}:111122223333:execution:PipelineStateMachine:${name}`;

describe('the cost of a finished run', () => {
  test('status shows the cost from list prices, how it was computed, and SageMaker\'s spot saving', () => {
    expect(costLines(SUMMARY, arnIn('us-east-1', 'spot-run'))).toEqual([
      'cost: $0.1275 in us-east-1, computed from list prices as of 2026-11-30 (not your bill): ' +
        'training 540 billable s x $0.7364/h = $0.1105; transform 300 s x $0.2040/h = $0.0170',
      'spot: yes; SageMaker reports 70 % saved (billable 540 s of 1800 s of training)',
    ]);
  });

  test('a Region without prices says "no price" rather than a guess; no summary, no cost', () => {
    expect(costLines(SUMMARY, arnIn('ap-southeast-2', 'spot-run'))[0]).toBe(
      'cost: no price in ap-southeast-2, computed from list prices as of 2026-11-30 (not your bill): ' +
        'training 540 billable s on ml.g4dn.xlarge: no price; transform 300 s on ml.c5.xlarge: no price',
    );
    // eu-west-1 has a training price (from its own, older source) but none for ml.c5.xlarge: no total.
    expect(costLines(SUMMARY, arnIn('eu-west-1', 'spot-run'))[0]).toBe(
      'cost: no price in eu-west-1, computed from list prices as of 2023-12-31 (not your bill): ' +
        'training 540 billable s x $0.8220/h = $0.1233; transform 300 s on ml.c5.xlarge: no price',
    );
    expect(costLines(undefined, arnIn('us-east-1', 'x'))).toEqual([]);
    expect(withCost({ executionArn: arnIn('us-east-1', 'x') })).toEqual({ executionArn: arnIn('us-east-1', 'x') });
  });

  test('status --json carries the cost beside the summary', () => {
    const status = withCost({ executionArn: arnIn('us-east-1', 'spot-run'), summary: SUMMARY });
    expect(status.cost).toMatchObject({ currency: 'USD', region: 'us-east-1', computedFrom: 'list prices', total: 0.12746 });
  });

  test('list shows each succeeded run\'s cost; runs without a summary show "-"', async () => {
    const { deps, mocks } = mockedAws();
    const started = new Date('2026-11-28T09:00:00Z');
    mocks.sfn.on(ListExecutionsCommand).resolves({
      executions: [
        { executionArn: arnIn('us-east-1', 'spot-run'), stateMachineArn: 'x', name: 'spot-run', status: 'SUCCEEDED', startDate: started, stopDate: new Date('2026-11-28T09:40:00Z') },
        { executionArn: arnIn('us-east-1', 'broken'), stateMachineArn: 'x', name: 'broken', status: 'FAILED', startDate: started, stopDate: started },
      ],
    });
    mocks.sfn.on(DescribeExecutionCommand).resolves({
      executionArn: arnIn('us-east-1', 'spot-run'), stateMachineArn: 'x', status: 'SUCCEEDED', startDate: started, output: JSON.stringify(SUMMARY),
    });
    const text = await capture(false, (out) => listCommand({}, deps, out));
    expect(text.stdout).toMatch(/EXECUTION\s+STATUS\s+STARTED\s+DURATION\s+VAL\. ACCURACY\s+COST/);
    expect(text.stdout).toMatch(/spot-run\s+SUCCEEDED\s+.*0\.8000\s+\$0\.1275/);
    expect(text.stdout).toMatch(/broken\s+FAILED\s+.*-\s+-/);
    expect(text.stdout).toContain("COST: succeeded runs, computed from SageMaker's billable times and list prices as of 2026-11-30 (not your bill)");
    const json = JSON.parse((await capture(true, (out) => listCommand({}, deps, out))).stdout);
    expect(json.runs[0].cost).toMatchObject({ total: 0.12746, training: { billedSeconds: 540, cost: 0.11046 } });
    expect(json.runs[1]).not.toHaveProperty('cost');
  });
});
