import { DEFAULT_TUNING, describeRanges, parameterRanges, TUNABLE_HYPERPARAMETERS } from '../../core/tuning';
import { gateText } from '../../core/prepare-run';
import { onlyProblemOf, prepare, problemsOf } from './helpers';
import { tuningRequest } from '../support/sagemaker-fixtures';

/**
 * The run request's `tuning`, `minValidationAccuracy` and `baseTrainingJob`: what Prepare run makes of them,
 * and every rule that rejects them before any SageMaker call, each problem naming its field.
 */

const tuned = (tuning: Record<string, unknown>, rest: Record<string, unknown> = {}) => prepare({ tuning, ...rest });

describe('tuning: what Prepare run prepares', () => {
  test('{} tunes with the documented defaults: 6 jobs, 2 at a time, Bayesian, learning_rate, mini_batch_size and optimizer', () => {
    const run = tuned({});
    expect(run.training?.tuning).toEqual({
      strategy: 'Bayesian',
      maxJobs: 6,
      maxParallelJobs: 2,
      earlyStopping: 'Off',
      ranges: DEFAULT_TUNING.ranges,
      // The same configuration `Tune model` sends (test/support/sagemaker-fixtures.ts).
      config: tuningRequest().HyperParameterTuningJobConfig,
    });
  });

  test('tuned hyperparameters leave the static ones: their reference values are not sent', () => {
    const hyperparameters = tuned({}).training?.hyperparameters;
    expect(hyperparameters).not.toHaveProperty('learning_rate');
    expect(hyperparameters).not.toHaveProperty('mini_batch_size');
    expect(hyperparameters).toMatchObject({ num_classes: '257', epochs: '2', num_layers: '18' });
  });

  test('without ranges, the defaults leave out what the request fixes', () => {
    const run = tuned({}, { hyperparameters: { optimizer: 'adam' } });
    expect(Object.keys(run.training?.tuning?.ranges ?? {})).toEqual(['learning_rate', 'mini_batch_size']);
    expect(run.training?.hyperparameters.optimizer).toBe('adam');
  });

  test('given ranges replace the defaults; numbers are sent as strings, each kind in its own list', () => {
    const run = tuned({
      strategy: 'Random',
      maxJobs: 10,
      maxParallelJobs: 5,
      earlyStopping: 'Auto',
      ranges: { momentum: { min: 0, max: 0.99 }, mini_batch_size: { values: [32, 64] } },
    });
    expect(run.training?.tuning?.config).toEqual({
      Strategy: 'Random',
      HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: 'validation:accuracy' },
      ResourceLimits: { MaxNumberOfTrainingJobs: 10, MaxParallelTrainingJobs: 5 },
      ParameterRanges: {
        ContinuousParameterRanges: [{ Name: 'momentum', MinValue: '0', MaxValue: '0.99', ScalingType: 'Auto' }],
        CategoricalParameterRanges: [{ Name: 'mini_batch_size', Values: ['32', '64'] }],
      },
      TrainingJobEarlyStoppingType: 'Auto',
    });
    // The reference learning rate stays fixed: only what is tuned leaves the static values.
    expect(run.training?.hyperparameters.learning_rate).toBe('0.01');
  });

  test('grid search runs every combination: maxJobs is their number', () => {
    const run = tuned({ strategy: 'Grid', ranges: { optimizer: { values: ['sgd', 'adam'] }, mini_batch_size: { values: [32, 64, 128] } } });
    expect(run.training?.tuning).toMatchObject({ maxJobs: 6, maxParallelJobs: 2, config: { ResourceLimits: { MaxNumberOfTrainingJobs: 6 } } });
  });

  test('a small job count keeps the parallel default within it', () => {
    expect(tuned({ maxJobs: 1 }).training?.tuning).toMatchObject({ maxJobs: 1, maxParallelJobs: 1 });
  });

  test('tuning with spot sends no checkpoint prefix: the parallel jobs would share it', () => {
    const run = tuned({}, { training: { spot: true } });
    expect(run.training).toMatchObject({ spot: true, checkpointUri: null, stoppingCondition: { MaxWaitTimeInSeconds: 446400 } });
    expect(run.output.checkpointPrefix).toBeNull();
  });

  test('tuning with a base training job is supported: both are prepared', () => {
    const run = tuned({}, { baseTrainingJob: 'caltech-baseline-abc' });
    expect(run.training?.tuning).not.toBeNull();
    expect(run.training?.incremental).not.toBeNull();
  });

  test('the table of tunable hyperparameters is the documented one', () => {
    expect(TUNABLE_HYPERPARAMETERS.map((spec) => spec.name)).toEqual([
      'beta_1', 'beta_2', 'eps', 'gamma', 'learning_rate', 'mini_batch_size', 'momentum', 'optimizer', 'weight_decay',
    ]);
    expect(describeRanges(DEFAULT_TUNING.ranges)).toBe('learning_rate 0.0001-0.1 (Logarithmic), mini_batch_size 32-128 (Linear), optimizer sgd|adam');
    expect(parameterRanges({})).toEqual({});
  });
});

