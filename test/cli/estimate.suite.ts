import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dryRunCommand } from '../../cli/commands/dry-run';
import { estimateCommand } from '../../cli/commands/estimate';
import { validateCommand } from '../../cli/commands/validate';
import { runCommand } from '../../cli/run-command';
import { bufferOutput } from '../support/output';
import { pipelineTemplateJson } from '../support/template';
import { tempDir } from '../support/temp-dir';

const dir = tempDir('ic-estimate-');
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

async function estimate(options: Parameters<typeof estimateCommand>[0], json = false) {
  const out = bufferOutput({ json });
  const code = await runCommand(out, () => estimateCommand(options, out, {}));
  return { code, stdout: out.stdout(), stderr: out.stderr() };
}

describe('estimate', () => {
  test('--json: the documented shape, in USD, for the reference run in us-east-1', async () => {
    const { code, stdout } = await estimate({}, true);
    expect(code).toBe(0);
    const document = JSON.parse(stdout);
    expect(Object.keys(document)).toEqual(['currency', 'region', 'pricesAsOf', 'training', 'transform', 'total', 'assumptions', 'endpoint', 'warnings']);
    expect(document.endpoint).toBeNull();
    expect(document).toMatchObject({
      currency: 'USD',
      region: 'us-east-1',
      training: { instanceType: 'ml.g4dn.xlarge', instanceCount: 1, spot: false, jobs: 1, pricePerHour: 0.7364, estimatedSeconds: 407, maxCost: 73.64 },
      transform: { instanceType: 'ml.c5.xlarge', instanceCount: 1, pricePerHour: 0.204, estimatedSeconds: 400, maxCost: 14.688 },
      total: { maxCost: 88.328 },
      warnings: [],
    });
    expect(Object.keys(document.training)).toEqual(['instanceType', 'instanceCount', 'spot', 'jobs', 'pricePerHour', 'estimatedSeconds', 'estimatedCost', 'maxCost']);
    expect(Object.keys(document.transform)).toEqual(['instanceType', 'instanceCount', 'pricePerHour', 'estimatedSeconds', 'estimatedCost', 'maxCost']);
    expect(document.assumptions.length).toBeGreaterThanOrEqual(5);
  });

  test('a person reads on demand and spot at a glance: the same table, the spot line marked and compared', async () => {
    const onDemand = (await estimate({})).stdout;
    const spot = (await estimate({ request: file('spot.json', { training: { spot: true } }) })).stdout;
    expect(onDemand).toMatch(/INSTANCES\s+PRICE\/HOUR\s+EST\. TIME\s+EST\. COST\s+AT MOST/);
    expect(onDemand).toMatch(/training\s+1 x ml\.g4dn\.xlarge\s+\$0\.7364\s+6m 47s\s+\$0\.0833\s+\$73\.64/);
    expect(onDemand).toMatch(/transform\s+1 x ml\.c5\.xlarge\s+\$0\.2040\s+6m 40s\s+\$0\.0227\s+\$14\.69/);
    expect(onDemand).toMatch(/total\s+\$0\.1059\s+\$88\.33/);
    expect(spot).toMatch(/training \(spot\)\s+1 x ml\.g4dn\.xlarge\s+\$0\.7364\s+6m 47s\s+\$0\.0333\s+\$73\.64/);
    expect(spot).toContain('training on demand would be about $0.0833');
    expect(spot).toContain('Spot: an expected saving of 60 %');
  });

  test('an unknown Region or instance type reads "no price", never a guess', async () => {
    const { stdout } = await estimate({ region: 'ap-southeast-2' });
    expect(stdout).toMatch(/training\s+1 x ml\.g4dn\.xlarge\s+no price\s+6m 47s\s+no price\s+no price/);
    expect(stdout).toMatch(/total\s+no price\s+no price/);
    const g5 = JSON.parse((await estimate({ request: file('g5.json', { training: { instanceType: 'ml.g5.xlarge' } }) }, true)).stdout);
    expect(g5.training).toMatchObject({ pricePerHour: null, estimatedSeconds: null, estimatedCost: null, maxCost: null });
    expect(g5.total).toEqual({ estimatedCost: null, maxCost: null });
  });

  test('a P3 request is estimated, with a warning that the family is being retired', async () => {
    const { code, stdout, stderr } = await estimate({ request: file('p3.json', { training: { instanceType: 'ml.p3.2xlarge' } }) });
    expect(code).toBe(0);
    expect(stdout).toMatch(/training\s+1 x ml\.p3\.2xlarge\s+\$3\.8250/);
    expect(stderr).toContain('Warning: ml.p3.2xlarge is of the P3 (NVIDIA V100) family, which AWS is retiring');
  });

  test('a rejected request exits 1 with its problems; a request written for the deployed buckets is estimated', async () => {
    const bad = await estimate({ request: file('bad.json', { training: { maxWaitTimeInSeconds: 7200 } }) });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('training.maxWaitTimeInSeconds: 7200 is only used with managed spot training');
    const deployed = await estimate({ request: file('deployed.json', { trainingData: 's3://my-data-bucket/train/', validationData: 's3://my-data-bucket/val/' }) });
    expect(deployed.code).toBe(0);
  });

  test('--images sets the batch size of the transform estimate', async () => {
    const document = JSON.parse((await estimate({ images: 5000 }, true)).stdout);
    expect(document.transform.estimatedSeconds).toBe(300 + 500);
  });
});

