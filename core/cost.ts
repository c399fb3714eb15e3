/**
 * What a run costs: an estimate before it starts (`ic-pipeline estimate`, `dry-run`) and the cost of a
 * finished run from what SageMaker reports (`status`, `list`). Pure arithmetic over the list prices of
 * reference/prices.json and the throughput assumptions of reference/training-throughput.json; every
 * assumption is stated in the estimate. An instance type or Region without a sourced price has no cost
 * ("no price"), never a guessed one.
 */
import { DEFAULT_TRANSFORM_TASK_TIMEOUT_SECONDS } from './api-limits';
import { instanceFamily } from './instance-types';
import type { PreparedRun } from './prepare-run';
import prices from './reference/prices.json';
import throughput from './reference/training-throughput.json';
import type { RunSummary } from './run-summary';

export const CURRENCY = 'USD';
/** When reference/prices.json was last compiled (ISO date): the date given for a Region without prices. */
export const PRICES_AS_OF: string = prices.pricesAsOf;

export type JobKind = 'training' | 'transform';

/** Expected saving of managed spot training over on-demand (typically 60–70 %, "up to 90 %" per AWS): the low end. */
export const EXPECTED_SPOT_SAVINGS = 0.6;
/** Assumed instance start and data download of a job, counted in full in the estimate (errs high). */
export const PROVISIONING_SECONDS = 300;
/** Assumed batch transform speed per instance: one image per request (SingleRecord). Not measured. */
export const TRANSFORM_IMAGES_PER_SECOND = 10;
/** Images assumed in the batch input when none are given: the input is in S3 and not read offline. */
export const DEFAULT_BATCH_IMAGES = 1000;

type RegionPrices = { readonly pricesAsOf: string } & { readonly [kind in JobKind]?: { readonly pricePerHour: Readonly<Record<string, number>> } };
const PRICE_TABLE: { readonly [region: string]: RegionPrices } = prices.regions;

/**
 * The date `region`'s prices are known to hold (ISO date; each Region's come from their own source), or,
 * for a Region without prices, when the table was compiled.
 */
export function pricesAsOf(region: string): string {
  return (Object.hasOwn(PRICE_TABLE, region) ? PRICE_TABLE[region]?.pricesAsOf : undefined) ?? PRICES_AS_OF;
}

/** The on-demand list price of one instance-hour, or undefined when none was sourced (never a guess). */
export function pricePerHour(kind: JobKind, region: string, instanceType: string): number | undefined {
  const table = Object.hasOwn(PRICE_TABLE, region) ? PRICE_TABLE[region]?.[kind]?.pricePerHour : undefined;
  return table !== undefined && Object.hasOwn(table, instanceType) ? table[instanceType] : undefined;
}

/** Regions with at least one price. */
export const PRICED_REGIONS: readonly string[] = Object.keys(PRICE_TABLE);

/** price × count × seconds, in dollars, without floating-point noise (6 decimals). */
export function costOf(price: number, instanceCount: number, seconds: number): number {
  return round6((price * instanceCount * seconds) / 3600);
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

const BASE_IPS: Readonly<Record<string, { value: number }>> = throughput.resnet50Float32ImagesPerSecondPerGpu;
const GFLOPS: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(throughput.gigaFlopsPerImageAt224).filter((entry): entry is [string, number] => typeof entry[1] === 'number'),
);
const GPUS: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(throughput.gpusPerInstance).filter((entry): entry is [string, number] => typeof entry[1] === 'number'),
);
const REFERENCE_LAYERS = '50';

/** Assumed training speed of one instance, images per second, or a reason there is none. */
export function trainingImagesPerSecond(
  instanceType: string,
  hyperparameters: Readonly<Record<string, string>>,
): { imagesPerSecond: number } | { unknown: string } {
  const family = instanceFamily(instanceType) ?? instanceType;
  const base = Object.hasOwn(BASE_IPS, family) ? BASE_IPS[family]?.value : undefined;
  const gpus = Object.hasOwn(GPUS, instanceType) ? GPUS[instanceType] : undefined;
  if (base === undefined || gpus === undefined) return { unknown: `no sourced training throughput for the ${family} family` };
  // The algorithm's defaults when the request leaves them out (reference/image-classification-hyperparameters.md).
  const layers = hyperparameters.num_layers ?? '152';
  const flops = Object.hasOwn(GFLOPS, layers) ? GFLOPS[layers] : undefined;
  const reference = GFLOPS[REFERENCE_LAYERS];
  if (flops === undefined || reference === undefined) return { unknown: `no sourced compute figure for num_layers ${layers}` };
  const [, height = 224, width = 224] = (hyperparameters.image_shape ?? '3,224,224').split(',').map(Number);
  const area = (224 * 224) / (height * width);
  return { imagesPerSecond: base * gpus * (reference / flops) * area };
}

