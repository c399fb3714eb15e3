import { Annotations, ArnFormat, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { MAX_NAME_PREFIX_LENGTH, modelPackageGroupName, resourceNamePrefix } from '../core/endpoint';
import { AlgorithmRegistry } from './algorithm-registry';
import { acknowledgeNag } from './nag';
import { PipelineAlarms } from './pipeline-alarms';
import { PipelineFunction } from './pipeline-function';
import { PipelineStateMachine } from './pipeline-state-machine';
import { PipelineStorage } from './pipeline-storage';
import { RunRequestTrigger } from './run-request-trigger';
import { SageMakerExecutionRole } from './sagemaker-execution-role';

/** SageMaker's VpcConfig limits (CreateTrainingJob, CreateModel: https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_VpcConfig.html). */
const MAX_SUBNETS = 16;
const MAX_SECURITY_GROUPS = 5;

export interface ImageClassificationPipelineProps {
  /**
   * The prefix of the names of the pipeline's model package group (`<prefix>-models`), endpoints
   * (`<prefix>-endpoint` by default, always `<prefix>-…`) and endpoint configs: the state machine may manage only
   * those. Lower-case letters, digits and hyphens, at most 30 characters.
   * @default - the stack name, lower-cased (core/endpoint.ts `resourceNamePrefix`)
   */
  readonly resourceNamePrefix?: string;
  /**
   * Email address subscribed to the run notifications (it must confirm the subscription).
   * @default - the topic gets no subscription from the pipeline
   */
  readonly notificationEmail?: string;

  /**
   * A bucket of yours to use as the data bucket (training data, batch input, `requests/` run requests)
   * instead of creating one. The pipeline grants its roles what they need on it (and on its
   * `encryptionKey`, when you import it with one: `Bucket.fromBucketAttributes({ bucketArn, encryptionKey })`).
   * Run requests uploaded to it start runs through EventBridge: an `s3.Bucket` of your app gets its
   * EventBridge notifications turned on by the pipeline; for an imported bucket its owner must turn them on
   * (`eventBridgeEnabled: true`), and the synthesis warns until you acknowledge that
   * (`ic-pipeline:runRequestTrigger:importedDataBucket`).
   * @default - a new versioned, SSE-KMS encrypted, TLS-only bucket, retained on stack deletion
   */
  readonly existingDataBucket?: s3.IBucket;

  /**
   * A bucket of yours to use as the artifact bucket (runs write `runs/<run id>/` there) instead of creating one.
   * @default - a new versioned, SSE-KMS encrypted, TLS-only bucket, retained on stack deletion
   */
  readonly existingArtifactBucket?: s3.IBucket;

  /**
   * The customer managed key that encrypts the buckets the pipeline creates, job outputs and volumes, log
   * groups, the topic and the dead-letter queue. The pipeline adds the statements CloudWatch Logs,
   * CloudWatch alarms and EventBridge need to its key policy; an imported key's policy cannot be changed
   * here, so the synthesis then warns with the statements to add yourself.
   * @default - a new key with yearly rotation, retained on stack deletion
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * The topic that gets one message per run (and the alarms). Import an encrypted topic with its key
   * (`Topic.fromTopicAttributes({ topicArn, keyArn })`) so that the state machine may publish to it.
   * @default - a new topic encrypted with `encryptionKey`, TLS-only
   */
  readonly notificationTopic?: sns.ITopic;

  /**
   * Run the training, tuning and transform jobs and the model inside this VPC (SageMaker VpcConfig). The
   * jobs' containers then reach S3 only through the VPC: give it an S3 gateway endpoint
   * (`createS3GatewayEndpoint`) or a NAT.
   * @default - no VPC: SageMaker's own network, with network isolation
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The subnets of `vpc` the jobs run in (1 to 16).
   * @default - the VPC's private subnets (`vpc.selectSubnets()`)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The security groups of the jobs (1 to 5). Multi-instance training needs them to allow all traffic
   * between their own members; the pipeline cannot change a group you give it.
   * @default - a new security group of `vpc` that allows all traffic between its members and HTTPS out
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * Create an S3 gateway endpoint in `vpc`, so that the jobs reach S3 without a NAT. The endpoint's
   * policy is the default (full access): it serves every workload on those route tables, not only the pipeline.
   * @default false
   */
  readonly createS3GatewayEndpoint?: boolean;

  /**
   * The route tables the S3 gateway endpoint adds its route to.
   * @default - the route tables of the subnets `vpcSubnets` selects (an imported subnet must have been
   * imported with its `routeTableId`)
   */
  readonly s3GatewayEndpointRouteTableIds?: string[];
}

/**
 * The image-classification pipeline: storage, a least-privilege SageMaker role, the Lambdas, the state
 * machine that runs training (or tuning), the model and batch transform, the run request trigger, the
 * notification topic and the alarms, with one customer managed key for everything that can use one.
 *
 * ```ts
 * new ImageClassificationPipeline(this, 'Pipeline', { notificationEmail: 'ml-team@example.com' });
 * ```
 */
export class ImageClassificationPipeline extends Construct {
  /** The key that encrypts the pipeline's buckets, job outputs, logs, topic and dead-letter queue. */
  readonly encryptionKey: kms.IKey;
  /** Training data, batch input and run requests (`requests/`). */
  readonly dataBucket: s3.IBucket;
  /** What runs write: `runs/<run id>/model/`, `runs/<run id>/predictions/`. */
  readonly artifactBucket: s3.IBucket;
  /** Server access logs of the buckets the pipeline created; undefined when both buckets were given. */
  readonly accessLogBucket?: s3.IBucket;
  /** The role SageMaker assumes for the jobs and the model. */
  readonly sagemakerRole: iam.IRole;
  /** One message per run: its summary, or what failed and why; and the alarms. */
  readonly notificationTopic: sns.ITopic;
  /** The run orchestration. */
  readonly stateMachine: sfn.StateMachine;
  /** The state machine's execution log group. */
  readonly executionLogGroup: logs.ILogGroup;
  /** The `Prepare run` Lambda: validates a run request and derives the SageMaker requests. */
  readonly prepareRunFunction: lambda.IFunction;
  /** The `Resolve image` Lambda: the algorithm image of the Region. */
  readonly resolveImageFunction: lambda.IFunction;
  /** The Lambda that starts a run for each run request uploaded to `requests/`. */
  readonly startRunFunction: lambda.IFunction;
  /** Run request uploads that could not start a run. */
  readonly deadLetterQueue: sqs.IQueue;
  /** The alarms that need a person (failed, timed-out and aborted runs, Lambda errors, dead letters). */
  readonly alarms: PipelineAlarms;
  /** The security groups of the jobs; empty without a VPC. */
  readonly securityGroups: ec2.ISecurityGroup[];
  /** The security group the pipeline created (with `vpc` and without `securityGroups`). */
  readonly securityGroup?: ec2.SecurityGroup;
  /** The S3 gateway endpoint, with `createS3GatewayEndpoint`. */
  readonly s3GatewayEndpoint?: ec2.CfnVPCEndpoint;
  /** The prefix of the names of the model package group, endpoints and endpoint configs. */
  readonly resourceNamePrefix: string;
  /** The model registry: every model a run creates (and that passed the gate) is a version of this group. */
  readonly modelPackageGroup: sagemaker.CfnModelPackageGroup;
  /** The model package group's name, `<prefix>-models`. */
  readonly modelPackageGroupName: string;

  /** The name prefix: the prop, checked, or the stack name's. */
  private namePrefix(props: ImageClassificationPipelineProps): string {
    if (props.resourceNamePrefix !== undefined) {
      if (!/^[a-z0-9](-?[a-z0-9])*$/.test(props.resourceNamePrefix) || props.resourceNamePrefix.length > MAX_NAME_PREFIX_LENGTH) {
        throw new Error(
          `resourceNamePrefix must be 1-${MAX_NAME_PREFIX_LENGTH} lower-case letters, digits and single hyphens; got ${JSON.stringify(props.resourceNamePrefix)}`,
        );
      }
      return props.resourceNamePrefix;
    }
    const stackName = Stack.of(this).stackName;
    if (Token.isUnresolved(stackName)) {
      throw new Error('The stack name is not known at synthesis: set resourceNamePrefix, the prefix of the endpoint and model registry names');
    }
    return resourceNamePrefix(stackName);
  }

  constructor(scope: Construct, id: string, props: ImageClassificationPipelineProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    this.checkVpcProps(props);

    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'PipelineKey', {
        description: 'Encrypts the image-classification pipeline data, artifacts, logs and notifications',
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
        pendingWindow: Duration.days(30),
      });
    // CloudWatch Logs encrypts the state machine's and the Lambdas' log groups with the key.
    this.addKeyPolicyStatement(
      this.encryptionKey,
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsEncryption',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.${stack.urlSuffix}`)],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: {
          ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*` },
        },
      }),
    );

    const storage = new PipelineStorage(this, 'Storage', {
      encryptionKey: this.encryptionKey,
      existingDataBucket: props.existingDataBucket,
      existingArtifactBucket: props.existingArtifactBucket,
    });
    this.dataBucket = storage.dataBucket;
    this.artifactBucket = storage.artifactBucket;
    this.accessLogBucket = storage.accessLogBucket;

    const network = this.network(props);
    this.securityGroups = network?.securityGroups ?? [];
    this.securityGroup = network?.created;
    this.s3GatewayEndpoint = network?.endpoint;

    this.resourceNamePrefix = this.namePrefix(props);
    this.modelPackageGroupName = modelPackageGroupName(this.resourceNamePrefix);
    this.modelPackageGroup = new sagemaker.CfnModelPackageGroup(this, 'ModelPackageGroup', {
      modelPackageGroupName: this.modelPackageGroupName,
      modelPackageGroupDescription: 'Image-classification models registered by the pipeline runs, one version per model',
    });
    // Versions are the record of which model came from which run: the group outlives the stack.
    this.modelPackageGroup.applyRemovalPolicy(RemovalPolicy.RETAIN);

    const registry = new AlgorithmRegistry(this, 'AlgorithmRegistry');
    const sagemakerRole = new SageMakerExecutionRole(this, 'SageMakerExecutionRole', {
      dataBucket: this.dataBucket,
      artifactBucket: this.artifactBucket,
      algorithmRepositoryArn: registry.repositoryArn,
      encryptionKey: this.encryptionKey,
      vpcAccess: network !== undefined,
    });
    this.sagemakerRole = sagemakerRole.role;

    this.notificationTopic =
      props.notificationTopic ??
      new sns.Topic(this, 'NotificationTopic', {
        displayName: 'Image classification pipeline runs',
        masterKey: this.encryptionKey,
        enforceSSL: true,
      });
    if (props.notificationEmail) {
      if (this.notificationTopic instanceof sns.Topic && this.notificationTopic.node.scope === this) {
        this.notificationTopic.addSubscription(new subscriptions.EmailSubscription(props.notificationEmail));
      } else {
        // addSubscription() would create the subscription beside the given topic, outside this construct.
        new sns.Subscription(this, 'NotificationEmail', {
          topic: this.notificationTopic,
          protocol: sns.SubscriptionProtocol.EMAIL,
          endpoint: props.notificationEmail,
        });
      }
    }

    const prepareRun = new PipelineFunction(this, 'PrepareRunFunction', {
      handlerName: 'prepare-run',
      description: 'Validates a run request and derives the SageMaker requests of the run',
      logEncryptionKey: this.encryptionKey,
      environment: {
        DATA_BUCKET: this.dataBucket.bucketName,
        ARTIFACT_BUCKET: this.artifactBucket.bucketName,
        KMS_KEY_ARN: this.encryptionKey.keyArn,
        RESOURCE_NAME_PREFIX: this.resourceNamePrefix,
      },
    });
    this.prepareRunFunction = prepareRun.function;
    const resolveImage = new PipelineFunction(this, 'ResolveImageFunction', {
      handlerName: 'resolve-image',
      description: 'Returns the SageMaker image-classification algorithm image URI of this Region',
      logEncryptionKey: this.encryptionKey,
    });
    this.resolveImageFunction = resolveImage.function;

    const pipeline = new PipelineStateMachine(this, 'Pipeline', {
      prepareRun: this.prepareRunFunction,
      resolveImage: this.resolveImageFunction,
      sagemakerRole: this.sagemakerRole,
      encryptionKey: this.encryptionKey,
      artifactBucket: this.artifactBucket,
      notificationTopic: this.notificationTopic,
      modelPackageGroupName: this.modelPackageGroupName,
      resourceNamePrefix: this.resourceNamePrefix,
      vpcConfig: network && { subnetIds: network.subnetIds, securityGroupIds: network.securityGroups.map((group) => group.securityGroupId) },
    });
    this.stateMachine = pipeline.stateMachine;
    this.executionLogGroup = pipeline.logGroup;

    const trigger = new RunRequestTrigger(this, 'RunRequestTrigger', {
      dataBucket: this.dataBucket,
      stateMachine: this.stateMachine,
      encryptionKey: this.encryptionKey,
    });
    this.startRunFunction = trigger.function;
    this.deadLetterQueue = trigger.deadLetterQueue;
    if (this.dataBucket instanceof s3.Bucket) {
      // CDK's own deploy-time handler that turns on EventBridge delivery for the data bucket: a singleton
      // of the bucket's stack, created by the trigger above.
      const bucketStack = Stack.of(this.dataBucket);
      for (const child of bucketStack.node.children.filter((c) => c.node.id.startsWith('BucketNotificationsHandler'))) {
        acknowledgeNag(child, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          'CDK framework handler (BucketNotifications custom resource) that runs only during deployment to enable EventBridge ' +
            'notifications on the data bucket; its role and managed policy are created by aws-cdk-lib and cannot be replaced.');
      }
    }

    this.alarms = new PipelineAlarms(this, 'Alarms', {
      stateMachine: this.stateMachine,
      executionLogGroup: this.executionLogGroup,
      functions: {
        'prepare-run': this.prepareRunFunction,
        'resolve-image': this.resolveImageFunction,
        'start-run': this.startRunFunction,
      },
      deadLetterQueue: this.deadLetterQueue,
      topic: this.notificationTopic,
    });
    // CloudWatch alarms publish to the topic as the CloudWatch service, which the topic's own policy
    // (it has one: enforceSSL) must allow; and the topic is encrypted with its key.
    const { statementAdded } = this.notificationTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.notificationTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
        },
      }),
    );
    if (!statementAdded) {
      Annotations.of(this).addWarningV2(
        'ic-pipeline:importedTopicPolicy',
        'The notification topic is imported, so its policy cannot be changed here: allow cloudwatch.amazonaws.com sns:Publish on it ' +
          '(conditions aws:SourceAccount = this account), or the pipeline alarms reach nobody.',
      );
    }
    // The alarms' messages are encrypted with the topic's key.
    const topicKey = this.notificationTopic.masterKey;
    if (topicKey) {
      this.addKeyPolicyStatement(
        topicKey,
        new iam.PolicyStatement({
          sid: 'CloudWatchAlarmsPublish',
          principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
        }),
      );
    }
  }

  /**
   * Adds `statement` to the policy of `key`; for an imported key, whose policy belongs elsewhere, warns
   * with the statement to add by hand instead.
   */
  private addKeyPolicyStatement(key: kms.IKey, statement: iam.PolicyStatement): void {
    if (key.addToResourcePolicy(statement).statementAdded) return;
    Annotations.of(this).addWarningV2(
      `ic-pipeline:importedKeyPolicy:${statement.sid}`,
      `The key ${key.node.path} is imported, so its key policy cannot be changed here: add this statement to it yourself: ` +
        JSON.stringify(Stack.of(this).resolve(statement.toStatementJson())),
    );
  }

  /**
   * The jobs' subnets and security groups, and the S3 route, from the VPC props.
   *
   * In a VPC, SageMaker downloads the training data and uploads the model through the job's network
   * interfaces, even with network isolation; a private subnet reaches S3 only through an S3 gateway
   * endpoint or a NAT ("Create an Amazon S3 VPC Endpoint"), and the instances of a multi-instance
   * training job must be allowed to talk to each other ("Configure the VPC Security Group": a rule that
   * allows inbound connections between members of the same security group):
   * https://docs.aws.amazon.com/sagemaker/latest/dg/train-vpc.html, and for batch transform
   * https://docs.aws.amazon.com/sagemaker/latest/dg/batch-vpc.html.
   */
  private network(props: ImageClassificationPipelineProps):
    | { subnetIds: string[]; securityGroups: ec2.ISecurityGroup[]; created?: ec2.SecurityGroup; endpoint?: ec2.CfnVPCEndpoint }
    | undefined {
    const vpc = props.vpc;
    if (!vpc) return undefined;

    const selection = vpc.selectSubnets(props.vpcSubnets);
    const subnetIds = selection.subnetIds;
    if (!Token.isUnresolved(subnetIds) && (subnetIds.length < 1 || subnetIds.length > MAX_SUBNETS)) {
      throw this.error(`vpcSubnets must select 1 to ${MAX_SUBNETS} subnets (SageMaker VpcConfig), got ${subnetIds.length}`);
    }

    let created: ec2.SecurityGroup | undefined;
    let securityGroups = props.securityGroups;
    if (securityGroups === undefined) {
      created = new ec2.SecurityGroup(this, 'SecurityGroup', {
        vpc,
        description: 'SageMaker jobs of the image-classification pipeline: all traffic between members, HTTPS out',
        allowAllOutbound: false,
      });
      // Multi-instance training: the instances of one job talk to each other (both directions).
      created.connections.allowInternally(ec2.Port.allTraffic(), 'Between the instances of a multi-instance training job');
      // The jobs' S3 downloads and uploads: through the S3 gateway endpoint or a NAT, whichever the route tables have.
      created.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to S3 (job input and output), through the S3 gateway endpoint or a NAT');
      securityGroups = [created];
    }
    if (securityGroups.length < 1 || securityGroups.length > MAX_SECURITY_GROUPS) {
      throw this.error(`securityGroups must hold 1 to ${MAX_SECURITY_GROUPS} security groups (SageMaker VpcConfig), got ${securityGroups.length}`);
    }

    let endpoint: ec2.CfnVPCEndpoint | undefined;
    if (props.createS3GatewayEndpoint) {
      const routeTableIds = props.s3GatewayEndpointRouteTableIds ?? this.routeTablesOf(selection.subnets);
      if (routeTableIds.length === 0) throw this.error('s3GatewayEndpointRouteTableIds is empty: give at least one route table');
      endpoint = new ec2.CfnVPCEndpoint(this, 'S3GatewayEndpoint', {
        vpcId: vpc.vpcId,
        serviceName: ec2.GatewayVpcEndpointAwsService.S3.name,
        vpcEndpointType: ec2.VpcEndpointType.GATEWAY,
        routeTableIds,
      });
    }
    return { subnetIds, securityGroups, created, endpoint };
  }

  /** Fails at once, naming the prop, when a VPC prop comes without what it needs (before anything is created). */
  private checkVpcProps(props: ImageClassificationPipelineProps): void {
    const needsVpc = (
      [
        ['vpcSubnets', props.vpcSubnets],
        ['securityGroups', props.securityGroups],
        ['createS3GatewayEndpoint', props.createS3GatewayEndpoint || undefined],
        ['s3GatewayEndpointRouteTableIds', props.s3GatewayEndpointRouteTableIds],
      ] as const
    ).filter(([, value]) => value !== undefined);
    if (!props.vpc && needsVpc.length > 0) {
      throw this.error(`${needsVpc.map(([name]) => name).join(', ')} ${needsVpc.length === 1 ? 'needs' : 'need'} vpc: give the VPC (an ec2.IVpc) too`);
    }
    if (props.s3GatewayEndpointRouteTableIds && !props.createS3GatewayEndpoint) {
      throw this.error('s3GatewayEndpointRouteTableIds is given but createS3GatewayEndpoint is not true: set it to create the endpoint');
    }
  }

  /** The distinct route tables of `subnets`; an error names a subnet imported without its route table. */
  private routeTablesOf(subnets: ec2.ISubnet[]): string[] {
    const ids = new Set<string>();
    for (const subnet of subnets) {
      // An imported subnet without routeTableId answers undefined here (typed as string).
      const id = subnet.routeTable?.routeTableId as string | undefined;
      if (id === undefined) {
        throw this.error(
          `the route table of subnet ${subnet.subnetId} is unknown (imported without routeTableId): give s3GatewayEndpointRouteTableIds, ` +
            'or import the subnet with Subnet.fromSubnetAttributes({ subnetId, routeTableId })',
        );
      }
      ids.add(id);
    }
    return [...ids];
  }

  private error(message: string): Error {
    return new Error(`ImageClassificationPipeline ${this.node.path}: ${message}`);
  }
}
