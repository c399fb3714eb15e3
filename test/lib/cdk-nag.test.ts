import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { newApp } from '../support/synth';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { addPipeline, PIPELINE_STACK_NAME } from '../../lib/pipeline-app';

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
    return { app, error, findings };
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

  // The fullest configuration (known account and Region, a VPC, a notification email): synthesized once,
  // for its findings and for its acknowledgements below.
  let full: ReturnType<typeof synthWithNag>;
  beforeAll(() => {
    full = synthWithNag((app) => addPipeline(app, { account: '111122223333', region: 'eu-west-1' }), {
      notificationEmail: 'ml-team@example.com',
      vpcSubnetIds: 'subnet-0123456789abcdef0,subnet-0123456789abcdef1',
      vpcSecurityGroupIds: 'sg-0123456789abcdef0',
    });
  });

  test('a stack with a known account and Region, a VPC and a notification email has no unacknowledged finding', () => {
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
});