export interface TrainingEstimate {
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly spot: boolean;
  /** Training jobs: 1, or a tuning job's maxJobs (each job is estimated alike and the costs add up). */
  readonly jobs: number;
  /** On-demand list price per instance-hour; null: no price. */
  readonly pricePerHour: number | null;
  /** Provisioning plus training at the assumed speed, of one job; null when the speed is unknown. */
  readonly estimatedSeconds: number | null;
  /** Of all jobs; with spot, after the expected spot saving; null: no price or no time estimate. */
  readonly estimatedCost: number | null;
  /** price × count × maxRuntimeInSeconds × jobs: the most the jobs can be billed; null: no price. */
  readonly maxCost: number | null;
}

export interface TransformEstimate {
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly pricePerHour: number | null;
  readonly estimatedSeconds: number;
  readonly estimatedCost: number | null;
  /** price × count × the `Run batch transform` timeout, after which Step Functions stops the job. */
  readonly maxCost: number | null;
}

/** What a run will cost (the `estimate --json` document). */
export interface RunEstimate {
  readonly currency: typeof CURRENCY;
  readonly region: string;
  readonly pricesAsOf: string;
  readonly training: TrainingEstimate | null;
  readonly transform: TransformEstimate | null;
  /** Sums of the parts; null when a part has no price (or no time estimate). */
  readonly total: { readonly estimatedCost: number | null; readonly maxCost: number | null };
  readonly assumptions: readonly string[];
}

export interface EstimateOptions {
  /** Images in the batch input. @default DEFAULT_BATCH_IMAGES */
  readonly batchImages?: number;
}

const money = (value: number): string => `$${value.toFixed(value < 1 ? 4 : 2)}`;

