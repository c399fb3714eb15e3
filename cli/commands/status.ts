import { DEFAULT_STACK_NAME } from '../aws/stack';
import { type AwsDeps } from '../aws/clients';
import { resolveExecutionArn, runStatus } from '../aws/run-status';
import { DEFAULT_POLL_SECONDS } from '../defaults';
import { EXIT } from '../errors';
import type { Output } from '../output';
import { withCost } from '../run-cost';
import { follow, printStatus } from '../run-view';

export interface StatusOptions {
  /** Execution name, ARN or run id. @default - the latest execution */
  readonly execution?: string;
  readonly stackName?: string;
  /** Poll until the run ends. */
  readonly wait?: boolean;
  readonly pollSeconds?: number;
}

/**
 * `status [execution] [--wait]`: the run's state, its SageMaker jobs and, when it ended, its outcome.
 * @returns 0; with --wait, 1 when the run did not succeed
 */
export async function statusCommand(options: StatusOptions, deps: AwsDeps, out: Output): Promise<number> {
  const arn = await resolveExecutionArn(deps, options.stackName ?? DEFAULT_STACK_NAME, options.execution);
  if (!options.wait) {
    const status = await runStatus(deps, arn);
    if (out.jsonMode) out.json(withCost(status));
    else printStatus(status, out);
    return EXIT.ok;
  }
  const final = await follow(deps, arn, out, options.pollSeconds ?? DEFAULT_POLL_SECONDS);
  if (out.jsonMode) out.json(withCost(final));
  else printStatus(final, out);
  return final.status === 'SUCCEEDED' ? EXIT.ok : EXIT.failure;
}
