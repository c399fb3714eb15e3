import { StopExecutionCommand } from '@aws-sdk/client-sfn';
import { type AwsDeps, realSleep } from '../aws/clients';
import { findExecution } from '../aws/find-execution';
import { type JobStatus, runStatus, type RunStatus } from '../aws/run-status';
import { DEFAULT_STACK_NAME } from '../aws/stack';
import { EXIT, toCliError } from '../errors';
import type { Output } from '../output';

export interface StopOptions {
  /** Execution name, ARN or run id. Required: stopping "the latest run" by accident would cost a run. */
  readonly execution: string;
  readonly stackName?: string;
  /** Wait until SageMaker has stopped the job. */
  readonly wait?: boolean;
  /** @default 10 */
  readonly pollSeconds?: number;
}

/** The error and cause recorded on the stopped execution (the execution's history and `status` show them). */
export const STOP_ERROR = 'StoppedByUser';
export const STOP_CAUSE = 'Stopped with `ic-pipeline stop`';

/** SageMaker job statuses after which nothing runs (or bills) any more. */
const JOB_ENDED = new Set(['Completed', 'Failed', 'Stopped', 'NotCreated']);

/**
 * `stop <execution> [--wait]`: stops a running execution. A `.sync` task that is running when its
 * execution stops is cancelled by Step Functions, which calls StopTrainingJob / StopTransformJob (the
 * state machine's role may: lib/state-machine/permissions.ts); SageMaker then moves the job to Stopping
 * (the algorithm gets SIGTERM and up to 120 s) and Stopped.
 * @returns 0 when the run is stopped or had already ended
 */
export async function stopCommand(options: StopOptions, deps: AwsDeps, out: Output): Promise<number> {
  const stackName = options.stackName ?? DEFAULT_STACK_NAME;
  const executionArn = await findExecution(deps, stackName, options.execution);
  const before = await runStatus(deps, executionArn, { trainingLog: false });
  if (before.status !== 'RUNNING') {
    if (out.jsonMode) out.json({ executionArn, executionName: before.executionName, runId: before.runId, stopped: false, status: before.status });
    else out.line(`Run ${out.c.bold(before.runId)} (execution ${before.executionName}) already ended: ${before.status}. Nothing to stop.`);
    return EXIT.ok;
  }
  // The state machine has no customer-managed key of its own (lib/pipeline-state-machine.ts), so an
  // error and cause need no KMS permission of the caller.
  let stopDate: Date | undefined;
  try {
    stopDate = (await deps.sfn.send(new StopExecutionCommand({ executionArn, error: STOP_ERROR, cause: STOP_CAUSE }))).stopDate;
  } catch (error) {
    throw toCliError(error, { stackName, region: deps.region, execution: options.execution, resume: `ic-pipeline status ${before.executionName} shows whether it stopped` });
  }
  const job = runningJob(before);
  if (!out.jsonMode) {
    out.line(`${out.c.yellow('Stopped')} run ${out.c.bold(before.runId)} (execution ${before.executionName}) in state ${before.currentState ?? 'unknown'}.`);
    if (job) {
      out.line(`  Step Functions asks SageMaker to stop the ${job.kind} job ${job.name}: it goes to Stopping, then Stopped (the algorithm gets up to 120 s to exit); billing ends when it has stopped.`);
    } else {
      out.line('  No SageMaker job was running, so nothing more is billed.');
    }
  }
  let final: RunStatus | undefined;
  if (options.wait && job) final = await waitForJobToStop(deps, executionArn, job.kind, out, options.pollSeconds ?? 10);
  if (out.jsonMode) {
    out.json({
      executionArn,
      executionName: before.executionName,
      runId: before.runId,
      stopped: true,
      stopDate: stopDate?.toISOString(),
      stoppedInState: before.currentState,
      job: job ? { kind: job.kind, name: job.name, statusBefore: job.status, ...(final ? { status: jobOf(final, job.kind)?.status } : {}) } : null,
    });
    return EXIT.ok;
  }
  if (final && job) out.line(`  The ${job.kind} job ${job.name} is ${jobOf(final, job.kind)?.status ?? 'gone'}.`);
  else out.line(`  Follow it: ic-pipeline status ${before.executionName}${job ? ' (the job shows Stopping, then Stopped)' : ''}`);
  return EXIT.ok;
}

function runningJob(status: RunStatus): JobStatus | undefined {
  return [status.transform, status.training].find((job) => job !== undefined && !JOB_ENDED.has(job.status));
}

function jobOf(status: RunStatus, kind: JobStatus['kind']): JobStatus | undefined {
  return kind === 'training' ? status.training : status.transform;
}

async function waitForJobToStop(deps: AwsDeps, executionArn: string, kind: JobStatus['kind'], out: Output, pollSeconds: number): Promise<RunStatus> {
  const sleep = deps.sleep ?? realSleep;
  for (;;) {
    const status = await runStatus(deps, executionArn, { trainingLog: false });
    const job = jobOf(status, kind);
    if (!job || JOB_ENDED.has(job.status)) {
      out.endProgress();
      return status;
    }
    out.progress(`${out.c.yellow('⟳')} ${job.kind} job ${job.name}: ${job.status}${job.secondaryStatus ? `/${job.secondaryStatus}` : ''}`);
    await sleep(pollSeconds * 1000);
  }
}