/** The estimate of a prepared (validated) run in `region`. */
export function estimateRun(run: PreparedRun, region: string, options: EstimateOptions = {}): RunEstimate {
  const assumptions: string[] = [
    `Prices: SageMaker on-demand list prices per instance-hour in ${region} as of ${pricesAsOf(region)} (core/reference/prices.json ` +
      'names the source of each; https://aws.amazon.com/sagemaker/pricing/ has the current ones); taxes, storage, S3 requests and ' +
      'data transfer are not included.',
  ];
  const noPrice = (kind: JobKind, instanceType: string) =>
    assumptions.push(`No price for ${kind} on ${instanceType} in ${region}: none was sourced, so its cost is unknown (not guessed).`);

  let training: TrainingEstimate | null = null;
  if (run.training) {
    const { InstanceType: instanceType, InstanceCount: instanceCount } = run.training.resourceConfig;
    const maxRuntime = run.training.stoppingCondition.MaxRuntimeInSeconds;
    const price = pricePerHour('training', region, instanceType);
    if (price === undefined) noPrice('training', instanceType);
    const hp = run.training.hyperparameters;
    const images = Number(hp.num_training_samples) * Number(hp.epochs ?? '30');
    const speed = trainingImagesPerSecond(instanceType, hp);
    let seconds: number | null = null;
    if ('imagesPerSecond' in speed) {
      seconds = Math.min(maxRuntime, PROVISIONING_SECONDS + Math.ceil(images / (speed.imagesPerSecond * instanceCount)));
      assumptions.push(
        `Training time: ResNet-${hp.num_layers ?? '152'} at ${hp.image_shape ?? '3,224,224'} trains about ` +
          `${Math.round(speed.imagesPerSecond)} images/s per ${instanceType} (NVIDIA's MXNet ResNet-50 FP32 benchmark for its GPU, ` +
          `scaled by compute per image: core/reference/training-throughput.json), so ${hp.num_training_samples} samples x ` +
          `${hp.epochs ?? '30'} epochs = ${images} images take ${seconds - PROVISIONING_SECONDS} s on ${instanceCount} instance` +
          `${instanceCount === 1 ? '' : 's'}; validation passes are not counted.`,
      );
    } else {
      assumptions.push(`No training-time estimate on ${instanceType}: ${speed.unknown}; only the maximum cost is known.`);
    }
    // A tuning job runs up to maxJobs training jobs like this one: each is billed, so the costs add up.
    const jobs = run.training.tuning?.maxJobs ?? 1;
    const onDemand = price === undefined || seconds === null ? null : round6(costOf(price, instanceCount, seconds) * jobs);
    training = {
      instanceType,
      instanceCount,
      spot: run.training.spot,
      jobs,
      pricePerHour: price ?? null,
      estimatedSeconds: seconds,
      estimatedCost: onDemand === null ? null : run.training.spot ? round6(onDemand * (1 - EXPECTED_SPOT_SAVINGS)) : onDemand,
      maxCost: price === undefined ? null : round6(costOf(price, instanceCount, maxRuntime) * jobs),
    };
    if (run.training.tuning) {
      const { maxJobs, maxParallelJobs, strategy } = run.training.tuning;
      assumptions.push(
        `Tuning: a ${strategy} tuning job runs up to ${maxJobs} training jobs (${maxParallelJobs} at a time), each estimated like ` +
          `one training job with the reference or fixed hyperparameters (a tuned mini_batch_size changes the speed); their costs add ` +
          `up, and the maximum is ${maxJobs} x the maximum of one job. Early stopping ("earlyStopping": "Auto") or Hyperband may stop jobs sooner.`,
      );
    }
    if (run.training.spot) {
      assumptions.push(
        `Spot: an expected saving of ${EXPECTED_SPOT_SAVINGS * 100} % on the training price (spot is typically 60-70 % cheaper, ` +
          '"up to 90 %" per AWS; the real saving is what SageMaker reports, BillableTimeInSeconds vs TrainingTimeInSeconds). ' +
          'The maximum stays the on-demand price: billing stops at maxRuntimeInSeconds of training, however long the job waits for capacity.',
      );
    }
    assumptions.push(
      `Maximum training cost: price x ${instanceCount} instance${instanceCount === 1 ? '' : 's'} x maxRuntimeInSeconds (${maxRuntime} s)` +
        `${jobs === 1 ? '' : ` x ${jobs} jobs`}, the longest SageMaker may bill ${jobs === 1 ? 'the job' : 'the jobs'}.`,
    );
  }

  let transform: TransformEstimate | null = null;
  if (run.transform) {
    const { InstanceType: instanceType, InstanceCount: instanceCount } = run.transform.transformResources;
    const price = pricePerHour('transform', region, instanceType);
    if (price === undefined) noPrice('transform', instanceType);
    const images = options.batchImages ?? DEFAULT_BATCH_IMAGES;
    const seconds = PROVISIONING_SECONDS + Math.ceil(images / (TRANSFORM_IMAGES_PER_SECOND * instanceCount));
    transform = {
      instanceType,
      instanceCount,
      pricePerHour: price ?? null,
      estimatedSeconds: seconds,
      estimatedCost: price === undefined ? null : costOf(price, instanceCount, seconds),
      maxCost: price === undefined ? null : costOf(price, instanceCount, DEFAULT_TRANSFORM_TASK_TIMEOUT_SECONDS),
    };
    assumptions.push(
      `Batch transform: ${images} images${options.batchImages === undefined ? ' (assumed; --images sets it: the batch input is not read offline)' : ''} ` +
        `at an assumed ${TRANSFORM_IMAGES_PER_SECOND} images/s per instance (one image per request; not measured), billed at the ` +
        'real-time inference price of the instance type. Its maximum is the "Run batch transform" timeout ' +
        `(${DEFAULT_TRANSFORM_TASK_TIMEOUT_SECONDS / 86_400} days), when Step Functions stops the job.`,
    );
  }

  assumptions.push(
    `Provisioning: ${PROVISIONING_SECONDS} s per job (instances starting, data and model download), counted as billed; ` +
      'this errs high if SageMaker bills less of it.',
  );
  const parts = [training, transform].filter((part): part is TrainingEstimate | TransformEstimate => part !== null);
  const sum = (values: (number | null)[]) => (values.some((value) => value === null) ? null : round6(values.reduce<number>((a, b) => a + (b ?? 0), 0)));
  return {
    currency: CURRENCY,
    region,
    pricesAsOf: pricesAsOf(region),
    training,
    transform,
    total: { estimatedCost: sum(parts.map((part) => part.estimatedCost)), maxCost: sum(parts.map((part) => part.maxCost)) },
    assumptions,
  };
}

/** "$0.0833", "$73.64", or "no price". */
export function formatCost(value: number | null | undefined): string {
  return value === null || value === undefined ? 'no price' : money(value);
}

