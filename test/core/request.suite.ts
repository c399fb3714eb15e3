import { ProblemList } from '../../core/problems';
import { parseRunRequest } from '../../core/request';
import { onlyProblemOf, prepare, problemsOf } from './helpers';

describe('run request structure', () => {
  test.each([null, [], 'run', 42, true])('a request that is not an object is rejected: %j', (request) => {
    expect(onlyProblemOf(request)).toBe(
      `request: ${JSON.stringify(request)} must be a JSON object (every field is optional: {} runs the reference configuration)`,
    );
  });

  test.each(['Insert your JSON here', '', 42, { note: 'anything' }, null])('a top-level Comment is ignored whatever it holds: %j', (Comment) => {
    expect(prepare({ Comment }).mode).toBe('full');
  });

  test('a top-level $schema (the JSON Schema editors check the file with) is accepted and ignored', () => {
    expect(prepare({ $schema: '../node_modules/ic-pipeline/run-request.schema.json' }).mode).toBe('full');
  });

  test('a $schema that is not a string is rejected', () => {
    expect(onlyProblemOf({ $schema: 42 })).toBe('$schema: 42 must be a string');
  });

  test('an unknown top-level field is rejected with a suggestion and the allowed fields', () => {
    expect(onlyProblemOf({ trainData: 's3://data-bkt/train/' })).toBe(
      'trainData: "s3://data-bkt/train/" is not a field of the run request (did you mean "trainingData"?); allowed: mode, ' +
        'runName, trainingData, validationData, trainingLst, validationLst, batchInput, modelName, hyperparameters, training, tuning, ' +
        'minValidationAccuracy, baseTrainingJob, transform, registry, endpoint, modelPackage',
    );
  });

  test('Comment is accepted only at the top level', () => {
    expect(onlyProblemOf({ training: { Comment: 'x' } })).toMatch(/^training\.Comment: "x" is not a field of training; allowed: instanceType, /);
  });

  test('unknown fields inside training and transform are rejected, one problem per field', () => {
    expect(problemsOf({ training: { instanceTyp: 'ml.p3.2xlarge' }, transform: { instances: 2, batch: 'x' } })).toEqual([
      expect.stringMatching(/^training\.instanceTyp: "ml\.p3\.2xlarge" is not a field of training \(did you mean "instanceType"\?\); allowed: instanceType, instanceCount, volumeSizeInGB, maxRuntimeInSeconds, inputMode, contentType, spot, maxWaitTimeInSeconds$/),
      expect.stringMatching(/^transform\.instances: 2 is not a field of transform; allowed: instanceType, instanceCount, maxConcurrentTransforms, maxPayloadInMB, batchStrategy, contentType$/),
      expect.stringMatching(/^transform\.batch: "x" is not a field of transform \(did you mean "batchStrategy"\?\)/),
    ]);
  });

  test.each([
    ['training', 'ml.p3.2xlarge', 'training: "ml.p3.2xlarge" must be an object of training settings'],
    ['transform', null, 'transform: null must be an object of batch transform settings'],
  ])('%s that is not an object is rejected', (field, value, expected) => {
    expect(onlyProblemOf({ [field]: value })).toBe(expected);
  });
});

describe('numeric fields', () => {
  test.each([
    ['training', 'instanceCount', 0, 'must be an integer >= 1'],
    ['training', 'instanceCount', 1.5, 'must be an integer >= 1'],
    ['training', 'instanceCount', '2', 'must be an integer >= 1 (a JSON number, not a string)'],
    ['training', 'volumeSizeInGB', 0, 'must be an integer >= 1'],
    ['training', 'volumeSizeInGB', null, 'must be an integer >= 1'],
    ['training', 'maxRuntimeInSeconds', 0, 'must be an integer from 1 to 2419200 (28 days)'],
    ['training', 'maxRuntimeInSeconds', 2419201, 'must be an integer from 1 to 2419200 (28 days)'],
    ['training', 'maxRuntimeInSeconds', '86400', 'must be an integer from 1 to 2419200 (28 days) (a JSON number, not a string)'],
    ['transform', 'instanceCount', 0, 'must be an integer >= 1'],
    ['transform', 'maxConcurrentTransforms', -1, 'must be an integer >= 0'],
    ['transform', 'maxConcurrentTransforms', 2.5, 'must be an integer >= 0'],
    ['transform', 'maxPayloadInMB', -1, 'must be an integer from 0 to 100'],
    ['transform', 'maxPayloadInMB', 6.5, 'must be an integer from 0 to 100'],
  ])('%s.%s = %j is rejected', (section, field, value, allowed) => {
    expect(onlyProblemOf({ [section]: { [field]: value } })).toBe(`${section}.${field}: ${JSON.stringify(value)} ${allowed}`);
  });

  test('the limits themselves are accepted', () => {
    const run = prepare({
      training: { maxRuntimeInSeconds: 2419200, volumeSizeInGB: 1 },
      transform: { maxConcurrentTransforms: 0, maxPayloadInMB: 100 },
    });
    expect(run.training?.stoppingCondition).toEqual({ MaxRuntimeInSeconds: 2419200 });
    expect(run.training?.resourceConfig.VolumeSizeInGB).toBe(1);
    expect(run.transform).toMatchObject({ maxConcurrentTransforms: 0, maxPayloadInMB: 100 });
  });

  test('a whole number written with a fraction part in JSON is an integer', () => {
    expect(prepare(JSON.parse('{"training": {"instanceCount": 2.0}}')).training?.resourceConfig.InstanceCount).toBe(2);
  });
});

