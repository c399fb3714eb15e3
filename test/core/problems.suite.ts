import {
  MAX_ERROR_MESSAGE_LENGTH,
  ProblemList,
  RunRequestError,
  closeNames,
  describeValue,
  requestFileError,
  summarizeProblems,
} from '../../core/problems';

describe('RunRequestError', () => {
  test('is named RunRequestError and carries its problems', () => {
    const problems = [{ field: 'mode', message: '"x" must be one of "full", "train", "transform"' }];
    const error = new RunRequestError(problems);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('RunRequestError');
    expect(error.problems).toEqual(problems);
    expect(error.message).toBe('Invalid run request (1 problem): mode: "x" must be one of "full", "train", "transform"');
  });

  test('joins several problems on one line', () => {
    expect(
      summarizeProblems([
        { field: 'a', message: 'one' },
        { field: 'b.c', message: 'two' },
      ]),
    ).toBe('Invalid run request (2 problems): a: one | b.c: two');
  });

  test('a very long list is cut, saying how many problems were left out', () => {
    const problems = Array.from({ length: 500 }, (_, index) => ({ field: `hyperparameters.h${index}`, message: 'x'.repeat(50) }));
    const message = summarizeProblems(problems);
    expect(message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_LENGTH + 40);
    expect(message).toMatch(/^Invalid run request \(500 problems\): hyperparameters\.h0: x+ \| .* \| … and \d+ more problems$/);
  });

  test('a request file problem has the file, version and problem as its message', () => {
    const error = requestFileError({ bucket: 'b', key: 'requests/r.json', versionId: 'v7' }, 'too large');
    expect(error.name).toBe('RunRequestError');
    expect(error.message).toBe('Run request file s3://b/requests/r.json (version v7): too large');
  });
});

describe('ProblemList.touches', () => {
  const problems = new ProblemList();
  problems.add('training', 'must be an object');
  problems.add('hyperparameters.epochs', 'bad');

  test.each([
    ['training', true],
    ['training.instanceCount', true],
    ['hyperparameters', true],
    ['hyperparameters.epochs', true],
    ['hyperparameters.epochs_x', false],
    ['hyperparameters.learning_rate', false],
    ['transform', false],
  ])('%s → %s', (field, touched) => {
    expect(problems.touches(field)).toBe(touched);
  });
});

describe('messages helpers', () => {
  test('values are shown as JSON and long ones are cut', () => {
    expect(describeValue('a')).toBe('"a"');
    expect(describeValue(1.5)).toBe('1.5');
    expect(describeValue({ a: [1] })).toBe('{"a":[1]}');
    expect(describeValue('x'.repeat(200))).toBe(`"${'x'.repeat(96)}…`);
  });

  test('close names catch typos, swapped letters and case, not unrelated names', () => {
    expect(closeNames('moed', ['mode', 'runName'])).toEqual(['mode']);
    expect(closeNames('EPOCHS', ['epochs', 'early_stopping_min_epochs'])).toEqual(['epochs']);
    expect(closeNames('learnig_rate', ['learning_rate', 'lr_scheduler_factor'])).toEqual(['learning_rate']);
    expect(closeNames('colour', ['instanceType', 'instanceCount'])).toEqual([]);
  });

  test('close names rank by edit distance: the nearest win, a swap is one edit, containment counts at any length', () => {
    // One edit (a swap at either end, a deletion, an insertion) beats two.
    expect(closeNames('peochs', ['epochs', 'epoch'])).toEqual(['epochs']);
    expect(closeNames('epocsh', ['epochs', 'epochz'])).toEqual(['epochs']);
    expect(closeNames('mini_bach_size', ['mini_batch_size', 'mini_batch'])).toEqual(['mini_batch_size']);
    expect(closeNames('instanceTypes', ['instanceType', 'instanceTypo'])).toEqual(['instanceType']);
    // Allowed edits: a quarter of the candidate's length (at least one).
    expect(closeNames('abcdefgh', ['abcdxxgh'])).toEqual(['abcdxxgh']); // 2 of 8
    expect(closeNames('abcdefgh', ['abxxxfgh'])).toEqual([]); // 3 of 8
    expect(closeNames('ab', ['xy'])).toEqual([]);
    // A name inside a longer one is close whatever the difference in length.
    expect(closeNames('step', ['lr_scheduler_step', 'checkpoint_frequency'])).toEqual(['lr_scheduler_step']);
    expect(closeNames('lr_scheduler_step_size', ['step', 'lr_scheduler_step'])).toEqual(['lr_scheduler_step']);
  });
});
