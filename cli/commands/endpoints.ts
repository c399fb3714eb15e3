/**
 * The model registry and the endpoints of a stack from the command line: `models`, `approve`, `reject`,
 * `deploy`, `endpoints`, `undeploy`. An endpoint bills every hour it exists, used or not: every command that
 * creates one or lists them says so, with its cost.
 */
import { endpointCost, formatCost, pricesAsOf } from '../../core/cost';
import { modelPackageReference } from '../../core/endpoint';
import { looksLikeRunId } from '../../core/names';
import type { AwsDeps } from '../aws/clients';
import { deleteEndpoint, describeModelVersion, listModelVersions, listStackEndpoints, setApproval, stackModelPackageGroup, stackPrefix } from '../aws/endpoints';
import { DEFAULT_STACK_NAME, findPipelineStack } from '../aws/stack';
import { CliError, EXIT, toCliError } from '../errors';
import { formatDuration } from '../format';
import type { Output } from '../output';
import { startCommand } from '../start-run';

export interface StackOption {
  readonly stackName?: string;
}

/** The sentence every place that creates or lists endpoints shows. */
export const ENDPOINT_BILLING_NOTE = 'An endpoint bills every hour it exists, used or not: ic-pipeline undeploy <endpoint> deletes it.';

/**
 * `rows` as a table with left-aligned columns when it fits in `width` (2 columns of indent included), else as one
 * block per row (its first cell, then `header: value` lines), so that nothing wraps at 60 columns.
 */
export function table(header: string[], rows: string[][], width: number): string[] {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  const lines = [line(header), ...rows.map(line)];
  if (Math.max(...lines.map((text) => text.length)) + 2 <= width) return lines;
  const label = (title: string) => `${title.charAt(0)}${title.slice(1).toLowerCase()}:`;
  return rows.flatMap((row) => [row[0] ?? '', ...header.slice(1).map((title, i) => `  ${label(title)} ${row[i + 1] ?? ''}`)]);
}

/** `endpoints`: this stack's endpoints with status, instance, age, cost so far and per hour. */
export async function endpointsCommand(options: StackOption, deps: AwsDeps, out: Output): Promise<number> {
  const stackName = options.stackName ?? DEFAULT_STACK_NAME;
  const region = deps.region ?? 'us-east-1';
  const now = deps.now?.() ?? new Date();
  let views;
  try {
    const stack = await findPipelineStack(deps.cloudFormation, stackName, deps.region);
    views = await listStackEndpoints(deps, stackPrefix(stack, stackName));
  } catch (error) {
    throw toCliError(error, { stackName, region: deps.region });
  }
  const rows = views.map((view) => ({ ...view, cost: endpointCost(region, view.instanceType, view.instanceCount, view.created, now) }));
  if (out.jsonMode) {
    out.json({
      stack: stackName,
      region,
      pricesAsOf: pricesAsOf(region),
      endpoints: rows.map((row) => ({
        name: row.name,
        status: row.status,
        instanceType: row.instanceType ?? null,
        instanceCount: row.instanceCount ?? null,
        modelName: row.modelName ?? null,
        created: row.created?.toISOString() ?? null,
        costPerHour: row.cost.perHour,
        costSoFar: row.cost.soFar,
        failureReason: row.failureReason ?? null,
      })),
    });
    return EXIT.ok;
  }
  if (rows.length === 0) {
    out.line(`No endpoints of stack ${stackName} in ${region}: nothing is billed for endpoints.`);
    return EXIT.ok;
  }
  out.line(`${out.c.bold(`${rows.length} endpoint${rows.length === 1 ? '' : 's'}`)} of stack ${stackName} in ${region}`);
  out.line(`(list prices as of ${pricesAsOf(region)}):`);
  for (const text of table(
    ['ENDPOINT', 'STATUS', 'INSTANCES', 'AGE', '$/HOUR', 'SO FAR'],
    rows.map((row) => [
      row.name,
      row.status,
      `${row.instanceCount ?? '?'} x ${row.instanceType ?? '?'}`,
      row.cost.hours === null ? '?' : formatDuration(Math.round(row.cost.hours * 3600)),
      formatCost(row.cost.perHour),
      formatCost(row.cost.soFar),
    ]),
    out.columns(),
  )) out.line(`  ${text}`);
  for (const row of rows) if (row.failureReason) out.line(`  ${row.name}: ${out.c.red(row.failureReason)}`);
  out.line('An endpoint bills every hour it exists, used or not:');
  out.line('ic-pipeline undeploy <endpoint> deletes it.');
  return EXIT.ok;
}

