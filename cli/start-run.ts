/** `start`: the run starter lives in cli/start-run.ts, which `deploy` (cli/commands/endpoints.ts) shares. */
import { randomBytes } from 'node:crypto';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { MAX_EXECUTION_NAME_LENGTH, readableBaseName } from '../core/execution-name';
import { type AwsDeps } from './aws/clients';
import { stackPrefix } from './aws/endpoints';
import { DEFAULT_STACK_NAME, findPipelineStack } from './aws/stack';
import { CliError, EXIT, toCliError } from './errors';
import { executionConsoleUrl } from './format';
import { prepareRunOrReject } from './offline-run';
import type { Output } from './output';
import { readRequestFile } from './request-file';
import { DEFAULT_POLL_SECONDS } from './defaults';
import { follow, printStatus } from './run-view';

export interface StartOptions {
  /** @default - `{}`, the reference run */
  readonly request?: string;
  readonly stackName?: string;
  readonly wait?: boolean;
  readonly pollSeconds?: number;
  /** @default - `<request file name or "cli">-<UTC time>-<4 hex>` */
  readonly executionName?: string;
  /** A request made by another command (`deploy`) instead of a file; `requestLabel` names it. */
  readonly requestBody?: Record<string, unknown>;
  readonly requestLabel?: string;
}

/**
 * `<file name>-<yyyymmdd-hhmmss>-<4 hex>`: readable, sortable, unique. The file name part uses the same
 * rule as the S3 trigger's execution names (`readableBaseName`).
 */
export function cliExecutionName(requestFile: string | undefined, now: Date, suffix = randomBytes(2).toString('hex')): string {
  const time = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const tail = `-${time}-${suffix}`;
  return `${readableBaseName(requestFile ?? 'cli', MAX_EXECUTION_NAME_LENGTH - tail.length)}${tail}`;
}

/**
 * `start [--request file] [--wait]`: validates the request locally against the deployed buckets, then
 * starts an execution of the stack's state machine.
 * @returns 0; 1 for a rejected request, or with --wait a run that did not succeed
 */
export async function startCommand(options: StartOptions, deps: AwsDeps, out: Output): Promise<number> {
  const request = options.requestBody ?? readRequestFile(options.request);
  const stackName = options.stackName ?? DEFAULT_STACK_NAME;
  const stack = await findPipelineStack(deps.cloudFormation, stackName, deps.region);
  const executionName = options.executionName ?? cliExecutionName(options.requestLabel ?? options.request, deps.now?.() ?? new Date());

  const namePrefix = stackPrefix(stack, stackName);
  const { runId } = prepareRunOrReject(request, executionName, { dataBucket: stack.dataBucket, artifactBucket: stack.artifactBucket, namePrefix }, {
    message: (count) => `The run request${options.request ? ` ${options.request}` : ''} is not valid (${count}); nothing was started:`,
    hint: 'Fix the fields above and start again (`ic-pipeline dry-run --request <file>` shows what the run would do).',
  });

  let executionArn: string;
  try {
    const answer = await deps.sfn.send(
      new StartExecutionCommand({ stateMachineArn: stack.stateMachineArn, name: executionName, input: JSON.stringify(request) }),
    );
    executionArn = answer.executionArn as string;
  } catch (error) {
    // A start that timed out may still have started the run: its name says whether it did.
    throw toCliError(error, { stackName, region: deps.region, resume: `ic-pipeline status ${executionName} shows whether the run started` });
  }
  const consoleUrl = executionConsoleUrl(executionArn);

  // An endpoint bills every hour it exists: say so wherever a run will create one.
  const fields = (request ?? {}) as { endpoint?: unknown; mode?: unknown };
  if (!out.jsonMode && (fields.endpoint !== undefined || fields.mode === 'deploy')) {
    out.line(out.c.yellow('This run deploys an endpoint: it bills every hour it exists, used or not (ic-pipeline undeploy deletes it).'));
  }
  if (!options.wait) {
    if (out.jsonMode) out.json({ executionArn, executionName, runId, stack: stackName, consoleUrl });
    else {
      out.line(`${out.c.green('Started')} run ${out.c.bold(runId)} on stack ${stackName}.`);
      out.line(`  execution: ${executionName}  (${executionArn})`);
      out.line(`  console:   ${consoleUrl}`);
      out.line(`  follow it: ic-pipeline status ${executionName} --wait   (the name, the ARN or the run id all work)`);
      out.line(`  stop it:   ic-pipeline stop ${executionName}`);
    }
    return EXIT.ok;
  }
  if (!out.jsonMode) {
    out.line(`${out.c.green('Started')} run ${out.c.bold(runId)} (execution ${executionName}); waiting for it to end…`);
    out.line(out.c.dim(`  Ctrl-C stops waiting, not the run (ic-pipeline stop ${executionName} stops it)`));
  }
  let final;
  try {
    final = await follow(deps, executionArn, out, options.pollSeconds ?? DEFAULT_POLL_SECONDS);
  } catch (error) {
    // The run started: whatever ended the wait (AWS unreachable, Ctrl-C), a script needs its name to go on.
    const cause = toCliError(error);
    throw new CliError(cause.message, { hint: cause.hint, code: cause.code, exitCode: cause.exitCode, details: { ...cause.details, executionName, executionArn, runId } });
  }
  if (out.jsonMode) out.json({ executionArn, executionName, runId, stack: stackName, consoleUrl, final });
  else printStatus(final, out);
  return final.status === 'SUCCEEDED' ? EXIT.ok : EXIT.failure;
}
