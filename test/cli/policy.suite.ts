import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { operatorPolicy, type PolicyDocument, type PolicyStatement } from '../../cli/aws/operator-policy';
import { policyCommand, policyDisplay } from '../../cli/commands/policy';
import { visibleLength } from '../../cli/output';
import { runCommand } from '../../cli/run-command';
import { bufferOutput } from '../support/output';
import { pipelineTemplateJson } from '../support/template';
import { ACCOUNT, ARTIFACT_BUCKET, capture, DATA_BUCKET, executionArn, KEY_ARN, mockedAws, REGION, stackAnswer, STATE_MACHINE_ARN } from './aws-fixtures';

const STACK = 'ImageClassificationPipeline';
const policy = operatorPolicy({ stackName: STACK, stateMachineArn: STATE_MACHINE_ARN, dataBucket: DATA_BUCKET, artifactBucket: ARTIFACT_BUCKET, keyArn: KEY_ARN });

// ---------------------------------------------------------------------------------------------------
// The policy covers every AWS call of the command line, and nothing else
// ---------------------------------------------------------------------------------------------------

/** One request as IAM evaluates it: an action on a resource, with the context keys the service sends. */
interface IamRequest {
  readonly action: string;
  readonly resource: string;
  readonly context?: Readonly<Record<string, string>>;
}

const S3_VIA = { 'kms:ViaService': `s3.${REGION}.amazonaws.com` };
const object = (bucket: string, key: string) => `arn:aws:s3:::${bucket}/${key}`;
/** S3 calls KMS for the caller on SSE-KMS objects; kms:ViaService is then the S3 endpoint of the Region. */
const kms = (...actions: string[]): IamRequest[] => actions.map((action) => ({ action, resource: KEY_ARN, context: S3_VIA }));
const datasetFile = object(DATA_BUCKET, 'datasets/caltech-mini/train/caltech-mini-train.rec');

/**
 * Every AWS SDK command the command line may send, with the IAM requests it makes on this stack's resources
 * (Service Authorization Reference: https://docs.aws.amazon.com/service-authorization/latest/reference/).
 * The SDK commands are found in the code below: one used in cli/ but missing here fails the test, so a new
 * AWS call cannot ship without a policy entry.
 */
