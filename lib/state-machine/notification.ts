import { Aws, Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { consoleUrl, EXECUTION_FRAGMENT_PREFIX } from '../../core/console-url';
import { consoleOrigin } from '../console-origin';
import { SNS_RETRY } from '../retry-policies';

/** Per-call timeout of the Lambda states and of the notification states. */
export const SHORT_TASK_TIMEOUT = Duration.minutes(2);

/**
 * One notification on the topic: the subject names the run's outcome and execution, the message
 * carries `fields` and a console link that works in the stack's partition. SNS hiccups are retried;
 * the result is discarded.
 */
export function notification(
  scope: Construct,
  id: string,
  props: { stateName: string; topic: sns.ITopic; outcome: 'failed' | 'succeeded'; fields: Record<string, unknown> },
): tasks.SnsPublish {
  const task = new tasks.SnsPublish(scope, id, {
    stateName: props.stateName,
    topic: props.topic,
    subject: sfn.JsonPath.format(`Run ${props.outcome}: {}`, sfn.JsonPath.executionName),
    message: sfn.TaskInput.fromObject({ ...props.fields, console: executionConsoleLink(scope) }),
    resultPath: sfn.JsonPath.DISCARD,
    taskTimeout: sfn.Timeout.duration(SHORT_TASK_TIMEOUT),
  });
  task.addRetry(SNS_RETRY);
  return task;
}

/** A JSONPath intrinsic that renders the console link of the current execution. */
function executionConsoleLink(scope: Construct): string {
  return sfn.JsonPath.format(
    consoleUrl(consoleOrigin(scope), Aws.REGION, 'states/home', `${EXECUTION_FRAGMENT_PREFIX}{}`),
    sfn.JsonPath.executionId,
  );
}
