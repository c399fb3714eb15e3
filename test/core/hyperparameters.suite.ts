import { ProblemList, describeValue } from '../../core/problems';
import {
  HYPERPARAMETERS,
  HYPERPARAMETER_NAMES,
  type HyperparameterContext,
  REFERENCE_HYPERPARAMETERS,
  hyperparameterApiLimitProblems,
  parseHyperparameter,
  resolveHyperparameters,
} from '../../core/hyperparameters';
import { onlyProblemOf, prepare } from './helpers';
import { REFERENCE_HYPERPARAMETERS_SENT } from '../support/sagemaker-fixtures';

const RECORDIO_ONE_INSTANCE: HyperparameterContext = {
  trainingContentType: 'application/x-recordio',
  trainingInstanceCount: 1,
};

/** Resolves `requested` and returns the hyperparameters and the problem lines. */
function resolve(requested: Record<string, unknown>, context: HyperparameterContext = RECORDIO_ONE_INSTANCE) {
  const problems = new ProblemList();
  const values = resolveHyperparameters(requested, context, problems);
  return { values, problems: problems.list().map((problem) => `${problem.field}: ${problem.message}`) };
}

const REFERENCE = REFERENCE_HYPERPARAMETERS_SENT;

describe('hyperparameter table', () => {
  test('has exactly the hyperparameters of the algorithm documentation', () => {
    // Listed by hand from reference/image-classification-hyperparameters.md.
    expect([...HYPERPARAMETER_NAMES].sort()).toEqual(
      [
        'num_classes', 'num_training_samples', 'resize', 'image_shape', 'num_layers', 'epochs', 'mini_batch_size',
        'learning_rate', 'optimizer', 'momentum', 'weight_decay', 'beta_1', 'beta_2', 'eps', 'gamma',
        'lr_scheduler_factor', 'lr_scheduler_step', 'augmentation_type', 'use_pretrained_model',
        'checkpoint_frequency', 'early_stopping', 'early_stopping_min_epochs', 'early_stopping_patience',
        'early_stopping_tolerance', 'top_k', 'multi_label', 'use_weighted_loss', 'precision_dtype', 'kv_store',
      ].sort(),
    );
  });

  test('the reference values are the Caltech-256 reference run and pass their own table', () => {
    expect(REFERENCE_HYPERPARAMETERS).toEqual(REFERENCE);
    for (const [name, value] of Object.entries(REFERENCE_HYPERPARAMETERS)) {
      const spec = HYPERPARAMETERS.find((candidate) => candidate.name === name);
      expect(spec && parseHyperparameter(spec, value)?.text).toBe(value);
    }
  });
});

describe('hyperparameters: merge and strings', () => {
  test('no hyperparameters give exactly the reference values', () => {
    expect(resolve({})).toEqual({ values: REFERENCE, problems: [] });
  });

  test('request values override reference values and add new ones, all as strings', () => {
    const { values, problems } = resolve({ epochs: 10, learning_rate: 0.05, optimizer: 'adam', beta_1: 0.8 });
    expect(problems).toEqual([]);
    expect(values).toEqual({ ...REFERENCE, epochs: '10', learning_rate: '0.05', optimizer: 'adam', beta_1: '0.8' });
  });

  // [name, request value, string sent to SageMaker]
  const valid: [string, unknown, string][] = [
    ['num_classes', 10, '10'],
    ['num_classes', ' 10 ', '10'],
    ['num_training_samples', '15420', '15420'],
    ['resize', 256, '256'],
    ['image_shape', '3,299,299', '3,299,299'],
    ['image_shape', ' 1,28,28 ', '1,28,28'],
    ['num_layers', 152, '152'],
    ['num_layers', '110', '110'],
    ['epochs', 1, '1'],
    ['mini_batch_size', 1, '1'],
    ['learning_rate', 0, '0'],
    ['learning_rate', 1, '1'],
    ['learning_rate', '0.050', '0.050'],
    ['learning_rate', 1e-7, '1e-7'],
    ['optimizer', 'nag', 'nag'],
    ['momentum', 0.95, '0.95'],
    ['weight_decay', '.0005', '.0005'],
    ['lr_scheduler_factor', 0.5, '0.5'],
    ['lr_scheduler_step', 1, '1'],
    ['augmentation_type', 'crop_color_transform', 'crop_color_transform'],
    ['use_pretrained_model', true, '1'],
    ['use_pretrained_model', 0, '0'],
    ['use_pretrained_model', '1', '1'],
    ['checkpoint_frequency', 2, '2'],
    ['early_stopping', true, 'True'],
    ['early_stopping', false, 'False'],
    ['early_stopping', 'False', 'False'],
    ['early_stopping_min_epochs', 3, '3'],
    ['early_stopping_patience', '4', '4'],
    ['early_stopping_tolerance', 0.01, '0.01'],
    ['top_k', 2, '2'],
    ['multi_label', false, '0'],
    ['use_weighted_loss', 0, '0'],
    ['precision_dtype', 'float16', 'float16'],
  ];
  test.each(valid)('%s = %j is sent as %j', (name, value, sent) => {
    const { values, problems } = resolve({ [name]: value });
    expect(problems).toEqual([]);
    expect(values[name]).toBe(sent);
  });

  test('optimizer-specific values are accepted with their optimizer', () => {
    expect(resolve({ optimizer: 'adam', beta_1: 0.9, beta_2: 0.99, eps: 1e-6 }).problems).toEqual([]);
    expect(resolve({ optimizer: 'rmsprop', gamma: 0.8, eps: 1e-6 }).problems).toEqual([]);
    expect(resolve({ optimizer: 'nag', momentum: 0.8, weight_decay: 0.001 }).problems).toEqual([]);
  });

  test('lr_scheduler_step below epochs and kv_store with several instances are accepted', () => {
    const { values, problems } = resolve(
      { epochs: 30, lr_scheduler_step: '10,20', kv_store: 'dist_sync' },
      { trainingContentType: 'application/x-recordio', trainingInstanceCount: 2 },
    );
    expect(problems).toEqual([]);
    expect(values).toMatchObject({ epochs: '30', lr_scheduler_step: '10,20', kv_store: 'dist_sync' });
  });

  test('pretrained model with a large-image depth and 3,224,224 is accepted', () => {
    expect(resolve({ use_pretrained_model: 1, num_layers: 50 }).problems).toEqual([]);
  });

  test('weighted loss with multi-label is accepted', () => {
    expect(resolve({ multi_label: 1, use_weighted_loss: 1 }).problems).toEqual([]);
  });
});

