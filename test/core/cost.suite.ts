import {
  EXPECTED_SPOT_SAVINGS,
  PRICES_AS_OF,
  costOf,
  endpointCost,
  estimateRun,
  formatCost,
  pricePerHour,
  pricesAsOf,
  runCost,
  spotSavingsPercent,
  trainingImagesPerSecond,
} from '../../core/cost';
import { DEFAULT_ENDPOINT_INSTANCE_TYPE } from '../../core/endpoint';
import { ALGORITHM_TRAINING_INSTANCE_TYPES, trainingInstanceWarning } from '../../core/instance-types';
import prices from '../../core/reference/prices.json';
import throughput from '../../core/reference/training-throughput.json';
import { prepare } from './helpers';

describe('price table', () => {
  test('has its source and capture date, and a USD price only for instance types the pipeline allows', () => {
    expect(prices.currency).toBe('USD');
    expect(PRICES_AS_OF).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const [region, { pricesAsOf: date, ...kinds }] of Object.entries(prices.regions)) {
      expect(date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(date <= PRICES_AS_OF).toBe(true);
      expect(pricesAsOf(region)).toBe(date);
      for (const [kind, table] of Object.entries(kinds)) {
        expect(Object.keys(prices.sources)).toContain(table.source);
        for (const [type, price] of Object.entries(table.pricePerHour)) {
          expect(price).toBeGreaterThan(0);
          if (kind === 'training') expect(ALGORITHM_TRAINING_INSTANCE_TYPES).toContain(type);
          expect(pricePerHour(kind as 'training' | 'transform', region, type)).toBe(price);
        }
      }
    }
  });

  test('the Regions of the examples in docs/operations.md ("Cost"): eu-west-1 from its own source and date; China has none (CNY, not sourced)', () => {
    expect(prices.regions['eu-west-1']).toMatchObject({ pricesAsOf: '2023-12-31', training: { source: 'eu-west-1-bill-2023-12' } });
    expect(pricePerHour('training', 'eu-west-1', 'ml.g4dn.xlarge')).toBe(0.822);
    expect(pricePerHour('training', 'eu-west-1', 'ml.p3.2xlarge')).toBe(4.131);
    expect(pricePerHour('transform', 'eu-west-1', 'ml.m5.xlarge')).toBe(0.257);
    expect(pricePerHour('transform', 'eu-west-1', 'ml.c5.xlarge')).toBeUndefined();
    expect(pricesAsOf('eu-west-1')).toBe('2023-12-31');
    for (const region of ['cn-north-1', 'cn-northwest-1']) {
      expect(pricePerHour('training', region, 'ml.g4dn.xlarge')).toBeUndefined();
      expect(pricesAsOf(region)).toBe(PRICES_AS_OF);
      expect(prices.notSourced[region as keyof typeof prices.notSourced]).toBeDefined();
    }
  });

  test('an unknown Region or instance type has no price, never a guess', () => {
    expect(pricePerHour('training', 'ap-southeast-2', 'ml.g4dn.xlarge')).toBeUndefined();
    expect(pricePerHour('training', 'cn-north-1', 'ml.g4dn.xlarge')).toBeUndefined();
    expect(pricePerHour('training', 'us-east-1', 'ml.g5.xlarge')).toBeUndefined();
    expect(pricePerHour('transform', 'us-east-1', 'ml.p3.2xlarge')).toBeUndefined();
    expect(pricePerHour('training', 'toString', 'ml.g4dn.xlarge')).toBeUndefined();
    expect(pricePerHour('training', 'us-east-1', 'constructor')).toBeUndefined();
  });

  test('every training family with a throughput figure says where it comes from', () => {
    for (const figure of Object.values(throughput.resnet50Float32ImagesPerSecondPerGpu)) expect(figure.source.length).toBeGreaterThan(40);
  });
});

