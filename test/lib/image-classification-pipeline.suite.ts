import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Annotations as CoreAnnotations, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ImageClassificationPipeline } from '../../lib';
import { PipelineFunction } from '../../lib/pipeline-function';
import { newApp, TEST_ENV } from '../support/synth';

/** A new app with cdk-nag's AwsSolutions rules, as `cdk synth` runs them: an unacknowledged finding fails synth(). */
function appWithNag(context: Record<string, unknown> = {}): App {
  const app = newApp({ context });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return app;
}

const statementsOf = (template: Template) =>
  Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) => policy.Properties.PolicyDocument.Statement as Array<Record<string, any>>);

describe('an app that embeds the construct with its own buckets, key, topic and VPC', () => {
  let template: Template;
  let stack: Stack;
  let pipeline: ImageClassificationPipeline;
  let synthError: unknown;
  let importedBucketWarnings: string[];
  beforeAll(() => {
    const app = appWithNag();
    stack = new Stack(app, 'ConsumerStack', { env: TEST_ENV });
    const dataKey = kms.Key.fromKeyArn(stack, 'DataKey', 'arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555');
    const dataBucket = s3.Bucket.fromBucketAttributes(stack, 'DataBucket', { bucketName: 'team-ml-data', encryptionKey: dataKey });
    const key = new kms.Key(stack, 'TeamKey', { enableKeyRotation: true });
    const artifactBucket = new s3.Bucket(stack, 'ArtifactBucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: s3.Bucket.fromBucketName(stack, 'Logs', 'team-access-logs'),
    });
    CoreAnnotations.of(artifactBucket).acknowledgeWarning('@aws-cdk/aws-s3:accessLogsPolicyNotAdded', 'team-access-logs lets S3 log delivery write to it');
    const topic = new sns.Topic(stack, 'TeamTopic', { masterKey: key, enforceSSL: true });
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-0123456789abcdef0',
      availabilityZones: ['us-east-1a', 'us-east-1b'],
      privateSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
      privateSubnetRouteTableIds: ['rtb-0123456789abcdef0', 'rtb-0123456789abcdef0'],
    });
    const group = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Group', 'sg-0123456789abcdef0', { mutable: false });
    pipeline = new ImageClassificationPipeline(stack, 'Pipeline', {
      existingDataBucket: dataBucket,
      existingArtifactBucket: artifactBucket,
      encryptionKey: key,
      notificationTopic: topic,
      notificationEmail: 'ml-team@example.com',
      vpc,
      securityGroups: [group],
      createS3GatewayEndpoint: true,
    });
    importedBucketWarnings = pipeline.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => `${c.node.path}: ${String(m.data)}`));
    // The documented way to say that the owner of the imported bucket has turned its EventBridge notifications on.
    CoreAnnotations.of(pipeline).acknowledgeWarning('ic-pipeline:runRequestTrigger:importedDataBucket', 'team-ml-data has eventBridgeEnabled: true');
    try {
      app.synth();
    } catch (error) {
      synthError = error;
    }
    template = Template.fromStack(stack);
  });

  test('has no unacknowledged cdk-nag finding', () => {
    expect(synthError).toBeUndefined();
  });

  test('creates no bucket, key or topic of its own, and exposes the given ones', () => {
    template.resourceCountIs('AWS::S3::Bucket', 1); // the app's artifact bucket
    template.resourceCountIs('AWS::KMS::Key', 1); // the app's key
    template.resourceCountIs('AWS::SNS::Topic', 1); // the app's topic
    expect(pipeline.accessLogBucket).toBeUndefined();
    expect(pipeline.dataBucket.bucketName).toBe('team-ml-data');
    expect(pipeline.notificationTopic).toBe(pipeline.node.scope?.node.findChild('TeamTopic'));
  });

  test('warns, naming the setting its owner must turn on, that the imported data bucket\'s EventBridge notifications are its owner\'s', () => {
    expect(importedBucketWarnings).toEqual([
      expect.stringMatching(/^ConsumerStack\/Pipeline\/RunRequestTrigger: The data bucket is imported.*eventBridgeEnabled: true.*\[ack: ic-pipeline:runRequestTrigger:importedDataBucket\]$/),
    ]);
  });

  test('turns on EventBridge for no bucket: the artifact bucket is not the data bucket, and the imported data bucket is its owner\'s', () => {
    template.resourceCountIs('Custom::S3BucketNotifications', 0);
    // Acknowledged above, so the synthesis reports it no more.
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('data bucket is imported'))).toHaveLength(0);
  });

  test('starts runs from the imported data bucket: the rule matches its name and start-run may read its requests and decrypt them', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ detail: { bucket: { name: ['team-ml-data'] }, object: { key: [{ wildcard: 'requests/*.json' }] } } }),
    });
    const statements = statementsOf(template);
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Sid: 'ReadRunRequests', Resource: 'arn:aws:s3:::team-ml-data/requests/*' }),
        expect.objectContaining({ Sid: 'ListRunRequests', Resource: 'arn:aws:s3:::team-ml-data' }),
      ]),
    );
  });

  test('the SageMaker role may read the data bucket and decrypt with its key, and write runs/ in the artifact bucket', () => {
    const statements = statementsOf(template);
    const readData = statements.find((s) => s.Sid === 'ReadData');
    expect(JSON.stringify(readData?.Resource)).toContain('team-ml-data');
    const readWriteRuns = statements.find((s) => s.Sid === 'ReadWriteRuns');
    const artifactBucketId = Object.keys(template.findResources('AWS::S3::Bucket'))[0];
    expect(JSON.stringify(readWriteRuns?.Resource)).toContain(artifactBucketId);
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: 'kms:Decrypt', Resource: 'arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555' }),
      ]),
    );
  });

  test('adds what CloudWatch Logs and the alarms need to the given key\'s policy and the topic\'s', () => {
    const keyPolicy = Object.values(template.findResources('AWS::KMS::Key'))[0]?.Properties.KeyPolicy.Statement as Array<{ Sid?: string }>;
    expect(keyPolicy.map((s) => s.Sid)).toEqual(expect.arrayContaining(['CloudWatchLogsEncryption', 'CloudWatchAlarmsPublish']));
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'CloudWatchAlarmsPublish', Action: 'sns:Publish' })]) },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ml-team@example.com' });
  });

  test('the S3 gateway endpoint takes the route tables of the selected subnets, once each; the given group is used unchanged', () => {
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway', RouteTableIds: ['rtb-0123456789abcdef0'] });
    template.resourceCountIs('AWS::EC2::SecurityGroup', 0);
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    expect(pipeline.securityGroups.map((g) => g.securityGroupId)).toEqual(['sg-0123456789abcdef0']);
  });

  test('every resource of the pipeline is created under the construct', () => {
    const outside = stack.node
      .findAll()
      .filter((c) => c.node.path.includes('/') && !c.node.path.startsWith('ConsumerStack/Pipeline'))
      .filter((c) => c.node.defaultChild !== undefined || (c.constructor.name.startsWith('Cfn') && c.node.id !== 'Resource'))
      .map((c) => c.node.path)
      // The app's own constructs, and the stack's bootstrap check.
      .filter((p) => !/^ConsumerStack\/(DataKey|DataBucket|TeamKey|ArtifactBucket|Logs|TeamTopic|Vpc|Group|BootstrapVersion|CheckBootstrapVersion)\b/.test(p));
    // One stack-level singleton, shared by design like CDK's own: the console origin per partition (a
    // CloudFormation mapping), which the app's outputs use too.
    expect(outside).toEqual(['ConsumerStack/ConsoleOrigins']);
  });
});

