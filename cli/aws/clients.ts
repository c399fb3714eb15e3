import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import type { SFNClient } from '@aws-sdk/client-sfn';

/** The AWS clients and clock a command uses; tests pass aws-sdk-client-mock'ed clients and a fake clock. */
export interface AwsDeps {
  readonly cloudFormation: CloudFormationClient;
  readonly sfn: SFNClient;
  readonly sagemaker: SageMakerClient;
  readonly s3: S3Client;
  /** InvokeEndpoint (`predict`). @default - none: only `predict` needs it */
  readonly sagemakerRuntime?: SageMakerRuntimeClient;
  /** The SageMaker jobs' logs (`logs`, and the last epoch in `status`). @default - no log is read */
  readonly logs?: CloudWatchLogsClient;
  /** The Region the clients use, for messages. */
  readonly region?: string;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** Waits between polls of `--wait`. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Aborted on Ctrl-C: a command that waits stops waiting and says how to resume. @default - never */
  readonly signal?: AbortSignal;
}

export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