describe('estimate', () => {
  const reference = () => estimateRun(prepare({}), 'us-east-1');

  test('the reference run: the JSON shape, the prices and the arithmetic', () => {
    const estimate = reference();
    expect(Object.keys(estimate)).toEqual(['currency', 'region', 'pricesAsOf', 'training', 'transform', 'total', 'assumptions']);
    expect(estimate).toMatchObject({ currency: 'USD', region: 'us-east-1', pricesAsOf: '2026-11-30' });
    expect(Object.keys(estimate.training ?? {})).toEqual([
      'instanceType', 'instanceCount', 'spot', 'jobs', 'pricePerHour', 'estimatedSeconds', 'estimatedCost', 'maxCost',
    ]);
    expect(Object.keys(estimate.transform ?? {})).toEqual([
      'instanceType', 'instanceCount', 'pricePerHour', 'estimatedSeconds', 'estimatedCost', 'maxCost',
    ]);
    // ResNet-18 on a T4: 137 x 3.8 / 1.8 = 289.2 images/s; 15420 x 2 = 30840 images = 107 s, plus 300 s of provisioning.
    expect(estimate.training).toEqual({
      instanceType: 'ml.g4dn.xlarge',
      instanceCount: 1,
      spot: false,
      jobs: 1,
      pricePerHour: 0.7364,
      estimatedSeconds: 407,
      estimatedCost: costOf(0.7364, 1, 407),
      maxCost: 73.64,
    });
    // 1000 images at 10 images/s plus 300 s; at most the 3-day Run batch transform timeout.
    expect(estimate.transform).toEqual({
      instanceType: 'ml.c5.xlarge',
      instanceCount: 1,
      pricePerHour: 0.204,
      estimatedSeconds: 400,
      estimatedCost: costOf(0.204, 1, 400),
      maxCost: 14.688,
    });
    expect(estimate.total).toEqual({
      estimatedCost: Math.round((costOf(0.7364, 1, 407) + costOf(0.204, 1, 400)) * 1e6) / 1e6,
      maxCost: 88.328,
    });
    expect(estimate.assumptions.join('\n')).toMatch(/Prices: SageMaker on-demand list prices .* in us-east-1 as of \d{4}-\d{2}-\d{2}/);
    expect(estimate.assumptions.join('\n')).toContain('Provisioning: 300 s per job');
  });

  test.each([
    [{ instanceType: 'ml.g4dn.xlarge', instanceCount: 1, maxRuntimeInSeconds: 3600 }, 0.7364],
    [{ instanceType: 'ml.g4dn.12xlarge', instanceCount: 3, maxRuntimeInSeconds: 7200 }, 4.89 * 3 * 2],
    [{ instanceType: 'ml.p3.2xlarge', instanceCount: 2, maxRuntimeInSeconds: 5400 }, 3.825 * 2 * 1.5],
    [{ instanceType: 'ml.p3.16xlarge', instanceCount: 1, maxRuntimeInSeconds: 2_419_200 }, 28.152 * 672],
  ])('maxCost is exactly price x count x maxRuntimeInSeconds: %j', (training, expected) => {
    const maxCost = estimateRun(prepare({ training, mode: 'train' }), 'us-east-1').training?.maxCost;
    expect(maxCost).toBe(Math.round(expected * 1e6) / 1e6);
    expect(maxCost).toBe(costOf(pricePerHour('training', 'us-east-1', training.instanceType) as number, training.instanceCount, training.maxRuntimeInSeconds));
  });

  test('spot is cheaper than on demand for the same request, by the stated saving; the maximum does not change', () => {
    const onDemand = estimateRun(prepare({ training: { spot: false } }), 'us-east-1');
    const spot = estimateRun(prepare({ training: { spot: true } }), 'us-east-1');
    expect(spot.training?.spot).toBe(true);
    expect(spot.training?.estimatedCost).toBeLessThan(onDemand.training?.estimatedCost as number);
    expect(spot.training?.estimatedCost).toBeCloseTo((onDemand.training?.estimatedCost as number) * (1 - EXPECTED_SPOT_SAVINGS), 6);
    expect(spot.total.estimatedCost).toBeLessThan(onDemand.total.estimatedCost as number);
    expect(spot.training?.maxCost).toBe(onDemand.training?.maxCost);
    expect(spot.assumptions.join('\n')).toContain('Spot: an expected saving of 60 %');
  });

  test('an unknown Region has no price: every cost is "no price" and the total too', () => {
    const estimate = estimateRun(prepare({}), 'cn-north-1');
    expect(estimate.pricesAsOf).toBe(PRICES_AS_OF);
    expect(estimate.training).toMatchObject({ pricePerHour: null, estimatedCost: null, maxCost: null, estimatedSeconds: 407 });
    expect(estimate.transform).toMatchObject({ pricePerHour: null, estimatedCost: null, maxCost: null });
    expect(estimate.total).toEqual({ estimatedCost: null, maxCost: null });
    expect(estimate.assumptions).toContain(
      'No price for training on ml.g4dn.xlarge in cn-north-1: none was sourced, so its cost is unknown (not guessed).',
    );
    expect(formatCost(estimate.total.estimatedCost)).toBe('no price');
  });

  test('eu-west-1: training at its own price and date; the default transform type has none there, so no total', () => {
    const estimate = estimateRun(prepare({}), 'eu-west-1');
    expect(estimate.pricesAsOf).toBe('2023-12-31');
    // 407 s (as in us-east-1: the speed does not depend on the Region) at $0.822/h; at most the default 100 hours.
    expect(estimate.training).toMatchObject({ pricePerHour: 0.822, estimatedSeconds: 407, estimatedCost: costOf(0.822, 1, 407), maxCost: 82.2 });
    expect(estimate.transform).toMatchObject({ instanceType: 'ml.c5.xlarge', pricePerHour: null, estimatedCost: null });
    expect(estimate.total.estimatedCost).toBeNull();
    expect(estimate.assumptions[0]).toContain('in eu-west-1 as of 2023-12-31');
    const m5 = estimateRun(prepare({ transform: { instanceType: 'ml.m5.xlarge' } }), 'eu-west-1');
    expect(m5.transform?.pricePerHour).toBe(0.257);
    expect(m5.total.maxCost).toBe(100.704); // 82.2 + 0.257 x 72 h (the transform timeout) = 82.2 + 18.504
  });

  test('an instance type without a price or a throughput figure gets neither, and the other part keeps its own', () => {
    const estimate = estimateRun(prepare({ training: { instanceType: 'ml.g5.xlarge' } }), 'us-east-1');
    expect(estimate.training).toMatchObject({ pricePerHour: null, estimatedSeconds: null, estimatedCost: null, maxCost: null });
    expect(estimate.transform?.estimatedCost).not.toBeNull();
    expect(estimate.total.estimatedCost).toBeNull();
    expect(estimate.assumptions.join('\n')).toContain('No training-time estimate on ml.g5.xlarge: no sourced training throughput for the g5 family');
  });

  test('modes estimate only their part', () => {
    const train = estimateRun(prepare({ mode: 'train' }), 'us-east-1');
    expect(train.transform).toBeNull();
    expect(train.total.maxCost).toBe(train.training?.maxCost);
    const transform = estimateRun(prepare({ mode: 'transform', modelName: 'm' }), 'us-east-1');
    expect(transform.training).toBeNull();
    expect(transform.total.estimatedCost).toBe(transform.transform?.estimatedCost);
  });

  test('the batch size, the network and the image size change the time', () => {
    const ips = (hyperparameters: Record<string, string>, type = 'ml.p3.2xlarge') =>
      (trainingImagesPerSecond(type, hyperparameters) as { imagesPerSecond: number }).imagesPerSecond;
    expect(ips({ num_layers: '50' })).toBe(384);
    expect(ips({ num_layers: '18' })).toBeCloseTo((384 * 3.8) / 1.8, 6);
    expect(ips({ num_layers: '50', image_shape: '3,112,112' })).toBe(384 * 4);
    expect(ips({ num_layers: '50' }, 'ml.p3.8xlarge')).toBe(384 * 4);
    expect(trainingImagesPerSecond('ml.p3.2xlarge', { num_layers: '20' })).toEqual({ unknown: 'no sourced compute figure for num_layers 20' });
    const more = estimateRun(prepare({ transform: {} }), 'us-east-1', { batchImages: 10_000 });
    expect(more.transform?.estimatedSeconds).toBe(300 + 1000);
  });

  test('the estimate never exceeds the maximum', () => {
    const estimate = estimateRun(prepare({ training: { maxRuntimeInSeconds: 600 }, hyperparameters: { epochs: 100 } }), 'us-east-1');
    expect(estimate.training?.estimatedSeconds).toBe(600);
    expect(estimate.training?.estimatedCost).toBe(estimate.training?.maxCost);
  });
});

