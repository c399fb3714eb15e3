/**
 * How the command line shows a run: the status block (`status`, `start --wait`), the live progress line
 * while it waits for the run to end (`follow`), and the run summary's validation accuracy (`list`).
 * Shared by the commands, which never import each other.
 */
import { type AwsDeps, realSleep } from './aws/clients';
import { isTerminal, runStatus, tuningProgress, type JobStatus, type RunStatus } from './aws/run-status';
import { CliError, EXIT, isTransientAwsError, toCliError } from './errors';
import { formatDuration, formatTime } from './format';
import { costLines } from './run-cost';
import { fitToWidth, visibleLength, type Output } from './output';
import { untilAborted } from './interrupt';
import { lastEpoch } from './training-log';

/**
 * Polls without a new status for this many polls in a row that AWS could not answer before `--wait`
 * gives up with exit code 3 (each poll already has the SDK's own retries and timeouts).
 */
export const MAX_FAILED_POLLS = 3;

/** The command that picks up a wait where it stopped. */
export const resumeCommand = (executionName: string) => `ic-pipeline status ${executionName} --wait`;

/** What Ctrl-C during a wait says: the message and the hint. */
const waitInterrupted = (executionName: string): [string, string] => [
  `Stopped waiting; the run continues in AWS: ${resumeCommand(executionName)}`,
  `To stop the run itself: ic-pipeline stop ${executionName}`,
];

/**
 * Polls the run until it ends, showing one live progress line (rewritten on a terminal, cut to its
 * width). A poll that AWS does not answer is tried again at the next interval, up to
 * {@link MAX_FAILED_POLLS} in a row; then, or on Ctrl-C (`deps.signal`), the wait ends with a
 * CliError that says the run continues in AWS and how to resume.
 */
export async function follow(deps: AwsDeps, executionArn: string, out: Output, pollSeconds: number): Promise<RunStatus> {
  const sleep = deps.sleep ?? realSleep;
  const name = executionArn.split(':').pop() ?? executionArn;
  let failedPolls = 0;
  for (;;) {
    let status: RunStatus;
    try {
      status = await untilAborted(runStatus(deps, executionArn), deps.signal, ...waitInterrupted(name));
      failedPolls = 0;
    } catch (error) {
      if (error instanceof CliError && error.exitCode === EXIT.interrupted) throw error;
      if (!isTransientAwsError(error)) throw error;
      failedPolls += 1;
      if (failedPolls >= MAX_FAILED_POLLS) throw toCliError(error, { resume: resumeCommand(name) });
      out.progress(`${out.c.yellow('⟳')} ${name} · AWS did not answer (${failedPolls}/${MAX_FAILED_POLLS}); trying again in ${pollSeconds}s`);
      await untilAborted(sleep(pollSeconds * 1000), deps.signal, ...waitInterrupted(name));
      continue;
    }
    if (isTerminal(status.status)) {
      out.endProgress();
      return status;
    }
    out.progress(progressLine(status, out, out.columns() - 1), progressKey(status));
    await untilAborted(sleep(pollSeconds * 1000), deps.signal, ...waitInterrupted(name));
  }
}

/** Characters of the execution name kept at least when the live line is short of room. */
const MIN_NAME = 16;

