import { deriveRunId, executionHasRunId, looksLikeRunId } from '../../core/names';

test('a run id is recognised by its shape: a slug and 8 hex characters', () => {
  expect(looksLikeRunId(deriveRunId('cli-20261128-101500-ab12'))).toBe(true);
  expect(looksLikeRunId('cli-20261128-101500-ab12')).toBe(false); // a `start` execution name
  expect(looksLikeRunId('my-run-0123456789abcdef')).toBe(false); // an S3 trigger execution name
  expect(looksLikeRunId('4f1c9e2a-0a1b-4c2d-9e3f-0123456789ab')).toBe(false); // a console execution name
  expect(looksLikeRunId('Run-0A1B2C3D')).toBe(false);
});

test('an execution is found from its run id, with or without a run name', () => {
  const plain = 'cli-20261128-101500-ab12';
  expect(executionHasRunId(plain, deriveRunId(plain))).toBe(true);
  const named = 'caltech-20261128-101500-cd34';
  const runId = deriveRunId(named, 'more-epochs-v2');
  expect(runId.startsWith('more-epochs-v2-caltech-')).toBe(true);
  expect(executionHasRunId(named, runId)).toBe(true);
  expect(executionHasRunId(plain, runId)).toBe(false);
  expect(executionHasRunId(named, deriveRunId(named, 'other'))).toBe(true);
  expect(executionHasRunId(named, 'not-a-run-id')).toBe(false);
});

test('a long execution name, cut in the run id, still matches (the hash is of the whole name)', () => {
  const long = `nightly-${'x'.repeat(70)}`;
  const runId = deriveRunId(long, 'a-24-character-run-name1'.slice(0, 24));
  expect(runId.length).toBeLessThanOrEqual(63);
  expect(executionHasRunId(long, runId)).toBe(true);
  expect(executionHasRunId(`${long}y`, runId)).toBe(false);
});