describe('the cost of a finished run', () => {
  const summary = {
    billableTimeInSeconds: 540,
    trainingTimeInSeconds: 1800,
    trainingInstanceType: 'ml.g4dn.xlarge',
    trainingInstanceCount: 2,
    transformInstanceType: 'ml.c5.xlarge',
    transformInstanceCount: 1,
    transformStartTime: 1_736_154_000_000,
    transformEndTime: 1_736_154_300_000,
  };

  test('is billable training time x price x count plus transform time x price x count, from list prices', () => {
    const cost = runCost(summary, 'us-east-1');
    expect(cost).toMatchObject({ currency: 'USD', region: 'us-east-1', computedFrom: 'list prices' });
    expect(cost.training).toEqual({ instanceType: 'ml.g4dn.xlarge', instanceCount: 2, billedSeconds: 540, pricePerHour: 0.7364, cost: costOf(0.7364, 2, 540) });
    expect(cost.transform).toEqual({ instanceType: 'ml.c5.xlarge', instanceCount: 1, billedSeconds: 300, pricePerHour: 0.204, cost: 0.017 });
    expect(cost.total).toBe(Math.round((costOf(0.7364, 2, 540) + 0.017) * 1e6) / 1e6);
  });

  test('accepts ISO times; no price or no time gives no total', () => {
    const iso = runCost({ ...summary, transformStartTime: '2025-01-06T09:00:00Z', transformEndTime: '2025-01-06T09:05:00Z' }, 'us-east-1');
    expect(iso.transform?.billedSeconds).toBe(300);
    expect(runCost(summary, 'eu-west-1').total).toBeNull();
    expect(runCost({ ...summary, billableTimeInSeconds: null }, 'us-east-1').training?.cost).toBeNull();
    expect(runCost({ ...summary, trainingInstanceType: null }, 'us-east-1').training).toBeNull();
  });

  test('the spot saving is SageMaker\'s: 1 - billable / training', () => {
    expect(spotSavingsPercent(summary)).toBe(70);
    expect(spotSavingsPercent({ billableTimeInSeconds: null, trainingTimeInSeconds: 1800 })).toBeUndefined();
  });
});

