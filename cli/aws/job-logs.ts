/**
 * The CloudWatch logs of a run's SageMaker jobs. SageMaker writes each job's container output to
 * `/aws/sagemaker/TrainingJobs` or `/aws/sagemaker/TransformJobs`, one stream per instance named
 * `<job name>/algo-1-<epoch seconds>` (transform: `<job name>/<instance id>` and `…/data-log`).
 */
import { type CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { logGroupConsoleUrl, logStreamConsoleUrl } from '../../core/console-url';
import { EPOCH_FILTER_PATTERN, epochResults, type EpochResult } from '../training-log';

export const LOG_GROUPS = {
  training: '/aws/sagemaker/TrainingJobs',
  transform: '/aws/sagemaker/TransformJobs',
} as const;

export type JobKind = keyof typeof LOG_GROUPS;

export interface LogLine {
  readonly timestamp: number;
  readonly stream: string;
  readonly message: string;
  readonly eventId: string;
}

/** Pages read per call at most (10,000 events each): a training log of many epochs is a few thousand lines. */
const MAX_PAGES = 50;

/**
 * The log lines of job `jobName` since `startTime` (ms), oldest first; [] when the job has written
 * no log yet (the log group does not exist until a first job writes to it).
 */
export async function readJobLog(
  logs: CloudWatchLogsClient,
  kind: JobKind,
  jobName: string,
  options: { startTime?: number; filterPattern?: string; signal?: AbortSignal } = {},
): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  try {
    do {
      const page = await logs.send(
        new FilterLogEventsCommand({
          logGroupName: LOG_GROUPS[kind],
          logStreamNamePrefix: `${jobName}/`,
          ...(options.startTime !== undefined ? { startTime: options.startTime } : {}),
          ...(options.filterPattern ? { filterPattern: options.filterPattern } : {}),
          nextToken,
        }),
        { abortSignal: options.signal },
      );
      for (const event of page.events ?? []) {
        lines.push({ timestamp: event.timestamp ?? 0, stream: event.logStreamName ?? '', message: (event.message ?? '').replace(/\r?\n$/, ''), eventId: event.eventId ?? '' });
      }
      nextToken = page.nextToken;
      pages += 1;
    } while (nextToken && pages < MAX_PAGES);
  } catch (error) {
    if ((error as { name?: string })?.name === 'ResourceNotFoundException') return [];
    throw error;
  }
  return lines.sort((a, b) => a.timestamp - b.timestamp);
}

/** Where a person reads a job's log: its stream when known, else the log group filtered to the job. */
export function jobLogConsoleUrl(region: string, kind: JobKind, jobName: string, stream?: string): string {
  return stream ? logStreamConsoleUrl(region, LOG_GROUPS[kind], stream) : logGroupConsoleUrl(region, LOG_GROUPS[kind], `${jobName}/`);
}

/** What `status` shows of a training log: the epochs so far and a link. */
export interface TrainingLogSummary {
  readonly logGroup: string;
  /** The stream the epoch lines are in, once there is one. */
  readonly stream?: string;
  readonly epochs: EpochResult[];
  readonly consoleUrl: string;
}

/**
 * The epochs of a training job's log, read with a filter so that only epoch lines travel. Never throws:
 * `status` is about the run, and a log that cannot be read (no permission, not written yet) only leaves
 * the epochs out; the link is given either way.
 */
export async function trainingLogSummary(logs: CloudWatchLogsClient | undefined, region: string, jobName: string, signal?: AbortSignal): Promise<TrainingLogSummary> {
  let lines: LogLine[] = [];
  if (logs) {
    try {
      lines = await readJobLog(logs, 'training', jobName, { filterPattern: EPOCH_FILTER_PATTERN, signal });
    } catch {
      lines = [];
    }
  }
  const stream = lines[lines.length - 1]?.stream;
  return {
    logGroup: LOG_GROUPS.training,
    ...(stream ? { stream } : {}),
    epochs: epochResults(lines.map((line) => line.message)),
    consoleUrl: jobLogConsoleUrl(region, 'training', jobName, stream),
  };
}