describe('tuning: every rule names its field', () => {
  test.each<[string, Record<string, unknown>, string]>([
    ['an unknown strategy', { strategy: 'Genetic' }, 'tuning.strategy: "Genetic" must be one of "Bayesian", "Random", "Hyperband", "Grid"'],
    ['zero jobs', { maxJobs: 0 }, "tuning.maxJobs: 0 must be an integer from 1 to 100 (the pipeline's cap on training jobs per run)"],
    ['too many jobs', { maxJobs: 101 }, "tuning.maxJobs: 101 must be an integer from 1 to 100 (the pipeline's cap on training jobs per run)"],
    ['too many parallel jobs', { maxParallelJobs: 11 }, "tuning.maxParallelJobs: 11 must be an integer from 1 to 10 (the pipeline's cap on parallel training jobs)"],
    ['more parallel jobs than jobs', { maxJobs: 3, maxParallelJobs: 4 }, 'tuning.maxParallelJobs: 4 must not exceed tuning.maxJobs (3)'],
    ['an unknown early stopping type', { earlyStopping: 'On' }, 'tuning.earlyStopping: "On" must be one of "Off", "Auto"'],
    [
      'a hyperparameter that is not tunable',
      { ranges: { epochs: { min: 1, max: 10 } } },
      "tuning.ranges.epochs: epochs is not one of the image-classification algorithm's tunable hyperparameters; tunable: beta_1, beta_2, eps, gamma, learning_rate, mini_batch_size, momentum, optimizer, weight_decay",
    ],
    [
      'a name that is no hyperparameter at all',
      { ranges: { learning_rat: { min: 0.01, max: 0.1 } } },
      'tuning.ranges.learning_rat: {"min":0.01,"max":0.1} is not a hyperparameter of the image-classification algorithm (did you mean "learning_rate"?); tunable: beta_1, beta_2, eps, gamma, learning_rate, mini_batch_size, momentum, optimizer, weight_decay',
    ],
    ['empty ranges', { ranges: {} }, 'tuning.ranges: {} must name at least one hyperparameter to tune; tunable: beta_1, beta_2, eps, gamma, learning_rate, mini_batch_size, momentum, optimizer, weight_decay'],
    [
      'a learning rate above the documented 0.5',
      { ranges: { learning_rate: { min: 0.01, max: 0.9 } } },
      'tuning.ranges.learning_rate.max: 0.9 must be a number from 0.000001 to 0.5 (the documented range of learning_rate)',
    ],
    [
      'a mini batch below the documented 8',
      { ranges: { mini_batch_size: { min: 4, max: 64 } } },
      'tuning.ranges.mini_batch_size.min: 4 must be an integer from 8 to 512 (the documented range of mini_batch_size)',
    ],
    [
      'a fractional mini batch',
      { ranges: { mini_batch_size: { min: 8.5, max: 64 } } },
      'tuning.ranges.mini_batch_size.min: 8.5 must be an integer from 8 to 512 (the documented range of mini_batch_size)',
    ],
    [
      'momentum of 1 (documented: up to 0.999)',
      { ranges: { momentum: { min: 0.5, max: 1 } } },
      'tuning.ranges.momentum.max: 1 must be a number from 0 to 0.999 (the documented range of momentum)',
    ],
    [
      'weight decay as a string',
      { ranges: { weight_decay: { min: '0', max: 0.1 } } },
      'tuning.ranges.weight_decay.min: "0" must be a number from 0 to 0.999 (the documented range of weight_decay) (a JSON number, not a string)',
    ],
    ['a missing max', { ranges: { learning_rate: { min: 0.01 } } }, 'tuning.ranges.learning_rate.max: missing (must be a number from 0.000001 to 0.5 (the documented range of learning_rate))'],
    [
      'min not below max',
      { ranges: { learning_rate: { min: 0.1, max: 0.1 } } },
      'tuning.ranges.learning_rate.min: 0.1 must be less than max (0.1); to fix learning_rate, set it in hyperparameters instead',
    ],
    [
      'logarithmic scaling from 0',
      { ranges: { momentum: { min: 0, max: 0.9, scaling: 'Logarithmic' } } },
      'tuning.ranges.momentum.scaling: "Logarithmic" works only for ranges above 0; min is 0: raise min or use "Linear" or "Auto"',
    ],
    [
      'reverse logarithmic scaling of an integer',
      { ranges: { mini_batch_size: { min: 8, max: 64, scaling: 'ReverseLogarithmic' } } },
      'tuning.ranges.mini_batch_size.scaling: "ReverseLogarithmic" works only for continuous ranges; mini_batch_size is an integer: use "Linear", "Logarithmic" or "Auto"',
    ],
    [
      'an unknown scaling',
      { ranges: { learning_rate: { min: 0.001, max: 0.1, scaling: 'Log' } } },
      'tuning.ranges.learning_rate.scaling: "Log" must be one of "Auto", "Linear", "Logarithmic", "ReverseLogarithmic"',
    ],
    [
      'an optimizer the algorithm does not offer',
      { ranges: { optimizer: { values: ['sgd', 'adagrad'] } } },
      'tuning.ranges.optimizer.values.1: "adagrad" must be one of "sgd", "adam", "rmsprop", "nag"',
    ],
    [
      'the optimizer as a numeric range',
      { ranges: { optimizer: { min: 0, max: 1 } } },
      'tuning.ranges.optimizer: {"min":0,"max":1} must be {"values": [...]} with some of "sgd", "adam", "rmsprop", "nag"',
    ],
    ['a repeated value', { ranges: { mini_batch_size: { values: [32, 32] } } }, 'tuning.ranges.mini_batch_size.values: [32,32] lists 32 more than once; each value must be different'],
    ['an empty list of values', { ranges: { optimizer: { values: [] } } }, 'tuning.ranges.optimizer.values: [] must be a list of 1 to 30 values, each one of "sgd", "adam", "rmsprop", "nag"'],
    [
      'values and a range at once',
      { ranges: { learning_rate: { values: [0.01], min: 0.001 } } },
      'tuning.ranges.learning_rate: gives both values and min: a range is either {"values": [...]} or {"min", "max", "scaling"?}',
    ],
    ['an unknown field of a range', { ranges: { learning_rate: { min: 0.001, max: 0.1, step: 0.01 } } }, 'tuning.ranges.learning_rate.step: 0.01 is not a field of a range; allowed: min, max, scaling, values'],
    [
      'grid search over a numeric range',
      { strategy: 'Grid', ranges: { learning_rate: { min: 0.001, max: 0.1 } } },
      'tuning.ranges.learning_rate: {"min":0.001,"max":0.1} is a range of numbers; grid search ("strategy": "Grid") takes only lists of values: give {"values": [...]} or choose another strategy',
    ],
    [
      'grid search with a job count other than the combinations',
      { strategy: 'Grid', maxJobs: 5, ranges: { optimizer: { values: ['sgd', 'adam'] } } },
      'tuning.maxJobs: 5 must be 2 with grid search, the number of combinations of the values in tuning.ranges (grid search runs each once); leave maxJobs out to run them all',
    ],
    [
      'hyperband with early stopping',
      { strategy: 'Hyperband', earlyStopping: 'Auto' },
      'tuning.earlyStopping: "Auto" cannot be used with "strategy": "Hyperband", which stops training jobs early by itself (SageMaker requires TrainingJobEarlyStoppingType Off with Hyperband): set it to "Off" or leave it out',
    ],
    [
      'tuning an adam-only hyperparameter while the optimizer stays sgd',
      { ranges: { beta_1: { min: 0.8, max: 0.99 } } },
      'tuning.ranges.beta_1: beta_1 only applies to optimizer "adam"; optimizer is not set (algorithm default: "sgd"), which ignores it: tuning it would only repeat the same training',
    ],
  ])('%s', (_label, tuning, expected) => {
    expect(onlyProblemOf({ tuning })).toBe(expected);
  });

  test('grid search with the default ranges says to give ranges', () => {
    expect(problemsOf({ tuning: { strategy: 'Grid' } })[0]).toMatch(/^tuning\.ranges\.learning_rate: .* \(this is a default range: give tuning\.ranges\)$/);
  });

  test('a hyperparameter fixed in hyperparameters and tuned too is rejected, naming both', () => {
    expect(onlyProblemOf({ hyperparameters: { learning_rate: 0.05 }, tuning: { ranges: { learning_rate: { min: 0.001, max: 0.1 } } } })).toBe(
      'hyperparameters.learning_rate: 0.05 is also tuned (tuning.ranges.learning_rate): a hyperparameter is either fixed or tuned; remove it from hyperparameters or from tuning.ranges',
    );
  });

  test('when all default ranges are fixed, the request must give ranges', () => {
    expect(onlyProblemOf({ hyperparameters: { learning_rate: 0.05, mini_batch_size: 32, optimizer: 'sgd' }, tuning: {} })).toBe(
      'tuning.ranges: is empty: the default ranges (learning_rate, mini_batch_size, optimizer) are all fixed in hyperparameters; give tuning.ranges, or leave one of them out of hyperparameters',
    );
  });

  test('an optimizer-specific hyperparameter is tunable when a tuned optimizer reads it', () => {
    const run = tuned({ ranges: { optimizer: { values: ['sgd', 'adam'] }, beta_1: { min: 0.8, max: 0.99 } } });
    expect(Object.keys(run.training?.tuning?.ranges ?? {})).toEqual(['optimizer', 'beta_1']);
  });

  test('a fixed optimizer-specific hyperparameter is checked against the tuned optimizers', () => {
    expect(onlyProblemOf({ hyperparameters: { momentum: 0.9 }, tuning: { ranges: { optimizer: { values: ['adam', 'rmsprop'] } } } })).toBe(
      'hyperparameters.momentum: 0.9 only applies to optimizer "sgd" or "nag"; tuning.ranges.optimizer tries only "adam", "rmsprop", which ignore it',
    );
    expect(tuned({ ranges: { optimizer: { values: ['adam', 'sgd'] } } }, { hyperparameters: { momentum: 0.9 } }).training?.hyperparameters.momentum).toBe('0.9');
  });

  test('a tuned optimizer-specific hyperparameter is rejected when no tuned optimizer reads it, by the same rule as a fixed one', () => {
    expect(onlyProblemOf({ tuning: { ranges: { optimizer: { values: ['sgd'] }, beta_2: { min: 0.9, max: 0.999 } } } })).toBe(
      'tuning.ranges.beta_2: beta_2 only applies to optimizer "adam"; tuning.ranges.optimizer tries only "sgd", which ignores it: tuning it would only repeat the same training',
    );
  });

  test('a tuning job that could outlast 28 days is rejected, with the arithmetic', () => {
    expect(onlyProblemOf({ training: { maxRuntimeInSeconds: 1_000_000 }, tuning: { maxJobs: 6, maxParallelJobs: 2 } })).toBe(
      'tuning.maxJobs: 6 training jobs, 2 at a time, may take 3 rounds of up to 1000000 s (training.maxRuntimeInSeconds) = 3000000 s, ' +
        'more than the 2419200 s (28 days) a tuning job of the pipeline may take: run more jobs in parallel, fewer jobs, or lower training.maxRuntimeInSeconds',
    );
  });

  test('with spot, the bound counts the spot wait', () => {
    expect(onlyProblemOf({ training: { spot: true, maxRuntimeInSeconds: 3600, maxWaitTimeInSeconds: 900_000 }, tuning: {} })).toMatch(
      /^tuning\.maxJobs: 6 training jobs, 2 at a time, may take 3 rounds of up to 900000 s \(training\.maxWaitTimeInSeconds\)/,
    );
  });

  test('tuning is not used in mode "transform"', () => {
    expect(onlyProblemOf({ mode: 'transform', modelName: 'm', tuning: {} })).toMatch(/^tuning: \{\} is not used in mode "transform"/);
  });

  test('tuning must be an object', () => {
    expect(onlyProblemOf({ tuning: true })).toMatch(/^tuning: true must be an object of tuning settings/);
  });
});