describe('hyperparameters: values outside the table are rejected with the field, the value and what is allowed', () => {
  // [name, bad value, what the message says is allowed]
  const invalid: [string, unknown, string][] = [
    ['num_classes', 0, 'must be an integer >= 1'],
    ['num_classes', 2.5, 'must be an integer >= 1'],
    ['num_training_samples', '15k', 'must be an integer >= 1'],
    ['resize', -1, 'must be an integer >= 1'],
    ['image_shape', '3,224', 'three positive integers'],
    ['image_shape', '3,0,224', 'three positive integers'],
    ['image_shape', 224, 'three positive integers'],
    ['num_layers', 19, 'one of 18, 34, 50, 101, 152, 200 (large images) or 20, 32, 44, 56, 110 (small images)'],
    ['epochs', 0, 'must be an integer >= 1'],
    ['epochs', '1.5', 'must be an integer >= 1'],
    ['epochs', true, 'must be an integer >= 1'],
    ['epochs', null, 'must be an integer >= 1'],
    ['epochs', 1e21, 'must be an integer >= 1'],
    ['mini_batch_size', 0, 'must be an integer >= 1'],
    ['learning_rate', 1.5, 'must be a number from 0 to 1'],
    ['learning_rate', -0.1, 'must be a number from 0 to 1'],
    ['learning_rate', 'fast', 'must be a number from 0 to 1'],
    ['optimizer', 'Adam', 'must be one of "sgd", "adam", "rmsprop", "nag"'],
    ['momentum', 2, 'must be a number from 0 to 1'],
    ['weight_decay', -1, 'must be a number from 0 to 1'],
    ['beta_1', 1.1, 'must be a number from 0 to 1'],
    ['beta_2', '2', 'must be a number from 0 to 1'],
    ['eps', -1e-8, 'must be a number from 0 to 1'],
    ['gamma', 5, 'must be a number from 0 to 1'],
    ['lr_scheduler_factor', 1.01, 'must be a number from 0 to 1'],
    ['lr_scheduler_step', '20,10', 'comma-separated epoch numbers in increasing order'],
    ['lr_scheduler_step', '10,,20', 'comma-separated epoch numbers in increasing order'],
    ['lr_scheduler_step', [10, 20], 'comma-separated epoch numbers in increasing order'],
    ['lr_scheduler_step', 0, 'comma-separated epoch numbers in increasing order'],
    ['augmentation_type', 'flip', 'must be one of "crop", "crop_color", "crop_color_transform"'],
    ['use_pretrained_model', 2, 'must be 0 or 1'],
    ['use_pretrained_model', 'yes', 'must be 0 or 1'],
    ['checkpoint_frequency', 0, 'must be an integer >= 1'],
    ['early_stopping', 'true', 'must be true or false (or the strings "True" or "False")'],
    ['early_stopping', 1, 'must be true or false (or the strings "True" or "False")'],
    ['early_stopping_min_epochs', 0, 'must be an integer >= 1'],
    ['early_stopping_patience', 0, 'must be an integer >= 1'],
    ['early_stopping_tolerance', 1.5, 'must be a number from 0 to 1'],
    ['top_k', 1, 'must be an integer >= 2'],
    ['multi_label', 'on', 'must be 0 or 1'],
    ['use_weighted_loss', 3, 'must be 0 or 1'],
    ['precision_dtype', 'float64', 'must be one of "float32", "float16"'],
    ['kv_store', 'local', 'must be one of "dist_sync", "dist_async"'],
  ];
  test.each(invalid)('%s = %j', (name, value, allowed) => {
    const { problems } = resolve({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.startsWith(`hyperparameters.${name}: ${describeValue(value)} must be `)).toBe(true);
    expect(problems[0]).toContain(allowed);
  });

  test('every hyperparameter has at least one rejected value above', () => {
    const covered = new Set(invalid.map(([name]) => name));
    expect(HYPERPARAMETER_NAMES.filter((name) => !covered.has(name))).toEqual([]);
  });

  test('an unknown name is rejected with close names and the list of valid names', () => {
    const { problems } = resolve({ learning_rte: 0.1 });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^hyperparameters\.learning_rte: 0\.1 is not a hyperparameter of the image-classification algorithm \(did you mean "learning_rate"\?\); valid names: num_classes, .*kv_store$/);
  });

  test('a name in the wrong case is rejected, suggesting the right one', () => {
    expect(resolve({ Epochs: 3 }).problems[0]).toContain('hyperparameters.Epochs: 3 is not a hyperparameter of the image-classification algorithm (did you mean "epochs"?)');
  });

  test('an invalid value does not fall back to the reference value in rules that use it', () => {
    // epochs is invalid: checkpoint_frequency must not be compared with the reference epochs (2).
    expect(resolve({ epochs: 'ten', checkpoint_frequency: 5 }).problems).toEqual([
      'hyperparameters.epochs: "ten" must be an integer >= 1',
    ]);
  });
});

