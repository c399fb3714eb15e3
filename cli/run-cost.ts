import { formatCost, runCost, spotSavingsPercent, type JobCost, type RunCost } from '../core/cost';
import type { RunSummary } from '../core/run-summary';
import { regionOfArn } from './format';

/**
 * What a succeeded run cost, from its summary (what SageMaker reported) and the list prices of the
 * Region of its execution; undefined without a summary.
 */
export function costOfRun(summary: Partial<RunSummary> | undefined, executionArn: string): RunCost | undefined {
  if (summary === undefined || summary === null) return undefined;
  const cost = runCost(summary, regionOfArn(executionArn) ?? 'us-east-1');
  // A summary of a run from before instance types were in it: nothing to price.
  return cost.training === null && cost.transform === null ? undefined : cost;
}

/** `value` with `cost` added when the run has a summary (the `--json` documents of status and list). */
export function withCost<T extends { readonly summary?: Partial<RunSummary>; readonly executionArn: string }>(status: T): T & { cost?: RunCost } {
  const cost = costOfRun(status.summary, status.executionArn);
  return cost === undefined ? status : { ...status, cost };
}

function jobPart(kind: string, job: JobCost | null, seconds: string): string | undefined {
  if (job === null) return undefined;
  const count = job.instanceCount === 1 ? '' : ` x ${job.instanceCount}`;
  if (job.billedSeconds === null) return `${kind}: no time reported`;
  if (job.pricePerHour === null) return `${kind} ${job.billedSeconds} ${seconds} on ${job.instanceType}${count}: no price`;
  return `${kind} ${job.billedSeconds} ${seconds} x $${job.pricePerHour.toFixed(4)}/h${count} = ${formatCost(job.cost)}`;
}

/** The cost lines of `status`: the total and how it was computed, and SageMaker's spot saving. */
export function costLines(summary: Partial<RunSummary> | undefined, executionArn: string): string[] {
  const cost = costOfRun(summary, executionArn);
  if (cost === undefined || summary === undefined) return [];
  const parts = [jobPart('training', cost.training, 'billable s'), jobPart('transform', cost.transform, 's')].filter(
    (part): part is string => part !== undefined,
  );
  if (parts.length === 0) return [];
  const lines = [
    `cost: ${formatCost(cost.total)} in ${cost.region}, computed from list prices as of ${cost.pricesAsOf} (not your bill): ${parts.join('; ')}`,
  ];
  if (summary.spot === true) {
    const saved = spotSavingsPercent(summary);
    lines.push(
      `spot: yes; ${saved === undefined ? 'SageMaker reported no saving' : `SageMaker reports ${saved} % saved`} ` +
        `(billable ${summary.billableTimeInSeconds ?? '-'} s of ${summary.trainingTimeInSeconds ?? '-'} s of training)`,
    );
  }
  return lines;
}

/** The COST cell of `list`: the total, "no price", or "-" for a run without a summary. */
export function costCell(cost: RunCost | undefined): string {
  return cost === undefined ? '-' : formatCost(cost.total);
}
