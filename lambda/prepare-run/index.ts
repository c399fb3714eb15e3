/**
 * "Prepare run" Lambda: the first state of the state machine. A thin adapter over `prepareRun`: reads the
 * bucket names from the environment, validates the execution input and returns the prepared run, or fails
 * the execution with a `RunRequestError` that lists every problem of the request.
 */
import { requireEnv } from '../../core/env';
import { Logger } from '@aws-lambda-powertools/logger';
import { RunRequestError } from '../../core/problems';
import { type PreparedRun, prepareRun } from '../../core/prepare-run';

export type { Channel, PreparedRun, RunMode, RunSource } from '../../core/prepare-run';
export { InvalidEventError, RunRequestError, type Problem } from '../../core/problems';

/** What the state machine sends: the whole execution input and the execution name. */
export interface PrepareRunEvent {
  /** The execution input (`$`): the run request. */
  request: unknown;
  /** `$$.Execution.Name`: the run id derives from it. */
  executionName: string;
}

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'prepare-run' });

/**
 * Environment: DATA_BUCKET and ARTIFACT_BUCKET (required), KMS_KEY_ARN (optional: key for training and
 * transform volumes).
 * @throws RunRequestError when the request is invalid (the error cause lists every problem)
 */
export const handler = async (event: PrepareRunEvent): Promise<PreparedRun> => {
  const config = {
    dataBucket: requireEnv('DATA_BUCKET'),
    artifactBucket: requireEnv('ARTIFACT_BUCKET'),
    kmsKeyArn: process.env.KMS_KEY_ARN || undefined,
  };
  const executionName = event?.executionName;
  logger.appendKeys({ executionName });
  try {
    const run = prepareRun(event?.request, executionName, config);
    logger.info('Prepared run', { runId: run.runId, mode: run.mode, source: run.source, names: run.names });
    return run;
  } catch (error) {
    if (error instanceof RunRequestError) {
      logger.warn('Rejected run request', { problems: error.problems, request: event?.request });
    }
    throw error;
  } finally {
    logger.removeKeys(['executionName']);
  }
};
