import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { RUN_REQUEST_REJECTED_ERROR } from '../core/state-names';

export interface PipelineAlarmsProps {
  /** The pipeline state machine. */
  readonly stateMachine: sfn.IStateMachine;
  /** The state machine's execution log group (level ALL): failed runs are counted from it. */
  readonly executionLogGroup: logs.ILogGroup;
  /** The pipeline's Lambdas, by a short name used in the alarm descriptions. */
  readonly functions: Record<string, lambda.IFunction>;
  /** Queue of run request events that could not be turned into executions. */
  readonly deadLetterQueue: sqs.IQueue;
  /** Where alarms send their state changes. */
  readonly topic: sns.ITopic;
  /**
   * How often alarms evaluate their metric.
   * @default Duration.minutes(5)
   */
  readonly period?: Duration;
}

/**
 * One alarm per thing that needs a person: runs that failed, timed out or were aborted, a Lambda
 * that failed, and run requests stuck in the dead-letter queue. Each sends ALARM to the topic;
 * docs/operations.md ("Notifications and alarms") says what each means and what to do.
 *
 * Every alarm fires on a single occurrence (threshold 1): runs are few and each costs real money,
 * so one failure is worth a look. No data means nothing happened, which is not breaching.
 */
export class PipelineAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    const period = props.period ?? Duration.minutes(5);
    const action = new actions.SnsAction(props.topic);
    const alarm = (alarmId: string, metric: cloudwatch.IMetric, description: string) => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(action);
      this.alarms.push(created);
    };

    alarm('ExecutionsFailed', this.failedRunsMetric(props.executionLogGroup, period),
      'A pipeline run failed (a rejected run request does not count: its author gets the failure notification). ' +
        'The failure notification and the execution\'s "Run failed" state say which state failed and why.');
    alarm('ExecutionsTimedOut', props.stateMachine.metricTimedOut({ period, statistic: 'Sum' }),
      'A pipeline run hit the state machine timeout: a SageMaker job hung or waited for capacity too long.');
    alarm('ExecutionsAborted', props.stateMachine.metricAborted({ period, statistic: 'Sum' }),
      'A pipeline run was stopped by hand (StopExecution); its SageMaker job was asked to stop.');
    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(`${pascal(name)}Errors`, fn.metricErrors({ period, statistic: 'Sum' }),
        `The ${name} Lambda failed an invocation. See its log group for the error.`);
    }
    alarm('RunRequestsDeadLettered', props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
      'A run request upload could not be turned into an execution after retries; the event is in the dead-letter queue.');
  }

  private failedRunsMetric(logGroup: logs.ILogGroup, period: Duration): cloudwatch.IMetric {
    const filter = new logs.MetricFilter(this, 'FailedRunsFilter', {
      logGroup,
      filterPattern: logs.FilterPattern.all(
        logs.FilterPattern.stringValue('$.type', '=', 'ExecutionFailed'),
        logs.FilterPattern.stringValue('$.details.error', '!=', RUN_REQUEST_REJECTED_ERROR),
      ),
      metricNamespace: `ic-pipeline/${Stack.of(this).stackName}`,
      metricName: FAILED_RUNS_METRIC,
      metricValue: '1',
    });
    return filter.metric({ period, statistic: 'Sum' });
  }
}

/**
 * Failed runs other than rejected requests. Step Functions' own ExecutionsFailed metric counts every
 * failed execution, including a request with a typo, which is its author's mistake, not an operational
 * fault; so the count comes from the execution log's `ExecutionFailed` events, leaving out the error
 * `RunRequestRejected`.
 */
const FAILED_RUNS_METRIC = 'FailedRunsExceptRejectedRequests';

function pascal(name: string): string {
  return name.split(/[^A-Za-z0-9]/).filter(Boolean).map((part) => part[0]?.toUpperCase() + part.slice(1)).join('');
}