const IAM_REQUESTS: Readonly<Record<string, readonly IamRequest[]>> = {
  DescribeStacksCommand: [{ action: 'cloudformation:DescribeStacks', resource: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${STACK}/5a7f3e10-8d2b-11f1-9c3e-0a1b2c3d4e5f` }],
  StartExecutionCommand: [{ action: 'states:StartExecution', resource: STATE_MACHINE_ARN }],
  ListExecutionsCommand: [{ action: 'states:ListExecutions', resource: STATE_MACHINE_ARN }],
  DescribeExecutionCommand: [{ action: 'states:DescribeExecution', resource: executionArn('cli-20261128-101500-ab12') }],
  GetExecutionHistoryCommand: [{ action: 'states:GetExecutionHistory', resource: executionArn('cli-20261128-101500-ab12') }],
  StopExecutionCommand: [{ action: 'states:StopExecution', resource: executionArn('cli-20261128-101500-ab12') }],
  // SageMaker lower-cases names in ARNs.
  DescribeTrainingJobCommand: [{ action: 'sagemaker:DescribeTrainingJob', resource: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:training-job/cli-20261128-101500-ab12-1a2b3c4d` }],
  DescribeHyperParameterTuningJobCommand: [
    { action: 'sagemaker:DescribeHyperParameterTuningJob', resource: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:hyper-parameter-tuning-job/cli-1a2b3c4d-tune` },
  ],
  DescribeTransformJobCommand: [{ action: 'sagemaker:DescribeTransformJob', resource: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:transform-job/cli-20261128-101500-ab12-1a2b3c4d` }],
  // Both forms of a log group's ARN: with and without the `:*` DescribeLogGroups shows.
  FilterLogEventsCommand: ['TrainingJobs', 'TransformJobs'].flatMap((kind) => [
    { action: 'logs:FilterLogEvents', resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/sagemaker/${kind}` },
    { action: 'logs:FilterLogEvents', resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/sagemaker/${kind}:*` },
  ]),
  ListObjectsV2Command: [
    { action: 's3:ListBucket', resource: `arn:aws:s3:::${ARTIFACT_BUCKET}` },
    { action: 's3:ListBucket', resource: `arn:aws:s3:::${DATA_BUCKET}` },
  ],
  // Predictions, the images of the report, a dataset's classes.txt and dataset.json.
  GetObjectCommand: [
    { action: 's3:GetObject', resource: object(ARTIFACT_BUCKET, 'runs/cli-1a2b3c4d/predictions/cat.jpg.out') },
    { action: 's3:GetObject', resource: object(DATA_BUCKET, 'batch-input/cat.jpg') },
    { action: 's3:GetObject', resource: object(DATA_BUCKET, 'datasets/caltech-mini/classes.txt') },
    ...kms('kms:Decrypt'),
  ],
  // prepare-data --upload, prepare-batch --upload, evaluate --save.
  PutObjectCommand: [
    { action: 's3:PutObject', resource: datasetFile },
    { action: 's3:PutObject', resource: object(DATA_BUCKET, 'batches/holiday/beach/1.jpg') },
    { action: 's3:PutObject', resource: object(ARTIFACT_BUCKET, 'runs/cli-1a2b3c4d/evaluation.json') },
    ...kms('kms:GenerateDataKey'),
  ],
  // https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateMultipartUpload.html, Permissions: a multipart upload
  // with SSE-KMS needs kms:Decrypt and kms:GenerateDataKey; every step of it is s3:PutObject.
  CreateMultipartUploadCommand: [{ action: 's3:PutObject', resource: datasetFile }, ...kms('kms:GenerateDataKey', 'kms:Decrypt')],
  UploadPartCommand: [{ action: 's3:PutObject', resource: datasetFile }, ...kms('kms:GenerateDataKey', 'kms:Decrypt')],
  CompleteMultipartUploadCommand: [{ action: 's3:PutObject', resource: datasetFile }, ...kms('kms:Decrypt')],
  AbortMultipartUploadCommand: [{ action: 's3:AbortMultipartUpload', resource: datasetFile }],
  // DeleteObjects is authorized per key as s3:DeleteObject.
  ListEndpointsCommand: [{ action: 'sagemaker:ListEndpoints', resource: '*' }],
  ListModelPackagesCommand: [{ action: 'sagemaker:ListModelPackages', resource: '*' }],
  DescribeEndpointCommand: [{ action: 'sagemaker:DescribeEndpoint', resource: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/imageclassificationpipeline-endpoint` }],
  DescribeEndpointConfigCommand: [
    { action: 'sagemaker:DescribeEndpointConfig', resource: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint-config/imageclassificationpipeline-cli-20261128-101500-ab12-1a2b3c4d` },
  ],
  DeleteEndpointCommand: [{ action: 'sagemaker:DeleteEndpoint', resource: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/imageclassificationpipeline-endpoint` }],
  DeleteEndpointConfigCommand: [
    { action: 'sagemaker:DeleteEndpointConfig', resource: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint-config/imageclassificationpipeline-cli-20261128-101500-ab12-1a2b3c4d` },
  ],
  InvokeEndpointCommand: [{ action: 'sagemaker:InvokeEndpoint', resource: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/imageclassificationpipeline-endpoint` }],
  DescribeModelPackageCommand: [{ action: 'sagemaker:DescribeModelPackage', resource: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:model-package/imageclassificationpipeline-models/3` }],
  UpdateModelPackageCommand: [{ action: 'sagemaker:UpdateModelPackage', resource: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:model-package/imageclassificationpipeline-models/3` }],
  DeleteObjectsCommand: [{ action: 's3:DeleteObject', resource: object(DATA_BUCKET, 'datasets/caltech-mini/train/stale.rec') }],
};

/** Requests the policy must not allow: other stacks' resources, other prefixes, the key outside S3. */
const DENIED: readonly IamRequest[] = [
  { action: 'states:StartExecution', resource: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:SomeoneElses` },
  { action: 'states:StopExecution', resource: `arn:aws:states:${REGION}:${ACCOUNT}:execution:SomeoneElses:x` },
  { action: 's3:PutObject', resource: object(DATA_BUCKET, 'requests/run.json') },
  { action: 's3:PutObject', resource: object(ARTIFACT_BUCKET, 'datasets/x/train/a.rec') },
  { action: 's3:PutObject', resource: object(ARTIFACT_BUCKET, 'runs/cli-1a2b3c4d/predictions/cat.jpg.out') },
  { action: 's3:PutObject', resource: object(ARTIFACT_BUCKET, 'runs/cli-1a2b3c4d/model/model.tar.gz') },
  { action: 's3:DeleteObject', resource: object(DATA_BUCKET, 'train/a.rec') },
  { action: 's3:GetObject', resource: object('another-bucket', 'a.jpg') },
  { action: 'kms:Decrypt', resource: KEY_ARN },
  { action: 'kms:Decrypt', resource: KEY_ARN, context: { 'kms:ViaService': `sqs.${REGION}.amazonaws.com` } },
  { action: 'logs:FilterLogEvents', resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/other` },
  { action: 'sagemaker:DeleteEndpoint', resource: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/production-endpoint` },
  { action: 'sagemaker:InvokeEndpoint', resource: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/someone-elses` },
  { action: 'sagemaker:UpdateModelPackage', resource: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:model-package/other-models/1` },
];

/** IAM's wildcard match of an action or ARN pattern (`*` any run of characters, `?` one). */
function matches(pattern: string, value: string, ignoreCase = false): boolean {
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, ignoreCase ? 'i' : '').test(value);
}

