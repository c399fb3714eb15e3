import registries from './reference/image-classification-registries.json';

/**
 * The registry file's shape: one ECR account per Region, one repository and tag for every Region, and the
 * DNS domain of ECR by Region prefix (`*` is the fallback for every other Region).
 */
export interface ImageRegistries {
  readonly repository: string;
  readonly tag: string;
  readonly domainByRegionPrefix: Readonly<Record<string, string>>;
  readonly accounts: Readonly<Record<string, string>>;
}

/** The algorithm's image registries: the one table behind the resolve-image Lambda and the stack's ECR mapping. */
export const ALGORITHM_REGISTRY: ImageRegistries = registries;
const REGISTRIES = ALGORITHM_REGISTRY;

/** The key of `domainByRegionPrefix` that applies to every Region no other prefix matches. */
const FALLBACK_PREFIX = '*';

/** Thrown for a Region in which the built-in image-classification algorithm image is not published. */
export class UnknownRegionError extends Error {
  constructor(
    readonly region: string,
    readonly supported: readonly string[] = supportedRegions(),
  ) {
    super(
      `The SageMaker image-classification algorithm image is not published in Region '${region}'. ` +
        `Supported Regions: ${supported.join(', ')}`,
    );
    this.name = 'UnknownRegionError';
  }
}

/** Every Region with a published image-classification algorithm image, sorted. */
export function supportedRegions(): string[] {
  return Object.keys(REGISTRIES.accounts).sort();
}

/**
 * The ECR domain for `region`: the value of the longest Region prefix in the registry file that `region`
 * starts with, so that a more specific prefix (for example `us-isob-`) wins over a shorter one it shares
 * characters with (`us-iso`), whatever the order of the keys in the file.
 */
function ecrDomainFor(region: string): string {
  let bestPrefix: string | undefined;
  for (const prefix of Object.keys(REGISTRIES.domainByRegionPrefix)) {
    if (prefix !== FALLBACK_PREFIX && region.startsWith(prefix) && prefix.length > (bestPrefix?.length ?? 0)) {
      bestPrefix = prefix;
    }
  }
  const domain = REGISTRIES.domainByRegionPrefix[bestPrefix ?? FALLBACK_PREFIX];
  if (domain === undefined) {
    // Only reachable if the reference file loses its '*' entry: a broken file, not a bad Region.
    throw new Error(`image-classification-registries.json has no ECR domain for Region '${region}' and no '*' fallback`);
  }
  return domain;
}

/**
 * The URI of the SageMaker built-in image-classification algorithm image in `region`:
 * `<account>.dkr.ecr.<region>.<domain>/<repository>:<tag>`. The same image serves training and inference.
 *
 * @throws UnknownRegionError if the image is not published in `region`.
 */
export function imageUriFor(region: string): string {
  const account = Object.hasOwn(REGISTRIES.accounts, region) ? REGISTRIES.accounts[region] : undefined;
  if (account === undefined) {
    throw new UnknownRegionError(region);
  }
  return `${account}.dkr.ecr.${region}.${ecrDomainFor(region)}/${REGISTRIES.repository}:${REGISTRIES.tag}`;
}
