import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { consoleUrl, STATE_MACHINE_FRAGMENT_PREFIX } from '../core/console-url';
import { STACK_OUTPUTS } from '../core/stack-outputs';
import { AlgorithmRegistry } from './algorithm-registry';
import { consoleOrigin } from './console-origin';
import { acknowledgeNag } from './nag';
import { PipelineAlarms } from './pipeline-alarms';
import { PipelineFunction } from './pipeline-function';
import { PipelineStateMachine, SageMakerVpcConfig } from './pipeline-state-machine';
import { PipelineStorage } from './pipeline-storage';
import { RunRequestTrigger } from './run-request-trigger';
import { SageMakerExecutionRole } from './sagemaker-execution-role';

export interface ImageClassificationPipelineStackProps extends StackProps {
  /**
   * Email address subscribed to the run notifications (it must confirm the subscription).
   * @default - the topic exists without subscribers
   */
  readonly notificationEmail?: string;
  /**
   * Run SageMaker jobs and the model inside these subnets and security groups.
   * @default - no VPC
   */
  readonly vpcConfig?: SageMakerVpcConfig;
}

/**
 * The whole pipeline in one stack: storage, the SageMaker role, the Lambdas, the state machine and
 * the notification topic, with one customer-managed key for everything that can use one.
 */
export class ImageClassificationPipelineStack extends Stack {
  readonly storage: PipelineStorage;
  readonly encryptionKey: kms.Key;
  readonly sagemakerRole: SageMakerExecutionRole;
  readonly notificationTopic: sns.Topic;
  readonly pipeline: PipelineStateMachine;
  readonly prepareRunFunction: PipelineFunction;
  readonly resolveImageFunction: PipelineFunction;
  readonly trigger: RunRequestTrigger;
  readonly alarms: PipelineAlarms;

