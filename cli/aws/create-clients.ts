/**
 * The real AWS clients of a command: every call has a timeout, `--profile` and `--region` apply to all of
 * them, and a custom S3 endpoint (LocalStack, MinIO, a test server) gets path-style addressing.
 * bin/ic-pipeline.ts loads this module only when a command that calls AWS runs.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { AwsDeps } from './clients';

/**
 * Timeouts of every AWS call. The SDK has none by default, so a half-open connection (a laptop that
 * changed networks, a dropped VPN) hangs a command forever. An attempt that times out is retried by the
 * SDK like any transient error, then the command ends with exit code 3.
 */
export const AWS_TIMEOUTS = {
  /** Establishing the TCP/TLS connection. */
  connectMs: 5_000,
  /** A socket with no bytes in either direction for this long is given up. */
  idleMs: 30_000,
  /** One request and its whole response (the largest are images and prediction files of a few MB). */
  requestMs: 120_000,
} as const;

/** Attempts per call (the first and two retries, with the SDK's backoff), as the SDK's standard mode. */
export const AWS_MAX_ATTEMPTS = 3;

export interface ClientOptions {
  /** @default - AWS_REGION, AWS_DEFAULT_REGION, or the profile's Region */
  readonly region?: string;
  /** A profile of ~/.aws/config and ~/.aws/credentials. @default - AWS_PROFILE, else the default profile */
  readonly profile?: string;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** @default AWS_TIMEOUTS */
  readonly timeouts?: { readonly connectMs: number; readonly idleMs: number; readonly requestMs: number };
  /** @default AWS_MAX_ATTEMPTS */
  readonly maxAttempts?: number;
  readonly signal?: AbortSignal;
}

/** Host names of AWS's own endpoints, in every partition. */
const AWS_HOST = /(^|\.)(amazonaws\.com|amazonaws\.com\.cn|api\.aws|c2s\.ic\.gov|sc2s\.sgov\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)$/i;

/**
 * The S3 endpoint of the environment (`AWS_ENDPOINT_URL_S3`, else `AWS_ENDPOINT_URL`, which the SDK reads
 * itself), and whether it needs path-style addressing: a host that is not AWS (LocalStack, MinIO,
 * 127.0.0.1) has no `<bucket>.<host>` names, so buckets go in the path.
 */
export function s3EndpointOf(env: NodeJS.ProcessEnv): { endpoint?: string; forcePathStyle: boolean } {
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  if (endpoint === undefined) return { forcePathStyle: false };
  let host: string;
  try {
    host = new URL(endpoint).hostname;
  } catch {
    return { endpoint, forcePathStyle: false }; // the SDK reports the malformed URL itself
  }
  return { endpoint, forcePathStyle: !AWS_HOST.test(host) };
}

/** The clients of one command. */
export function createAwsDeps(options: ClientOptions = {}): AwsDeps {
  const env = options.env ?? process.env;
  const timeouts = options.timeouts ?? AWS_TIMEOUTS;
  const config = {
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    maxAttempts: options.maxAttempts ?? AWS_MAX_ATTEMPTS,
    requestHandler: {
      connectionTimeout: timeouts.connectMs,
      socketTimeout: timeouts.idleMs,
      requestTimeout: timeouts.requestMs,
      throwOnRequestTimeout: true,
    },
  };
  const s3 = s3EndpointOf(env);
  return {
    cloudFormation: new CloudFormationClient(config),
    sfn: new SFNClient(config),
    sagemaker: new SageMakerClient(config),
    sagemakerRuntime: new SageMakerRuntimeClient(config),
    s3: new S3Client({ ...config, ...(s3.forcePathStyle ? { forcePathStyle: true } : {}) }),
    logs: new CloudWatchLogsClient(config),
    region: options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
    ...(options.signal ? { signal: options.signal } : {}),
  };
}
