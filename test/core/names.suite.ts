import limits from '../../core/reference/sagemaker-api-limits.json';
import {
  FALLBACK_SLUG,
  MAX_SLUG_LENGTH,
  deriveRunId,
  runHash,
  runNames,
  tuningJobName,
  runSlug,
} from '../../core/names';
import { createHash } from 'node:crypto';

const apiPattern = (shape: { pattern: string }): RegExp => new RegExp(`^(?:${shape.pattern})$`);
const TRAINING_JOB_NAME = apiPattern(limits.shapes.TrainingJobName);
const TRANSFORM_JOB_NAME = apiPattern(limits.shapes.TransformJobName);
const MODEL_NAME = apiPattern(limits.shapes.ModelName);
const MAX_NAME_LENGTH = Math.min(
  limits.shapes.TrainingJobName.max,
  limits.shapes.TransformJobName.max,
  limits.shapes.ModelName.max,
);

function expectValidSageMakerName(name: string): void {
  expect(name).toMatch(TRAINING_JOB_NAME);
  expect(name).toMatch(TRANSFORM_JOB_NAME);
  expect(name).toMatch(MODEL_NAME);
  expect(name.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
  expect(name).toBe(name.toLowerCase());
}

/** expectValidSageMakerName as a predicate, for checking thousands of names with one expect. */
function isValidSageMakerName(name: string): boolean {
  return TRAINING_JOB_NAME.test(name) && TRANSFORM_JOB_NAME.test(name) && MODEL_NAME.test(name) && name.length <= MAX_NAME_LENGTH && name === name.toLowerCase();
}

const sha8 = (input: string): string => createHash('sha256').update(input).digest('hex').slice(0, 8);

describe('run id', () => {
  test('is the execution name followed by the first 8 hex characters of its sha256', () => {
    expect(deriveRunId('exec-1')).toBe(`exec-1-${sha8('exec-1')}`);
  });

  test('puts the run name first and hashes both names', () => {
    expect(deriveRunId('exec-1', 'caltech-baseline')).toBe(`caltech-baseline-exec-1-${sha8('exec-1\ncaltech-baseline')}`);
  });

  test('treats a null run name like no run name', () => {
    expect(deriveRunId('exec-1', null)).toBe(deriveRunId('exec-1'));
  });

  test('lower-cases and turns underscores and other symbols into single hyphens', () => {
    expect(runSlug('My_Run__2024:01 (retry)')).toBe('my-run-2024-01-retry');
  });

  test('turns non-ASCII characters into hyphens and keeps the ASCII ones', () => {
    expect(runSlug('Über-Straße-Ω-1')).toBe('ber-stra-e-1');
    expectValidSageMakerName(deriveRunId('Über-Straße-Ω-1'));
  });

  test('trims leading and trailing symbols', () => {
    expect(runSlug('--__run--__')).toBe('run');
    expect(runSlug('_a_')).toBe('a');
  });

  test('falls back to "run" for an execution name of symbols only, still unique per name', () => {
    expect(runSlug('___')).toBe(FALLBACK_SLUG);
    expect(deriveRunId('___')).toBe(`run-${sha8('___')}`);
    expect(deriveRunId('___')).not.toBe(deriveRunId('__-'));
    expect(runSlug('ΩΩΩ')).toBe('run');
  });

  test('shortens an 80-character execution name to a 63-character run id', () => {
    const executionName = 'A'.repeat(80);
    const runId = deriveRunId(executionName);
    expect(runId).toBe(`${'a'.repeat(MAX_SLUG_LENGTH)}-${sha8(executionName)}`);
    expect(runId).toHaveLength(63);
    expectValidSageMakerName(runId);
  });

  test('does not end the shortened slug with a hyphen', () => {
    // Character 54 is a hyphen: the cut leaves "…a-", which must lose its trailing hyphen.
    const executionName = `${'a'.repeat(53)}-${'b'.repeat(26)}`;
    expect(runSlug(executionName)).toBe('a'.repeat(53));
    expectValidSageMakerName(deriveRunId(executionName));
  });

  test('with the longest run name and execution name stays within 63 characters', () => {
    const runId = deriveRunId('E'.repeat(80), 'r'.repeat(24));
    expect(runId).toHaveLength(63);
    expect(runId.startsWith(`${'r'.repeat(24)}-${'e'.repeat(29)}-`)).toBe(true);
    expectValidSageMakerName(runId);
  });

  test('differs for execution names that sanitize to the same slug', () => {
    expect(runSlug('Run_1')).toBe(runSlug('run-1'));
    expect(deriveRunId('Run_1')).not.toBe(deriveRunId('run-1'));
  });

  test('differs for 80-character execution names that share a 60-character prefix', () => {
    const prefix = 'x'.repeat(60);
    const first = `${prefix}${'1'.repeat(20)}`;
    const second = `${prefix}${'2'.repeat(20)}`;
    expect(runSlug(first)).toBe(runSlug(second));
    expect(deriveRunId(first)).not.toBe(deriveRunId(second));
  });

  test('differs when only the run name differs, and when names move between run name and execution name', () => {
    expect(deriveRunId('exec', 'a')).not.toBe(deriveRunId('exec', 'b'));
    // Same slug "a-b-c" both ways; the hash input keeps the two names apart.
    expect(runSlug('b-c', 'a')).toBe(runSlug('c', 'a-b'));
    expect(deriveRunId('b-c', 'a')).not.toBe(deriveRunId('c', 'a-b'));
  });

  test('hashes the unmodified execution name, not the slug', () => {
    expect(runHash('Run_1')).toBe(sha8('Run_1'));
    expect(runHash('Run_1', 'x')).toBe(sha8('Run_1\nx'));
  });

  test('names every SageMaker resource after the run id', () => {
    expect(runNames('exec-1-abcdef01')).toEqual({
      trainingJob: 'exec-1-abcdef01',
      model: 'exec-1-abcdef01',
      transformJob: 'exec-1-abcdef01',
      tuningJob: `exec-1-abcdef01-${sha8('exec-1-abcdef01')}`,
    });
  });
});

describe('tuning job names', () => {
  const TUNING_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$/;

  test('are at most 32 characters and match HyperParameterTuningJobName, however long the run id', () => {
    for (const runId of [deriveRunId('a'), deriveRunId('x'.repeat(80)), deriveRunId('Run_1', 'caltech-baseline-long-name'), deriveRunId('---')]) {
      const name = tuningJobName(runId);
      expect(name.length).toBeLessThanOrEqual(32);
      expect(name).toMatch(TUNING_NAME);
    }
  });

  test('keep the start of the run id and a hash of all of it', () => {
    const runId = deriveRunId('caltech-baseline-2026-11-30t10-00-00');
    expect(tuningJobName(runId)).toBe(`${runId.slice(0, 23).replace(/-+$/, '')}-${sha8(runId)}`);
  });

  test('differ for run ids that share their first 23 characters', () => {
    const first = deriveRunId('x'.repeat(60) + '1');
    const second = deriveRunId('x'.repeat(60) + '2');
    expect(first.slice(0, 23)).toBe(second.slice(0, 23));
    expect(tuningJobName(first)).not.toBe(tuningJobName(second));
  });

  test('leave room for the names SageMaker gives the training jobs (<name>-NNN-<8 hex>: at most 45 characters)', () => {
    expect(`${tuningJobName(deriveRunId('x'.repeat(80)))}-001-0123abcd`.length).toBeLessThanOrEqual(63);
  });
});

describe('run ids of generated execution names', () => {
  /** mulberry32: a seeded generator, so the "random" names are the same on every run. */
  function seededRandom(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const alphabet = [
    ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
    ...'--__..!@()+=',
    'é',
    'ß',
    'Ω',
    '名',
    '🙂',
  ];
  const random = seededRandom(20261128);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const generated = Array.from({ length: 3000 }, (_, index) => {
    const length = 1 + Math.floor(random() * 80);
    const executionName = Array.from({ length }, () => pick(alphabet)).join('');
    const runName =
      index % 3 === 0 ? pick(['caltech', 'a', 'r'.repeat(24), 'baseline-2', 'x-y-z']) : undefined;
    return { executionName, runName };
  });

  test('all match the TrainingJobName, TransformJobName and ModelName patterns and are lower-case', () => {
    // One expect over all 3,000 (15,000 expect() calls took 4 s): the failures are listed by name.
    const invalid = generated
      .map(({ executionName, runName }) => deriveRunId(executionName, runName))
      .filter((name) => !isValidSageMakerName(name));
    expect(invalid).toEqual([]);
  });

  test('are distinct for distinct names', () => {
    const inputs = new Set(generated.map(({ executionName, runName }) => `${executionName}\u0000${runName ?? ''}`));
    const runIds = new Set(generated.map(({ executionName, runName }) => deriveRunId(executionName, runName)));
    expect(runIds.size).toBe(inputs.size);
  });
});