/** `undeploy <endpoint>`: deletes the endpoint and its config; the model and the registry entry stay. */
export async function undeployCommand(options: StackOption & { readonly endpoint: string }, deps: AwsDeps, out: Output): Promise<number> {
  const stackName = options.stackName ?? DEFAULT_STACK_NAME;
  let configName: string | undefined;
  try {
    const stack = await findPipelineStack(deps.cloudFormation, stackName, deps.region);
    configName = await deleteEndpoint(deps, options.endpoint, stackPrefix(stack, stackName));
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw toCliError(error, { stackName, region: deps.region, resume: 'ic-pipeline endpoints shows what is left' });
  }
  if (out.jsonMode) out.json({ endpoint: options.endpoint, endpointConfig: configName ?? null, deleted: true });
  else {
    out.line(`${out.c.green('Deleted')} endpoint ${out.c.bold(options.endpoint)}${configName ? ` and its endpoint config ${configName}` : ''}: it bills no more once SageMaker has removed it.`);
    out.line('  The model and its model registry version stay: ic-pipeline deploy <version> puts it back.');
  }
  return EXIT.ok;
}

/** `models`: the versions of the stack's model package group, newest first. */
export async function modelsCommand(options: StackOption, deps: AwsDeps, out: Output): Promise<number> {
  const stackName = options.stackName ?? DEFAULT_STACK_NAME;
  let group: string;
  let versions;
  try {
    const stack = await findPipelineStack(deps.cloudFormation, stackName, deps.region);
    group = stackModelPackageGroup(stack, stackName);
    versions = await listModelVersions(deps, group);
  } catch (error) {
    throw toCliError(error, { stackName, region: deps.region });
  }
  if (out.jsonMode) {
    out.json({
      modelPackageGroup: group,
      versions: versions.map((v) => ({ ...v, runId: v.runId ?? null, modelName: v.modelName ?? null, validationAccuracy: v.validationAccuracy ?? null, created: v.created?.toISOString() ?? null })),
    });
    return EXIT.ok;
  }
  if (versions.length === 0) {
    out.line(`No model versions in ${group} yet: every run that creates a model registers one.`);
    return EXIT.ok;
  }
  out.line(`${out.c.bold(group)}: ${versions.length} version${versions.length === 1 ? '' : 's'}, newest first`);
  for (const text of table(
    ['VERSION', 'APPROVAL', 'VAL ACC', 'CREATED', 'RUN'],
    versions.map((v) => [
      String(v.version),
      v.approval,
      v.validationAccuracy === undefined ? '-' : v.validationAccuracy.toFixed(3),
      v.created?.toISOString().slice(0, 16).replace('T', ' ') ?? '?',
      v.runId ?? '?',
    ]),
    out.columns(),
  )) out.line(`  ${text}`);
  out.line('Approve one: ic-pipeline approve <version>');
  out.line('Deploy an approved one: ic-pipeline deploy <version>');
  return EXIT.ok;
}

/** `approve <version>` and `reject <version>`. */
export async function approvalCommand(
  options: StackOption & { readonly version: string; readonly status: 'Approved' | 'Rejected' },
  deps: AwsDeps,
  out: Output,
): Promise<number> {
  const stackName = options.stackName ?? DEFAULT_STACK_NAME;
  try {
    const stack = await findPipelineStack(deps.cloudFormation, stackName, deps.region);
    const group = stackModelPackageGroup(stack, stackName);
    const reference = modelPackageReference(options.version, group);
    if (reference === undefined) {
      throw new CliError(`${options.version} is not a version of ${group}: give its number (e.g. 3) or its ARN`, { hint: 'ic-pipeline models lists the versions' });
    }
    const before = await describeModelVersion(deps, reference);
    await setApproval(deps, before.arn, options.status);
    if (out.jsonMode) out.json({ version: before.version, arn: before.arn, approval: options.status, previous: before.approval });
    else {
      out.line(`Version ${out.c.bold(String(before.version))} of ${group} is now ${options.status} (was ${before.approval}).`);
      if (options.status === 'Approved') out.line(`  Deploy it: ic-pipeline deploy ${before.version}. ${ENDPOINT_BILLING_NOTE}`);
    }
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw toCliError(error, { stackName, region: deps.region });
  }
}

/**
 * `deploy <run or version> [--endpoint NAME] [--instance-type T] [--wait]`: starts a run in mode deploy: a number or
 * a model package ARN deploys that (approved) version, a run id deploys that run's model.
 */
export async function deployCommand(
  options: StackOption & { readonly target: string; readonly endpoint?: string; readonly instanceType?: string; readonly wait?: boolean },
  deps: AwsDeps,
  out: Output,
): Promise<number> {
  const isVersion = /^\d+$/.test(options.target) || options.target.includes(':model-package/');
  if (!isVersion && !looksLikeRunId(options.target)) {
    throw new CliError(`${options.target} is neither a model package version (a number, or its ARN) nor a run id`, {
      hint: 'ic-pipeline models lists the versions, ic-pipeline list the runs',
    });
  }
  const request = {
    mode: 'deploy',
    ...(isVersion ? { modelPackage: options.target } : { modelName: options.target }),
    endpoint: { ...(options.endpoint ? { name: options.endpoint } : {}), ...(options.instanceType ? { instanceType: options.instanceType } : {}) },
  };
  return startCommand({ requestBody: request, requestLabel: 'deploy', stackName: options.stackName, wait: options.wait }, deps, out);
}