  constructor(scope: Construct, id: string, props: ImageClassificationPipelineStackProps = {}) {
    super(scope, id, props);

    this.encryptionKey = new kms.Key(this, 'PipelineKey', {
      description: 'Encrypts the image-classification pipeline data, artifacts, logs and notifications',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
      pendingWindow: Duration.days(30),
    });
    // CloudWatch Logs encrypts the state machine's and the Lambdas' log groups with the key.
    this.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsEncryption',
        principals: [new iam.ServicePrincipal(`logs.${this.region}.${this.urlSuffix}`)],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: {
          ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${this.partition}:logs:${this.region}:${this.account}:log-group:*` },
        },
      }),
    );

    this.storage = new PipelineStorage(this, 'Storage', { encryptionKey: this.encryptionKey });
    // CDK's own deploy-time handler that turns on EventBridge delivery for the data bucket.
    for (const child of this.node.children.filter((c) => c.node.id.startsWith('BucketNotificationsHandler'))) {
      acknowledgeNag(child, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'CDK framework handler (BucketNotifications custom resource) that runs only during deployment to enable EventBridge ' +
          'notifications on the data bucket; its role and managed policy are created by aws-cdk-lib and cannot be replaced.');
    }
    const registry = new AlgorithmRegistry(this, 'AlgorithmRegistry');
    this.sagemakerRole = new SageMakerExecutionRole(this, 'SageMakerExecutionRole', {
      dataBucket: this.storage.dataBucket,
      artifactBucket: this.storage.artifactBucket,
      algorithmRepositoryArn: registry.repositoryArn,
      encryptionKey: this.encryptionKey,
      vpcAccess: props.vpcConfig !== undefined,
    });

    this.notificationTopic = new sns.Topic(this, 'NotificationTopic', {
      displayName: 'Image classification pipeline runs',
      masterKey: this.encryptionKey,
      enforceSSL: true,
    });
    if (props.notificationEmail) {
      this.notificationTopic.addSubscription(new subscriptions.EmailSubscription(props.notificationEmail));
    }

    this.prepareRunFunction = new PipelineFunction(this, 'PrepareRunFunction', {
      handlerName: 'prepare-run',
      description: 'Validates a run request and derives the SageMaker requests of the run',
      logEncryptionKey: this.encryptionKey,
      environment: {
        DATA_BUCKET: this.storage.dataBucket.bucketName,
        ARTIFACT_BUCKET: this.storage.artifactBucket.bucketName,
        KMS_KEY_ARN: this.encryptionKey.keyArn,
      },
    });
    this.resolveImageFunction = new PipelineFunction(this, 'ResolveImageFunction', {
      handlerName: 'resolve-image',
      description: 'Returns the SageMaker image-classification algorithm image URI of this Region',
      logEncryptionKey: this.encryptionKey,
    });

    this.pipeline = new PipelineStateMachine(this, 'Pipeline', {
      prepareRun: this.prepareRunFunction,
      resolveImage: this.resolveImageFunction,
      sagemakerRole: this.sagemakerRole.role,
      encryptionKey: this.encryptionKey,
      artifactBucket: this.storage.artifactBucket,
      notificationTopic: this.notificationTopic,
      vpcConfig: props.vpcConfig,
    });

    this.trigger = new RunRequestTrigger(this, 'RunRequestTrigger', {
      dataBucket: this.storage.dataBucket,
      stateMachine: this.pipeline.stateMachine,
      encryptionKey: this.encryptionKey,
    });

    this.alarms = new PipelineAlarms(this, 'Alarms', {
      stateMachine: this.pipeline.stateMachine,
      executionLogGroup: this.pipeline.logGroup,
      functions: {
        'prepare-run': this.prepareRunFunction,
        'resolve-image': this.resolveImageFunction,
        'start-run': this.trigger.function,
      },
      deadLetterQueue: this.trigger.deadLetterQueue,
      topic: this.notificationTopic,
    });
    // CloudWatch alarms publish to the topic as the CloudWatch service, which the topic's own policy
    // (it has one: enforceSSL) must allow; and the topic is encrypted with the key.
    this.notificationTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.notificationTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: { 'aws:SourceArn': this.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
        },
      }),
    );
    // The alarms' messages are encrypted with the topic's key.
    this.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );

    new CfnOutput(this, STACK_OUTPUTS.dataBucketName, {
      description: 'Upload training data (train/, validation/), images to classify (batch-input/) and run requests (requests/) here',
      value: this.storage.dataBucket.bucketName,
    });
    new CfnOutput(this, STACK_OUTPUTS.artifactBucketName, {
      description: 'Runs write models and predictions under runs/<run id>/ here',
      value: this.storage.artifactBucket.bucketName,
    });
    new CfnOutput(this, STACK_OUTPUTS.accessLogBucketName, {
      description: 'S3 server access logs of the data and artifact buckets',
      value: this.storage.accessLogBucket.bucketName,
    });
    new CfnOutput(this, STACK_OUTPUTS.stateMachineArn, {
      description: 'The pipeline state machine: start a run with StartExecution',
      value: this.pipeline.stateMachine.stateMachineArn,
    });
    new CfnOutput(this, STACK_OUTPUTS.stateMachineConsoleUrl, {
      description: 'Open this link and press "Start execution" to start a run',
      value: consoleUrl(consoleOrigin(this), this.region, 'states/home', `${STATE_MACHINE_FRAGMENT_PREFIX}${this.pipeline.stateMachine.stateMachineArn}`),
    });
    new CfnOutput(this, STACK_OUTPUTS.runRequestDeadLetterQueueUrl, {
      description: 'Run request uploads that could not start a run (see docs/operations.md, Notifications and alarms)',
      value: this.trigger.deadLetterQueue.queueUrl,
    });
    // The command line reads and writes the SSE-KMS buckets, which takes kms:Decrypt and kms:GenerateDataKey
    // on this key: `ic-pipeline policy` puts its ARN in the operators' policy.
    new CfnOutput(this, STACK_OUTPUTS.encryptionKeyArn, {
      description: 'The key of the buckets (SSE-KMS): operators need kms:Decrypt and kms:GenerateDataKey on it (ic-pipeline policy)',
      value: this.encryptionKey.keyArn,
    });
    new CfnOutput(this, STACK_OUTPUTS.notificationTopicArn, {
      description: 'One message per run: its summary, or what failed and why',
      value: this.notificationTopic.topicArn,
    });
  }
}
