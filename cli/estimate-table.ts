/**
 * What a run would cost, for people: the estimate's table (`estimate`, `dry-run`), and the estimate of a
 * request as `dry-run` prepares it. Shared by the commands, which never import each other.
 */
import { EXPECTED_SPOT_SAVINGS, estimateRun, formatCost, type RunEstimate } from '../core/cost';
import { prepareRun, type PrepareRunConfig } from '../core/prepare-run';
import { RunRequestError } from '../core/problems';
import { formatDuration, table } from './format';
import { runWarnings } from './prepared-run';

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
