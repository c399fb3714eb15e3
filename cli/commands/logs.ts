import { type AwsDeps, realSleep } from '../aws/clients';
import { findExecution } from '../aws/find-execution';
import { type JobKind, jobLogConsoleUrl, LOG_GROUPS, type LogLine, readJobLog } from '../aws/job-logs';
import { isTerminal, runStatus, type RunStatus } from '../aws/run-status';
import { DEFAULT_STACK_NAME } from '../aws/stack';
import { CliError, EXIT, toCliError } from '../errors';
import { formatDuration, regionOfArn, table } from '../format';
import { untilAborted } from '../interrupt';
import type { Output } from '../output';
import { epochResults, type EpochResult, isEpochLine } from '../training-log';

/** Seconds between two reads of `--follow`. */
export const DEFAULT_FOLLOW_SECONDS = 5;

export interface LogsOptions {
  /** Execution name, ARN or run id. @default - the latest run */
  readonly execution?: string;
  readonly stackName?: string;
  /** Which job's log. @default - every job the run has (training, then transform) */
  readonly job?: JobKind;
  /** Keep reading until the run ends. */
  readonly follow?: boolean;
  /** Only the per-epoch table, not the log lines. */
  readonly epochsOnly?: boolean;
  readonly pollSeconds?: number;
}

const followInterrupted = (executionName: string) => `Stopped following; the run continues in AWS: ic-pipeline status ${executionName} --wait`;

interface JobLog {
  readonly kind: JobKind;
  readonly name: string;
  readonly lines: LogLine[];
  /** Event ids already shown, to read again from the last timestamp without repeating lines. */
  readonly seen: Set<string>;
}

/**
 * `logs [execution] [--job training|transform] [--follow] [--epochs]`: the CloudWatch log of the run's
 * SageMaker jobs, with the per-epoch lines highlighted and, for training, a table of the epochs.
 */
export async function logsCommand(options: LogsOptions, deps: AwsDeps, out: Output): Promise<number> {
  if (!deps.logs) throw new CliError('No CloudWatch Logs client: the logs cannot be read.', { code: 'NoLogsClient' });
  const stackName = options.stackName ?? DEFAULT_STACK_NAME;
  const executionArn = await findExecution(deps, stackName, options.execution);
  const region = regionOfArn(executionArn) ?? deps.region ?? 'us-east-1';
  const sleep = deps.sleep ?? realSleep;
  const logs: JobLog[] = [];
  let status = await runStatus(deps, executionArn, { trainingLog: false });

  for (;;) {
    for (const job of jobsOf(status, options.job)) {
      let log = logs.find((l) => l.kind === job.kind);
      if (!log) {
        log = { kind: job.kind, name: job.name, lines: [], seen: new Set() };
        logs.push(log);
        if (!out.jsonMode && !options.epochsOnly) out.line(out.c.bold(`── ${job.kind} job ${job.name} · ${LOG_GROUPS[job.kind]}`));
      }
      await readMore(deps, log, out, options, status.executionName);
    }
    if (!options.follow || isTerminal(status.status)) break;
    out.progress(out.c.dim(`… following (${status.currentState ?? status.status}); Ctrl-C stops following, not the run`), 'follow');
    await untilAborted(sleep((options.pollSeconds ?? DEFAULT_FOLLOW_SECONDS) * 1000), deps.signal, followInterrupted(status.executionName));
    status = await untilAborted(runStatus(deps, executionArn, { trainingLog: false }), deps.signal, followInterrupted(status.executionName));
  }
  out.endProgress();

  const training = logs.find((l) => l.kind === 'training');
  const epochs = training ? epochResults(training.lines.map((line) => line.message)) : [];
  if (out.jsonMode) {
    out.json({
      executionArn,
      executionName: status.executionName,
      runId: status.runId,
      status: status.status,
      jobs: logs.map((log) => ({
        kind: log.kind,
        name: log.name,
        logGroup: LOG_GROUPS[log.kind],
        consoleUrl: jobLogConsoleUrl(region, log.kind, log.name, log.lines[log.lines.length - 1]?.stream),
        lines: log.lines.map((line) => ({ timestamp: new Date(line.timestamp).toISOString(), stream: line.stream, message: line.message })),
      })),
      epochs,
    });
    return EXIT.ok;
  }
  if (logs.length === 0) {
    out.line(`Run ${status.runId} (execution ${status.executionName}, ${status.status}) has no ${options.job ?? 'SageMaker'} job${options.job ? '' : ' yet'}: no log to show.`);
    return EXIT.ok;
  }
  for (const log of logs) {
    if (log.lines.length === 0) out.line(`No log lines of the ${log.kind} job ${log.name} yet (SageMaker writes them once the instance runs the algorithm).`);
  }
  if (training) printEpochs(epochs, out);
  for (const log of logs) out.line(`${log.kind} log: ${jobLogConsoleUrl(region, log.kind, log.name, log.lines[log.lines.length - 1]?.stream)}`);
  return EXIT.ok;
}

/** The jobs of the run that exist (or are about to), training first. */
function jobsOf(status: RunStatus, only: JobKind | undefined): { kind: JobKind; name: string }[] {
  return [status.training, status.transform]
    .filter((job) => job !== undefined && job.status !== 'NotCreated')
    .filter((job) => only === undefined || job?.kind === only)
    .map((job) => ({ kind: job?.kind as JobKind, name: job?.name as string }));
}

async function readMore(deps: AwsDeps, log: JobLog, out: Output, options: LogsOptions, executionName: string): Promise<void> {
  const last = log.lines[log.lines.length - 1]?.timestamp;
  let lines: LogLine[];
  try {
    lines = await untilAborted(readJobLog(deps.logs!, log.kind, log.name, { ...(last !== undefined ? { startTime: last } : {}), signal: deps.signal }), deps.signal, followInterrupted(executionName));
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw toCliError(error, { region: deps.region, resume: `ic-pipeline logs ${executionName}${options.follow ? ' --follow' : ''}` });
  }
  for (const line of lines) {
    if (log.seen.has(line.eventId)) continue;
    log.seen.add(line.eventId);
    log.lines.push(line);
    if (out.jsonMode || options.epochsOnly) continue;
    const text = sanitize(line.message);
    out.line(isEpochLine(text) ? out.c.bold(out.c.green(text)) : text);
  }
}

/** Log lines are the algorithm's own text: no terminal control characters reach the terminal. */
function sanitize(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
}

function printEpochs(epochs: EpochResult[], out: Output): void {
  if (epochs.length === 0) {
    out.line('No epoch lines in the training log yet.');
    return;
  }
  const number = (value: number | undefined) => (value === undefined ? '-' : value.toFixed(4));
  out.line(out.c.bold('Epochs (from the training log):'));
  const rows = [['EPOCH', 'TRAIN ACCURACY', 'VALIDATION ACCURACY', 'TIME']];
  for (const epoch of epochs) {
    rows.push([`Epoch[${epoch.epoch}]`, number(epoch.trainAccuracy), number(epoch.validationAccuracy), epoch.timeCostSeconds === undefined ? '-' : formatDuration(epoch.timeCostSeconds)]);
  }
  for (const line of table(rows)) out.line(`  ${line}`);
}