describe('validate', () => {
  test('shows the spot settings and warns about a retiring family', async () => {
    const out = bufferOutput();
    const path = file('spot-p3.json', { training: { spot: true, instanceType: 'ml.p3.2xlarge', maxRuntimeInSeconds: 3600 } });
    expect(await runCommand(out, () => validateCommand({ file: path }, out))).toBe(0);
    expect(out.stdout()).toMatch(/spot {5}managed spot training: the job may take 90000 s in all, waiting for capacity included; checkpoints in s3:\/\/<artifact-bucket>\/runs\/validate-[0-9a-f]{8}\/checkpoints\//);
    expect(out.stderr()).toContain('Warning: ml.p3.2xlarge is of the P3 (NVIDIA V100) family, which AWS is retiring');
  });
});

describe('dry-run', () => {
  const template = () => pipelineTemplateJson();
  const dryRun = async (options: Partial<Parameters<typeof dryRunCommand>[0]>, json = false) => {
    const out = bufferOutput({ json });
    const templateJson = template();
    const loadTemplate = (() => ({ template: templateJson, path: 'cdk.out/test.template.json', how: 'reused', reason: 'test' })) as never;
    const code = await dryRunCommand({ root: '.', ...options }, out, { env: {}, loadTemplate });
    return { code, stdout: out.stdout() };
  };

  test('prints the same estimate as the estimate command, the P3 warning, and the spot fields and checkpoint prefix of the request', async () => {
    const request = file('dry-spot.json', { training: { spot: true, instanceType: 'ml.p3.2xlarge' } });
    const { code, stdout } = await dryRun({ request });
    expect(code).toBe(0);
    const estimated = (await estimate({ request })).stdout.split('\n').filter((line) => /^ {2}(training|transform|total)/.test(line));
    expect(estimated).toHaveLength(4); // training, transform, total, and the on-demand comparison
    for (const line of estimated) expect(stdout).toContain(line);
    expect(stdout).toContain('Warning:   ml.p3.2xlarge is of the P3 (NVIDIA V100) family, which AWS is retiring');
    expect(stdout).toContain('"EnableManagedSpotTraining": true');
    expect(stdout).toContain('"MaxWaitTimeInSeconds": 446400');
    expect(stdout).toMatch(/"S3Uri": "s3:\/\/<artifact-bucket>\/runs\/dry-run-[0-9a-f]{8}\/checkpoints\/"/);
  });

  test('--simulate spot-interrupted ends in a failure notification that names MaxWaitTimeExceeded and what to do', async () => {
    const { code, stdout } = await dryRun({ request: file('dry-spot-2.json', { training: { spot: true } }), scenario: 'spot-interrupted' }, true);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.error).toBe('Train model failed: MaxWaitTimeExceeded');
    expect(report.notifications[0].message.cause).toContain('Run it again on demand (training.spot false)');
    expect(report.estimate.training.spot).toBe(true);
  });
});

describe('estimate of a request that deploys an endpoint', () => {
  test('--json: its hourly and monthly (730 h) cost from the list price', async () => {
    const { code, stdout } = await estimate({ request: file('endpoint.json', { mode: 'train', endpoint: { instanceType: 'ml.m5.xlarge', instanceCount: 2 } }), region: 'us-east-1' }, true);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).endpoint).toEqual({
      name: 'imageclassificationpipeline-endpoint',
      instanceType: 'ml.m5.xlarge',
      instanceCount: 2,
      costPerHour: 0.46,
      costPerMonth: 335.8,
    });
  });

  test.each([80, 60])('at %i columns: the cost and that an endpoint bills every hour it exists, no line wider', async (columns) => {
    const out = bufferOutput({ columns });
    await runCommand(out, () => estimateCommand({ request: file('e.json', { mode: 'train', endpoint: { instanceType: 'ml.m5.xlarge' } }), region: 'us-east-1' }, out, {}));
    const text = out.stdout();
    expect(text).toContain('1 x ml.m5.xlarge: $0.2300 an hour,\n  $167.90 a month (730 h)');
    expect(text).toContain('An endpoint bills every hour it exists');
    const lines = text.split('\n');
    const start = lines.findIndex((line) => line.startsWith('Endpoint '));
    const endpointLines = lines.slice(start, lines.indexOf('', start));
    expect(endpointLines).toHaveLength(5);
    for (const line of endpointLines) expect(line.length).toBeLessThanOrEqual(columns);
  });
});
