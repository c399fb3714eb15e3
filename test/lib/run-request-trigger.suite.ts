import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  FUNCTION_MAX_EVENT_AGE,
  FUNCTION_RETRY_ATTEMPTS,
  RULE_TARGET_MAX_EVENT_AGE,
  RULE_TARGET_RETRY_ATTEMPTS,
  RunRequestTrigger,
  type RunRequestTriggerProps,
} from '../../lib/run-request-trigger';
import type { IConstruct } from 'constructs';
import { UNIT_TEST_CONTEXT } from '../support/synth';

/** An App without cdk.json's feature flags, the validator or bundling: the trigger on its own. */
const bareApp = (outdir?: string) => new App({ outdir, builtinCloudFormationValidation: false, context: { ...UNIT_TEST_CONTEXT } });

/** Logical id of the CloudFormation resource behind an L2 construct. */
function logicalId(construct: IConstruct): string {
  return Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
}

interface Fixture {
  readonly stack: Stack;
  readonly template: Template;
  readonly trigger: RunRequestTrigger;
  readonly bucketLogicalId: string;
  readonly stateMachineLogicalId: string;
}

/** A tiny stack: a data bucket, a one-state state machine and the trigger under test. */
function synth(
  options: {
    readonly eventBridgeEnabled?: boolean;
    readonly bucketKey?: boolean;
    readonly props?: Partial<RunRequestTriggerProps>;
  } = {},
): Fixture {
  const stack = new Stack(bareApp(), 'TestStack');
  const bucket = new s3.Bucket(stack, 'DataBucket', {
    eventBridgeEnabled: options.eventBridgeEnabled ?? true,
    ...(options.bucketKey ? { encryption: s3.BucketEncryption.KMS, encryptionKey: new kms.Key(stack, 'BucketKey') } : {}),
  });
  const stateMachine = new sfn.StateMachine(stack, 'StateMachine', {
    definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Prepare run')),
  });
  const trigger = new RunRequestTrigger(stack, 'RunRequestTrigger', {
    dataBucket: bucket,
    stateMachine,
    ...options.props,
  });
  return {
    stack,
    template: Template.fromStack(stack),
    trigger,
    bucketLogicalId: logicalId(bucket),
    stateMachineLogicalId: logicalId(stateMachine),
  };
}

let defaultFixture: Fixture | undefined;

/** The default tiny stack, synthesized once for the tests that only read it. */
function synthDefault(): Fixture {
  defaultFixture ??= synth();
  return defaultFixture;
}

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

/** Every statement of the IAM policies attached to the start-run function's role. */
function functionRoleStatements(fixture: Fixture): Statement[] {
  const roleLogicalId = logicalId(fixture.trigger.function.role!);
  const policies = fixture.template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: Match.arrayWith([{ Ref: roleLogicalId }]) },
  });
  return Object.values(policies).flatMap(
    (policy) => (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
  );
}

function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

function resourcesOf(statement: Statement): unknown[] {
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}

