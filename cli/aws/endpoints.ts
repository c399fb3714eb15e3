/**
 * The stack's endpoints and model registry, as the command line sees them: its endpoints (names with the stack's
 * prefix), their configs, the versions of its model package group. Every SDK call here is in the operators'
 * policy (cli/aws/operator-policy.ts: ManageEndpoints, ReviewModels, Predict).
 */
import {
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelPackageCommand,
  ListEndpointsCommand,
  ListModelPackagesCommand,
  type ModelApprovalStatus,
  UpdateModelPackageCommand,
} from '@aws-sdk/client-sagemaker';
import { isStackEndpointName, modelPackageGroupName, resourceNamePrefix } from '../../core/endpoint';
import { STACK_OUTPUTS } from '../../core/stack-outputs';
import { CliError } from '../errors';
import type { AwsDeps } from './clients';
import type { PipelineStack } from './stack';

/** The stack's name prefix (output ResourceNamePrefix; a stack deployed before it had one: from its name). */
export function stackPrefix(stack: PipelineStack, stackName: string): string {
  return stack.outputs[STACK_OUTPUTS.resourceNamePrefix] ?? resourceNamePrefix(stackName);
}

/** The stack's model package group (output ModelPackageGroupName, else derived like the stack derives it). */
export function stackModelPackageGroup(stack: PipelineStack, stackName: string): string {
  return stack.outputs[STACK_OUTPUTS.modelPackageGroupName] ?? modelPackageGroupName(stackPrefix(stack, stackName));
}

export interface EndpointView {
  readonly name: string;
  readonly status: string;
  readonly configName: string | undefined;
  readonly modelName: string | undefined;
  readonly instanceType: string | undefined;
  readonly instanceCount: number | undefined;
  readonly created: Date | undefined;
  readonly failureReason: string | undefined;
}

/** One endpoint with its config's variant (instance type, count, model). */
export async function describeEndpoint(deps: AwsDeps, name: string): Promise<EndpointView> {
  const endpoint = await deps.sagemaker.send(new DescribeEndpointCommand({ EndpointName: name }));
  const configName = endpoint.EndpointConfigName;
  const config = configName === undefined ? undefined : await deps.sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: configName }));
  const variant = config?.ProductionVariants?.[0];
  return {
    name,
    status: endpoint.EndpointStatus ?? 'unknown',
    configName,
    modelName: variant?.ModelName,
    instanceType: variant?.InstanceType,
    instanceCount: variant?.InitialInstanceCount,
    created: endpoint.CreationTime,
    failureReason: endpoint.FailureReason,
  };
}

/** Every endpoint of the account whose name has the stack's prefix, oldest first. */
export async function listStackEndpoints(deps: AwsDeps, prefix: string): Promise<EndpointView[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await deps.sagemaker.send(new ListEndpointsCommand({ NameContains: prefix, NextToken: nextToken, MaxResults: 100 }));
    for (const summary of page.Endpoints ?? []) if (summary.EndpointName && isStackEndpointName(summary.EndpointName, prefix)) names.push(summary.EndpointName);
    nextToken = page.NextToken;
  } while (nextToken);
  const views = await Promise.all(names.map((name) => describeEndpoint(deps, name)));
  return views.sort((a, b) => (a.created?.getTime() ?? 0) - (b.created?.getTime() ?? 0));
}

/** Deletes the endpoint and then its config; the model and the registry entry stay. Returns the config's name. */
export async function deleteEndpoint(deps: AwsDeps, name: string, prefix: string): Promise<string | undefined> {
  if (!isStackEndpointName(name, prefix)) {
    throw new CliError(`${name} is not one of this stack's endpoints: their names start with "${prefix}-"`, {
      hint: 'ic-pipeline endpoints lists them; an endpoint of another stack is deleted with that stack\'s --stack',
    });
  }
  const endpoint = await deps.sagemaker.send(new DescribeEndpointCommand({ EndpointName: name }));
  await deps.sagemaker.send(new DeleteEndpointCommand({ EndpointName: name }));
  if (endpoint.EndpointConfigName !== undefined) await deps.sagemaker.send(new DeleteEndpointConfigCommand({ EndpointConfigName: endpoint.EndpointConfigName }));
  return endpoint.EndpointConfigName;
}

export interface ModelVersionView {
  readonly version: number;
  readonly arn: string;
  readonly approval: string;
  readonly created: Date | undefined;
  readonly runId: string | undefined;
  readonly modelName: string | undefined;
  /** The validation accuracy the run recorded; undefined when none (the registry's value "null"). */
  readonly validationAccuracy: number | undefined;
}

/** The group's versions, newest first, with the run and accuracy the pipeline recorded on each. */
export async function listModelVersions(deps: AwsDeps, group: string): Promise<ModelVersionView[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await deps.sagemaker.send(
      new ListModelPackagesCommand({ ModelPackageGroupName: group, SortBy: 'CreationTime', SortOrder: 'Descending', NextToken: nextToken, MaxResults: 100 }),
    );
    for (const summary of page.ModelPackageSummaryList ?? []) if (summary.ModelPackageArn) arns.push(summary.ModelPackageArn);
    nextToken = page.NextToken;
  } while (nextToken);
  return Promise.all(arns.map((arn) => describeModelVersion(deps, arn)));
}

/** One version, by ARN or `<group>/<version>`. */
export async function describeModelVersion(deps: AwsDeps, name: string): Promise<ModelVersionView> {
  const described = await deps.sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: name }));
  const metadata = described.CustomerMetadataProperties ?? {};
  const accuracy = Number(metadata.validationAccuracy);
  return {
    version: described.ModelPackageVersion ?? 0,
    arn: described.ModelPackageArn ?? name,
    approval: described.ModelApprovalStatus ?? 'unknown',
    created: described.CreationTime,
    runId: metadata.runId,
    modelName: metadata.modelName,
    validationAccuracy: metadata.validationAccuracy === undefined || Number.isNaN(accuracy) ? undefined : accuracy,
  };
}

/** Sets a version's approval status (UpdateModelPackage takes the version's ARN). */
export async function setApproval(deps: AwsDeps, arn: string, status: ModelApprovalStatus): Promise<void> {
  await deps.sagemaker.send(new UpdateModelPackageCommand({ ModelPackageArn: arn, ModelApprovalStatus: status }));
}