describe('hyperparameters: rules across fields', () => {
  test('checkpoint_frequency above epochs is rejected, naming the reference epochs', () => {
    expect(resolve({ checkpoint_frequency: 5 }).problems).toEqual([
      'hyperparameters.checkpoint_frequency: 5 must be an integer from 1 to epochs; epochs is 2 (the reference value)',
    ]);
  });

  test('checkpoint_frequency equal to epochs is accepted', () => {
    expect(resolve({ epochs: 5, checkpoint_frequency: 5 }).problems).toEqual([]);
  });

  test('lr_scheduler_step at or after the last epoch is rejected', () => {
    expect(resolve({ epochs: 20, lr_scheduler_step: '10,20' }).problems).toEqual([
      'hyperparameters.lr_scheduler_step: "10,20" must list epochs below epochs (a step at or after the last epoch never takes effect); epochs is 20',
    ]);
  });

  test('use_pretrained_model=1 rejects a small-image depth', () => {
    expect(resolve({ use_pretrained_model: 1, num_layers: 20 }).problems).toEqual([
      'hyperparameters.num_layers: 20 cannot be used with use_pretrained_model=1; pretrained networks exist for num_layers 18, 34, 50, 101, 152, 200',
    ]);
  });

  test('use_pretrained_model=1 rejects any image_shape other than 3,224,224', () => {
    expect(resolve({ use_pretrained_model: true, image_shape: '3,256,256' }).problems).toEqual([
      'hyperparameters.image_shape: "3,256,256" must be "3,224,224" with use_pretrained_model=1 (the input size of the pretrained networks)',
    ]);
  });

  test('resize not larger than the image height and width is rejected', () => {
    expect(resolve({ resize: 224 }).problems).toEqual([
      'hyperparameters.resize: 224 must be larger than the height and width in image_shape "3,224,224", i.e. an integer >= 225',
    ]);
    expect(resolve({ resize: 250, image_shape: '3,200,300' }).problems[0]).toContain('i.e. an integer >= 301');
    expect(resolve({ resize: 225 }).problems).toEqual([]);
  });

  test('image-file training requires resize and explains why', () => {
    const imageFiles: HyperparameterContext = { trainingContentType: 'application/x-image', trainingInstanceCount: 1 };
    expect(resolve({}, imageFiles).problems).toEqual([
      'hyperparameters.resize: missing; required when training.contentType is "application/x-image": the algorithm ' +
        'resizes each image file so that its shorter side is `resize` pixels before cropping it to image_shape; set ' +
        'an integer larger than the height and width in image_shape "3,224,224"',
    ]);
    expect(resolve({ resize: 256 }, imageFiles)).toEqual({ values: { ...REFERENCE, resize: '256' }, problems: [] });
  });

  test('use_weighted_loss=1 without multi_label=1 is rejected', () => {
    expect(resolve({ use_weighted_loss: 1 }).problems).toEqual([
      'hyperparameters.use_weighted_loss: 1 is only allowed with multi_label=1; multi_label is not set (algorithm default: 0)',
    ]);
    expect(resolve({ use_weighted_loss: 1, multi_label: 0 }).problems[0]).toContain('multi_label is 0');
  });

  test('kv_store with one training instance is rejected', () => {
    expect(resolve({ kv_store: 'dist_async' }).problems).toEqual([
      'hyperparameters.kv_store: "dist_async" is only meaningful with more than one training instance; training.instanceCount is 1: remove kv_store or set training.instanceCount >= 2',
    ]);
  });

  test.each([
    ['momentum', 0.9, 'adam', '"sgd" or "nag"'],
    ['weight_decay', 0.001, 'rmsprop', '"sgd" or "nag"'],
    ['beta_1', 0.9, 'sgd', '"adam"'],
    ['beta_2', 0.99, 'nag', '"adam"'],
    ['eps', 1e-8, 'sgd', '"adam" or "rmsprop"'],
    ['gamma', 0.9, 'adam', '"rmsprop"'],
  ])('%s is rejected with an optimizer that ignores it', (name, value, optimizer, users) => {
    expect(resolve({ optimizer, [name]: value }).problems).toEqual([
      `hyperparameters.${name}: ${value} only applies to optimizer ${users}; optimizer is "${optimizer}", which ignores it`,
    ]);
  });

  test('an adam-only value without an optimizer is rejected, naming the algorithm default', () => {
    expect(resolve({ beta_1: 0.5 }).problems).toEqual([
      'hyperparameters.beta_1: 0.5 only applies to optimizer "adam"; optimizer is not set (algorithm default: "sgd"), which ignores it',
    ]);
  });
});