describe('enumerated fields', () => {
  test.each([
    ['training', 'contentType', 'image/jpeg', 'must be one of "application/x-recordio", "application/x-image"'],
    ['transform', 'contentType', 'application/x-recordio', 'must be one of "application/x-image", "image/jpeg", "image/png"'],
    ['transform', 'batchStrategy', 'single', 'must be one of "SingleRecord", "MultiRecord"'],
  ])('%s.%s = %j is rejected', (section, field, value, allowed) => {
    expect(onlyProblemOf({ [section]: { [field]: value } })).toBe(`${section}.${field}: ${JSON.stringify(value)} ${allowed}`);
  });

  test('an instance type that is not a string is rejected', () => {
    expect(onlyProblemOf({ training: { instanceType: 5 } })).toBe(
      'training.instanceType: 5 must be an instance type string like "ml.g4dn.xlarge"',
    );
  });
});

describe('runName', () => {
  test.each(['a', '0', 'caltech-baseline', 'run-2-b', 'x'.repeat(24)])('%j is accepted', (runName) => {
    expect(prepare({ runName }).runName).toBe(runName);
  });

  test.each(['', 'Caltech', 'run_1', '-run', 'run-', 'run--1', 'run 1', 'x'.repeat(25), 'ü'])('%j is rejected', (runName) => {
    expect(onlyProblemOf({ runName })).toMatch(
      new RegExp(`^runName: ${JSON.stringify(runName).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} must be `),
    );
  });

  test('the message says what is allowed', () => {
    expect(onlyProblemOf({ runName: 'My_Run' })).toBe(
      'runName: "My_Run" must be 1-24 lower-case letters, digits and single hyphens, starting and ending with a letter or digit (e.g. "caltech-baseline")',
    );
    expect(onlyProblemOf({ runName: 'x'.repeat(25) })).toBe(`runName: "${'x'.repeat(25)}" must be at most 24 characters`);
  });

  test('a run name that is not a string is rejected', () => {
    expect(onlyProblemOf({ runName: 7 })).toBe('runName: 7 must be a string');
  });
});

describe('modelName (mode transform)', () => {
  test.each(['m', 'Model-1', 'a-b-c', 'x'.repeat(63)])('%j is accepted', (modelName) => {
    expect(prepare({ mode: 'transform', modelName }).transform?.modelName).toBe(modelName);
  });

  test.each(['-model', 'model-', 'model_1', 'model.1', ''])('%j is rejected with the SageMaker model name rule', (modelName) => {
    expect(onlyProblemOf({ mode: 'transform', modelName })).toBe(
      `modelName: ${JSON.stringify(modelName)} must be a SageMaker model name: letters, digits and hyphens, starting and ending with a letter or digit`,
    );
  });

  test('a name longer than 63 characters is rejected', () => {
    expect(onlyProblemOf({ mode: 'transform', modelName: 'm'.repeat(64) })).toBe(
      `modelName: "${'m'.repeat(64)}" must be at most 63 characters`,
    );
  });
});

describe('parseRunRequest', () => {
  test('returns the request unchanged when it is valid', () => {
    const problems = new ProblemList();
    const request = { mode: 'train', training: { instanceCount: 2 }, hyperparameters: { epochs: 3 } };
    expect(parseRunRequest(request, problems)).toEqual(request);
    expect(problems.size).toBe(0);
  });

  test('keeps the valid fields of an invalid request so the other rules can still check them', () => {
    const problems = new ProblemList();
    const parsed = parseRunRequest(
      { mode: 'train', runName: 'BAD', training: { instanceCount: 'two', instanceType: 'ml.p2.xlarge' }, unknown: 1 },
      problems,
    );
    expect(parsed).toEqual({ mode: 'train', training: { instanceType: 'ml.p2.xlarge' } });
    expect(problems.list().map((problem) => problem.field)).toEqual(['runName', 'training.instanceCount', 'unknown']);
  });

  test('returns nothing for a request that is not an object', () => {
    const problems = new ProblemList();
    expect(parseRunRequest('{}', problems)).toBeUndefined();
    expect(problems.list()).toEqual([
      { field: 'request', message: '"{}" must be a JSON object (every field is optional: {} runs the reference configuration)' },
    ]);
  });
});
