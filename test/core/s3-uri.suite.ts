import { parseS3Uri, s3UriProblem } from '../../core/s3-uri';

describe('parseS3Uri', () => {
  test.each([
    ['s3://data-bkt/train/', { bucket: 'data-bkt', prefix: 'train/' }],
    ['s3://data-bkt/datasets/pets/train', { bucket: 'data-bkt', prefix: 'datasets/pets/train' }],
    ['s3://data-bkt/', { bucket: 'data-bkt', prefix: '' }],
    ['s3://data-bkt', { bucket: 'data-bkt', prefix: '' }],
  ])('%s has its bucket and key prefix', (uri, parts) => {
    expect(parseS3Uri(uri)).toEqual(parts);
  });

  test.each(['', 'data-bkt/train/', 's3:/data-bkt/train/', 'https://data-bkt.s3.amazonaws.com/train/', 's3:///train/'])(
    '%j is not an S3 URI',
    (uri) => {
      expect(parseS3Uri(uri)).toBeUndefined();
    },
  );

  test('the validation of run inputs reads the bucket the same way', () => {
    const buckets = { dataBucket: 'data-bkt', artifactBucket: 'artifact-bkt' };
    expect(s3UriProblem('s3://data-bkt/train/', buckets)).toBeUndefined();
    expect(s3UriProblem('s3://other/train/', buckets)).toContain('is in bucket "other"');
    expect(s3UriProblem('data-bkt/train/', buckets)).toContain('must be an S3 URI of the form s3://<bucket>/<prefix>');
  });
});
