/**
 * The execution a command argument stands for. Every command that takes an execution accepts what the
 * other commands print: its name (`start`, `list`), its ARN, or its run id (`start`, `status`, job names).
 */
import { DescribeExecutionCommand, type ExecutionListItem, ListExecutionsCommand, type ListExecutionsCommandInput } from '@aws-sdk/client-sfn';
import { executionArnFor } from '../../core/execution-name';
import { executionHasRunId, looksLikeRunId } from '../../core/names';
import { CliError, toCliError } from '../errors';
import type { AwsDeps } from './clients';
import { findPipelineStack } from './stack';

/** Which run "no argument" means. */
export type LatestRun = 'any' | 'succeeded' | 'with-predictions';

/** Executions searched for a run id, newest first (ListExecutions pages of 1,000). */
export const RUN_ID_SEARCH_LIMIT = 5_000;
/** Succeeded runs looked at for the latest one with predictions (one DescribeExecution each). */
export const PREDICTIONS_SEARCH_LIMIT = 50;

const ARGUMENT_HINT = 'Pass an execution name, ARN or run id from `ic-pipeline list` (or `start`).';

/**
 * The ARN of the execution `execution` names (an ARN, an execution name or a run id of the stack's state
 * machine); with no argument, the latest run of kind `latest`.
 * @throws CliError when there is no such execution (exit 1) or AWS cannot be reached (exit 3)
 */
export async function findExecution(deps: AwsDeps, stackName: string, execution: string | undefined, latest: LatestRun = 'any'): Promise<string> {
  if (execution?.startsWith('arn:')) return execution;
  const stack = await findPipelineStack(deps.cloudFormation, stackName, deps.region);
  const context = { stackName, region: deps.region, execution };
  try {
    if (execution !== undefined) return await byNameOrRunId(deps, stack.stateMachineArn, execution);
    return latest === 'with-predictions' ? await latestWithPredictions(deps, stack.stateMachineArn, stackName) : await latestRun(deps, stack.stateMachineArn, stackName, latest);
  } catch (error) {
    throw toCliError(error, context);
  }
}

async function byNameOrRunId(deps: AwsDeps, stateMachineArn: string, execution: string): Promise<string> {
  const arn = executionArnFor(stateMachineArn, execution);
  // Only an argument shaped like a run id needs a look: anything else is an execution name, and the
  // command's own DescribeExecution says so if there is none.
  if (!looksLikeRunId(execution)) return arn;
  try {
    await deps.sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
    return arn;
  } catch (error) {
    const name = (error as { name?: string })?.name;
    if (name !== 'ExecutionDoesNotExist' && name !== 'InvalidArn') throw error;
  }
  const found = await findListed(deps, { stateMachineArn }, RUN_ID_SEARCH_LIMIT, (item) => executionHasRunId(item.name ?? '', execution));
  if (found?.executionArn) return found.executionArn;
  throw new CliError(`No execution of the pipeline is named ${execution} or has that run id${deps.region ? ` in Region ${deps.region}` : ''}.`, {
    hint: ARGUMENT_HINT,
    code: 'ExecutionNotFound',
  });
}

async function latestRun(deps: AwsDeps, stateMachineArn: string, stackName: string, latest: 'any' | 'succeeded'): Promise<string> {
  const answer = await deps.sfn.send(
    new ListExecutionsCommand({ stateMachineArn, maxResults: 1, ...(latest === 'succeeded' ? { statusFilter: 'SUCCEEDED' as const } : {}) }),
  );
  const arn = answer.executions?.[0]?.executionArn;
  if (arn === undefined) {
    throw new CliError(`The pipeline of stack ${stackName} has no ${latest === 'succeeded' ? 'succeeded ' : ''}runs yet.`, {
      hint: 'Start one with `ic-pipeline start` (or `ic-pipeline list` to see every run).',
      code: 'NoRuns',
    });
  }
  return arn;
}

/** The newest succeeded run whose summary names predictions (a `train` run makes none). */
async function latestWithPredictions(deps: AwsDeps, stateMachineArn: string, stackName: string): Promise<string> {
  let looked = 0;
  const found = await findListed(deps, { stateMachineArn, statusFilter: 'SUCCEEDED' }, PREDICTIONS_SEARCH_LIMIT, async (item) => {
    looked += 1;
    const described = await deps.sfn.send(new DescribeExecutionCommand({ executionArn: item.executionArn }));
    return Boolean(parseObject(described.output)?.predictions);
  });
  if (found?.executionArn) return found.executionArn;
  throw new CliError(
    looked === 0
      ? `The pipeline of stack ${stackName} has no succeeded runs yet.`
      : `None of the ${looked} latest succeeded runs of stack ${stackName} made predictions (mode "train" runs make none).`,
    { hint: 'Name a run: ic-pipeline results <execution name, ARN or run id> (`ic-pipeline list` shows them).', code: 'NoPredictions' },
  );
}

/** The first listed execution, newest first, for which `matches` is true, among the first `limit`. */
async function findListed(
  deps: AwsDeps,
  input: ListExecutionsCommandInput,
  limit: number,
  matches: (item: ExecutionListItem) => boolean | Promise<boolean>,
): Promise<ExecutionListItem | undefined> {
  let seen = 0;
  let nextToken: string | undefined;
  do {
    const page = await deps.sfn.send(new ListExecutionsCommand({ ...input, maxResults: Math.min(1000, limit - seen), nextToken }));
    for (const item of page.executions ?? []) {
      seen += 1;
      if (await matches(item)) return item;
      if (seen >= limit) return undefined;
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return undefined;
}

function parseObject(text: string | undefined): Record<string, unknown> | undefined {
  try {
    const value = text === undefined ? undefined : JSON.parse(text);
    return value !== null && typeof value === 'object' ? value : undefined;
  } catch {
    return undefined;
  }
}
