/**
 * The S3 layout of the pipeline, written once: the prefixes users upload to in the data bucket and the
 * prefixes runs write in the artifact bucket. The constructs' grants, the Lambdas, the command line and the
 * local simulation all take their paths from here.
 *
 * ```
 * data bucket      train/  validation/  train_lst/  validation_lst/  batch-input/   (a request's defaults)
 *                  requests/<anything>.json                                          (an upload starts a run)
 *                  datasets/<name>/{train,validation,train_lst,validation_lst,test}/ classes.txt  (prepare-data)
 *                  batches/<name>/                                                   (prepare-batch)
 * artifact bucket  runs/<run id>/model/  runs/<run id>/checkpoints/  runs/<run id>/predictions/
 *                  runs/<run id>/evaluation.json                                     (evaluate --save)
 * ```
 *
 * Every prefix is a key prefix without a leading `/` and with a trailing `/`.
 */

/** Data bucket: where a run reads when its request names no URI for the field (`s3://<data bucket>/train/`, …). */
export const DEFAULT_INPUT_PREFIXES = {
  trainingData: 'train/',
  validationData: 'validation/',
  trainingLst: 'train_lst/',
  validationLst: 'validation_lst/',
  batchInput: 'batch-input/',
} as const;

/** Data bucket: run request files; uploading a `.json` file under it starts a run. */
export const RUN_REQUESTS_PREFIX = 'requests/';

/** Data bucket: the datasets `ic-pipeline prepare-data --upload` writes, one folder per dataset. */
export const DATASETS_PREFIX = 'datasets/';

/**
 * A dataset's folder: `datasets/<name>/`. Inside it, the data channels have the names of the default input
 * prefixes (`train/`, `validation/`, `train_lst/`, `validation_lst/`) and the class names are in `classes.txt`.
 */
export function datasetPrefix(name: string): string {
  return `${DATASETS_PREFIX}${name}/`;
}

/** A dataset's held-out labelled images, `test/<class folder>/<image>.jpg`: the batch input of its runs. */
export const DATASET_TEST_FOLDER = 'test/';

/** Data bucket: the images to classify that `ic-pipeline prepare-batch --upload` writes, one folder per batch. */
export const BATCHES_PREFIX = 'batches/';

/** A batch's folder: `batches/<name>/`. */
export function batchPrefix(name: string): string {
  return `${BATCHES_PREFIX}${name}/`;
}

/** The class names of a dataset, one per line, beside its channel folders. */
export const DATASET_CLASSES_FILE = 'classes.txt';

/** Artifact bucket: everything runs write, one folder per run id. */
export const RUNS_PREFIX = 'runs/';

/** What a run writes under `runs/<run id>/`. */
export const RUN_OUTPUT_FOLDERS = {
  /** The training job's model (`model.tar.gz` under the job's own folder). */
  model: 'model/',
  /** Managed spot training checkpoints: an interrupted job resumes from its own. */
  checkpoints: 'checkpoints/',
  /** The batch transform's predictions (`<image>.out`). */
  predictions: 'predictions/',
} as const;
export type RunOutput = keyof typeof RUN_OUTPUT_FOLDERS;

/** `runs/<run id>/`, or `runs/<run id>/<output>/` with `output`. */
export function runPrefix(runId: string, output?: RunOutput): string {
  return `${RUNS_PREFIX}${runId}/${output === undefined ? '' : RUN_OUTPUT_FOLDERS[output]}`;
}

/** `runs/<run id>/evaluation.json`: what `ic-pipeline evaluate --save` writes beside a run's predictions folder. */
export const EVALUATION_FILE = 'evaluation.json';

/** Every object under `runs/`, as an IAM resource key pattern (`runs/*`). */
export const RUN_OBJECTS_PATTERN = `${RUNS_PREFIX}*`;
/** Every run's checkpoint objects, as an IAM resource key pattern (`runs/*\/checkpoints/*`). */
export const CHECKPOINT_OBJECTS_PATTERN = `${RUNS_PREFIX}*/${RUN_OUTPUT_FOLDERS.checkpoints}*`;
