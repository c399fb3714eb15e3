import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { newApp } from '../support/synth';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { addPipeline, PIPELINE_STACK_NAME } from '../../lib/pipeline-app';
import { STATE_NAMES } from '../../core/state-names';
import { resolveIntrinsics, stateMachineDefinition } from '../../simulation/definition';

interface ValidationReport {
  pluginReports: Array<{ violations: Array<{ ruleName: string; violatingConstructs: Array<{ constructPath: string }> }> }>;
}

/** Synthesizes `build(app)` into a temporary folder; returns the error (if any) and the cdk-nag findings. */
function synthWithNag(build: (app: App) => void, context: Record<string, unknown> = {}, validate = false) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ic-pipeline-nag-'));
  const app = newApp({ outdir, context, validate });
  try {
    build(app);
    let error: Error | undefined;
    try {
      app.synth();
    } catch (err) {
      error = err as Error;
    }
    const reportFile = path.join(outdir, 'validation-report.json');
    const report: ValidationReport = fs.existsSync(reportFile) ? JSON.parse(fs.readFileSync(reportFile, 'utf8')) : { pluginReports: [] };
    const findings = report.pluginReports
      .flatMap((plugin) => plugin.violations)
      .flatMap((violation) => violation.violatingConstructs.map((c) => `${violation.ruleName} at ${c.constructPath}`));
    // The pipeline stack's template, read before the folder goes.
    const templateFile = path.join(outdir, `${PIPELINE_STACK_NAME}.template.json`);
    const template = fs.existsSync(templateFile) ? Template.fromJSON(JSON.parse(fs.readFileSync(templateFile, 'utf8'))) : undefined;
    return { app, error, findings, template };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

describe('cdk-nag AwsSolutions', () => {
  // The one test with the built-in CloudFormation validator on, as `cdk synth` runs it.
  test('an environment-agnostic stack (cdk synth without credentials) has no unacknowledged finding', () => {
    const { error, findings } = synthWithNag((app) => addPipeline(app, {}), {}, true);
    expect(findings).toEqual([]);
    expect(error).toBeUndefined();
  });

  // The fullest configuration (known account and Region, a VPC with the security group and the S3 gateway
  // endpoint that the pipeline creates, a notification email): synthesized once, for its findings, its
  // acknowledgements and its VPC resources below. (The VPC with given security groups and no endpoint is
  // synthesized by test/lib/pipeline-state-machine.suite.ts.)
  let full: ReturnType<typeof synthWithNag>;
  beforeAll(() => {
    full = synthWithNag((app) => addPipeline(app, { account: '111122223333', region: 'eu-west-1' }), {
      notificationEmail: 'ml-team@example.com',
      vpcId: 'vpc-0123456789abcdef0',
      vpcSubnetIds: 'subnet-0123456789abcdef0,subnet-0123456789abcdef1',
      vpcRouteTableIds: 'rtb-0123456789abcdef0,rtb-0123456789abcdef1',
    });
  });

  test('a stack with a known account and Region, a VPC (security group and S3 endpoint created) and a notification email has no unacknowledged finding', () => {
    expect(full.findings).toEqual([]);
    expect(full.error).toBeUndefined();
  });

  test('a new finding fails the synthesis and is named', () => {
    const { error, findings } = synthWithNag((app) => {
      const stack = addPipeline(app, { account: '111122223333', region: 'us-east-1' });
      // A bucket without server access logs, TLS enforcement or the pipeline's encryption.
      new s3.Bucket(stack, 'UncheckedBucket');
    });
    expect(error?.message).toContain('Acknowledge with \'AwsSolutions::AwsSolutions-S1\'');
    expect(findings).toEqual(expect.arrayContaining([expect.stringMatching(/^AwsSolutions-S1 at .*\/UncheckedBucket\//)]));
    expect(findings.every((finding) => finding.includes('/UncheckedBucket/'))).toBe(true);
  });

  test('every acknowledgement (of the fullest configuration) gives a reason and names a single rule or finding', () => {
    const stack = full.app.node.findChild(PIPELINE_STACK_NAME);
    const acknowledgements = stack.node
      .findAll()
      .flatMap((construct) => construct.node.metadata.filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((entry) => Object.entries(entry.data as Record<string, { reason?: string } | string>));
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const [id, value] of acknowledgements) {
      expect(id).toMatch(/AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      const reason = typeof value === 'string' ? value : value.reason;
      expect((reason ?? '').length).toBeGreaterThan(40);
    }
    // No rule is switched off for the whole stack: acknowledgements sit on the resources they cover.
    expect(stack.node.metadata.some((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)).toBe(false);
  });

  // The fullest configuration's VPC, from -c vpcId, vpcSubnetIds and vpcRouteTableIds (no security group given).
  describe('the app stack in a VPC from -c vpcId, vpcSubnetIds and vpcRouteTableIds', () => {
    let template: Template;
    beforeAll(() => {
      template = full.template as Template;
    });

    test('creates an S3 gateway endpoint in the VPC on exactly the given route tables', () => {
      template.resourceCountIs('AWS::EC2::VPCEndpoint', 1);
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcId: 'vpc-0123456789abcdef0',
        VpcEndpointType: 'Gateway',
        ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.s3']] },
        RouteTableIds: ['rtb-0123456789abcdef0', 'rtb-0123456789abcdef1'],
      });
    });

    test('creates a security group whose members may reach each other (multi-instance training) and HTTPS out, nothing else', () => {
      const groups = template.findResources('AWS::EC2::SecurityGroup');
      expect(Object.keys(groups)).toHaveLength(1);
      const [groupId, group] = Object.entries(groups)[0]!;
      const self = { 'Fn::GetAtt': [groupId, 'GroupId'] };
      expect(group.Properties.VpcId).toBe('vpc-0123456789abcdef0');
      expect(group.Properties.SecurityGroupIngress).toBeUndefined();
      template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 1);
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { GroupId: self, SourceSecurityGroupId: self, IpProtocol: '-1' });
      // Egress: to its own members (all traffic) and HTTPS (S3, through the endpoint or a NAT).
      template.resourceCountIs('AWS::EC2::SecurityGroupEgress', 1);
      template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { GroupId: self, DestinationSecurityGroupId: self, IpProtocol: '-1' });
      expect(group.Properties.SecurityGroupEgress).toEqual([
        expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
      ]);
    });

    test('the jobs and the model run in the given subnets with that security group', () => {
      const groupId = Object.keys(template.findResources('AWS::EC2::SecurityGroup'))[0] as string;
      const json = template.toJSON();
      const env = { account: '111122223333', region: 'eu-west-1' };
      const definition = stateMachineDefinition(json, env);
      const vpcConfig = {
        SecurityGroupIds: [resolveIntrinsics({ 'Fn::GetAtt': [groupId, 'GroupId'] }, json, env)],
        Subnets: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
      };
      // The local run (dry-run) gives the group an id of SageMaker's form, which its stand-in checks.
      expect(vpcConfig.SecurityGroupIds[0]).toMatch(/^sg-[0-9a-f]{17}$/);
      for (const state of [STATE_NAMES.buildTrainingRequest, STATE_NAMES.buildSpotTrainingRequest, 'Create model']) {
        expect(definition.States[state]).toMatchObject({ Parameters: { VpcConfig: vpcConfig } });
      }
    });
  });
});
