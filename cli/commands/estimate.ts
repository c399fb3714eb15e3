import { EXPECTED_SPOT_SAVINGS, estimateRun, formatCost, type RunEstimate } from '../../core/cost';
import { prepareRun, type PreparedRun, type PrepareRunConfig } from '../../core/prepare-run';
import { RunRequestError } from '../../core/problems';
import { parseS3Uri } from '../../core/s3-uri';
import { CliError, EXIT } from '../errors';
import { formatDuration, table } from '../format';
import type { Output } from '../output';
import { runWarnings } from '../prepared-run';
import { readRequestFile } from '../request-file';
import { PLACEHOLDER_BUCKETS } from './validate';

export const DEFAULT_ESTIMATE_REGION = 'us-east-1';
/** The execution name the estimate prepares the run with (names do not change the cost). */
export const ESTIMATE_EXECUTION_NAME = 'estimate';

export interface EstimateOptions {
  /** Run request file. @default - `{}`, the reference run */
  readonly request?: string;
  /** @default - AWS_REGION, else us-east-1 */
  readonly region?: string;
  /** Images in the batch input (it is in S3, not read offline). @default DEFAULT_BATCH_IMAGES */
  readonly images?: number;
}

/**
 * The buckets a request's own S3 URIs name (the first as the data bucket, another as the artifact
 * bucket), so that offline the estimate accepts a request written for the deployed buckets: where the
 * data is does not change the cost.
 */
export function bucketsOf(request: Record<string, unknown>): PrepareRunConfig {
  const buckets: string[] = [];
  for (const field of ['trainingData', 'validationData', 'trainingLst', 'validationLst', 'batchInput']) {
    const value = request[field];
    const bucket = typeof value === 'string' ? parseS3Uri(value)?.bucket : undefined;
    if (bucket !== undefined && !buckets.includes(bucket)) buckets.push(bucket);
  }
  return { dataBucket: buckets[0] ?? PLACEHOLDER_BUCKETS.dataBucket, artifactBucket: buckets[1] ?? PLACEHOLDER_BUCKETS.artifactBucket };
}

/** The run a request would prepare offline, or the CliError of its rejection (exit 1), as `validate` reports it. */
export function preparedOffline(request: Record<string, unknown>, file: string | undefined, executionName: string): PreparedRun {
  try {
    return prepareRun(request, executionName, bucketsOf(request));
  } catch (error) {
    if (!(error instanceof RunRequestError)) throw error;
    const count = `${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}`;
    throw new CliError(`${file ?? 'The request'} is not a valid run request (${count}):`, {
      code: 'RunRequestError',
      exitCode: EXIT.failure,
      details: { problems: error.problems },
      hint: 'Fix the fields above and estimate again; "Run request reference" in the README lists every field.',
    });
  }
}

/**
 * `estimate [--request f] [--region r] [--images n] [--json]`: what the run would cost, offline, from list
 * prices and stated assumptions. JSON: the `RunEstimate` document, plus `warnings`.
 * @returns 0, or 1 when the request is rejected
 */
export function estimateCommand(options: EstimateOptions, out: Output, env: NodeJS.ProcessEnv = process.env): number {
  const request = readRequestFile(options.request);
  const region = options.region ?? env.AWS_REGION ?? DEFAULT_ESTIMATE_REGION;
  const run = preparedOffline(request, options.request, ESTIMATE_EXECUTION_NAME);
  const estimate = estimateRun(run, region, { batchImages: options.images });
  const warnings = runWarnings(run);
  if (out.jsonMode) {
    out.json({ ...estimate, warnings });
    return EXIT.ok;
  }
  out.line(
    `${out.c.bold('ic-pipeline estimate')}: what ${options.request ?? 'the reference run ({})'} would cost in ${region} ` +
      `(${estimate.currency}, list prices as of ${estimate.pricesAsOf}; offline, nothing is called)`,
  );
  out.line();
  for (const line of estimateTable(estimate)) out.line(`  ${line}`);
  out.line();
  for (const warning of warnings) out.warn(`${out.c.yellow('Warning:')} ${warning}`);
  out.line('Assumptions:');
  for (const assumption of estimate.assumptions) out.line(`  - ${assumption}`);
  return EXIT.ok;
}

/** The estimate as a few aligned lines: one per job, the total, and the spot comparison. */
export function estimateTable(estimate: RunEstimate): string[] {
  const rows = [['', 'INSTANCES', 'PRICE/HOUR', 'EST. TIME', 'EST. COST', 'AT MOST']];
  const price = (value: number | null) => (value === null ? 'no price' : `$${value.toFixed(4)}`);
  const time = (seconds: number | null) => (seconds === null ? 'unknown' : formatDuration(seconds));
  const { training, transform, total } = estimate;
  if (training) {
    rows.push([
      `training${training.jobs > 1 ? ` (tuning, ${training.jobs} jobs)` : ''}${training.spot ? ' (spot)' : ''}`,
      `${training.instanceCount} x ${training.instanceType}`,
      price(training.pricePerHour),
      time(training.estimatedSeconds),
      formatCost(training.estimatedCost),
      formatCost(training.maxCost),
    ]);
  }
  if (transform) {
    rows.push([
      'transform',
      `${transform.instanceCount} x ${transform.instanceType}`,
      price(transform.pricePerHour),
      time(transform.estimatedSeconds),
      formatCost(transform.estimatedCost),
      formatCost(transform.maxCost),
    ]);
  }
  rows.push(['total', '', '', '', formatCost(total.estimatedCost), formatCost(total.maxCost)]);
  const lines = table(rows);
  if (training?.spot && training.estimatedCost !== null) {
    const onDemand = training.estimatedCost / (1 - EXPECTED_SPOT_SAVINGS);
    lines.push(`training on demand would be about ${formatCost(Math.round(onDemand * 1e4) / 1e4)}; with spot, SageMaker reports the real saving after the run`);
  }
  return lines;
}

/**
 * The estimate of a request with the given buckets (as `dry-run` prepares it), or undefined when the
 * request is rejected (the dry-run then shows the rejection).
 */
export function offlineEstimate(
  request: unknown,
  region: string,
  executionName: string,
  buckets: PrepareRunConfig,
): { estimate: RunEstimate; warnings: string[] } | undefined {
  try {
    const run = prepareRun(request, executionName, buckets);
    return { estimate: estimateRun(run, region), warnings: runWarnings(run) };
  } catch (error) {
    if (error instanceof RunRequestError) return undefined;
    throw error;
  }
}
