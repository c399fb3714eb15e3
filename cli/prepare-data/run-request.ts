/**
 * The run request that trains on a prepared dataset: the numbers the algorithm needs (`num_classes`,
 * `num_training_samples`, `resize`, `mini_batch_size` when the training set is smaller than the
 * reference batch), the content type, the data channels under `s3://<data bucket>/datasets/<name>/`,
 * and the held-out test images as the batch transform's input.
 */
import { DATASET_TEST_FOLDER, datasetPrefix, DEFAULT_INPUT_PREFIXES } from '../../core/s3-layout';
import { PLACEHOLDER_BUCKETS, REFERENCE_HYPERPARAMETERS } from './contract';

export type DatasetFormat = 'recordio' | 'lst';
export const DATASET_FORMATS: readonly DatasetFormat[] = ['recordio', 'lst'];

export { BATCHES_PREFIX, batchPrefix, DATASETS_PREFIX, datasetPrefix } from '../../core/s3-layout';

/** The height and width of the reference `image_shape` ("3,224,224"), which training crops images to. */
export function imageShapeSide(imageShape: string = REFERENCE_HYPERPARAMETERS.image_shape ?? '3,224,224'): number {
  const [, height = 224, width = 224] = imageShape.split(',').map(Number);
  return Math.max(height, width);
}

/**
 * The `resize` sent when images are smaller than the crop, or when training on image files (which the
 * algorithm requires): the shorter side is scaled to it before cropping, so it must be larger than the
 * crop side (prepare-run's rule); 8/7 of it (256 for 224) is the usual ImageNet ratio.
 */
export function resizeFor(side: number): number {
  return Math.ceil((side * 8) / 7);
}

export interface DatasetNumbers {
  readonly name: string;
  readonly format: DatasetFormat;
  readonly numClasses: number;
  readonly numTrainingSamples: number;
  /** Held-out test images, under `test/<class folder>/`. */
  readonly numTestSamples: number;
  /** The shorter side of the smallest image. */
  readonly minImageSide: number;
  /** The shorter side of every image, when they were converted (prepare-data's default); null with `--keep-original`. */
  readonly shortSide: number | null;
}

export interface RunRequestForDataset {
  trainingData: string;
  validationData: string;
  trainingLst?: string;
  validationLst?: string;
  batchInput?: string;
  hyperparameters: Record<string, number>;
  training: { contentType: 'application/x-recordio' | 'application/x-image' };
}

/** The reference `mini_batch_size` (64). */
export function referenceMiniBatchSize(): number {
  return Number(REFERENCE_HYPERPARAMETERS.mini_batch_size ?? 32);
}

/**
 * The `mini_batch_size` to send when the training set is smaller than the reference batch: SageMaker
 * fails such a job ("The number of input images must be bigger or equal to the mini_batch_size",
 * amazon-sagemaker-examples#1492), so the batch is lowered to the training set. Undefined when the
 * reference fits.
 */
export function miniBatchSizeFor(numTrainingSamples: number): number | undefined {
  return numTrainingSamples < referenceMiniBatchSize() ? Math.max(1, numTrainingSamples) : undefined;
}

/** Whether training needs `resize`, and why (for the command's message). */
export function resizeNeed(dataset: Pick<DatasetNumbers, 'format' | 'minImageSide' | 'shortSide'>): 'converted' | 'small-images' | 'image-files' | undefined {
  if (dataset.shortSide !== null) return 'converted';
  if (dataset.minImageSide < imageShapeSide()) return 'small-images';
  if (dataset.format === 'lst') return 'image-files';
  return undefined;
}

/**
 * The run request for `dataset` in `dataBucket`.
 * @param dataBucket the deployed data bucket; @default the offline placeholder `<data-bucket>`
 */
export function runRequestFor(dataset: DatasetNumbers, dataBucket: string = PLACEHOLDER_BUCKETS.dataBucket): RunRequestForDataset {
  const base = `s3://${dataBucket}/${datasetPrefix(dataset.name)}`;
  const hyperparameters: Record<string, number> = {
    num_classes: dataset.numClasses,
    num_training_samples: dataset.numTrainingSamples,
  };
  // Converted images already have their shorter side at shortSide: resize to it is a no-op for them and
  // tells the algorithm the size (required for image files, and what it rescales any other image to).
  if (dataset.shortSide !== null) hyperparameters.resize = dataset.shortSide;
  else if (resizeNeed(dataset) !== undefined) hyperparameters.resize = resizeFor(imageShapeSide());
  const miniBatchSize = miniBatchSizeFor(dataset.numTrainingSamples);
  if (miniBatchSize !== undefined) hyperparameters.mini_batch_size = miniBatchSize;
  return {
    trainingData: `${base}${DEFAULT_INPUT_PREFIXES.trainingData}`,
    validationData: `${base}${DEFAULT_INPUT_PREFIXES.validationData}`,
    ...(dataset.format === 'lst'
      ? { trainingLst: `${base}${DEFAULT_INPUT_PREFIXES.trainingLst}`, validationLst: `${base}${DEFAULT_INPUT_PREFIXES.validationLst}` }
      : {}),
    // The transform classifies the held-out images: labelled by their class folder, never trained on.
    ...(dataset.numTestSamples > 0 ? { batchInput: `${base}${DATASET_TEST_FOLDER}` } : {}),
    hyperparameters,
    training: { contentType: dataset.format === 'lst' ? 'application/x-image' : 'application/x-recordio' },
  };
}
