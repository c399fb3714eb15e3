/**
 * Which instance types a run may use, and where a volume KMS key may be set.
 *
 * The lists come from the SageMaker API model (`TrainingInstanceType`, `TransformInstanceType` enums in
 * `sagemaker-api-limits.json`); the built-in image-classification algorithm narrows training to GPU
 * instances of the P2, P3, G4dn and G5 families.
 */
import limits from './reference/sagemaker-api-limits.json';
import { describeValue, didYouMean } from './problems';

/** Every instance type CreateTrainingJob accepts. */
export const TRAINING_INSTANCE_TYPES: readonly string[] = limits.shapes.TrainingInstanceType.enum;
/** Every instance type CreateTransformJob accepts (inference runs on CPU or GPU). */
export const TRANSFORM_INSTANCE_TYPES: readonly string[] = limits.shapes.TransformInstanceType.enum;

/** GPU families the image-classification algorithm trains on, in the order its documentation names them. */
export const ALGORITHM_TRAINING_FAMILIES = ['p2', 'p3', 'g4dn', 'g5'] as const;
const FAMILY_LABELS = 'P2, P3, G4dn or G5';

/**
 * Instance families with local NVMe instance storage. SageMaker encrypts that storage itself and rejects
 * a `VolumeKmsKeyId` for these types (documentedLimits of sagemaker-api-limits.json), so none is sent.
 */
export const INSTANCE_STORAGE_FAMILIES: ReadonlySet<string> = new Set([
  'c5d',
  'm5d',
  'r5d',
  'g4dn',
  'g5',
  'g6',
  'g6e',
  'g7e',
  'p3dn',
  'p4d',
  'p4de',
  'p5',
  'p5e',
  'p5en',
  'trn1',
  'trn1n',
  'trn2',
  'p6-b200',
  'p6-b300',
  'p6e-gb200',
]);

/** The family of `ml.<family>.<size>` (`g4dn` for `ml.g4dn.xlarge`), or undefined for other strings. */
export function instanceFamily(instanceType: string): string | undefined {
  const match = /^ml\.([^.]+)\./.exec(instanceType);
  return match?.[1];
}

/** Training instance types that are both in the API enum and in the algorithm's GPU families, by family. */
export const ALGORITHM_TRAINING_INSTANCE_TYPES: readonly string[] = ALGORITHM_TRAINING_FAMILIES.flatMap((family) =>
  TRAINING_INSTANCE_TYPES.filter((type) => instanceFamily(type) === family),
);

/** Why `instanceType` cannot train the image-classification algorithm, or undefined when it can. */
export function trainingInstanceTypeProblem(instanceType: string): string | undefined {
  if (ALGORITHM_TRAINING_INSTANCE_TYPES.includes(instanceType)) return undefined;
  // A typo gets a hint; an existing type of another family (ml.m5.large) gets only the list.
  const what = TRAINING_INSTANCE_TYPES.includes(instanceType)
    ? 'is not allowed for training'
    : `is not a SageMaker training instance type${didYouMean(instanceType, ALGORITHM_TRAINING_INSTANCE_TYPES)}`;
  return (
    `${describeValue(instanceType)} ${what}; ` +
    `the image-classification algorithm trains on GPU instances only: use a GPU instance type of the ` +
    `${FAMILY_LABELS} families (${ALGORITHM_TRAINING_INSTANCE_TYPES.join(', ')})`
  );
}

/** Why `instanceType` cannot run a batch transform, or undefined when it can. */
export function transformInstanceTypeProblem(instanceType: string): string | undefined {
  if (TRANSFORM_INSTANCE_TYPES.includes(instanceType)) return undefined;
  return (
    `${describeValue(instanceType)} is not a SageMaker batch transform instance type` +
    `${didYouMean(instanceType, TRANSFORM_INSTANCE_TYPES)}; use one of ${groupBySize(TRANSFORM_INSTANCE_TYPES)}`
  );
}

/** True for instance types with local NVMe storage (see `INSTANCE_STORAGE_FAMILIES`). */
export function hasInstanceStorage(instanceType: string): boolean {
  const family = instanceFamily(instanceType);
  return family !== undefined && INSTANCE_STORAGE_FAMILIES.has(family);
}

/** The VolumeKmsKeyId to send for `instanceType`: the key, unless there is none or the type has instance storage. */
export function volumeKmsKeyFor(instanceType: string, kmsKeyArn: string | undefined): string | undefined {
  if (kmsKeyArn === undefined || kmsKeyArn === '' || hasInstanceStorage(instanceType)) return undefined;
  return kmsKeyArn;
}

/** `ml.c5.{xlarge,2xlarge}, ml.m5.{large,xlarge}`: the complete list, compact enough for an error message. */
function groupBySize(types: readonly string[]): string {
  const sizesByFamily = new Map<string, string[]>();
  for (const type of types) {
    const family = instanceFamily(type) ?? type;
    const size = type.slice(`ml.${family}.`.length);
    sizesByFamily.set(family, [...(sizesByFamily.get(family) ?? []), size]);
  }
  return [...sizesByFamily]
    .map(([family, sizes]) => (sizes.length === 1 ? `ml.${family}.${sizes[0]}` : `ml.${family}.{${sizes.join(',')}}`))
    .join(', ');
}

/**
 * Training families the algorithm still trains on that AWS is retiring: previous-generation GPU instances
 * (P2: NVIDIA K80, P3: NVIDIA V100). They stay accepted; `validate`, `dry-run` and `estimate` warn.
 * What was found (docs/operations.md, "Cost"): AWS lists P2 and P3 as previous generation on EC2; the SageMaker Python
 * SDK's own tests treat ml.p2.xlarge as deprecated (aws/sagemaker-python-sdk#5097, March 2025) and the
 * AWS Deep Learning Containers moved their tests off P3 (aws/deep-learning-containers#4723, April 2025).
 * No SageMaker end-of-support date was found, and the API still accepts both.
 */
export const RETIRING_TRAINING_FAMILIES: Readonly<Record<string, string>> = { p2: 'P2 (NVIDIA K80)', p3: 'P3 (NVIDIA V100)' };

/** A warning for a training instance type of a family AWS is retiring, or undefined. */
export function trainingInstanceWarning(instanceType: string): string | undefined {
  const family = instanceFamily(instanceType);
  const label = family === undefined ? undefined : RETIRING_TRAINING_FAMILIES[family];
  if (label === undefined) return undefined;
  return (
    `${instanceType} is of the ${label} family, which AWS is retiring (previous generation): it still works, ` +
    'but capacity may shrink and it costs more per run than ml.g4dn.xlarge, the default; G4dn and G5 are the current families'
  );
}

/** Every real-time inference instance type of the SageMaker API (ProductionVariantInstanceType). */
export const ENDPOINT_INSTANCE_TYPES: readonly string[] = limits.shapes.ProductionVariantInstanceType.enum;

/** Why `instanceType` cannot serve an endpoint, or undefined when it can. */
export function endpointInstanceTypeProblem(instanceType: string): string | undefined {
  if (ENDPOINT_INSTANCE_TYPES.includes(instanceType)) return undefined;
  return `${JSON.stringify(instanceType)} is not a SageMaker real-time inference instance type; e.g. "ml.m5.large", "ml.c5.xlarge" or "ml.g4dn.xlarge" (GPU)`;
}
