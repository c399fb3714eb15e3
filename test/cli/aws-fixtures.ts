// The SDK's Node.js 22 notice is noise in test output (the project supports Node.js 20).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { type HistoryEvent, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsDeps } from '../../cli/aws/clients';
import { tuningJobName } from '../../core/names';
import { bufferOutput } from '../support/output';
import { runCommand } from '../../cli/run-command';

/** Realistic answers of a deployed pipeline in eu-west-1, and mocked clients to give them. */
export const REGION = 'eu-west-1';
export const ACCOUNT = '111122223333';
export const STATE_MACHINE_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:PipelineStateMachine8C4D1D8B-Qx1kLr0Ab2Cd`;
export const DATA_BUCKET = 'imageclassificationpipeline-storagedatabucket3f2a1b7c-1x2y3z4w5v6u';
export const ARTIFACT_BUCKET = 'imageclassificationpipeline-storageartifactbucket9e8d-7t6s5r4q3p2o';
export const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`;
export const executionArn = (name: string) => `arn:aws:states:${REGION}:${ACCOUNT}:execution:PipelineStateMachine8C4D1D8B-Qx1kLr0Ab2Cd:${name}`;

export function stackAnswer() {
  return {
    Stacks: [
      {
        StackName: 'ImageClassificationPipeline',
        StackStatus: 'CREATE_COMPLETE' as const,
        CreationTime: new Date('2026-11-20T09:00:00Z'),
        Outputs: [
          { OutputKey: 'DataBucketName', OutputValue: DATA_BUCKET },
          { OutputKey: 'ArtifactBucketName', OutputValue: ARTIFACT_BUCKET },
          { OutputKey: 'StateMachineArn', OutputValue: STATE_MACHINE_ARN },
          { OutputKey: 'EncryptionKeyArn', OutputValue: KEY_ARN },
          { OutputKey: 'NotificationTopicArn', OutputValue: `arn:aws:sns:${REGION}:${ACCOUNT}:ImageClassificationPipeline-NotificationTopic-abc` },
        ],
      },
    ],
  };
}

/** An AWS SDK error as the clients throw it (name, message, $fault). */
export function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

export const NOW = new Date('2026-11-28T10:15:00Z');

export function mockedAws() {
  const clients = {
    cloudFormation: new CloudFormationClient({ region: REGION }),
    sfn: new SFNClient({ region: REGION }),
    sagemaker: new SageMakerClient({ region: REGION }),
    s3: new S3Client({ region: REGION }),
    logs: new CloudWatchLogsClient({ region: REGION }),
  };
  const mocks = {
    cloudFormation: mockClient(clients.cloudFormation),
    sfn: mockClient(clients.sfn),
    sagemaker: mockClient(clients.sagemaker),
    s3: mockClient(clients.s3),
    logs: mockClient(clients.logs),
  };
  mocks.cloudFormation.on(DescribeStacksCommand).resolves(stackAnswer());
  const sleeps: number[] = [];
  const deps: AwsDeps = {
    ...clients,
    region: REGION,
    now: () => NOW,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  };
  return { deps, mocks, sleeps };
}

/** Runs a command the way bin/ic-pipeline.ts does, capturing its output. */
export async function capture(json: boolean, command: (out: ReturnType<typeof bufferOutput>) => Promise<number>) {
  const out = bufferOutput({ json });
  const code = await runCommand(out, () => command(out));
  return { code, stdout: out.stdout(), stderr: out.stderr() };
}

/** History events of a run, oldest first, as GetExecutionHistory gives them. */
export function history(states: { entered: string; exited?: boolean; output?: unknown }[]): HistoryEvent[] {
  const events: HistoryEvent[] = [{ id: 1, type: 'ExecutionStarted', timestamp: new Date('2026-11-28T10:00:00Z') }];
  for (const state of states) {
    events.push({
      id: events.length + 1,
      type: 'TaskStateEntered',
      timestamp: new Date('2026-11-28T10:00:01Z'),
      stateEnteredEventDetails: { name: state.entered, input: '{}' },
    });
    if (state.exited) {
      events.push({
        id: events.length + 1,
        type: 'TaskStateExited',
        timestamp: new Date('2026-11-28T10:00:02Z'),
        stateExitedEventDetails: { name: state.entered, output: JSON.stringify(state.output ?? {}) },
      });
    }
  }
  return events;
}

/** What Prepare run returns (the part the status command reads). */
export function preparedOutput(runId: string) {
  return { run: { runId, mode: 'full', names: { trainingJob: runId, model: runId, transformJob: runId, tuningJob: tuningJobName(runId) } } };
}
