import { createHash } from 'node:crypto';
import {
  EXECUTION_NAME_HASH_LENGTH,
  executionArnFor,
  executionNameFor,
  MAX_EXECUTION_NAME_LENGTH,
  readableBaseName,
} from '../../core/execution-name';

const BUCKET = 'ic-pipeline-data-bucket-1a2b3c';
const VERSION_ID = 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e';
const ALLOWED = /^[A-Za-z0-9_-]{1,80}$/;

function sha256Prefix(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16);
}

describe('executionNameFor', () => {
  it('is the base name, a dash and the first 16 hex characters of sha256(bucket, key, version id)', () => {
    const name = executionNameFor({ bucket: BUCKET, key: 'requests/my-run.json', versionId: VERSION_ID });
    expect(name).toBe(`my-run-${sha256Prefix(`${BUCKET}\nrequests/my-run.json\n${VERSION_ID}`)}`);
  });

  it('does not change between releases for the same file version (a change would let a retried event start a second run)', () => {
    expect(executionNameFor({ bucket: 'b', key: 'requests/a.json', versionId: 'v1' })).toBe('a-f9bfaf8e58ae5646');
  });

  it('uses the sequencer when the bucket gives no version id', () => {
    const name = executionNameFor({ bucket: BUCKET, key: 'requests/my-run.json', sequencer: '617f08299329d189' });
    expect(name).toBe(`my-run-${sha256Prefix(`${BUCKET}\nrequests/my-run.json\n617f08299329d189`)}`);
  });

  it('is deterministic', () => {
    const revision = { bucket: BUCKET, key: 'requests/nightly/caltech.json', versionId: VERSION_ID };
    expect(executionNameFor(revision)).toBe(executionNameFor({ ...revision }));
  });

  it('differs for another version, sequencer, key or bucket', () => {
    const base = { bucket: BUCKET, key: 'requests/my-run.json', versionId: 'v1' };
    const names = new Set([
      executionNameFor(base),
      executionNameFor({ ...base, versionId: 'v2' }),
      executionNameFor({ bucket: BUCKET, key: base.key, sequencer: '01' }),
      executionNameFor({ bucket: BUCKET, key: base.key, sequencer: '02' }),
      executionNameFor({ ...base, key: 'requests/other-folder/my-run.json' }),
      executionNameFor({ ...base, bucket: 'another-bucket' }),
    ]);
    expect(names.size).toBe(6);
  });

  it('keeps only allowed characters, dropping accents, for keys with spaces, +, : and non-ASCII', () => {
    const key = 'requests/my run+1:é.json';
    const name = executionNameFor({ bucket: BUCKET, key, versionId: VERSION_ID });
    expect(name).toMatch(ALLOWED);
    expect(name).toBe(`my-run-1-e-${sha256Prefix(`${BUCKET}\n${key}\n${VERSION_ID}`)}`);
  });

  it('stays within 80 characters and starts with the base name for a 200-character key', () => {
    const stem = 'a'.repeat(100) + '-' + 'b'.repeat(90);
    const key = `requests/${stem}.json`;
    expect(key.length).toBeGreaterThanOrEqual(200);
    const name = executionNameFor({ bucket: BUCKET, key, versionId: VERSION_ID });
    expect(name).toMatch(ALLOWED);
    expect(name).toHaveLength(MAX_EXECUTION_NAME_LENGTH);
    expect(name.startsWith('a'.repeat(MAX_EXECUTION_NAME_LENGTH - EXECUTION_NAME_HASH_LENGTH - 1))).toBe(true);
  });

  it('never leaves a dash before the hash when truncation cuts at a separator', () => {
    const stem = 'x'.repeat(62) + '--' + 'y'.repeat(20);
    const name = executionNameFor({ bucket: BUCKET, key: `requests/${stem}.json`, versionId: VERSION_ID });
    expect(name).toMatch(/^x{62}-[0-9a-f]{16}$/);
  });

  it('falls back to a fixed readable prefix when the base name has no usable character', () => {
    for (const key of ['requests/日本語.json', 'requests/.json', 'requests/+++.json']) {
      const name = executionNameFor({ bucket: BUCKET, key, versionId: VERSION_ID });
      expect(name).toMatch(/^run-request-[0-9a-f]{16}$/);
    }
  });

  it('refuses a revision with neither version id nor sequencer, naming the object', () => {
    expect(() => executionNameFor({ bucket: BUCKET, key: 'requests/a.json' })).toThrow(
      `No version id or sequencer for s3://${BUCKET}/requests/a.json`,
    );
  });

  it.each([
    ['requests/my-run.json', 'my-run'],
    ['requests/deep/folder/Run_2024.json', 'Run_2024'],
    ['requests/--weird__.json', 'weird'],
    ['requests/a  b\tc.json', 'a-b-c'],
    ['requests/naïve café.json', 'naive-cafe'],
    ['requests/data.json.json', 'data-json'],
  ])('reads the base name of %p as %p', (key, expected) => {
    expect(readableBaseName(key, 63)).toBe(expected);
  });
});

describe('executionArnFor', () => {
  it('is the execution ARN of the named execution of the state machine', () => {
    expect(executionArnFor('arn:aws:states:eu-west-1:111122223333:stateMachine:Pipeline', 'my-run-0123456789abcdef')).toBe(
      'arn:aws:states:eu-west-1:111122223333:execution:Pipeline:my-run-0123456789abcdef',
    );
  });
});
