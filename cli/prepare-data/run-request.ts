/**
 * The run request that trains on a prepared dataset: the numbers the algorithm needs (`num_classes`,
 * `num_training_samples`, `resize` when an image is too small to crop), the content type and the data
 * channels under `s3://<data bucket>/datasets/<name>/`.
 */
import { datasetPrefix, DEFAULT_INPUT_PREFIXES } from '../../core/s3-layout';
import { PLACEHOLDER_BUCKETS, REFERENCE_HYPERPARAMETERS } from './contract';

export type DatasetFormat = 'recordio' | 'lst';
export const DATASET_FORMATS: readonly DatasetFormat[] = ['recordio', 'lst'];

export { DATASETS_PREFIX, datasetPrefix } from '../../core/s3-layout';

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
  /** The shorter side of the smallest image. */
  readonly minImageSide: number;
}

export interface RunRequestForDataset {
  trainingData: string;
  validationData: string;
  trainingLst?: string;
  validationLst?: string;
  hyperparameters: Record<string, number>;
  training: { contentType: 'application/x-recordio' | 'application/x-image' };
}

/** Whether training needs `resize`, and why (for the command's message). */
export function resizeNeed(dataset: Pick<DatasetNumbers, 'format' | 'minImageSide'>): 'small-images' | 'image-files' | undefined {
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
  if (resizeNeed(dataset) !== undefined) hyperparameters.resize = resizeFor(imageShapeSide());
  return {
    trainingData: `${base}${DEFAULT_INPUT_PREFIXES.trainingData}`,
    validationData: `${base}${DEFAULT_INPUT_PREFIXES.validationData}`,
    ...(dataset.format === 'lst'
      ? { trainingLst: `${base}${DEFAULT_INPUT_PREFIXES.trainingLst}`, validationLst: `${base}${DEFAULT_INPUT_PREFIXES.validationLst}` }
      : {}),
    hyperparameters,
    training: { contentType: dataset.format === 'lst' ? 'application/x-image' : 'application/x-recordio' },
  };
}
