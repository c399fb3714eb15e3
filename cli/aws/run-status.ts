import { DescribeHyperParameterTuningJobCommand, DescribeTrainingJobCommand, DescribeTransformJobCommand } from '@aws-sdk/client-sagemaker';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  type ExecutionStatus,
} from '@aws-sdk/client-sfn';
import { deriveRunId, runNames, type RunNames } from '../../core/names';
import type { RunSummary } from '../../core/run-summary';
import { STATE_NAMES } from '../../core/state-names';
import { toCliError } from '../errors';
import { executionConsoleUrl, regionOfArn, secondsBetween } from '../format';
import type { AwsDeps } from './clients';
import { findExecution } from './find-execution';
import { trainingLogSummary, type TrainingLogSummary } from './job-logs';

const TRAIN_STATE: string = STATE_NAMES.train;
const TRANSFORM_STATE: string = STATE_NAMES.transform;
const TUNE_STATE: string = STATE_NAMES.tune;

/** A tuning job's progress (DescribeHyperParameterTuningJob). */
export interface TuningStatus {
  readonly name: string;
  /** InProgress, Completed, Failed, Stopping, Stopped; `NotCreated` before SageMaker has the job. */
  readonly status: string;
  /** ResourceLimits.MaxNumberOfTrainingJobs. */
  readonly maxJobs?: number;
  /** Training jobs by status (TrainingJobStatusCounters). */
  readonly completed: number;
  readonly inProgress: number;
  /** RetryableError + NonRetryableError. */
  readonly failed: number;
  readonly stopped: number;
  /** The best training job so far and its objective (validation:accuracy), once one has reported it. */
  readonly bestTrainingJobName?: string;
  readonly bestObjective?: { readonly name: string; readonly value: number };
  readonly failureReason?: string;
}

export interface JobStatus {
  readonly kind: 'training' | 'transform';
  readonly name: string;
  /** InProgress, Completed, Failed, Stopping, Stopped; `NotCreated` before SageMaker has the job. */
  readonly status: string;
  readonly secondaryStatus?: string;
  readonly statusMessage?: string;
  readonly failureReason?: string;
  readonly elapsedSeconds?: number;
  readonly billableSeconds?: number;
  /** Total epochs (the epochs hyperparameter). */
  readonly epochs?: number;
  /** The epoch the status message names, when it names one. */
  readonly epoch?: number;
  /** The latest value of each metric SageMaker has (FinalMetricDataList). */
  readonly metrics: { readonly name: string; readonly value: number }[];
}

export interface RunStatus {
  readonly executionArn: string;
  readonly executionName: string;
  readonly status: ExecutionStatus | string;
  readonly startDate?: string;
  readonly stopDate?: string;
  readonly durationSeconds?: number;
  readonly runId: string;
  readonly mode: string;
  /** The state running now (RUNNING only). */
  readonly currentState?: string;
  readonly statesEntered: string[];
  readonly error?: string;
  readonly cause?: string;
  /** The run summary (the execution output), when it succeeded. */
  readonly summary?: RunSummary;
  readonly training?: JobStatus;
  /** The tuning job, when the run tunes (`tuning`). */
  readonly tuning?: TuningStatus;
  readonly transform?: JobStatus;
  /** The training job's epochs so far (from its log, when readable) and a link to the log. */
  readonly trainingLog?: TrainingLogSummary;
  readonly consoleUrl: string;
}

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);
export const isTerminal = (status: string): boolean => TERMINAL.has(status);

/**
 * The execution ARN an argument stands for: an ARN as is, an execution name or a run id of the stack's
 * state machine, or (no argument) the latest execution (`statusFilter` SUCCEEDED: the latest succeeded one).
 */
export async function resolveExecutionArn(
  deps: AwsDeps,
  stackName: string,
  execution: string | undefined,
  statusFilter?: ExecutionStatus,
): Promise<string> {
  return findExecution(deps, stackName, execution, statusFilter === 'SUCCEEDED' ? 'succeeded' : 'any');
}

export async function describeExecution(deps: AwsDeps, executionArn: string): Promise<DescribeExecutionCommandOutput> {
  try {
    return await deps.sfn.send(new DescribeExecutionCommand({ executionArn }));
  } catch (error) {
    throw toCliError(error, { execution: executionArn, region: deps.region });
  }
}

/** The whole history, oldest first (a run has a few dozen events). */
async function executionHistory(deps: AwsDeps, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await deps.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken, includeExecutionData: true }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken && events.length < 10_000);
  return events;
}