/** `text` shortened to `max` characters by an ellipsis in the middle (both ends of a name say most). */
function shortenMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const keep = Math.max(1, max - 1);
  const head = Math.ceil(keep / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (keep - head))}`;
}

/**
 * One line: the execution, elapsed time, current state and the job's progress, at most `width` visible
 * characters, so that it never wraps (a wrapped line cannot be rewritten in place and leaves a stale line
 * per poll). When room is short, the least useful parts go first (billable time, metrics, elapsed job
 * time), then the execution name is shortened in the middle, then the job's details go too.
 */
export function progressLine(status: RunStatus, out: Output, width = Number.POSITIVE_INFINITY): string {
  // The transform job exists only once training is over, so it is the one running when there is one.
  const job = status.transform ?? status.training;
  const details: { text: string; priority: number }[] = [];
  if (!job && status.tuning) {
    const tuning = status.tuning;
    if (tuning.status === 'NotCreated') details.push({ text: 'tuning job not created yet', priority: 9 });
    else {
      details.push({ text: `tuning ${tuning.status} ${tuning.completed}${tuning.maxJobs !== undefined ? `/${tuning.maxJobs}` : ''} jobs done`, priority: 9 });
      if (tuning.inProgress > 0) details.push({ text: `${tuning.inProgress} running`, priority: 4 });
      if (tuning.bestObjective) details.push({ text: `best val. acc. ${tuning.bestObjective.value.toFixed(3)}`, priority: 8 });
    }
  }
  if (job) {
    if (job.status === 'NotCreated') details.push({ text: `${job.kind} job not created yet`, priority: 9 });
    else {
      details.push({ text: `${job.kind} ${job.status}${job.secondaryStatus ? `/${job.secondaryStatus}` : ''}`, priority: 9 });
      const epoch = status.trainingLog ? lastEpoch(status.trainingLog.epochs) : undefined;
      if (job.kind === 'training' && epoch !== undefined) {
        details.push({ text: `epoch ${epoch.epoch + 1}${job.epochs ? `/${job.epochs}` : ''}`, priority: 8 });
        if (epoch.validationAccuracy !== undefined) details.push({ text: `val. acc. ${epoch.validationAccuracy.toFixed(3)}`, priority: 7 });
      } else if (job.epochs !== undefined) {
        details.push({ text: job.epoch !== undefined ? `epoch ${job.epoch}/${job.epochs}` : `${job.epochs} epochs`, priority: 6 });
      }
      if (job.elapsedSeconds !== undefined) details.push({ text: `elapsed ${formatDuration(job.elapsedSeconds)}`, priority: 3 });
      for (const metric of job.metrics) details.push({ text: `${metric.name} ${metric.value}`, priority: 2 });
      if (job.billableSeconds !== undefined) details.push({ text: `billable ${formatDuration(job.billableSeconds)}`, priority: 1 });
    }
  }
  const render = (name: string, kept: typeof details) =>
    [`${out.c.cyan('⟳')} ${name}`, formatDuration(status.durationSeconds), status.currentState ?? status.status, ...kept.map((d) => d.text)].join(' · ');
  const fits = (name: string, kept: typeof details) => visibleLength(render(name, kept)) <= width;
  const withName = (kept: typeof details): string | undefined => {
    if (fits(status.executionName, kept)) return status.executionName;
    const room = status.executionName.length - (visibleLength(render(status.executionName, kept)) - width);
    return room >= MIN_NAME ? shortenMiddle(status.executionName, room) : undefined;
  };
  let kept = details;
  for (;;) {
    // Details below the job's own status go before the name is shortened; the status itself after.
    const name = kept.every((d) => d.priority >= 6) ? withName(kept) : fits(status.executionName, kept) ? status.executionName : undefined;
    if (name !== undefined) return render(name, kept);
    if (kept.length === 0) break;
    const lowest = Math.min(...kept.map((d) => d.priority));
    kept = kept.filter((d) => d.priority !== lowest);
  }
  const line = render(shortenMiddle(status.executionName, MIN_NAME), []);
  return Number.isFinite(width) ? fitToWidth(line, width) : line;
}

/** What the progress line says apart from clocks: without a terminal a line is printed only when it changes. */
function progressKey(status: RunStatus): string {
  const job = status.transform ?? status.training;
  const epoch = status.trainingLog ? lastEpoch(status.trainingLog.epochs) : undefined;
  const tuning = status.tuning;
  return [
    status.currentState, job?.kind, job?.status, job?.secondaryStatus, job?.epoch, epoch?.epoch, epoch?.validationAccuracy,
    tuning?.status, tuning?.completed, tuning?.inProgress, tuning?.bestObjective?.value,
  ].join('|');
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

/** The status block of a run: its state, its jobs, and its outcome once it ended. */
export function printStatus(status: RunStatus, out: Output): void {
  const c = out.c;
  const colour = status.status === 'SUCCEEDED' ? c.green : status.status === 'RUNNING' ? c.cyan : c.red;
  const label = status.status === 'ABORTED' ? 'ABORTED (stopped)' : status.status;
  out.line(`Run ${c.bold(status.runId)} (execution ${status.executionName}): ${colour(label)}`);
  out.line(`  started ${formatTime(status.startDate ? new Date(status.startDate) : undefined)}, ${status.stopDate ? 'took' : 'running for'} ${formatDuration(status.durationSeconds)}; mode ${status.mode}`);
  if (status.currentState) out.line(`  current state: ${status.currentState}`);
  if (status.tuning) {
    out.line(`  tuning job ${status.tuning.name}: ${status.tuning.status === 'NotCreated' ? 'not created yet (waiting for SageMaker capacity or a retry)' : `${status.tuning.status}, ${tuningProgress(status.tuning)}`}`);
    if (status.tuning.bestTrainingJobName) out.line(`    best training job${status.tuning.status === 'InProgress' ? ' so far' : ''}: ${status.tuning.bestTrainingJobName}`);
    if (status.tuning.failureReason) out.line(`    failure reason: ${status.tuning.failureReason}`);
  }
  for (const job of [status.training, status.transform]) {
    if (!job) continue;
    out.line(`  ${job.kind} job ${job.name}: ${job.status === 'NotCreated' ? 'not created yet (waiting for SageMaker capacity or a retry)' : jobLine(job).replace(/^\w+ job /, '')}`);
    if (job.statusMessage) out.line(`    ${c.dim(job.statusMessage)}`);
    if (job.failureReason) out.line(`    failure reason: ${job.failureReason}`);
    if (job.kind === 'training' && status.trainingLog) {
      const epoch = lastEpoch(status.trainingLog.epochs);
      if (epoch !== undefined) {
        const accuracy = [
          epoch.trainAccuracy !== undefined ? `train accuracy ${epoch.trainAccuracy.toFixed(4)}` : undefined,
          epoch.validationAccuracy !== undefined ? `validation accuracy ${epoch.validationAccuracy.toFixed(4)}` : undefined,
        ].filter(Boolean);
        out.line(`    last epoch: Epoch[${epoch.epoch}] (${epoch.epoch + 1}${job.epochs ? ` of ${job.epochs}` : ''})${accuracy.length ? `: ${accuracy.join(', ')}` : ''}`);
      }
      out.line(`    log: ${status.trainingLog.consoleUrl}  (ic-pipeline logs ${status.executionName})`);
    }
  }
  if (status.error !== undefined) out.line(`  error: ${status.error}`);
  if (status.cause !== undefined) out.line(`  cause: ${status.cause}`);
  if (status.summary) {
    const accuracy = validationAccuracy(status.summary);
    if (accuracy !== undefined) out.line(`  validation accuracy: ${accuracy}`);
    const tuned = status.summary.tuning;
    if (tuned) {
      const values = Object.entries(tuned.tunedHyperparameters ?? {}).map(([name, value]) => `${name}=${value}`).join(' ');
      out.line(`  tuned: best of tuning job ${tuned.tuningJobName} is ${tuned.bestTrainingJobName}${values ? ` (${values})` : ''}`);
    }
    if (status.summary.baseTrainingJob) out.line(`  continued from: ${status.summary.baseTrainingJob}`);
    if (typeof status.summary.minValidationAccuracy === 'number') out.line(`  accuracy gate: ${status.summary.minValidationAccuracy} (passed)`);
    if (status.summary.modelName) out.line(`  model: ${status.summary.modelName}`);
    if (status.summary.predictions) out.line(`  predictions: ${status.summary.predictions}  (ic-pipeline results ${status.executionName})`);
    for (const line of costLines(status.summary, status.executionArn)) out.line(`  ${line}`);
  }
  out.line(`  console: ${status.consoleUrl}`);
  if (status.status === 'RUNNING') out.line(`  stop it: ic-pipeline stop ${status.executionName}`);
}

/** validation:accuracy from a run summary's metrics, when the run trained. */
export function validationAccuracy(summary: { readonly metrics?: unknown } | undefined): number | undefined {
  const metrics = Array.isArray(summary?.metrics) ? (summary.metrics as { MetricName?: string; Value?: number }[]) : [];
  return metrics.find((m) => m.MetricName === 'validation:accuracy')?.Value;
}
