import { DEFAULT_STACK_NAME } from '../aws/stack';
import { type AwsDeps, realSleep } from '../aws/clients';
import { isTerminal, resolveExecutionArn, runStatus, type JobStatus, type RunStatus } from '../aws/run-status';
import { EXIT } from '../errors';
import { formatDuration, formatTime } from '../format';
import type { Output } from '../output';

/** Seconds between two polls of `--wait`: SageMaker jobs take minutes, DescribeTrainingJob is throttled at a few calls/s. */
export const DEFAULT_POLL_SECONDS = 30;

export interface StatusOptions {
  /** Execution name or ARN. @default - the latest execution */
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
    if (out.jsonMode) out.json(status);
    else printStatus(status, out);
    return EXIT.ok;
  }
  const final = await follow(deps, arn, out, options.pollSeconds ?? DEFAULT_POLL_SECONDS);
  if (out.jsonMode) out.json(final);
  else printStatus(final, out);
  return final.status === 'SUCCEEDED' ? EXIT.ok : EXIT.failure;
}

/** Polls the run until it ends, showing one live progress line (rewritten on a terminal). */
export async function follow(deps: AwsDeps, executionArn: string, out: Output, pollSeconds: number): Promise<RunStatus> {
  const sleep = deps.sleep ?? realSleep;
  for (;;) {
    const status = await runStatus(deps, executionArn);
    if (isTerminal(status.status)) {
      out.endProgress();
      return status;
    }
    out.progress(progressLine(status, out));
    await sleep(pollSeconds * 1000);
  }
}

/** One line: elapsed time, current state, the job's status and what SageMaker says about it. */
export function progressLine(status: RunStatus, out: Output): string {
  // The transform job exists only once training is over, so it is the one running when there is one.
  const job = status.transform ?? status.training;
  const parts = [`${out.c.cyan('⟳')} ${status.executionName}`, formatDuration(status.durationSeconds), status.currentState ?? status.status];
  if (job) parts.push(jobLine(job));
  return parts.join(' · ');
}

function jobLine(job: JobStatus): string {
  const parts = [`${job.kind} job ${job.status}${job.secondaryStatus ? `/${job.secondaryStatus}` : ''}`];
  if (job.status === 'NotCreated') return `${job.kind} job not created yet`;
  if (job.elapsedSeconds !== undefined) parts.push(`elapsed ${formatDuration(job.elapsedSeconds)}`);
  if (job.billableSeconds !== undefined) parts.push(`billable ${formatDuration(job.billableSeconds)}`);
  if (job.epochs !== undefined) parts.push(job.epoch !== undefined ? `epoch ${job.epoch}/${job.epochs}` : `${job.epochs} epochs`);
  for (const metric of job.metrics) parts.push(`${metric.name} ${metric.value}`);
  return parts.join(', ');
}

export function printStatus(status: RunStatus, out: Output): void {
  const c = out.c;
  const colour = status.status === 'SUCCEEDED' ? c.green : status.status === 'RUNNING' ? c.cyan : c.red;
  out.line(`Run ${c.bold(status.runId)} (execution ${status.executionName}): ${colour(status.status)}`);
  out.line(`  started ${formatTime(status.startDate ? new Date(status.startDate) : undefined)}, ${status.stopDate ? 'took' : 'running for'} ${formatDuration(status.durationSeconds)}; mode ${status.mode}`);
  if (status.currentState) out.line(`  current state: ${status.currentState}`);
  for (const job of [status.training, status.transform]) {
    if (!job) continue;
    out.line(`  ${job.kind} job ${job.name}: ${job.status === 'NotCreated' ? 'not created yet (waiting for SageMaker capacity or a retry)' : jobLine(job).replace(/^\w+ job /, '')}`);
    if (job.statusMessage) out.line(`    ${c.dim(job.statusMessage)}`);
    if (job.kind === 'training' && job.epochs !== undefined && job.epoch === undefined && job.status === 'InProgress') {
      out.line(`    ${c.dim('per-epoch progress is not in DescribeTrainingJob; the job\'s CloudWatch log stream shows each epoch')}`);
    }
    if (job.failureReason) out.line(`    failure reason: ${job.failureReason}`);
  }
  if (status.error !== undefined) out.line(`  error: ${status.error}`);
  if (status.cause !== undefined) out.line(`  cause: ${status.cause}`);
  if (status.summary) {
    const accuracy = validationAccuracy(status.summary);
    if (accuracy !== undefined) out.line(`  validation accuracy: ${accuracy}`);
    if (status.summary.modelName) out.line(`  model: ${status.summary.modelName}`);
    if (status.summary.predictions) out.line(`  predictions: ${status.summary.predictions}  (ic-pipeline results ${status.executionName})`);
  }
  out.line(`  console: ${status.consoleUrl}`);
}

/** validation:accuracy from a run summary's metrics, when the run trained. */
export function validationAccuracy(summary: { readonly metrics?: unknown } | undefined): number | undefined {
  const metrics = Array.isArray(summary?.metrics) ? (summary.metrics as { MetricName?: string; Value?: number }[]) : [];
  return metrics.find((m) => m.MetricName === 'validation:accuracy')?.Value;
}
