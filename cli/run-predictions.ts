/** The run whose predictions `results` and `report` read: resolved, checked, and its summary parsed. */
import { DescribeTransformJobCommand, type DescribeTransformJobCommandOutput } from '@aws-sdk/client-sagemaker';
import type { DescribeExecutionCommandOutput } from '@aws-sdk/client-sfn';
import { deriveRunId } from '../core/names';
import type { RunSummary } from '../core/run-summary';
import type { AwsDeps } from './aws/clients';
import { findExecution } from './aws/find-execution';
import { describeExecution } from './aws/run-status';
import { parseS3Uri } from './download/s3-objects';
import { CliError, toCliError } from './errors';

export interface PredictionsRun {
  readonly executionArn: string;
  readonly executionName: string;
  readonly runId: string;
  readonly execution: DescribeExecutionCommandOutput;
  readonly summary: RunSummary;
  /** `s3://…/runs/<run id>/predictions/` */
  readonly predictions: string;
  readonly bucket: string;
  readonly prefix: string;
  /**
   * Set when the run did not succeed but its batch transform ran and ended (Failed or Stopped): the
   * predictions are the outputs the job wrote before it ended. The summary then holds only what the
   * transform job's description gives (run id, mode, job name, predictions).
   */
  readonly partial?: {
    readonly runStatus: string;
    readonly transformStatus: string;
    readonly failureReason?: string;
    readonly transform: DescribeTransformJobCommandOutput;
  };
}

const ENDED_RUN = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);

/**
 * The succeeded run `execution` names (name, ARN or run id), or with no argument the latest run that
 * made predictions (a later `train` run does not hide it). A named run that failed (or was stopped or
 * timed out) after its batch transform ended is returned with `partial`: its outputs are what the job
 * wrote before it ended.
 * @throws CliError when the run is still running, made no predictions, or failed before its transform ran
 */
export async function predictionsRun(deps: AwsDeps, stackName: string, execution: string | undefined): Promise<PredictionsRun> {
  const executionArn = await findExecution(deps, stackName, execution, 'with-predictions');
  const described = await describeExecution(deps, executionArn);
  const name = described.name ?? executionArn.split(':').pop() ?? executionArn;
  if (ENDED_RUN.has(described.status ?? '')) return failedTransformRun(deps, executionArn, name, described);
  if (described.status !== 'SUCCEEDED') {
    throw new CliError(`Run ${name} is ${described.status}: predictions exist only once a run has succeeded.`, {
      hint: described.status === 'RUNNING' ? `Wait for it: ic-pipeline status ${name} --wait` : '`ic-pipeline list` shows the runs that succeeded.',
      code: 'RunNotSucceeded',
    });
  }
  let summary: RunSummary;
  try {
    summary = JSON.parse(described.output ?? '{}') as RunSummary;
  } catch {
    throw new CliError(`Run ${name} has an output that is not a run summary.`, { code: 'NotARunSummary' });
  }
  if (!summary.predictions) {
    throw new CliError(`Run ${name} (mode ${summary.mode ?? 'unknown'}) made no predictions.`, {
      hint: 'Only runs in mode "full" or "transform" run a batch transform.',
      code: 'NoPredictions',
    });
  }
  const location = parseS3Uri(summary.predictions);
  if (!location) throw new CliError(`The run summary's predictions location ${summary.predictions} is not an S3 URI.`, { code: 'NotAnS3Uri' });
  return { executionArn, executionName: name, runId: summary.runId ?? name, execution: described, summary, predictions: summary.predictions, ...location };
}

/**
 * A run that ended without succeeding: its predictions are the outputs of its transform job, if the job
 * ran. The run id is derived from the execution name (and run name) with the pipeline's own naming code,
 * as Prepare run derives it; the transform job has that name (core/names.ts runNames).
 */
async function failedTransformRun(deps: AwsDeps, executionArn: string, name: string, described: DescribeExecutionCommandOutput): Promise<PredictionsRun> {
  let input: { runName?: unknown; mode?: unknown } | null;
  try {
    input = JSON.parse(described.input ?? '{}') as { runName?: unknown; mode?: unknown } | null;
  } catch {
    input = null;
  }
  const runId = deriveRunId(name, typeof input?.runName === 'string' ? input.runName : null);
  const mode = typeof input?.mode === 'string' ? input.mode : 'full';
  const notRun = new CliError(`Run ${name} is ${described.status} and its batch transform did not run: it has no predictions.`, {
    hint: `\`ic-pipeline status ${name}\` says where it failed.`,
    code: 'RunNotSucceeded',
  });
  if (mode === 'train') throw notRun;
  let transform: DescribeTransformJobCommandOutput;
  try {
    transform = await deps.sagemaker.send(new DescribeTransformJobCommand({ TransformJobName: runId }), { abortSignal: deps.signal });
  } catch (error) {
    const e = error as { name?: string; message?: string };
    if (e?.name === 'ResourceNotFound' || (e?.name === 'ValidationException' && /not found|could not find/i.test(e.message ?? ''))) throw notRun;
    throw toCliError(error, { region: deps.region, execution: name });
  }
  const status = transform.TransformJobStatus ?? 'Unknown';
  if (status === 'InProgress' || status === 'Stopping') {
    throw new CliError(`Run ${name} is ${described.status}, but its transform job ${runId} is still ${status}: its outputs are not complete yet.`, {
      hint: `Wait until \`ic-pipeline status ${name}\` shows the transform job ended.`,
      code: 'RunNotSucceeded',
    });
  }
  const predictions = transform.TransformOutput?.S3OutputPath;
  const location = predictions ? parseS3Uri(predictions.endsWith('/') ? predictions : `${predictions}/`) : undefined;
  if (!predictions || !location) throw new CliError(`The transform job ${runId} names no S3 output path.`, { code: 'NotAnS3Uri' });
  const summary = {
    runId,
    runName: typeof input?.runName === 'string' ? input.runName : null,
    mode,
    executionArn,
    transformJobName: runId,
    trainingJobName: mode === 'transform' ? null : runId,
    predictions: `s3://${location.bucket}/${location.prefix}`,
    transformInstanceType: transform.TransformResources?.InstanceType ?? null,
    transformInstanceCount: transform.TransformResources?.InstanceCount ?? null,
    transformStartTime: transform.TransformStartTime?.getTime() ?? null,
    transformEndTime: transform.TransformEndTime?.getTime() ?? null,
  } as unknown as RunSummary;
  return {
    executionArn,
    executionName: name,
    runId,
    execution: described,
    summary,
    predictions: summary.predictions as string,
    ...location,
    partial: { runStatus: described.status ?? 'FAILED', transformStatus: status, ...(transform.FailureReason ? { failureReason: transform.FailureReason } : {}), transform },
  };
}
