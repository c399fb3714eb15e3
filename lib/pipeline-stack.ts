import { Annotations, CfnOutput, Fn, Lazy, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { consoleUrl, STATE_MACHINE_FRAGMENT_PREFIX } from '../core/console-url';
import { STACK_OUTPUTS } from '../core/stack-outputs';
import { consoleOrigin } from './console-origin';
import { ImageClassificationPipeline } from './image-classification-pipeline';
import type { PipelineVpcContext } from './pipeline-context';

export interface ImageClassificationPipelineStackProps extends StackProps {
  /**
   * Email address subscribed to the run notifications (it must confirm the subscription).
   * @default - the topic exists without subscribers
   */
  readonly notificationEmail?: string;
  /**
   * Run SageMaker jobs and the model inside these subnets and security groups (ids, as `-c` gives them),
   * with an S3 gateway endpoint on the given route tables.
   * @default - no VPC
   */
  readonly vpcConfig?: PipelineVpcContext;
}

/**
 * The app's stack (bin/app.ts, `cdk deploy`): the `ImageClassificationPipeline` construct, configured from
 * the `-c` settings turned into `ec2` types, and the outputs the command line reads.
 *
 * The construct's id is `Default`, which CDK leaves out of logical ids: its resources keep the logical ids
 * they had when the pipeline was this stack itself.
 */
export class ImageClassificationPipelineStack extends Stack {
  readonly pipeline: ImageClassificationPipeline;

  constructor(scope: Construct, id: string, props: ImageClassificationPipelineStackProps = {}) {
    super(scope, id, props);
    this.pipeline = new ImageClassificationPipeline(this, 'Default', {
      notificationEmail: props.notificationEmail,
      ...(props.vpcConfig ? this.network(props.vpcConfig) : {}),
    });
    const pipeline = this.pipeline;

    new CfnOutput(this, STACK_OUTPUTS.dataBucketName, {
      description: 'Upload training data (train/, validation/), images to classify (batch-input/) and run requests (requests/) here',
      value: pipeline.dataBucket.bucketName,
    });
    new CfnOutput(this, STACK_OUTPUTS.artifactBucketName, {
      description: 'Runs write models and predictions under runs/<run id>/ here',
      value: pipeline.artifactBucket.bucketName,
    });
    if (pipeline.accessLogBucket) {
      new CfnOutput(this, STACK_OUTPUTS.accessLogBucketName, {
        description: 'S3 server access logs of the data and artifact buckets',
        value: pipeline.accessLogBucket.bucketName,
      });
    }
    new CfnOutput(this, STACK_OUTPUTS.stateMachineArn, {
      description: 'The pipeline state machine: start a run with StartExecution',
      value: pipeline.stateMachine.stateMachineArn,
    });
    new CfnOutput(this, STACK_OUTPUTS.stateMachineConsoleUrl, {
      description: 'Open this link and press "Start execution" to start a run',
      value: consoleUrl(consoleOrigin(this), this.region, 'states/home', `${STATE_MACHINE_FRAGMENT_PREFIX}${pipeline.stateMachine.stateMachineArn}`),
    });
    new CfnOutput(this, STACK_OUTPUTS.runRequestDeadLetterQueueUrl, {
      description: 'Run request uploads that could not start a run (see docs/operations.md, Notifications and alarms)',
      value: pipeline.deadLetterQueue.queueUrl,
    });
    // The command line reads and writes the SSE-KMS buckets, which takes kms:Decrypt and kms:GenerateDataKey
    // on this key: `ic-pipeline policy` puts its ARN in the operators' policy.
    new CfnOutput(this, STACK_OUTPUTS.encryptionKeyArn, {
      description: 'The key of the buckets (SSE-KMS): operators need kms:Decrypt and kms:GenerateDataKey on it (ic-pipeline policy)',
      value: pipeline.encryptionKey.keyArn,
    });
    new CfnOutput(this, STACK_OUTPUTS.notificationTopicArn, {
      description: 'One message per run: its summary, or what failed and why',
      value: pipeline.notificationTopic.topicArn,
    });
    new CfnOutput(this, STACK_OUTPUTS.modelPackageGroupName, {
      description: 'The model registry: one model package version per model a run creates (ic-pipeline models, approve, reject)',
      value: pipeline.modelPackageGroupName,
    });
    new CfnOutput(this, STACK_OUTPUTS.resourceNamePrefix, {
      description: 'The prefix of this stack\'s endpoint names (ic-pipeline endpoints): <prefix>-endpoint by default',
      value: pipeline.resourceNamePrefix,
    });
  }

  /**
   * The construct's VPC props from the `-c` ids, imported offline (no lookup: the ids are taken as given).
   * Without `vpcId` the VPC's id is never needed (the subnets and security groups are given by id, and
   * nothing is created in the VPC): it is a value that fails the synthesis, naming `-c vpcId`, if
   * anything asks for it.
   */
  private network(context: PipelineVpcContext) {
    const vpcId =
      context.vpcId ??
      Lazy.string({
        produce: () => {
          throw new Error('Context vpcId is needed: give -c vpcId=vpc-… (the VPC of vpcSubnetIds)');
        },
      });
    // The subnets are selected by id, so the VPC's Availability Zones are never read; fromVpcAttributes
    // wants a list, and Fn.getAzs() is the honest one (the Region's), unlike a lookup it needs no account.
    const vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', { vpcId, availabilityZones: Fn.getAzs() });
    Annotations.of(vpc).acknowledgeWarning('@aws-cdk/aws-ec2:vpcAttributeIsListTokenavailabilityZones',
      'The subnets are selected by id (vpcSubnets.subnets), so nothing reads the imported VPC\'s subnet lists or Availability Zones.');
    const subnets = context.subnetIds.map((subnetId, i) => {
      const subnet = ec2.Subnet.fromSubnetId(this, `Subnet${i}`, subnetId);
      Annotations.of(subnet).acknowledgeWarning('@aws-cdk/aws-ec2:noSubnetRouteTableId',
        'The S3 gateway endpoint takes its route tables from -c vpcRouteTableIds, given as ids; nothing reads a subnet\'s route table.');
      return subnet;
    });
    return {
      vpc,
      vpcSubnets: { subnets },
      securityGroups: context.securityGroupIds?.map((groupId, i) =>
        // Not mutable: the pipeline adds no rule to a group it does not own.
        ec2.SecurityGroup.fromSecurityGroupId(this, `SecurityGroup${i}`, groupId, { mutable: false }),
      ),
      createS3GatewayEndpoint: context.routeTableIds !== undefined,
      s3GatewayEndpointRouteTableIds: context.routeTableIds,
    };
  }
}
