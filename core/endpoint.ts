/**
 * The model registry and the real-time endpoint of a stack: the names the stack gives them, the request's
 * defaults, and the bound of the deployment's poll loop. CDK-free and SDK-free: the construct (lib/), Prepare
 * run (Lambda) and the command line (cli/) derive the same names from the same stack name.
 *
 * Names share one prefix, derived from the stack name, so that the state machine's role can be scoped to
 * `endpoint/<prefix>*` and `endpoint-config/<prefix>*` instead of every endpoint of the account.
 */
import { createHash } from 'node:crypto';
import { nameSlug } from './names';

/** The longest SageMaker endpoint, endpoint config and model package group name (EndpointName, EntityName). */
export const MAX_ENDPOINT_NAME_LENGTH = 63;
/** The longest name prefix: leaves room for `-` and a run id's tail in endpoint config names. */
export const MAX_NAME_PREFIX_LENGTH = 30;
/** The endpoint name pattern of the SageMaker API (EndpointName, EndpointConfigName). */
export const ENDPOINT_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/**
 * A current CPU instance type for the algorithm's inference (it classifies on CPU or GPU) whose real-time
 * inference price is sourced in core/reference/prices.json for every priced Region (us-east-1 and eu-west-1),
 * so that an endpoint's cost is in view wherever one is created; ml.m5.large has no sourced price.
 */
export const DEFAULT_ENDPOINT_INSTANCE_TYPE = 'ml.m5.xlarge';
export const DEFAULT_ENDPOINT_INSTANCE_COUNT = 1;
/** The production variant of every endpoint config the pipeline creates: one variant takes all traffic. */
export const ENDPOINT_VARIANT_NAME = 'AllTraffic';

/** What the algorithm's inference takes (the image-classification algorithm's "Inference" section) and answers. */
export const INFERENCE_CONTENT_TYPES = ['application/x-image', 'image/jpeg', 'image/png'] as const;
export const INFERENCE_RESPONSE_TYPES = ['application/json'] as const;
/** The instance types a registered version declares for real-time inference (CPU and GPU). */
export const REGISTERED_REALTIME_INSTANCE_TYPES = ['ml.m5.large', 'ml.m5.xlarge', 'ml.c5.xlarge', 'ml.c5.2xlarge', 'ml.g4dn.xlarge'] as const;
/** The instance types a registered version declares for batch transform. */
export const REGISTERED_TRANSFORM_INSTANCE_TYPES = ['ml.m5.large', 'ml.m5.xlarge', 'ml.c5.xlarge', 'ml.c5.2xlarge', 'ml.g4dn.xlarge'] as const;

/** `ModelApprovalStatus` values a run request may register a version with. */
export const REGISTRY_APPROVALS = ['Approved', 'PendingManualApproval'] as const;
export type RegistryApproval = (typeof REGISTRY_APPROVALS)[number];
export const DEFAULT_REGISTRY_APPROVAL: RegistryApproval = 'PendingManualApproval';

/**
 * The deployment poll loop: `Wait for endpoint` waits this long between DescribeEndpoint calls, at most
 * `MAX_ENDPOINT_POLLS` times (about an hour), then the run fails with `EndpointNotReady` even though the
 * execution's own timeout (35 days) is far away.
 */
export const ENDPOINT_POLL_SECONDS = 60;
export const MAX_ENDPOINT_POLLS = 60;

/** Errors of a failed deployment (the run's error), counted by the failed-runs alarm. */
export const ENDPOINT_FAILED_ERROR = 'EndpointDeploymentFailed';
export const ENDPOINT_NOT_READY_ERROR = 'EndpointNotReady';

/**
 * The name prefix of a stack: its name lower-cased, runs of other characters than letters and digits turned
 * into `-`, at most 30 characters, never empty (`ic`).
 */
export function resourceNamePrefix(stackName: string): string {
  return nameSlug(stackName, MAX_NAME_PREFIX_LENGTH, 'ic');
}

/** The stack's model package group: `<prefix>-models`. */
export function modelPackageGroupName(prefix: string): string {
  return `${prefix}-models`;
}

/** The endpoint a request that names none deploys to: `<prefix>-endpoint`. */
export function defaultEndpointName(prefix: string): string {
  return `${prefix}-endpoint`;
}

/** True when `name` is one of the stack's endpoint names: the prefix, `-`, at least one more character. */
export function isStackEndpointName(name: string, prefix: string): boolean {
  return name.startsWith(`${prefix}-`) && name.length > prefix.length + 1;
}

/**
 * The endpoint config of run `runId`: `<prefix>-<run id>`, cut from the front of the run id to 63 characters
 * (the run id ends with its hash, so the name stays distinct per run).
 */
export function endpointConfigName(prefix: string, runId: string): string {
  const room = MAX_ENDPOINT_NAME_LENGTH - prefix.length - 1;
  const tail = runId.length <= room ? runId : runId.slice(runId.length - room).replace(/^-+/, '');
  return `${prefix}-${tail === '' ? createHash('sha256').update(runId).digest('hex').slice(0, 8) : tail}`;
}

/**
 * A version reference as DescribeModelPackage takes it (ModelPackageName, a "VersionedArnOrName":
 * `<group>/<version>` or the version's ARN): a version number becomes `<group>/<number>`; an ARN is kept when it
 * names a version of `group`. Undefined: neither a number nor a version ARN of the group.
 */
export function modelPackageReference(reference: string, group: string): string | undefined {
  if (/^[1-9]\d{0,8}$/.test(reference)) return `${group}/${reference}`;
  const match = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package\/([^/]+)\/([1-9]\d{0,8})$/.exec(reference);
  return match && match[1] === group ? reference : undefined;
}

/** `arn:<partition>:sagemaker:<region>:<account>:model-package/<group>/<version>` → version number, or undefined. */
export function modelPackageVersionOf(arn: string): number | undefined {
  const match = /model-package\/[^/]+\/(\d+)$/.exec(arn);
  return match ? Number(match[1]) : undefined;
}
