import { readClassNames, DEFAULT_CLASSES_FILE } from '../../cli/class-names';
import { evaluationKey, evaluationLines, worstRecallFirst } from '../../cli/commands/evaluate';
import { ClassMatcher } from '../../cli/evaluation/labels';
import { EvaluationTally } from '../../cli/evaluation/metrics';
import { visibleLength } from '../../cli/output';
import { topClasses } from '../../cli/predictions';

/** Every figure below is computed by hand from the confusion matrix written next to it. */
describe('metrics, by hand', () => {
  // cat, dog, bird, fish; k = 2. Confusion (rows actual, columns predicted):
  //        cat dog bird fish
  //  cat    1   1   0    0     support 2
  //  dog    1   1   0    0     support 2
  //  bird   0   1   0    0     support 1 (never predicted)
  //  fish   0   0   0    0     no support, never predicted: not listed
  const tally = new EvaluationTally(['cat', 'dog', 'bird', 'fish'], 2);
  tally.add('cat/1.jpg', [0, 1]);
  tally.add('cat/2.jpg', [1, 0]); // wrong, right at rank 2
  tally.add('dog/1.jpg', [1, 3]);
  tally.add('dog/2.jpg', [0, 2]); // wrong, not in the top 2
  tally.add('bird/1.jpg', [1, 2]); // wrong, right at rank 2
  tally.add('other/1.jpg', [0, 1]); // a folder that is no class: unlabelled
  tally.add('top-level.jpg', [0, 1]); // no folder: unlabelled
  tally.addMissing('misc/4.jpg'); // unlabelled, no output
  tally.addMissing('cat/3.jpg'); // labelled, no output
  const d = tally.result('run-1');

  test('counts: images, labelled, unlabelled, inputs without output (sorted)', () => {
    expect(d).toMatchObject({ run: 'run-1', images: 9, labeled: 5, unlabeled: 3, labeledWithoutOutput: 1, missingOutputs: ['cat/3.jpg', 'misc/4.jpg'] });
  });

  test('accuracy and top-k over the labelled inputs with an output', () => {
    expect(d.accuracy).toBe(2 / 5);
    expect(d.correct).toBe(2);
    expect(d.topK).toEqual({ k: 2, accuracy: 4 / 5, correct: 4 });
  });

  test('per class: a class never predicted has precision and F1 null; a class with neither support nor predictions is left out', () => {
    expect(d.perClass).toEqual([
      { classIndex: 0, class: 'cat', support: 2, predicted: 2, correct: 1, precision: 0.5, recall: 0.5, f1: 0.5 },
      { classIndex: 1, class: 'dog', support: 2, predicted: 3, correct: 1, precision: 1 / 3, recall: 0.5, f1: 0.4 },
      { classIndex: 2, class: 'bird', support: 1, predicted: 0, correct: 0, precision: null, recall: 0, f1: null },
    ]);
  });

  test('macro averages are over the classes where the value is defined', () => {
    expect(d.macro.precision).toBeCloseTo((0.5 + 1 / 3) / 2, 12);
    expect(d.macro.recall).toBeCloseTo((0.5 + 0.5 + 0) / 3, 12);
    expect(d.macro.f1).toBeCloseTo((0.5 + 0.4) / 2, 12);
  });

  test('the confusion matrix lists every class in class-index order; confused pairs most first, ties by actual then predicted index', () => {
    expect(d.confusion).toEqual({
      labels: ['cat', 'dog', 'bird', 'fish'],
      matrix: [
        [1, 1, 0, 0],
        [1, 1, 0, 0],
        [0, 1, 0, 0],
        [0, 0, 0, 0],
      ],
    });
    expect(d.mostConfused).toEqual([
      { actual: 'cat', predicted: 'dog', count: 1 },
      { actual: 'dog', predicted: 'cat', count: 1 },
      { actual: 'bird', predicted: 'dog', count: 1 },
    ]);
  });

  test('the human table: worst recall first, at most 80 or 60 columns', () => {
    expect(worstRecallFirst(d.perClass).map((c) => c.class)).toEqual(['bird', 'cat', 'dog']) // cat and dog tie (recall 0.5, support 2): class index;
    for (const columns of [80, 60]) {
      const lines = evaluationLines(d, { columns, classesFile: 'classes.txt' });
      for (const line of lines) expect(visibleLength(line)).toBeLessThanOrEqual(columns);
      expect(lines).toContain('  accuracy          40.0%  (2 of 5)');
      expect(lines).toContain('  top-2 accuracy    80.0%  (4 of 5)');
      expect(lines.join('\n')).toMatch(/\n {2}bird\s+1\s+0\s+-\s+0\.0%\s+-\n/);
      expect(lines.join('\n')).toContain('Inputs with no output (2):\n  cat/3.jpg\n  misc/4.jpg');
    }
  });
});

