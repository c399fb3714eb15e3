import { CHECKPOINT_OBJECTS_PATTERN, datasetPrefix, DEFAULT_INPUT_PREFIXES, RUN_OBJECTS_PATTERN, runPrefix } from '../../core/s3-layout';

describe('the S3 layout', () => {
  test('a run writes its model, checkpoints and predictions under runs/<run id>/', () => {
    expect(runPrefix('caltech-0a1b2c3d')).toBe('runs/caltech-0a1b2c3d/');
    expect(runPrefix('caltech-0a1b2c3d', 'model')).toBe('runs/caltech-0a1b2c3d/model/');
    expect(runPrefix('caltech-0a1b2c3d', 'checkpoints')).toBe('runs/caltech-0a1b2c3d/checkpoints/');
    expect(runPrefix('caltech-0a1b2c3d', 'predictions')).toBe('runs/caltech-0a1b2c3d/predictions/');
  });

  test('the IAM key patterns cover every run, and checkpoints only under a run', () => {
    expect(RUN_OBJECTS_PATTERN).toBe('runs/*');
    expect(CHECKPOINT_OBJECTS_PATTERN).toBe('runs/*/checkpoints/*');
  });

  test('a dataset keeps its channels in folders named like the default input prefixes', () => {
    expect(datasetPrefix('pets')).toBe('datasets/pets/');
    expect(Object.values(DEFAULT_INPUT_PREFIXES)).toEqual(['train/', 'validation/', 'train_lst/', 'validation_lst/', 'batch-input/']);
  });
});
