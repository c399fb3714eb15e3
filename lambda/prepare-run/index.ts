/**
 * "Prepare run" Lambda: the first state of the state machine. A thin adapter over core's
 * `prepareRunOutput`: reads the bucket names from the environment and answers `{ run }` for a valid
 * request or `{ rejection }` (every problem) for an invalid one. Only a wiring bug (no execution name)
 * or a missing environment variable throws.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { requireEnv } from '../../core/env';
import { type PrepareRunOutput, prepareRunOutput } from '../../core/prepare-run-output';

export type { PrepareRunOutput, RunRejection } from '../../core/prepare-run-output';
export type { Channel, PreparedRun, RunMode, RunSource } from '../../core/prepare-run';

/** What the state machine sends: the whole execution input and the execution name. */
export interface PrepareRunEvent {
  /** The execution input (`$`): the run request. */
  request: unknown;
  /** `$$.Execution.Name`: the run id derives from it. */
  executionName: string;
}

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'prepare-run' });

/**
 * Environment: DATA_BUCKET, ARTIFACT_BUCKET and RESOURCE_NAME_PREFIX (the stack's name prefix) (required), KMS_KEY_ARN (optional: key for training and
 * transform volumes).
 */
export const handler = async (event: PrepareRunEvent): Promise<PrepareRunOutput> => {
  const config = {
    dataBucket: requireEnv('DATA_BUCKET'),
    artifactBucket: requireEnv('ARTIFACT_BUCKET'),
    kmsKeyArn: process.env.KMS_KEY_ARN || undefined,
    namePrefix: requireEnv('RESOURCE_NAME_PREFIX'),
  };
  const executionName = event?.executionName;
  logger.appendKeys({ executionName });
  try {
    const output = prepareRunOutput(event?.request, executionName, config);
    if ('run' in output) {
      const { run } = output;
      logger.info('Prepared run', { runId: run.runId, mode: run.mode, source: run.source, names: run.names });
    } else {
      logger.warn('Rejected run request', { problems: output.rejection.problems, request: event?.request });
    }
    return output;
  } finally {
    logger.removeKeys(['executionName']);
  }
};
