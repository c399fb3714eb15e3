/**
 * The run request's shared vocabularies: the words a field may take (modes, content types, optimizers,
 * tuning strategies, …) and the pipeline's caps on tuning. A leaf module: it imports nothing, so the
 * request schema (request.ts), the hyperparameter table (hyperparameters.ts) and the tuning rules
 * (tuning.ts) can all use it without importing each other.
 */

/**
 * `full`: train, create the model, batch transform. `train`: stop after the model. `transform`: classify with an
 * existing model. `deploy`: deploy a registered version or an existing model to an endpoint, without training.
 */
export const RUN_MODES = ['full', 'train', 'transform', 'deploy'] as const;
export type RunMode = (typeof RUN_MODES)[number];
/** The mode of a request that sets none. */
export const DEFAULT_RUN_MODE: RunMode = 'full';

/** How training jobs read their data (CreateTrainingJob AlgorithmSpecification.TrainingInputMode). */
export const TRAINING_INPUT_MODES = ['File', 'Pipe', 'FastFile'] as const;
export type TrainingInputMode = (typeof TRAINING_INPUT_MODES)[number];
/** RecordIO files, or image files listed by .lst files. */
export const TRAINING_CONTENT_TYPES = ['application/x-recordio', 'application/x-image'] as const;
export type TrainingContentType = (typeof TRAINING_CONTENT_TYPES)[number];
/** What the algorithm's inference accepts, one image per request. */
export const TRANSFORM_CONTENT_TYPES = ['application/x-image', 'image/jpeg', 'image/png'] as const;
export type TransformContentType = (typeof TRANSFORM_CONTENT_TYPES)[number];
/** How batch transform groups records into requests (CreateTransformJob BatchStrategy). */
export const BATCH_STRATEGIES = ['SingleRecord', 'MultiRecord'] as const;
export type BatchStrategy = (typeof BATCH_STRATEGIES)[number];

/** The values of the algorithm's `optimizer` hyperparameter. */
export const OPTIMIZERS = ['sgd', 'adam', 'rmsprop', 'nag'] as const;
export type Optimizer = (typeof OPTIMIZERS)[number];

/** HyperParameterTuningJobConfig.Strategy. */
export const TUNING_STRATEGIES = ['Bayesian', 'Random', 'Hyperband', 'Grid'] as const;
export type TuningStrategy = (typeof TUNING_STRATEGIES)[number];
/** HyperParameterTuningJobConfig.TrainingJobEarlyStoppingType. */
export const EARLY_STOPPING_TYPES = ['Off', 'Auto'] as const;
export type EarlyStoppingType = (typeof EARLY_STOPPING_TYPES)[number];
/** The ScalingType of a numeric tuning range. */
export const SCALING_TYPES = ['Auto', 'Linear', 'Logarithmic', 'ReverseLogarithmic'] as const;
export type ScalingType = (typeof SCALING_TYPES)[number];

/** The pipeline's caps on job counts, so that a typo cannot start hundreds of GPU jobs. */
export const MAX_TUNING_JOBS = 100;
export const MAX_PARALLEL_TUNING_JOBS = 10;