function parseJson(text: string | undefined): any {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The state, SageMaker jobs and summary of one execution.
 * @param options.trainingLog read the training log's epochs (one more call) @default true
 */
export async function runStatus(deps: AwsDeps, executionArn: string, options: { trainingLog?: boolean } = {}): Promise<RunStatus> {
  const now = deps.now?.() ?? new Date();
  const execution = await describeExecution(deps, executionArn);
  let events: HistoryEvent[];
  try {
    events = await executionHistory(deps, executionArn);
  } catch (error) {
    throw toCliError(error, { execution: executionArn, region: deps.region });
  }
  const entered = events.filter((e) => e.stateEnteredEventDetails?.name).map((e) => e.stateEnteredEventDetails?.name as string);
  const exited = events.filter((e) => e.stateExitedEventDetails?.name);
  const status = execution.status ?? 'UNKNOWN';

  // The run id and names: from Prepare run's output when it ran, else derived from the execution name
  // with the pipeline's own naming code.
  const prepared = exited.map((e) => parseJson(e.stateExitedEventDetails?.output)?.run).find((run) => run?.runId);
  const input = parseJson(execution.input);
  const executionName = execution.name ?? executionArn.split(':').pop() ?? '';
  const runId: string = prepared?.runId ?? deriveRunId(executionName, typeof input?.runName === 'string' ? input.runName : null);
  const names: RunNames = prepared?.names ?? runNames(runId);
  const mode: string = prepared?.mode ?? (typeof input?.mode === 'string' ? input.mode : 'full');

  let currentState: string | undefined;
  if (status === 'RUNNING') {
    const last = [...events].reverse().find((e) => e.stateEnteredEventDetails?.name);
    currentState = last?.stateEnteredEventDetails?.name;
  }

  const training = entered.includes(TRAIN_STATE) ? await trainingJobStatus(deps, names.trainingJob, now) : undefined;
  // Runs prepared before tuning existed have no tuningJob name, and never entered Tune model.
  const tuning = entered.includes(TUNE_STATE) ? await tuningJobStatus(deps, names.tuningJob ?? runNames(runId).tuningJob) : undefined;
  const transform = entered.includes(TRANSFORM_STATE) ? await transformJobStatus(deps, names.transformJob, now) : undefined;
  const trainingLog =
    training && training.status !== 'NotCreated' && options.trainingLog !== false
      ? await trainingLogSummary(deps.logs, regionOfArn(executionArn) ?? deps.region ?? 'us-east-1', training.name, deps.signal)
      : undefined;
  const summary = status === 'SUCCEEDED' ? parseJson(execution.output) : undefined;

  return {
    executionArn,
    executionName,
    status,
    startDate: execution.startDate?.toISOString(),
    stopDate: execution.stopDate?.toISOString(),
    durationSeconds: secondsBetween(execution.startDate, execution.stopDate ?? now),
    runId,
    mode,
    currentState,
    statesEntered: entered,
    ...(execution.error !== undefined ? { error: execution.error } : {}),
    ...(execution.cause !== undefined ? { cause: execution.cause } : {}),
    ...(summary !== undefined ? { summary } : {}),
    ...(training ? { training } : {}),
    ...(tuning ? { tuning } : {}),
    ...(transform ? { transform } : {}),
    ...(trainingLog ? { trainingLog } : {}),
    consoleUrl: executionConsoleUrl(executionArn),
  };
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return e?.name === 'ResourceNotFound' || (e?.name === 'ValidationException' && /not found/i.test(e.message ?? ''));
}

/** InProgress and Stopping: the job has not ended, so it has no end time yet. */
const isRunning = (status: string | undefined): boolean => status === 'InProgress' || status === 'Stopping';

async function trainingJobStatus(deps: AwsDeps, name: string, now: Date): Promise<JobStatus> {
  let job;
  try {
    job = await deps.sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: name }));
  } catch (error) {
    if (isNotFound(error)) return { kind: 'training', name, status: 'NotCreated', metrics: [] };
    throw toCliError(error, { region: deps.region });
  }
  const transitions = job.SecondaryStatusTransitions ?? [];
  const lastMessage = transitions[transitions.length - 1]?.StatusMessage;
  const epochMatch = /epoch\D{0,3}(\d+)/i.exec(lastMessage ?? '');
  const epochs = Number(job.HyperParameters?.epochs);
  const start = job.TrainingStartTime ?? job.CreationTime;
  // No TrainingEndTime while the job runs, Stopping included (DescribeTrainingJob,
  // https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeTrainingJob.html): it runs until now.
  const end = job.TrainingEndTime ?? (isRunning(job.TrainingJobStatus) ? now : job.LastModifiedTime);
  return {
    kind: 'training',
    name,
    status: job.TrainingJobStatus ?? 'Unknown',
    ...(job.SecondaryStatus ? { secondaryStatus: job.SecondaryStatus } : {}),
    ...(lastMessage ? { statusMessage: lastMessage } : {}),
    ...(job.FailureReason ? { failureReason: job.FailureReason } : {}),
    elapsedSeconds: secondsBetween(start, end),
    ...(job.BillableTimeInSeconds !== undefined ? { billableSeconds: job.BillableTimeInSeconds } : {}),
    ...(Number.isInteger(epochs) && epochs > 0 ? { epochs } : {}),
    ...(epochMatch ? { epoch: Number(epochMatch[1]) } : {}),
    metrics: (job.FinalMetricDataList ?? [])
      .filter((m) => m.MetricName !== undefined && m.Value !== undefined)
      .map((m) => ({ name: m.MetricName as string, value: m.Value as number })),
  };
}

