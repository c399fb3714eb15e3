import { Match, Template } from 'aws-cdk-lib/assertions';
import { pipelineTemplate } from '../support/synth';

let template: Template;
beforeAll(() => {
  template = pipelineTemplate();
});

const buckets = () => template.findResources('AWS::S3::Bucket');

describe('pipeline storage', () => {
  test('creates exactly three buckets: data, artifacts and access logs', () => {
    expect(Object.keys(buckets())).toHaveLength(3);
  });

  test('every bucket is retained when the stack is deleted', () => {
    for (const bucket of Object.values(buckets())) {
      expect(bucket).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
  });

  test('every bucket blocks public access, is versioned and expires only noncurrent versions', () => {
    for (const bucket of Object.values(buckets())) {
      expect(bucket.Properties).toMatchObject({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        VersioningConfiguration: { Status: 'Enabled' },
        LifecycleConfiguration: {
          Rules: [
            {
              Status: 'Enabled',
              NoncurrentVersionExpiration: { NoncurrentDays: 90 },
              AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
            },
          ],
        },
      });
      const rules = (bucket.Properties.LifecycleConfiguration.Rules as Array<Record<string, unknown>>);
      expect(rules.some((rule) => 'ExpirationInDays' in rule)).toBe(false);
    }
  });

  test('the data and artifact buckets use the customer-managed key with bucket keys, and log to the log bucket', () => {
    const keyId = Object.keys(template.findResources('AWS::KMS::Key'))[0];
    const logBucket = Object.entries(buckets()).find(([, b]) => b.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm === 'AES256');
    expect(logBucket).toBeDefined();
    for (const prefix of ['data-bucket/', 'artifact-bucket/']) {
      template.hasResourceProperties('AWS::S3::Bucket', {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            {
              BucketKeyEnabled: true,
              ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } },
            },
          ],
        },
        LoggingConfiguration: { DestinationBucketName: { Ref: logBucket?.[0] }, LogFilePrefix: prefix },
      });
    }
  });

  test('the access-log bucket uses SSE-S3, which S3 server access logging requires', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LoggingConfiguration: Match.absent(),
    });
  });

  test('the data bucket sends events to EventBridge, so uploaded run requests can start runs', () => {
    const dataBucket = Object.entries(buckets()).find(([, b]) => b.Properties.LoggingConfiguration?.LogFilePrefix === 'data-bucket/');
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: dataBucket?.[0] },
      NotificationConfiguration: { EventBridgeConfiguration: {} },
    });
    expect(Object.keys(template.findResources('Custom::S3BucketNotifications'))).toHaveLength(1);
  });

  test('every bucket policy denies requests without TLS 1.2 or newer', () => {
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy'));
    expect(policies).toHaveLength(3);
    for (const policy of policies) {
      const statements = policy.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>;
      expect(statements).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      );
    }
  });
});