describe('retiring families', () => {
  test.each(['ml.p2.xlarge', 'ml.p3.2xlarge', 'ml.p3.16xlarge'])('%s gets a warning', (type) => {
    expect(trainingInstanceWarning(type)).toMatch(/family, which AWS is retiring/);
  });

  test.each(['ml.g4dn.xlarge', 'ml.g5.2xlarge', 'not-a-type'])('%s does not', (type) => {
    expect(trainingInstanceWarning(type)).toBeUndefined();
  });
});

describe('estimate of a tuning run', () => {
  test('multiplies the training cost by the tuning job\'s maxJobs; the maximum is exact: price x count x maxRuntime x maxJobs', () => {
    const single = estimateRun(prepare({ hyperparameters: { learning_rate: 0.01 } }), 'us-east-1');
    const tuning = estimateRun(prepare({ tuning: { maxJobs: 6, ranges: { optimizer: { values: ['sgd', 'adam'] } } } }), 'us-east-1');
    expect(tuning.training).toMatchObject({ jobs: 6, estimatedSeconds: single.training?.estimatedSeconds, maxCost: 441.84 });
    expect(tuning.training?.maxCost).toBe(Math.round(0.7364 * 1 * (360_000 / 3600) * 6 * 1e6) / 1e6);
    expect(tuning.training?.estimatedCost).toBeCloseTo((single.training?.estimatedCost ?? 0) * 6, 5);
    expect(tuning.assumptions.join(' ')).toContain('a Bayesian tuning job runs up to 6 training jobs (2 at a time)');
    expect(tuning.assumptions.join(' ')).toContain('x 6 jobs, the longest SageMaker may bill the jobs');
  });
});

describe('endpoint cost', () => {
  test('the default endpoint instance type has a sourced price in every priced Region, so its cost is always in view', () => {
    const priced = Object.keys(prices.regions);
    expect(priced).toEqual(expect.arrayContaining(['us-east-1', 'eu-west-1']));
    for (const region of priced) {
      const created = new Date('2026-12-01T00:00:00Z');
      const cost = endpointCost(region, DEFAULT_ENDPOINT_INSTANCE_TYPE, 2, created, new Date('2026-12-01T10:00:00Z'));
      const price = pricePerHour('transform', region, DEFAULT_ENDPOINT_INSTANCE_TYPE);
      expect({ region, price: typeof price }).toEqual({ region, price: 'number' });
      expect(cost.perHour).toBeCloseTo(price! * 2, 6);
      expect(cost.perMonth).toBeCloseTo(price! * 2 * 730, 6);
      expect(cost.soFar).toBeCloseTo(price! * 2 * 10, 6);
    }
    expect(endpointCost('us-east-1', 'ml.m5.large', 1)).toMatchObject({ perHour: null, perMonth: null }); // no sourced price: no guess
  });
});
