import { Match, Template } from 'aws-cdk-lib/assertions';
import { logicalIdOf, pipelineTemplate, synthPipeline } from '../support/synth';

let template: Template;
let keyId: string;
let topicId: string;
const keyArn = () => ({ 'Fn::GetAtt': [keyId, 'Arn'] });

beforeAll(() => {
  template = synthPipeline({ notificationEmail: 'ml-team@example.com' }).template;
  keyId = logicalIdOf(template, 'AWS::KMS::Key', 'PipelineKey');
  topicId = logicalIdOf(template, 'AWS::SNS::Topic', 'NotificationTopic');
});

describe('encryption', () => {
  test('one customer-managed key, rotated, retained with the data it protects', () => {
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true },
      DeletionPolicy: 'Retain',
    });
  });

  test('the key lets CloudWatch Logs use it only for this account\'s log groups, alarms only from this account, and EventBridge not at all', () => {
    const statements = template.findResources('AWS::KMS::Key')[keyId]?.Properties.KeyPolicy.Statement as Array<Record<string, any>>;
    const logs = statements.find((s) => s.Sid === 'CloudWatchLogsEncryption');
    // logs.<region>.<partition's domain>: amazonaws.com, or amazonaws.com.cn in China.
    expect(logs?.Principal).toEqual({ Service: { 'Fn::Join': ['', ['logs.us-east-1.', { Ref: 'AWS::URLSuffix' }]] } });
    expect(JSON.stringify(logs?.Condition)).toContain('kms:EncryptionContext:aws:logs:arn');
    expect(statements.find((s) => s.Sid === 'CloudWatchAlarmsPublish')?.Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': '111122223333' },
    });
    // The run request dead-letter queue is SSE-SQS (lib/run-request-trigger.ts says why).
    expect(statements.some((s) => JSON.stringify(s.Principal ?? {}).includes('events.amazonaws.com'))).toBe(false);
  });

  test('the topic and every log group use the key; the dead-letter queue uses SQS-managed encryption', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: keyArn() });
    template.resourceCountIs('AWS::SQS::Queue', 1);
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, KmsMasterKeyId: Match.absent() });
    const logGroups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(logGroups.length).toBeGreaterThanOrEqual(4);
    for (const logGroup of logGroups) {
      expect(logGroup.Properties.KmsKeyId).toEqual(keyArn());
      expect(logGroup.Properties.RetentionInDays).toBeGreaterThan(0);
      expect(logGroup.DeletionPolicy).toBe('Retain');
    }
  });

  test('the topic and the queue refuse requests without TLS', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });
});

describe('notifications and alarms', () => {
  test('the email given at deploy time is subscribed to the topic', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ml-team@example.com',
      TopicArn: { Ref: topicId },
    });
    const withoutEmail = pipelineTemplate();
    withoutEmail.resourceCountIs('AWS::SNS::Subscription', 0);
    withoutEmail.resourceCountIs('AWS::SNS::Topic', 1);
  });

  test('the topic lets CloudWatch alarms of this account publish to it', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'CloudWatchAlarmsPublish',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: {
              StringEquals: { 'aws:SourceAccount': '111122223333' },
              ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:*' },
            },
          }),
        ]),
      },
    });
  });

  test('an alarm on failed runs, counted from the execution log without rejected requests, sends to the topic', () => {
    const logGroupId = logicalIdOf(template, 'AWS::Logs::LogGroup', 'PipelineExecutionLogs');
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: logGroupId },
      FilterPattern: '{ ($.type = "ExecutionFailed") && ($.details.error != "RunRequestRejected") }',
      MetricTransformations: [{ MetricName: 'FailedRunsExceptRejectedRequests', MetricNamespace: 'ic-pipeline/TestPipeline', MetricValue: '1' }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'FailedRunsExceptRejectedRequests',
      Namespace: 'ic-pipeline/TestPipeline',
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: topicId }],
    });
    // Step Functions' own ExecutionsFailed would count every rejected request as well.
    expect(template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'ExecutionsFailed' } })).toEqual({});
  });

  test.each([
    ['ExecutionsTimedOut', 'AWS/States'],
    ['ExecutionsAborted', 'AWS/States'],
  ])('an alarm on %s sends to the topic', (metricName, namespace) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: metricName,
      Namespace: namespace,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: topicId }],
      Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: logicalIdOf(template, 'AWS::StepFunctions::StateMachine', 'PipelineStateMachine') } }],
    });
  });

  test('every Lambda has an errors alarm that sends to the topic', () => {
    const functions = Object.keys(template.findResources('AWS::Lambda::Function')).filter((id) => !id.startsWith('BucketNotificationsHandler'));
    expect(functions).toHaveLength(3);
    for (const fn of functions) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'Errors',
        Namespace: 'AWS/Lambda',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: fn } }],
        AlarmActions: [{ Ref: topicId }],
      });
    }
  });

  test('a message in the run-request dead-letter queue raises an alarm', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::SQS::Queue', 'RunRequestTrigger'), 'QueueName'] } }],
      AlarmActions: [{ Ref: topicId }],
    });
  });
});

describe('Lambdas', () => {
  test('every pipeline Lambda runs Node.js 24 with X-Ray tracing and JSON logs in its own log group', () => {
    const functions = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([id]) => !id.startsWith('BucketNotificationsHandler'));
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.any(String) } },
      });
    }
  });

  test('no pipeline Lambda role uses a managed policy', () => {
    const roles = Object.entries(template.findResources('AWS::IAM::Role')).filter(([id]) => !id.startsWith('BucketNotificationsHandler'));
    for (const [, role] of roles) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });
});

describe('the S3 run-request trigger in the stack', () => {
  test('matches requests/*.json uploads in the data bucket only, and targets start-run with a DLQ', () => {
    const dataBucket = logicalIdOf(template, 'AWS::S3::Bucket', 'StorageDataBucket');
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: [{ Ref: dataBucket }] }, object: { key: [{ wildcard: 'requests/*.json' }] } },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::Lambda::Function', 'RunRequestTriggerFunction'), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::SQS::Queue', 'RunRequestTrigger'), 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 7200 },
        }),
      ],
    });
  });

  test('start-run may start only the pipeline state machine', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: logicalIdOf(template, 'AWS::StepFunctions::StateMachine', 'PipelineStateMachine') } },
        ]),
      },
    });
  });
});
