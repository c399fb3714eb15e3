import { endpointCost, formatCost, HOURS_PER_MONTH } from '../../core/cost';
import { estimateRun } from '../../core/cost';
import { EXIT } from '../errors';
import { estimateTable } from '../estimate-table';
import { bucketsOf, prepareRunOrReject } from '../offline-run';
import type { Output } from '../output';
import { runWarnings } from '../prepared-run';
import { readRequestFile } from '../request-file';

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
 * `estimate [--request f] [--region r] [--images n] [--json]`: what the run would cost, offline, from list
 * prices and stated assumptions. JSON: the `RunEstimate` document, plus `warnings`.
 * @returns 0, or 1 when the request is rejected
 */
export function estimateCommand(options: EstimateOptions, out: Output, env: NodeJS.ProcessEnv = process.env): number {
  const request = readRequestFile(options.request);
  const region = options.region ?? env.AWS_REGION ?? DEFAULT_ESTIMATE_REGION;
  const run = prepareRunOrReject(request, ESTIMATE_EXECUTION_NAME, bucketsOf(request), {
    message: (count) => `${options.request ?? 'The request'} is not a valid run request (${count}):`,
    hint: 'Fix the fields above and estimate again; docs/run-request.md lists every field.',
  });
  const estimate = estimateRun(run, region, { batchImages: options.images });
  const warnings = runWarnings(run);
  // An endpoint is not a job: it bills every hour it exists, so its cost is per hour and per month, not per run.
  const endpoint = run.endpoint && {
    name: run.endpoint.name,
    instanceType: run.endpoint.instanceType,
    instanceCount: run.endpoint.instanceCount,
    ...(({ perHour, perMonth }) => ({ costPerHour: perHour, costPerMonth: perMonth }))(endpointCost(region, run.endpoint.instanceType, run.endpoint.instanceCount)),
  };
  if (out.jsonMode) {
    out.json({ ...estimate, endpoint, warnings });
    return EXIT.ok;
  }
  out.line(
    `${out.c.bold('ic-pipeline estimate')}: what ${options.request ?? 'the reference run ({})'} would cost in ${region} ` +
      `(${estimate.currency}, list prices as of ${estimate.pricesAsOf}; offline, nothing is called)`,
  );
  out.line();
  for (const line of estimateTable(estimate)) out.line(`  ${line}`);
  out.line();
  if (endpoint) {
    out.line(`Endpoint ${endpoint.name}`);
    out.line(
      endpoint.costPerHour === null
        ? `  ${endpoint.instanceCount} x ${endpoint.instanceType}: no sourced list price in ${region} (see https://aws.amazon.com/sagemaker/pricing/)`
        : `  ${endpoint.instanceCount} x ${endpoint.instanceType}: ${formatCost(endpoint.costPerHour)} an hour,`,
    );
    if (endpoint.costPerHour !== null) out.line(`  ${formatCost(endpoint.costPerMonth)} a month (${HOURS_PER_MONTH} h)`);
    out.line('  An endpoint bills every hour it exists, used or not,');
    out.line('  until ic-pipeline undeploy deletes it (not in the total).');
    out.line();
  }
  for (const warning of warnings) out.warn(`${out.c.yellow('Warning:')} ${warning}`);
  out.line('Assumptions:');
  for (const assumption of estimate.assumptions) out.line(`  - ${assumption}`);
  return EXIT.ok;
}
