import { Template } from 'aws-cdk-lib/assertions';
import registries from '../../core/reference/image-classification-registries.json';
import { logicalIdOf, pipelineTemplate, synthPipeline } from '../support/synth';

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, unknown>;
}

let template: Template;
let roleId: string;
let statements: Statement[];

beforeAll(() => {
  template = pipelineTemplate();
  roleId = logicalIdOf(template, 'AWS::IAM::Role', 'SageMakerExecutionRole');
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
    (policy.Properties.Roles as unknown[]).some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId })),
  );
  expect(policies).toHaveLength(1);
  statements = policies[0]?.Properties.PolicyDocument.Statement as Statement[];
});

const actionsOf = (statement: Statement) => ([] as string[]).concat(statement.Action);
const resourcesOf = (statement: Statement) => ([] as unknown[]).concat(statement.Resource);
const bySid = (sid: string) => {
  const found = statements.find((statement) => statement.Sid === sid);
  if (!found) throw new Error(`no statement ${sid}`);
  return found;
};

describe('SageMaker execution role', () => {
  test('is assumed by SageMaker of this account only', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Principal: { Service: 'sagemaker.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } },
          },
        ],
      },
    });
  });

  test('has no managed policies (never AmazonSageMakerFullAccess)', () => {
    const role = template.findResources('AWS::IAM::Role')[roleId];
    expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('has no wildcard actions at all', () => {
    for (const statement of statements) {
      for (const action of actionsOf(statement)) {
        expect(action).not.toContain('*');
      }
    }
  });

  test('grants exactly the expected actions', () => {
    const actions = statements.flatMap(actionsOf).sort();
    expect(actions).toEqual(
      [
        'cloudwatch:PutMetricData',
        'ecr:BatchCheckLayerAvailability',
        'ecr:BatchGetImage',
        'ecr:GetAuthorizationToken',
        'ecr:GetDownloadUrlForLayer',
        'kms:CreateGrant',
        'kms:Decrypt',
        'kms:DescribeKey',
        'kms:Encrypt',
        'kms:GenerateDataKey',
        'logs:CreateLogGroup',
        'logs:CreateLogStream',
        'logs:DescribeLogStreams',
        'logs:PutLogEvents',
        's3:AbortMultipartUpload',
        's3:DeleteObject',
        's3:GetBucketLocation',
        's3:GetObject',
        's3:GetObject',
        's3:GetObject',
        's3:ListBucket',
        's3:ListMultipartUploadParts',
        's3:PutObject',
        's3:PutObject',
      ].sort(),
    );
  });

  test('only ECR login and metrics use Resource "*", as IAM requires for them', () => {
    const starStatements = statements.filter((statement) => resourcesOf(statement).includes('*'));
    expect(starStatements.flatMap(actionsOf).sort()).toEqual(['cloudwatch:PutMetricData', 'ecr:GetAuthorizationToken']);
    expect(bySid('PutJobMetrics').Condition).toEqual({ StringLike: { 'cloudwatch:namespace': '/aws/sagemaker/*' } });
  });

  test('reads the data bucket and reads/writes only runs/* in the artifact bucket', () => {
    const dataBucket = logicalIdOf(template, 'AWS::S3::Bucket', 'StorageDataBucket');
    const artifactBucket = logicalIdOf(template, 'AWS::S3::Bucket', 'StorageArtifactBucket');
    expect(bySid('ReadData')).toMatchObject({
      Action: 's3:GetObject',
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [dataBucket, 'Arn'] }, '/*']] },
    });
    expect(bySid('ReadWriteRuns').Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [artifactBucket, 'Arn'] }, '/runs/*']] });
    // Incremental training reads an earlier run's model.tar.gz from here (the state machine accepts no other base model).
    expect(bySid('ReadWriteRuns').Action).toContain('s3:GetObject');
    expect(bySid('ListBuckets').Resource).toHaveLength(2);
    expect(bySid('ListBuckets').Resource).toEqual(
      expect.arrayContaining([{ 'Fn::GetAtt': [dataBucket, 'Arn'] }, { 'Fn::GetAtt': [artifactBucket, 'Arn'] }]),
    );
  });

  test('may read, write and delete only under runs/*/checkpoints/ (spot training); delete nowhere else', () => {
    const artifactBucket = logicalIdOf(template, 'AWS::S3::Bucket', 'StorageArtifactBucket');
    expect(bySid('Checkpoints')).toMatchObject({
      Action: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'],
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [artifactBucket, 'Arn'] }, '/runs/*/checkpoints/*']] },
    });
    const deleting = statements.filter((statement) => actionsOf(statement).includes('s3:DeleteObject'));
    expect(deleting.map((statement) => statement.Sid)).toEqual(['Checkpoints']);
  });

  test('pulls only the algorithm repository of the Region, looked up in the registry mapping', () => {
    const pull = JSON.stringify(bySid('PullAlgorithmImage').Resource);
    expect(pull).toContain('repository/image-classification');
    expect(pull).toContain('Fn::FindInMap');
    const mappings = template.toJSON().Mappings as Record<string, Record<string, { account: string }>>;
    const registry = Object.values(mappings).find((mapping) => mapping['us-east-1'] !== undefined);
    expect(registry?.['us-east-1']).toEqual({ account: '811284229777' });
    expect(registry?.['cn-north-1']).toEqual({ account: '390948362332' });
  });

  test('the registry mapping has exactly the Regions and accounts of the registry file', () => {
    const mappings = template.toJSON().Mappings as Record<string, Record<string, { account: string }>>;
    const registry = Object.values(mappings).find((mapping) => mapping['us-east-1'] !== undefined) ?? {};
    expect(Object.fromEntries(Object.entries(registry).map(([region, { account }]) => [region, account]))).toEqual(registries.accounts);
  });

  test('writes logs only to the SageMaker job log groups', () => {
    const resources = JSON.stringify(bySid('WriteJobLogs').Resource);
    expect(resources).toContain('log-group:/aws/sagemaker/TrainingJobs:*');
    expect(resources).toContain('log-group:/aws/sagemaker/TransformJobs:*');
  });

  test('may create KMS grants only for AWS resources (encrypted ML volumes)', () => {
    expect(bySid('EncryptVolumes').Condition).toEqual({ Bool: { 'kms:GrantIsForAWSResource': 'true' } });
  });

  test('has no VPC permissions without a VPC, and has them with one', () => {
    expect(statements.flatMap(actionsOf).some((action) => action.startsWith('ec2:'))).toBe(false);
    const withVpc = synthPipeline({ vpcConfig: { subnetIds: ['subnet-0123456789abcdef0'], securityGroupIds: ['sg-0123456789abcdef0'] } }).template;
    expect(JSON.stringify(withVpc.findResources('AWS::IAM::Policy'))).toContain('ec2:CreateNetworkInterface');
  });
});