async function tuningJobStatus(deps: AwsDeps, name: string): Promise<TuningStatus> {
  let job;
  try {
    job = await deps.sagemaker.send(new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name }));
  } catch (error) {
    if (isNotFound(error)) return { name, status: 'NotCreated', completed: 0, inProgress: 0, failed: 0, stopped: 0 };
    throw toCliError(error, { region: deps.region });
  }
  const counters = job.TrainingJobStatusCounters ?? {};
  const best = job.BestTrainingJob;
  const objective = best?.FinalHyperParameterTuningJobObjectiveMetric;
  const maxJobs = job.HyperParameterTuningJobConfig?.ResourceLimits?.MaxNumberOfTrainingJobs;
  return {
    name,
    status: job.HyperParameterTuningJobStatus ?? 'Unknown',
    ...(maxJobs !== undefined ? { maxJobs } : {}),
    completed: counters.Completed ?? 0,
    inProgress: counters.InProgress ?? 0,
    failed: (counters.RetryableError ?? 0) + (counters.NonRetryableError ?? 0),
    stopped: counters.Stopped ?? 0,
    ...(best?.TrainingJobName ? { bestTrainingJobName: best.TrainingJobName } : {}),
    ...(objective?.MetricName !== undefined && objective.Value !== undefined ? { bestObjective: { name: objective.MetricName, value: objective.Value } } : {}),
    ...(job.FailureReason ? { failureReason: job.FailureReason } : {}),
  };
}

/** "3 of 6 training jobs completed (2 running, 1 failed); best validation:accuracy 0.8123 so far". */
export function tuningProgress(tuning: TuningStatus): string {
  if (tuning.status === 'NotCreated') return 'tuning job not created yet';
  const others = [
    tuning.inProgress > 0 ? `${tuning.inProgress} running` : undefined,
    tuning.failed > 0 ? `${tuning.failed} failed` : undefined,
    tuning.stopped > 0 ? `${tuning.stopped} stopped` : undefined,
  ].filter(Boolean);
  const best = tuning.bestObjective
    ? `; best ${tuning.bestObjective.name} ${tuning.bestObjective.value}${tuning.status === 'InProgress' ? ' so far' : ''}`
    : '';
  return `${tuning.completed}${tuning.maxJobs !== undefined ? ` of ${tuning.maxJobs}` : ''} training jobs completed${others.length > 0 ? ` (${others.join(', ')})` : ''}${best}`;
}

async function transformJobStatus(deps: AwsDeps, name: string, now: Date): Promise<JobStatus> {
  let job;
  try {
    job = await deps.sagemaker.send(new DescribeTransformJobCommand({ TransformJobName: name }));
  } catch (error) {
    if (isNotFound(error)) return { kind: 'transform', name, status: 'NotCreated', metrics: [] };
    throw toCliError(error, { region: deps.region });
  }
  const start = job.TransformStartTime ?? job.CreationTime;
  const end = job.TransformEndTime ?? (isRunning(job.TransformJobStatus) ? now : undefined);
  return {
    kind: 'transform',
    name,
    status: job.TransformJobStatus ?? 'Unknown',
    ...(job.FailureReason ? { failureReason: job.FailureReason } : {}),
    elapsedSeconds: secondsBetween(start, end),
    metrics: [],
  };
}
