import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { RunFailure } from '../../core/run-summary';
import { RUN_REQUEST_REJECTED_ERROR, STATE_NAMES } from '../../core/state-names';
import { at, parameters, passState, type PathRef } from './asl';
import { notification } from './notification';

/** Where a Catch puts the error: `$.error` keeps the state's input beside it. */
export type ErrorPath = '$.error';

/**
 * The one way a run fails: a failure record (`$.failure`, a `RunFailure`), exactly one failure
 * notification, and the `Run failed` state whose error and cause are the record's.
 */
export class FailurePath extends Construct {
  /** Sends the failure notification, then fails the execution. */
  readonly notifyFailure: sfn.TaskStateBase;

  constructor(scope: Construct, id: string, props: { topic: sns.ITopic }) {
    super(scope, id);
    const failure = (field: keyof RunFailure) => sfn.JsonPath.stringAt(`$.failure.${field}`);
    this.notifyFailure = notification(this, 'NotifyFailure', {
      stateName: STATE_NAMES.notifyFailure,
      topic: props.topic,
      outcome: 'failed',
      fields: {
        status: 'FAILED',
        executionArn: sfn.JsonPath.executionId,
        executionName: sfn.JsonPath.executionName,
        runId: failure('runId'),
        failedState: failure('state'),
        error: failure('error'),
        cause: failure('cause'),
        modelArtifacts: failure('modelArtifacts'),
      },
    });
    const failed = new sfn.Fail(this, 'RunFailed', {
      stateName: STATE_NAMES.failed,
      errorPath: '$.failure.error',
      causePath: '$.failure.cause',
    });
    // A notification that cannot be sent must not hide the run's own error.
    this.notifyFailure.addCatch(failed, { errors: ['States.ALL'], resultPath: '$.notificationError' });
    this.notifyFailure.next(failed);
  }

  /**
   * Routes every error of `state` to a failure record naming it (error and cause prefixed with the
   * state's name, the run id from `$.run`), then to the notification and `Run failed`.
   * @param options.about a request field the cause names with its value, e.g. `baseTrainingJob` at `$.run.baseTrainingJob`
   */
  catchErrorsOf(
    state: { addCatch(handler: sfn.IChainable, props?: sfn.CatchProps): unknown },
    stateName: string,
    options: { spotWaitExceeded?: boolean; about?: { field: string; path: string } } = {},
  ): void {
    const cause = options.about
      ? `States.Format('${stateName} failed (${options.about.field} {}): {}', ${options.about.path}, $.error.Cause)`
      : `States.Format('${stateName} failed: {}', $.error.Cause)`;
    const record = passState(
      this,
      `${stateName} failed`,
      parameters<keyof RunFailure>({
        state: stateName,
        runId: at('$.run.runId'),
        error: at(`States.Format('${stateName} failed: {}', $.error.Error)`),
        cause: at(cause),
        modelArtifacts: null,
      }),
      '$.failure',
    );
    record.next(this.notifyFailure);
    const handler = options.spotWaitExceeded ? this.explainSpotWaitExceeded(stateName, record) : record;
    state.addCatch(handler, { errors: ['States.ALL'], resultPath: '$.error' });
  }

  /**
   * A managed spot training job that did not finish within MaxWaitTimeInSeconds ends Stopped with
   * SecondaryStatus `MaxWaitTimeExceeded`; the `.sync` task fails with the DescribeTrainingJob answer as
   * its Cause. That failure gets a record of its own that says so in words and what to do; every other
   * failure goes to `otherwise`.
   */
  private explainSpotWaitExceeded(stateName: string, otherwise: sfn.IChainable): sfn.Choice {
    const record = passState(
      this,
      STATE_NAMES.spotWaitExceeded,
      parameters<keyof RunFailure>({
        state: stateName,
        runId: at('$.run.runId'),
        error: `${stateName} failed: MaxWaitTimeExceeded`,
        // States.Format: no braces or single quotes in the literal text.
        cause: at(
          `States.Format('${stateName} failed: the spot training job did not finish within training.maxWaitTimeInSeconds ` +
            '(MaxWaitTimeExceeded): spot capacity was short, or interruptions took the time. Run it again on demand ' +
            '(training.spot false), or allow a longer wait (a larger training.maxWaitTimeInSeconds). Its checkpoints are in {}. ' +
            "SageMaker: {}', $.run.training.checkpointUri, $.error.Cause)",
        ),
        modelArtifacts: null,
      }),
      '$.failure',
    );
    record.next(this.notifyFailure);
    return new sfn.Choice(this, STATE_NAMES.trainingOutOfSpotTime)
      .when(
        sfn.Condition.and(
          sfn.Condition.isPresent('$.error.Cause'),
          sfn.Condition.stringMatches('$.error.Cause', '*MaxWaitTimeExceeded*'),
        ),
        record,
      )
      .otherwise(otherwise);
  }

  /**
   * Errors of `Prepare run` itself (a Lambda fault, not a bad request): its input, the raw request,
   * may not even be an object, so the Catch replaces it with the error (no ResultPath) and the record
   * has no run id.
   */
  catchErrorsOfFirstState(state: { addCatch(handler: sfn.IChainable, props?: sfn.CatchProps): unknown }, stateName: string): void {
    const record = passState(
      this,
      `${stateName} failed`,
      parameters<keyof RunFailure>({
        state: stateName,
        runId: null,
        error: at(`States.Format('${stateName} failed: {}', $.Error)`),
        cause: at(`States.Format('${stateName} failed: {}', $.Cause)`),
        modelArtifacts: null,
      }),
      '$.failure',
    );
    record.next(this.notifyFailure);
    state.addCatch(record, { errors: ['States.ALL'] });
  }

  /**
   * A run request that Prepare run rejected (`$.rejection`): the user's mistake, not a fault. It gets
   * the failure notification and fails with `RunRequestRejected`, which the executions-failed alarm
   * leaves out; no Lambda error is raised for it.
   */
  rejectedRequest(): sfn.IChainable {
    return passState(
      this,
      STATE_NAMES.requestRejected,
      parameters<keyof RunFailure>({
        state: STATE_NAMES.prepareRun,
        runId: null,
        error: RUN_REQUEST_REJECTED_ERROR,
        cause: at('$.rejection.cause'),
        modelArtifacts: null,
      }),
      '$.failure',
    ).next(this.notifyFailure);
  }

  /**
   * A failure record of its own (`$.failure`) for a failure the state machine finds itself, not a task's
   * error: the accuracy gate, a base training job that does not fit. Then the notification and `Run failed`.
   * `cause` is usually a `States.Format` intrinsic (`at(…)`): no braces or single quotes in its literal text.
   */
  fail(stateName: string, record: { readonly [K in keyof RunFailure]: PathRef | string | null }): sfn.CustomState {
    const state = passState(this, stateName, parameters<keyof RunFailure>(record), '$.failure');
    state.next(this.notifyFailure);
    return state;
  }
}