describe('the accuracy gate: minValidationAccuracy', () => {
  test('is kept with the text the failure message shows', () => {
    expect(prepare({ minValidationAccuracy: 0.6 })).toMatchObject({ minValidationAccuracy: 0.6, minValidationAccuracyText: '0.60' });
    expect(prepare({ mode: 'train', minValidationAccuracy: 0.655 })).toMatchObject({ minValidationAccuracyText: '0.655' });
  });

  test.each([
    [0.6, '0.60'],
    [1, '1.00'],
    [0, '0.00'],
    [0.75, '0.75'],
    [0.123, '0.123'],
  ])('the gate %s reads %s', (value, text) => {
    expect(gateText(value)).toBe(text);
  });

  test.each([
    [1.5, 'minValidationAccuracy: 1.5 must be a number from 0 to 1'],
    [-0.1, 'minValidationAccuracy: -0.1 must be a number from 0 to 1'],
    ['0.6', 'minValidationAccuracy: "0.6" must be a number from 0 to 1 (a JSON number, not a string)'],
    [null, 'minValidationAccuracy: null must be a number from 0 to 1'],
  ])('%s is rejected', (value, expected) => {
    expect(onlyProblemOf({ minValidationAccuracy: value })).toBe(expected);
  });

  test('is not used in mode "transform", which trains nothing', () => {
    expect(onlyProblemOf({ mode: 'transform', modelName: 'm', minValidationAccuracy: 0.5 })).toMatch(
      /^minValidationAccuracy: 0\.5 is not used in mode "transform", .*minValidationAccuracy \(the accuracy gate of a trained model\) is only used in modes "full" and "train"/,
    );
  });
});