test('a class with no support but predictions: precision 0, recall and F1 null; macro F1 null when no class has both', () => {
  const tally = new EvaluationTally(['a', 'b'], 1);
  tally.add('a/1.jpg', [1]);
  const d = tally.result('r');
  expect(d.perClass).toEqual([
    { classIndex: 0, class: 'a', support: 1, predicted: 0, correct: 0, precision: null, recall: 0, f1: null },
    { classIndex: 1, class: 'b', support: 0, predicted: 1, correct: 0, precision: 0, recall: null, f1: null },
  ]);
  expect(d.macro).toEqual({ precision: 0, recall: 0, f1: null });
  expect(d.accuracy).toBe(0);
  expect(d.mostConfused).toEqual([{ actual: 'a', predicted: 'b', count: 1 }]);
});

test('ties in the top prediction go to the lowest class index (as argmax), in top-1 and at the k-th place', () => {
  const tally = new EvaluationTally(['a', 'b', 'c'], 2);
  // Image of class b, probabilities tied between a and b: the top prediction is a (index 0), so wrong; top-2 right.
  tally.add('b/tied.jpg', topClasses([0.4, 0.4, 0.2], 2).map((s) => s.index));
  // Image of class c, b and c tied for second place: the 2nd place goes to b (lower index): not in the top 2.
  tally.add('c/tied.jpg', topClasses([0.5, 0.25, 0.25], 2).map((s) => s.index));
  const d = tally.result('r');
  expect(d.confusion.matrix).toEqual([
    [0, 0, 0],
    [1, 0, 0],
    [1, 0, 0],
  ]);
  expect(d.accuracy).toBe(0);
  expect(d.topK).toEqual({ k: 2, accuracy: 0.5, correct: 1 });
});

test('no labelled input: accuracy and macro figures are null, nothing listed per class', () => {
  const tally = new EvaluationTally(['a'], 5);
  tally.add('photos/1.jpg', [0]);
  const d = tally.result('r');
  expect(d).toMatchObject({ images: 1, labeled: 0, unlabeled: 1, accuracy: null, topK: { k: 5, accuracy: null }, macro: { precision: null, recall: null, f1: null }, perClass: [] });
});

test('a prediction naming a class beyond the class names grows the matrix, named "class <i>"', () => {
  const tally = new EvaluationTally(['a'], 1);
  tally.add('a/1.jpg', [2]);
  const d = tally.result('r');
  expect(d.confusion).toEqual({ labels: ['a', 'class 1', 'class 2'], matrix: [[0, 0, 1], [0, 0, 0], [0, 0, 0]] });
  expect(d.perClass.map((c) => c.class)).toEqual(['a', 'class 2']);
});

describe('labels from keys', () => {
  const caltech = new ClassMatcher(readClassNames(DEFAULT_CLASSES_FILE));

  test('Caltech-256 folder names match the reference names after their leading number', () => {
    expect(caltech.labelOf('008.bathtub/008_0007.jpg')).toBe(7);
    expect(caltech.labelOf('257.clutter/257_0001.jpg')).toBe(256);
    expect(caltech.labelOf('001.ak47/001_0001.jpg')).toBe(0);
    expect(caltech.labelOf('bathtub/x.jpg')).toBe(7); // the bare name too
  });

  test('the nearest folder above the file that matches a class labels it; others are unlabelled', () => {
    expect(caltech.labelOf('test/008.bathtub/008_0007.jpg')).toBe(7);
    expect(caltech.labelOf('008.bathtub/shots/1.jpg')).toBe(7);
    expect(caltech.labelOf('holiday/IMG_0001.jpg')).toBeUndefined();
    expect(caltech.labelOf('IMG_0001.jpg')).toBeUndefined();
    expect(caltech.labelOf('Bathtub/x.jpg')).toBeUndefined(); // case-sensitive, as S3 keys
  });

  test('prepare-data class names (the folder names, numbered): exact, or equal without the number on either side', () => {
    const prepared = new ClassMatcher(['001.ak47', '002.american-flag', 'cat']);
    expect(prepared.labelOf('001.ak47/a.jpg')).toBe(0);
    expect(prepared.labelOf('ak47/a.jpg')).toBe(0);
    expect(prepared.labelOf('002.american-flag/a.jpg')).toBe(1);
    expect(prepared.labelOf('7.cat/a.jpg')).toBe(2);
    expect(prepared.labelOf('003.bathtub/a.jpg')).toBeUndefined();
  });

  test('an exact match wins over a match without the number; among those, the lowest class index', () => {
    const matcher = new ClassMatcher(['1.a', 'a', '2.a']);
    expect(matcher.labelOf('a/x.jpg')).toBe(1);
    expect(matcher.labelOf('2.a/x.jpg')).toBe(2);
    expect(matcher.labelOf('3.a/x.jpg')).toBe(0);
  });
});

test('evaluation.json goes next to the predictions folder', () => {
  expect(evaluationKey('runs/r-1/predictions/')).toBe('runs/r-1/evaluation.json');
  expect(evaluationKey('predictions/')).toBe('evaluation.json');
});