/** Whether `statement` allows `request`: action (case-insensitive, as IAM compares actions), resource, conditions. */
function allows(statement: PolicyStatement, request: IamRequest): boolean {
  if (!statement.Action.some((action) => matches(action, request.action, true))) return false;
  if (!statement.Resource.some((resource) => matches(resource, request.resource))) return false;
  return Object.entries(statement.Condition ?? {}).every(([operator, values]) => {
    if (operator !== 'StringEquals') throw new Error(`this test evaluates StringEquals only, not ${operator}: teach it the operator`);
    return Object.entries(values).every(([key, value]) => request.context?.[key] === value);
  });
}

const allowed = (document: PolicyDocument, request: IamRequest) => document.Statement.some((statement) => statement.Effect === 'Allow' && allows(statement, request));

/** Every `.ts` file under `dir`. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** The AWS SDK commands constructed anywhere in cli/ (`new XxxCommand(`), and the SDK paginators used, by file. */
function sdkCallsInCli(): { commands: Set<string>; paginators: string[] } {
  const commands = new Set<string>();
  const paginators: string[] = [];
  for (const file of sourceFiles(resolve(__dirname, '../../cli'))) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes('@aws-sdk/client-')) continue;
    for (const match of text.matchAll(/new\s+([A-Z]\w*Command)\s*\(/g)) commands.add(match[1] as string);
    for (const match of text.matchAll(/\b(paginate[A-Z]\w*)\s*\(/g)) paginators.push(`${match[1]} in ${file}`);
  }
  return { commands, paginators };
}

describe('the policy covers every AWS call of the command line', () => {
  const { commands, paginators } = sdkCallsInCli();

  test('the code sends only SDK commands this test knows (a new one needs a policy entry and a line here)', () => {
    // Sanity: the scan finds the calls of every kind of command.
    expect([...commands]).toEqual(expect.arrayContaining(['DescribeStacksCommand', 'StartExecutionCommand', 'GetObjectCommand', 'FilterLogEventsCommand', 'UploadPartCommand']));
    expect([...commands].filter((command) => IAM_REQUESTS[command] === undefined)).toEqual([]);
    // A paginator sends commands without `new`: none is used, and one would need a line here too.
    expect(paginators).toEqual([]);
  });

  test.each(Object.entries(IAM_REQUESTS))('%s: every IAM request it makes is allowed', (command, requests) => {
    expect(commands.has(command)).toBe(true); // the table lists no command the code no longer sends
    for (const request of requests) expect({ ...request, allowed: allowed(policy, request) }).toEqual({ ...request, allowed: true });
  });

  test('every action of the policy is one the code needs: nothing more', () => {
    const needed = new Set(Object.values(IAM_REQUESTS).flatMap((requests) => requests.map((request) => request.action)));
    expect(new Set(policy.Statement.flatMap((statement) => statement.Action))).toEqual(needed);
    for (const action of needed) expect(action).not.toMatch(/\*/);
  });

  test('it allows nothing on other resources, other prefixes, or the key outside S3', () => {
    for (const request of DENIED) expect({ ...request, allowed: allowed(policy, request) }).toEqual({ ...request, allowed: false });
  });
});