export interface JobCost {
  readonly instanceType: string;
  readonly instanceCount: number;
  /** Training: SageMaker's BillableTimeInSeconds; transform: TransformEndTime - TransformStartTime. */
  readonly billedSeconds: number | null;
  readonly pricePerHour: number | null;
  readonly cost: number | null;
}

/** What a finished run cost, computed from list prices and what SageMaker reported (not from the bill). */
export interface RunCost {
  readonly currency: typeof CURRENCY;
  readonly region: string;
  readonly pricesAsOf: string;
  readonly computedFrom: 'list prices';
  readonly training: JobCost | null;
  readonly transform: JobCost | null;
  /** null when a part has no price or no time. */
  readonly total: number | null;
}

/** Epoch milliseconds or an ISO date (as Step Functions and the SDK give SageMaker timestamps), in ms. */
function timeOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  return undefined;
}

/**
 * The cost of a finished run from its summary: training BillableTimeInSeconds × price × count (with spot,
 * SageMaker's billable time already carries the saving), transform (end − start) × price × count.
 */
export function runCost(summary: Partial<RunSummary>, region: string): RunCost {
  const job = (kind: JobKind, instanceType: unknown, instanceCount: unknown, seconds: number | null): JobCost | null => {
    if (typeof instanceType !== 'string') return null;
    const count = typeof instanceCount === 'number' ? instanceCount : 1;
    const price = pricePerHour(kind, region, instanceType) ?? null;
    return {
      instanceType,
      instanceCount: count,
      billedSeconds: seconds,
      pricePerHour: price,
      cost: price === null || seconds === null ? null : costOf(price, count, seconds),
    };
  };
  const billable = typeof summary.billableTimeInSeconds === 'number' ? summary.billableTimeInSeconds : null;
  const start = timeOf(summary.transformStartTime);
  const end = timeOf(summary.transformEndTime);
  const transformSeconds = start !== undefined && end !== undefined ? Math.max(0, Math.round((end - start) / 1000)) : null;
  const training = job('training', summary.trainingInstanceType, summary.trainingInstanceCount, billable);
  const transform = job('transform', summary.transformInstanceType, summary.transformInstanceCount, transformSeconds);
  const parts = [training, transform].filter((part): part is JobCost => part !== null);
  const total = parts.length === 0 || parts.some((part) => part.cost === null) ? null : round6(parts.reduce((sum, part) => sum + (part.cost ?? 0), 0));
  return { currency: CURRENCY, region, pricesAsOf: pricesAsOf(region), computedFrom: 'list prices', training, transform, total };
}

/**
 * SageMaker's spot saving, (1 - BillableTimeInSeconds / TrainingTimeInSeconds) x 100, rounded; undefined
 * without both times.
 */
export function spotSavingsPercent(summary: Partial<RunSummary>): number | undefined {
  const { billableTimeInSeconds: billable, trainingTimeInSeconds: trained } = summary;
  if (typeof billable !== 'number' || typeof trained !== 'number' || trained <= 0) return undefined;
  return Math.round((1 - billable / trained) * 100);
}

/** Hours in the monthly figure of an endpoint's cost (365 × 24 / 12). */
export const HOURS_PER_MONTH = 730;

/**
 * The list price of one instance-hour of a real-time endpoint, or undefined when none was sourced. The
 * `transform` table holds SageMaker's real-time inference (hosting) prices (its source's note in
 * reference/prices.json), which are what an endpoint bills: every hour it exists, used or not.
 */
export function endpointPricePerHour(region: string, instanceType: string): number | undefined {
  return pricePerHour('transform', region, instanceType);
}

/** What an endpoint costs an hour, a month (730 h) and since `created`; null parts where no price was sourced. */
export function endpointCost(
  region: string,
  instanceType: string | undefined,
  instanceCount: number | undefined,
  created?: Date,
  now: Date = new Date(),
): { perHour: number | null; perMonth: number | null; soFar: number | null; hours: number | null } {
  const price = instanceType === undefined ? undefined : endpointPricePerHour(region, instanceType);
  const count = instanceCount ?? 1;
  const hours = created === undefined ? null : Math.max(0, (now.getTime() - created.getTime()) / 3_600_000);
  if (price === undefined) return { perHour: null, perMonth: null, soFar: null, hours };
  const perHour = costOf(price, count, 3600);
  return { perHour, perMonth: costOf(price, count, HOURS_PER_MONTH * 3600), soFar: hours === null ? null : costOf(price, count, hours * 3600), hours };
}