describe('hyperparameters: API limits of CreateTrainingJob', () => {
  test('a value longer than 2,500 characters is rejected', () => {
    const steps = Array.from({ length: 800 }, (_, index) => index + 1).join(',');
    const { problems } = resolve({ epochs: 1000, lr_scheduler_step: steps });
    expect(steps.length).toBeGreaterThan(2500);
    expect(problems).toEqual([
      expect.stringMatching(
        new RegExp(`^hyperparameters\\.lr_scheduler_step: "1,2,3,[0-9,]*… is ${steps.length} characters long; SageMaker accepts hyperparameter values of at most 2500$`),
      ),
    ]);
  });

  test('more than 100 hyperparameters and keys longer than 256 characters are rejected', () => {
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, index) => [`h${index}`, '1']));
    expect(hyperparameterApiLimitProblems(many)).toEqual([
      { field: 'hyperparameters', message: '101 hyperparameters are too many; SageMaker accepts at most 100' },
    ]);
    const longKey = 'k'.repeat(257);
    expect(hyperparameterApiLimitProblems({ [longKey]: '1' })).toEqual([
      {
        field: `hyperparameters.${longKey}`,
        message: 'the name is 257 characters long; SageMaker accepts hyperparameter names of at most 256',
      },
    ]);
    expect(hyperparameterApiLimitProblems({ ['k'.repeat(256)]: 'v'.repeat(2500) })).toEqual([]);
  });
});

describe('hyperparameters in a run request', () => {
  test('reach the training settings merged over the reference values', () => {
    expect(prepare({ hyperparameters: { epochs: '10', early_stopping: true } }).training?.hyperparameters).toEqual({
      ...REFERENCE,
      epochs: '10',
      early_stopping: 'True',
    });
  });

  test('kv_store is accepted with training.instanceCount 2', () => {
    const run = prepare({ hyperparameters: { kv_store: 'dist_sync' }, training: { instanceCount: 2 } });
    expect(run.training?.hyperparameters.kv_store).toBe('dist_sync');
    expect(run.training?.resourceConfig.InstanceCount).toBe(2);
  });

  test('resize is required when training.contentType is application/x-image', () => {
    expect(onlyProblemOf({ training: { contentType: 'application/x-image' } })).toMatch(
      /^hyperparameters\.resize: missing; required when training\.contentType is "application\/x-image"/,
    );
  });

  test('a hyperparameters value that is not an object is rejected', () => {
    expect(onlyProblemOf({ hyperparameters: [['epochs', 3]] })).toBe(
      'hyperparameters: [["epochs",3]] must be an object of hyperparameter names and values, e.g. {"epochs": 10, "learning_rate": 0.05}',
    );
  });
});