// ---------------------------------------------------------------------------------------------------
// The command
// ---------------------------------------------------------------------------------------------------

describe('policy', () => {
  test('--json: exactly the policy document of the deployed stack, with its real ARNs', async () => {
    const { deps, mocks } = mockedAws();
    const { code, stdout, stderr } = await capture(true, (out) => policyCommand({}, deps, out));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(mocks.cloudFormation.commandCalls(DescribeStacksCommand)[0]?.args[0].input).toEqual({ StackName: STACK });
    const document = JSON.parse(stdout) as PolicyDocument;
    expect(document).toEqual(policy);
    expect(document.Version).toBe('2012-10-17');
    expect(document.Statement.find((s) => s.Sid === 'StartAndListRuns')?.Resource).toEqual([STATE_MACHINE_ARN]);
    expect(document.Statement.find((s) => s.Sid === 'FollowAndStopRuns')?.Resource).toEqual([
      `arn:aws:states:${REGION}:${ACCOUNT}:execution:PipelineStateMachine8C4D1D8B-Qx1kLr0Ab2Cd:*`,
    ]);
    expect(document.Statement.find((s) => s.Sid === 'UploadDatasets')?.Resource).toEqual([`arn:aws:s3:::${DATA_BUCKET}/datasets/*`, `arn:aws:s3:::${DATA_BUCKET}/batches/*`]);
    expect(document.Statement.find((s) => s.Sid === 'SaveEvaluations')?.Resource).toEqual([`arn:aws:s3:::${ARTIFACT_BUCKET}/runs/*/evaluation.json`]);
    expect(document.Statement.find((s) => s.Sid === 'UseTheBucketKeyThroughS3')).toEqual({
      Sid: 'UseTheBucketKeyThroughS3',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: [KEY_ARN],
      Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } },
    });
    // What `aws iam create-policy` accepts: unique statement ids of letters and digits, no wildcard action.
    const sids = document.Statement.map((s) => s.Sid);
    expect(new Set(sids).size).toBe(sids.length);
    for (const sid of sids) expect(sid).toMatch(/^[A-Za-z0-9]+$/);
  });

  test('the stack\'s partition and Region: China ARNs and the China S3 endpoint in the KMS condition', () => {
    const china = operatorPolicy({
      stackName: STACK,
      stateMachineArn: 'arn:aws-cn:states:cn-north-1:111122223333:stateMachine:Pipeline',
      dataBucket: 'data',
      artifactBucket: 'artifacts',
      keyArn: 'arn:aws-cn:kms:cn-north-1:111122223333:key/k',
    });
    const json = JSON.stringify(china);
    expect(json).not.toContain('arn:aws:');
    expect(china.Statement.find((s) => s.Sid === 'FindThePipelineStack')?.Resource).toEqual([`arn:aws-cn:cloudformation:cn-north-1:111122223333:stack/${STACK}/*`]);
    expect(china.Statement.find((s) => s.Sid === 'UseTheBucketKeyThroughS3')?.Condition).toEqual({ StringEquals: { 'kms:ViaService': 's3.cn-north-1.amazonaws.com.cn' } });
  });

  test('a stack deployed before the key output: exit 1, saying to deploy again', async () => {
    const { deps, mocks } = mockedAws();
    const answer = stackAnswer();
    const stack = answer.Stacks[0]!;
    mocks.cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [{ ...stack, Outputs: stack.Outputs.filter((o) => o.OutputKey !== 'EncryptionKeyArn') }] });
    const { code, stdout, stderr } = await capture(false, (out) => policyCommand({}, deps, out));
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(`Error: Stack ${STACK} has no output EncryptionKeyArn: it was deployed by a version of the pipeline before \`ic-pipeline policy\`.`);
    expect(stderr).toContain('Deploy the pipeline again with `npx cdk deploy`');
  });

  test('the stack has the output the command reads: the ARN of the one key, which encrypts the buckets', () => {
    const template = pipelineTemplateJson() as { Resources: Record<string, { Type: string; Properties?: any }>; Outputs?: Record<string, { Value: unknown }> };
    const keys = Object.entries(template.Resources).filter(([, resource]) => resource.Type === 'AWS::KMS::Key').map(([id]) => id);
    expect(keys).toHaveLength(1);
    expect(template.Outputs?.EncryptionKeyArn?.Value).toEqual({ 'Fn::GetAtt': [keys[0], 'Arn'] });
    const bucketKeys = Object.values(template.Resources)
      .filter((resource) => resource.Type === 'AWS::S3::Bucket')
      .flatMap((resource) => resource.Properties?.BucketEncryption?.ServerSideEncryptionConfiguration ?? [])
      .map((rule: any) => rule.ServerSideEncryptionByDefault?.KMSMasterKeyID)
      .filter(Boolean);
    expect(bucketKeys).toEqual([{ 'Fn::GetAtt': [keys[0], 'Arn'] }, { 'Fn::GetAtt': [keys[0], 'Arn'] }]);
  });

  test('docs/security.md shows the policy this code prints, for the stack its example names', () => {
    const doc = readFileSync(resolve(__dirname, '../../docs/security.md'), 'utf8');
    const shown = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(doc)?.[1] ?? 'null') as PolicyDocument;
    const start = shown.Statement.find((s) => s.Sid === 'StartAndListRuns')?.Resource[0] as string;
    const buckets = shown.Statement.find((s) => s.Sid === 'ListBuckets')?.Resource.map((arn) => arn.replace('arn:aws:s3:::', '')) ?? [];
    const keyArn = shown.Statement.find((s) => s.Sid === 'UseTheBucketKeyThroughS3')?.Resource[0] as string;
    expect(shown).toEqual(operatorPolicy({ stackName: STACK, stateMachineArn: start, dataBucket: buckets[0] as string, artifactBucket: buckets[1] as string, keyArn }));
    for (const statement of shown.Statement) expect(doc).toContain(`| \`${statement.Sid}\` |`);
  });

  describe('the readable display', () => {
    /** The display with each broken line joined back: continuation lines are indented deeper than their first. */
    const unwrapped = (text: string) => text.replace(/\n {6,}/g, '');

    test.each([
      [80, true],
      [60, true],
      [80, false],
      [60, false],
    ])('at %i columns (terminal: %s): no line is wider, and every action and resource is there', async (columns, tty) => {
      const { deps } = mockedAws();
      const out = bufferOutput({ tty, columns });
      const code = await runCommand(out, () => policyCommand({}, deps, out));
      expect(code).toBe(0);
      const text = out.stdout();
      for (const line of text.split('\n')) expect({ line, width: visibleLength(line) <= columns }).toEqual({ line, width: true });
      const joined = unwrapped(text);
      for (const statement of policy.Statement) {
        expect(joined).toContain(`${statement.Sid}: `);
        for (const action of statement.Action) expect(joined).toMatch(new RegExp(`^  ${action.replace(/[.*]/g, '\\$&')}$`, 'm'));
        for (const resource of statement.Resource) expect(joined).toContain(`on ${resource}\n`);
      }
      // Prose and the condition wrap at spaces.
      const words = text.replace(/\s+/g, ' ');
      expect(words).toContain('when kms:ViaService StringEquals s3.eu-west-1.amazonaws.com');
      expect(words).toContain('reading them takes kms:Decrypt and writing them kms:GenerateDataKey on that key');
      expect(words).toContain(' aws iam create-policy --policy-name ic-pipeline-operator --policy-document file://ic-pipeline-operator.json ');
      expect(text).not.toContain('\x1b[');
    });

    test('a resource too long for the line is broken after a ":" or "/", not inside a name', () => {
      const lines = policyDisplay(policy, STACK, 60);
      const start = lines.findIndex((line) => line.startsWith(`    on arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:`));
      expect(lines.slice(start, start + 2)).toEqual([`    on arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:`, '        PipelineStateMachine8C4D1D8B-Qx1kLr0Ab2Cd']);
    });
  });
});
