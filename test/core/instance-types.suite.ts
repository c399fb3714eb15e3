import limits from '../../core/reference/sagemaker-api-limits.json';
import {
  ALGORITHM_TRAINING_INSTANCE_TYPES,
  INSTANCE_STORAGE_FAMILIES,
  hasInstanceStorage,
  instanceFamily,
  trainingInstanceTypeProblem,
  transformInstanceTypeProblem,
  volumeKmsKeyFor,
} from '../../core/instance-types';
import { KMS_KEY_ARN } from './helpers';

describe('training instance types', () => {
  test('are exactly the P2, P3, G4dn and G5 types of the TrainingInstanceType enum', () => {
    const expected = limits.shapes.TrainingInstanceType.enum.filter((type) => /^ml\.(p2|p3|g4dn|g5)\./.test(type));
    expect([...ALGORITHM_TRAINING_INSTANCE_TYPES].sort()).toEqual([...expected].sort());
    expect(ALGORITHM_TRAINING_INSTANCE_TYPES).toHaveLength(20);
    expect(ALGORITHM_TRAINING_INSTANCE_TYPES).not.toContain('ml.p3dn.24xlarge');
  });

  test.each(ALGORITHM_TRAINING_INSTANCE_TYPES)('%s is accepted', (type) => {
    expect(trainingInstanceTypeProblem(type)).toBeUndefined();
  });

  test.each(['ml.m5.large', 'ml.c5.xlarge', 'ml.p3dn.24xlarge', 'ml.p4d.24xlarge', 'ml.g6.xlarge', 'ml.trn1.2xlarge'])(
    '%s (an API training type outside the algorithm families) is rejected with the allowed list',
    (type) => {
      expect(trainingInstanceTypeProblem(type)).toBe(
        `"${type}" is not allowed for training; the image-classification algorithm trains on GPU instances only: use a GPU ` +
          `instance type of the P2, P3, G4dn or G5 families (${ALGORITHM_TRAINING_INSTANCE_TYPES.join(', ')})`,
      );
    },
  );

  test.each(['ml.inf2.xlarge', 'p3.2xlarge', 'ML.P3.2XLARGE', ''])('%j (not a training type) is rejected', (type) => {
    expect(trainingInstanceTypeProblem(type)).toMatch(
      new RegExp(`^${JSON.stringify(type).replace(/\./g, '\\.')} is not a SageMaker training instance type`),
    );
  });

  test('a near miss gets a suggestion', () => {
    expect(trainingInstanceTypeProblem('ml.p3.2xlarg')).toContain('(did you mean "ml.p3.2xlarge"?)');
    expect(trainingInstanceTypeProblem('ML.P3.2XLARGE')).toContain('(did you mean "ml.p3.2xlarge"?)');
  });
});

describe('transform instance types', () => {
  test.each(limits.shapes.TransformInstanceType.enum)('%s is accepted', (type) => {
    expect(transformInstanceTypeProblem(type)).toBeUndefined();
  });

  test.each(['ml.p4d.24xlarge', 'ml.t3.medium', 'ml.g6e.xlarge'])('%s (training-only or unknown) is rejected', (type) => {
    expect(transformInstanceTypeProblem(type)).toMatch(new RegExp(`^"${type.replace(/\./g, '\\.')}" is not a SageMaker batch transform instance type`));
  });

  test('the message lists every allowed type, grouped by family', () => {
    const problem = transformInstanceTypeProblem('ml.x1.large') ?? '';
    const listed = problem
      .slice(problem.indexOf('use one of ') + 'use one of '.length)
      .split(/, (?=ml\.)/)
      .flatMap((group) => {
        const match = /^ml\.([^.]+)\.\{(.*)\}$/.exec(group);
        return match ? (match[2] ?? '').split(',').map((size) => `ml.${match[1]}.${size}`) : [group];
      });
    expect(listed.sort()).toEqual([...limits.shapes.TransformInstanceType.enum].sort());
  });
});

describe('volume KMS key and instance storage', () => {
  test('the family is the part between "ml." and the next dot', () => {
    expect(instanceFamily('ml.g4dn.xlarge')).toBe('g4dn');
    expect(instanceFamily('ml.p6-b200.48xlarge')).toBe('p6-b200');
    expect(instanceFamily('g4dn.xlarge')).toBeUndefined();
  });

  test.each([...INSTANCE_STORAGE_FAMILIES])('family %s has instance storage: no VolumeKmsKeyId', (family) => {
    expect(hasInstanceStorage(`ml.${family}.xlarge`)).toBe(true);
    expect(volumeKmsKeyFor(`ml.${family}.xlarge`, KMS_KEY_ARN)).toBeUndefined();
  });

  test('the families with instance storage include the ones the API documentation names', () => {
    // documentedLimits: "for example ml.g4dn.*, ml.g5.*, ml.p3dn.*, ml.p4d.*"
    for (const family of ['g4dn', 'g5', 'p3dn', 'p4d']) expect(INSTANCE_STORAGE_FAMILIES.has(family)).toBe(true);
  });

  test.each(['ml.p2.xlarge', 'ml.p3.2xlarge', 'ml.c5.xlarge', 'ml.m5.large', 'ml.inf2.xlarge', 'ml.r5.large'])(
    '%s has no instance storage: the key is set',
    (type) => {
      expect(hasInstanceStorage(type)).toBe(false);
      expect(volumeKmsKeyFor(type, KMS_KEY_ARN)).toBe(KMS_KEY_ARN);
    },
  );

  test('no key configured means no VolumeKmsKeyId', () => {
    expect(volumeKmsKeyFor('ml.p3.2xlarge', undefined)).toBeUndefined();
    expect(volumeKmsKeyFor('ml.p3.2xlarge', '')).toBeUndefined();
  });
});