describe('misconfigurations are refused with the prop named', () => {
  const stackOf = () => new Stack(new App(), 'S');
  test.each([
    [{ vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }, 'ImageClassificationPipeline S/P: vpcSubnets needs vpc: give the VPC (an ec2.IVpc) too'],
    [
      { createS3GatewayEndpoint: true, securityGroups: [] },
      'ImageClassificationPipeline S/P: securityGroups, createS3GatewayEndpoint need vpc: give the VPC (an ec2.IVpc) too',
    ],
  ])('%j', (props, message) => {
    expect(() => new ImageClassificationPipeline(stackOf(), 'P', props)).toThrow(message);
  });

  test('a subnet imported without its route table cannot give the endpoint its route', () => {
    const stack = stackOf();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['us-east-1a'] });
    const subnets = [ec2.Subnet.fromSubnetId(stack, 'S0', 'subnet-0123456789abcdef0')];
    expect(() => new ImageClassificationPipeline(stack, 'P', { vpc, vpcSubnets: { subnets }, createS3GatewayEndpoint: true })).toThrow(
      'ImageClassificationPipeline S/P: the route table of subnet subnet-0123456789abcdef0 is unknown (imported without routeTableId): give s3GatewayEndpointRouteTableIds',
    );
  });
});

describe('PipelineFunction code', () => {
  let work: string;
  const cwd = process.cwd();
  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'ic-pipeline-prebundled-'));
  });
  afterAll(() => {
    process.chdir(cwd);
    fs.rmSync(work, { recursive: true, force: true });
  });

  test('deploys the pre-bundled handler as it is when the package has one', () => {
    const root = path.join(work, 'lambda-bundles');
    fs.mkdirSync(path.join(root, 'resolve-image'), { recursive: true });
    const code = 'exports.handler = async () => ({ imageUri: "prebundled" });\n';
    fs.writeFileSync(path.join(root, 'resolve-image', 'index.js'), code);
    const outdir = path.join(work, 'out');
    const stack = new Stack(newApp({ outdir }), 'FunctionStack', { env: TEST_ENV });
    new PipelineFunction(stack, 'Fn', { handlerName: 'resolve-image', description: 'test', prebundledRoot: root });
    const template = Template.fromStack(stack);
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0];
    expect(fn?.Properties.Handler).toBe('index.handler');
    const assetHash = String(fn?.Properties.Code.S3Key).replace(/\.zip$/, '');
    expect(fs.readFileSync(path.join(outdir, `asset.${assetHash}`, 'index.js'), 'utf8')).toBe(code);
  });

  test('bundles from the TypeScript source in any working directory (the lock file is the project\'s, not the folder\'s)', () => {
    // NodejsFunction looked for a lock file upwards from the working directory: outside the project it threw
    // "Cannot find a package lock file".
    process.chdir(work);
    const stack = new Stack(newApp(), 'FunctionStack', { env: TEST_ENV });
    const fn = new PipelineFunction(stack, 'Fn', { handlerName: 'resolve-image', description: 'test', prebundledRoot: path.join(work, 'none') });
    expect(fn.function.node.defaultChild).toBeDefined();
    expect(fn.function.constructor.name).toBe('NodejsFunction');
    process.chdir(cwd);
  });
});