describe('incremental training: baseTrainingJob', () => {
  test('takes num_layers, image_shape and num_classes from the base job where the request leaves them out', () => {
    const run = prepare({ baseTrainingJob: 'caltech-baseline-exec-1-0123abcd', hyperparameters: { epochs: 5 } });
    expect(run.baseTrainingJob).toBe('caltech-baseline-exec-1-0123abcd');
    expect(run.training?.hyperparameters).toEqual({ num_training_samples: '15420', mini_batch_size: '64', epochs: '5', learning_rate: '0.01' });
    expect(run.training?.incremental).toEqual({ requestedHyperparameters: { num_layers: null, image_shape: null, num_classes: null } });
  });

  test('keeps the ones the request sets, to be compared with the base job at run time', () => {
    const run = prepare({ baseTrainingJob: 'base-job', hyperparameters: { num_classes: 10, image_shape: '3,224,224' } });
    expect(run.training?.incremental?.requestedHyperparameters).toEqual({ num_layers: null, image_shape: '3,224,224', num_classes: '10' });
    expect(run.training?.hyperparameters).toMatchObject({ num_classes: '10', image_shape: '3,224,224' });
    expect(run.training?.hyperparameters).not.toHaveProperty('num_layers');
  });

  test('without it there is no incremental training', () => {
    expect(prepare({})).toMatchObject({ baseTrainingJob: null, training: { incremental: null } });
  });

  test.each([
    ['bad_name!', 'baseTrainingJob: "bad_name!" must be a SageMaker training job name: letters, digits and hyphens, starting and ending with a letter or digit (e.g. the trainingJobName in the summary of an earlier run)'],
    ['a'.repeat(64), 'baseTrainingJob: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" must be at most 63 characters'],
    [42, 'baseTrainingJob: 42 must be a string'],
  ])('%s is rejected', (value, expected) => {
    expect(problemsOf({ baseTrainingJob: value })[0]).toBe(expected);
  });

  test('is not used in mode "transform"', () => {
    expect(onlyProblemOf({ mode: 'transform', modelName: 'm', baseTrainingJob: 'base-job' })).toMatch(/^baseTrainingJob: "base-job" is not used in mode "transform"/);
  });
});