describe('RunRequestTrigger', () => {
  describe('event routing', () => {
    it('turns on EventBridge notifications of the data bucket', () => {
      const { template, bucketLogicalId } = synthDefault();
      template.hasResourceProperties('Custom::S3BucketNotifications', {
        BucketName: { Ref: bucketLogicalId },
        NotificationConfiguration: { EventBridgeConfiguration: {} },
      });
    });

    it('turns on EventBridge notifications even when the bucket was created without them', () => {
      const { template, bucketLogicalId } = synth({ eventBridgeEnabled: false });
      template.resourceCountIs('Custom::S3BucketNotifications', 1);
      template.hasResourceProperties('Custom::S3BucketNotifications', {
        BucketName: { Ref: bucketLogicalId },
        NotificationConfiguration: { EventBridgeConfiguration: {} },
      });
    });

    it('matches exactly Object Created events for requests/*.json in the data bucket', () => {
      const { template, bucketLogicalId } = synthDefault();
      template.resourceCountIs('AWS::Events::Rule', 1);
      template.hasResourceProperties('AWS::Events::Rule', {
        State: 'ENABLED',
        EventPattern: Match.exact({
          source: ['aws.s3'],
          'detail-type': ['Object Created'],
          detail: {
            bucket: { name: [{ Ref: bucketLogicalId }] },
            object: { key: [{ wildcard: 'requests/*.json' }] },
          },
        }),
      });
    });

    it('uses the configured prefix in the pattern, the permissions and the function environment', () => {
      const fixture = synth({ props: { prefix: 'incoming/runs/' } });
      fixture.template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: { detail: { object: { key: [{ wildcard: 'incoming/runs/*.json' }] } } },
      });
      fixture.template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ REQUEST_PREFIX: 'incoming/runs/' }) },
      });
      const s3Statement = functionRoleStatements(fixture).find((s) => actionsOf(s).includes('s3:GetObject'));
      expect(resourcesOf(s3Statement!)).toContainEqual({
        'Fn::Join': ['', [{ 'Fn::GetAtt': [fixture.bucketLogicalId, 'Arn'] }, '/incoming/runs/*']],
      });
    });

    it.each(['', 'requests', '/requests/', 'req*/', 'a\\b/'])('rejects the prefix %p', (prefix) => {
      expect(() => synth({ props: { prefix } })).toThrow(/prefix must be a folder such as 'requests\/'/);
    });

    it('targets the start-run function with a retry policy and the dead-letter queue', () => {
      const { template, trigger } = synthDefault();
      const functionLogicalId = logicalId(trigger.function);
      const queueLogicalId = logicalId(trigger.deadLetterQueue);
      template.hasResourceProperties('AWS::Events::Rule', {
        Targets: [
          {
            Id: Match.anyValue(),
            Arn: { 'Fn::GetAtt': [functionLogicalId, 'Arn'] },
            RetryPolicy: {
              MaximumRetryAttempts: RULE_TARGET_RETRY_ATTEMPTS,
              MaximumEventAgeInSeconds: RULE_TARGET_MAX_EVENT_AGE.toSeconds(),
            },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueLogicalId, 'Arn'] } },
          },
        ],
      });
      expect(RULE_TARGET_RETRY_ATTEMPTS).toBe(10);
      expect(RULE_TARGET_MAX_EVENT_AGE.toSeconds()).toBe(7200);
    });

    it('lets only this rule invoke the function', () => {
      const { template, trigger } = synthDefault();
      template.resourceCountIs('AWS::Lambda::Permission', 1);
      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [logicalId(trigger.rule), 'Arn'] },
      });
    });

    it('retries failed invocations of the function and then sends them to the same dead-letter queue', () => {
      const { template, trigger } = synthDefault();
      const queueLogicalId = logicalId(trigger.deadLetterQueue);
      // EventBridge invokes Lambda asynchronously: errors thrown by the handler are retried by Lambda.
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        MaximumRetryAttempts: FUNCTION_RETRY_ATTEMPTS,
        MaximumEventAgeInSeconds: FUNCTION_MAX_EVENT_AGE.toSeconds(),
      });
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [queueLogicalId, 'Arn'] } },
      });
    });
  });

  describe('dead-letter queue', () => {
    it('is encrypted with SQS-managed keys, keeps messages 14 days and refuses plain HTTP', () => {
      const { template } = synthDefault();
      template.resourceCountIs('AWS::SQS::Queue', 1);
      template.hasResourceProperties('AWS::SQS::Queue', {
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 14 * 24 * 3600,
      });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sqs:*',
              Principal: { AWS: '*' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    });

    it('accepts messages from EventBridge only for this rule', () => {
      const { template, trigger } = synthDefault();
      const ruleLogicalId = logicalId(trigger.rule);
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Allow',
              Action: 'sqs:SendMessage',
              Principal: { Service: 'events.amazonaws.com' },
              Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleLogicalId, 'Arn'] } } },
            }),
          ]),
        },
      });
    });

    // EventBridge writes dead letters as events.amazonaws.com; with a KMS-encrypted queue that takes a key policy
    // statement whose condition EventBridge may not satisfy (AWS documents that conditions cannot be used for it in
    // SNS topic policies: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions),
    // and naming this queue in the key policy would be a dependency cycle. SSE-SQS needs no key policy at all.
    it('keeps the queue on SQS-managed encryption when given a KMS key, and gives EventBridge no use of the key', () => {
      const stack = new Stack(bareApp(), 'TestStack');
      const key = new kms.Key(stack, 'QueueKey');
      new RunRequestTrigger(stack, 'RunRequestTrigger', {
        dataBucket: new s3.Bucket(stack, 'DataBucket', { eventBridgeEnabled: true }),
        stateMachine: new sfn.StateMachine(stack, 'StateMachine', {
          definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Prepare run')),
        }),
        encryptionKey: key,
      });
      const template = Template.fromStack(stack);
      const keyLogicalId = logicalId(key);

      template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, KmsMasterKeyId: Match.absent() });
      const keyPolicy = JSON.stringify(template.findResources('AWS::KMS::Key')[keyLogicalId]?.Properties.KeyPolicy);
      expect(keyPolicy).not.toContain('events.amazonaws.com');
      // The key still encrypts the function's logs.
      template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [keyLogicalId, 'Arn'] } });
    });
  });

  describe('function', () => {
    it('runs Node.js 24 on ARM with tracing and the environment the handler needs', () => {
      const { template, bucketLogicalId, stateMachineLogicalId } = synthDefault();
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: 256,
        Timeout: 30,
        TracingConfig: { Mode: 'Active' },
        Environment: {
          Variables: Match.exact({
            STATE_MACHINE_ARN: { Ref: stateMachineLogicalId },
            DATA_BUCKET: { Ref: bucketLogicalId },
            REQUEST_PREFIX: 'requests/',
            POWERTOOLS_SERVICE_NAME: 'start-run',
            NODE_OPTIONS: '--enable-source-maps',
          }),
        },
      });
    });

    it('may read objects only under requests/ and start only this state machine', () => {
      const fixture = synthDefault();
      const statements = functionRoleStatements(fixture);
      const bucketArn = { 'Fn::GetAtt': [fixture.bucketLogicalId, 'Arn'] };
      const requestsArn = { 'Fn::Join': ['', [bucketArn, '/requests/*']] };

      for (const statement of statements) {
        expect(statement.Effect).toBe('Allow');
        for (const action of actionsOf(statement)) {
          expect(action).not.toBe('*');
          expect(action).not.toMatch(/:\*$/);
        }
      }

      // Object reads only under requests/*, and listing (of objects and of versions) only of that prefix. S3
      // answers a GetObject of a missing object with 403, not 404, to a caller without s3:ListBucket
      // (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html, Permissions): the function then
      // lists the versions of that key (ListObjectVersions needs s3:ListBucketVersions,
      // https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html) to tell a deleted file.
      const s3Statements = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
      expect(s3Statements).toEqual([
        { Sid: 'ReadRunRequests', Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: requestsArn },
        {
          Sid: 'ListRunRequests',
          Effect: 'Allow',
          Action: ['s3:ListBucket', 's3:ListBucketVersions'],
          Resource: bucketArn,
          Condition: { StringLike: { 's3:prefix': 'requests/*' } },
        },
      ]);

      const statesStatements = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('states:')));
      expect(statesStatements).toEqual([
        { Effect: 'Allow', Action: 'states:StartExecution', Resource: { Ref: fixture.stateMachineLogicalId } },
      ]);

      // The only other permissions: its own log group, its own DLQ and X-Ray tracing.
      const others = statements.filter(
        (s) => !s3Statements.includes(s) && !statesStatements.includes(s) && !actionsOf(s).every((a) => a.startsWith('logs:')),
      );
      expect(others).toEqual(
        expect.arrayContaining([
          {
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Resource: { 'Fn::GetAtt': [logicalId(fixture.trigger.deadLetterQueue), 'Arn'] },
          },
          // X-Ray has no resource-level permissions: "*" is the only Resource it accepts.
          { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' },
        ]),
      );
      expect(others).toHaveLength(2);
      const wildcardResources = statements.filter((s) => resourcesOf(s).includes('*'));
      expect(wildcardResources.flatMap(actionsOf)).toEqual(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']);
    });

    it('may decrypt with the data bucket key when the bucket is KMS-encrypted', () => {
      const fixture = synth({ bucketKey: true });
      const kmsStatements = functionRoleStatements(fixture).filter((s) => actionsOf(s).some((a) => a.startsWith('kms:')));
      expect(kmsStatements).toHaveLength(1);
      expect(actionsOf(kmsStatements[0]!)).toContain('kms:Decrypt');
      expect(resourcesOf(kmsStatements[0]!)).toEqual([
        { 'Fn::GetAtt': [logicalId(fixture.stack.node.findChild('BucketKey')), 'Arn'] },
      ]);
    });
  });
  describe('cdk-nag', () => {
    it('leaves no AwsSolutions finding on the trigger unacknowledged', () => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-request-trigger-nag-'));
      try {
        const app = bareApp(outdir);
        const stack = new Stack(app, 'TestStack');
        new RunRequestTrigger(stack, 'RunRequestTrigger', {
          dataBucket: new s3.Bucket(stack, 'DataBucket', { eventBridgeEnabled: true }),
          stateMachine: new sfn.StateMachine(stack, 'StateMachine', {
            definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Prepare run')),
          }),
        });
        Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
        // The test bucket and state machine have findings of their own, so synthesis reports failure;
        // only the trigger's findings matter here.
        expect(() => app.synth()).toThrow(/AwsSolutions/);

        const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as {
          pluginReports: Array<{ violations: Array<{ ruleName: string; violatingConstructs: Array<{ constructPath: string }> }> }>;
        };
        const triggerFindings = report.pluginReports
          .flatMap((plugin) => plugin.violations)
          .flatMap((violation) => violation.violatingConstructs.map((c) => `${violation.ruleName} at ${c.constructPath}`))
          .filter((finding) => finding.includes('/RunRequestTrigger/'));
        expect(triggerFindings).toEqual([]);
      } finally {
        fs.rmSync(outdir, { recursive: true, force: true });
      }
    });
  });
});
