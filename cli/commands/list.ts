import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { type AwsDeps } from '../aws/clients';
import { describeExecution } from '../aws/run-status';
import { DEFAULT_STACK_NAME, findPipelineStack } from '../aws/stack';
import { EXIT, toCliError } from '../errors';
import { formatDuration, formatTime, secondsBetween, table } from '../format';
import type { Output } from '../output';
import { costCell, costOfRun } from '../run-cost';
import type { RunCost } from '../../core/cost';
import type { RunSummary } from '../../core/run-summary';
import { validationAccuracy } from '../run-view';

export interface ListOptions {
  readonly stackName?: string;
  /** @default 10 */
  readonly max?: number;
}

export interface ListedRun {
  readonly executionName: string;
  readonly executionArn: string;
  readonly status: string;
  readonly startDate?: string;
  readonly stopDate?: string;
  readonly durationSeconds?: number;
  /** validation:accuracy of the run summary, for succeeded runs that trained. */
  readonly validationAccuracy?: number;
  /** What a succeeded run cost, computed from list prices and what SageMaker reported (its summary). */
  readonly cost?: RunCost;
}

/** `list [--max N]`: the most recent runs, newest first. */
export async function listCommand(options: ListOptions, deps: AwsDeps, out: Output): Promise<number> {
  const stackName = options.stackName ?? DEFAULT_STACK_NAME;
  const stack = await findPipelineStack(deps.cloudFormation, stackName, deps.region);
  const now = deps.now?.() ?? new Date();
  let executions;
  try {
    const answer = await deps.sfn.send(new ListExecutionsCommand({ stateMachineArn: stack.stateMachineArn, maxResults: options.max ?? 10 }));
    executions = answer.executions ?? [];
  } catch (error) {
    throw toCliError(error, { stackName, region: deps.region });
  }
  const runs: ListedRun[] = [];
  for (const execution of executions) {
    let accuracy: number | undefined;
    let cost: RunCost | undefined;
    if (execution.status === 'SUCCEEDED' && execution.executionArn) {
      const described = await describeExecution(deps, execution.executionArn);
      const summary = parseOutput(described.output);
      accuracy = validationAccuracy(summary);
      cost = costOfRun(summary as Partial<RunSummary> | undefined, execution.executionArn);
    }
    runs.push({
      executionName: execution.name ?? '',
      executionArn: execution.executionArn ?? '',
      status: execution.status ?? 'UNKNOWN',
      startDate: execution.startDate?.toISOString(),
      stopDate: execution.stopDate?.toISOString(),
      durationSeconds: secondsBetween(execution.startDate, execution.stopDate ?? now),
      ...(accuracy !== undefined ? { validationAccuracy: accuracy } : {}),
      ...(cost !== undefined ? { cost } : {}),
    });
  }
  if (out.jsonMode) {
    out.json({ stack: stackName, stateMachineArn: stack.stateMachineArn, runs });
    return EXIT.ok;
  }
  if (runs.length === 0) {
    out.line(`No runs yet on stack ${stackName}. Start one with \`ic-pipeline start\`.`);
    return EXIT.ok;
  }
  const rows = [['EXECUTION', 'STATUS', 'STARTED', 'DURATION', 'VAL. ACCURACY', 'COST']];
  for (const run of runs) {
    rows.push([
      run.executionName,
      run.status,
      formatTime(run.startDate ? new Date(run.startDate) : undefined),
      `${formatDuration(run.durationSeconds)}${run.stopDate ? '' : ' so far'}`,
      run.validationAccuracy !== undefined ? run.validationAccuracy.toFixed(4) : '-',
      costCell(run.cost),
    ]);
  }
  for (const line of table(rows)) out.line(line);
  // The runs' Region's prices carry their own date (core/reference/prices.json).
  const asOf = [...new Set(runs.flatMap((run) => (run.cost === undefined ? [] : [run.cost.pricesAsOf])))];
  if (asOf.length > 0) {
    out.line(`COST: succeeded runs, computed from SageMaker's billable times and list prices as of ${asOf.join(', ')} (not your bill)`);
  }
  return EXIT.ok;
}

function parseOutput(text: string | undefined): Record<string, unknown> | undefined {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}
