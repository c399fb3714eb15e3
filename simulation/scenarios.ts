/**
 * What the simulated SageMaker does in a dry run: everything succeeds by default, or one of these named
 * scenarios, so an operator can see, offline, what the pipeline does and what the notification says when
 * a job fails, capacity is busy or SageMaker reports no metrics. The local-execution tests use the same
 * outcomes through the stand-in's options.
 */
import type { SageMakerOutcomes } from './sagemaker-stand-in';

/** A scenario: how SageMaker answers (outcomes), and the metrics of completed training jobs when they matter. */
export interface Scenario {
  readonly description: string;
  readonly outcomes: SageMakerOutcomes;
  /** FinalMetricDataList of every completed training job. @default - the stand-in's (validation:accuracy 0.85) */
  readonly finalMetrics?: Readonly<Record<string, number>>;
}

export const SCENARIOS = {
  'training-fails': {
    description: 'the training job fails with an algorithm error',
    outcomes: {
      training: { status: 'Failed', failureReason: 'AlgorithmError: num_classes 257 does not match the labels in the data (simulated)' },
    },
  },
  'training-max-runtime': {
    description: 'the training job is stopped at its maximum runtime',
    outcomes: { training: { status: 'Stopped', secondaryStatus: 'MaxRuntimeExceeded' } },
  },
  'spot-interrupted': {
    description:
      'the spot training job does not finish within its spot wait (MaxWaitTimeExceeded); use it with a request that sets "training": {"spot": true}',
    outcomes: { training: { status: 'Stopped', secondaryStatus: 'MaxWaitTimeExceeded' } },
  },
  'no-training-metrics': {
    description: 'training completes, but SageMaker reports no metrics and no training time',
    outcomes: { training: { status: 'Completed', withoutOptionalFields: true } },
  },
  'capacity-busy': {
    description: 'the account quota for the training instance is in use twice, then frees up (retried)',
    outcomes: { resourceLimitExceededCalls: { CreateTrainingJob: 2 } },
  },
  'transform-fails': {
    description: 'the batch transform job fails',
    outcomes: { transform: { status: 'Failed', failureReason: 'ClientError: an image could not be decoded (simulated)' } },
  },
  'transform-fails-part-way': {
    description: 'the batch transform job fails on one image after writing the outputs of 57 others (SageMaker keeps them)',
    outcomes: {
      transform: {
        status: 'Failed',
        failureReason: 'ClientError: See job logs for more information (simulated: one image could not be decoded)',
        outputsWritten: 57,
      },
    },
  },
  'accuracy-low': {
    description:
      'training completes with validation:accuracy 0.41 (train:accuracy 0.52); use it with a request that sets "minValidationAccuracy" above that',
    outcomes: {},
    finalMetrics: { 'train:accuracy': 0.52, 'validation:accuracy': 0.41 },
  },
  'base-job-missing': {
    description: 'the base training job of an incremental run ("baseTrainingJob") does not exist',
    outcomes: { earlierTrainingJob: { exists: false } },
  },
  'base-job-failed': {
    description: 'the base training job of an incremental run ("baseTrainingJob") ended Failed',
    outcomes: { earlierTrainingJob: { status: 'Failed', failureReason: 'AlgorithmError: simulated failure of the earlier run' } },
  },
  'base-job-other-classes': {
    description: 'the base training job of an incremental run was trained with num_classes 10; use it with a request that sets num_classes',
    outcomes: { earlierTrainingJob: { hyperparameters: { num_layers: '18', image_shape: '3,224,224', num_classes: '10', num_training_samples: '1000' } } },
  },
  'endpoint-failed': {
    description:
      'the endpoint does not come into service (Failed, with SageMaker\'s FailureReason); use it with a request that sets "endpoint": {}',
    outcomes: {
      endpoint: {
        status: 'Failed',
        failureReason: 'The primary container for production variant AllTraffic did not pass the ping health check (simulated).',
      },
    },
  },
  'endpoint-exists': {
    description:
      'the endpoint already exists, InService on an earlier run\'s endpoint config: the run updates it (UpdateEndpoint); use it with a request that sets "endpoint": {}',
    outcomes: { existingEndpoint: { configName: 'earlier-run-endpoint-config' } },
  },
} as const satisfies Record<string, Scenario>;

export type ScenarioName = keyof typeof SCENARIOS;

export const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[];
