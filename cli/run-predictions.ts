/** The run whose predictions `results` and `report` read: resolved, checked, and its summary parsed. */
import type { DescribeExecutionCommandOutput } from '@aws-sdk/client-sfn';
import type { RunSummary } from '../core/run-summary';
import type { AwsDeps } from './aws/clients';
import { findExecution } from './aws/find-execution';
import { describeExecution } from './aws/run-status';
import { parseS3Uri } from './download/s3-objects';
import { CliError } from './errors';

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
}

/**
 * The succeeded run `execution` names (name, ARN or run id), or with no argument the latest run that
 * made predictions (a later `train` run does not hide it).
 * @throws CliError when the run has not succeeded or made no predictions
 */
export async function predictionsRun(deps: AwsDeps, stackName: string, execution: string | undefined): Promise<PredictionsRun> {
  const executionArn = await findExecution(deps, stackName, execution, 'with-predictions');
  const described = await describeExecution(deps, executionArn);
  const name = described.name ?? executionArn.split(':').pop() ?? executionArn;
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
