import { requireEnv } from '../../core/env';
import { Logger } from '@aws-lambda-powertools/logger';
import { imageUriFor, UnknownRegionError } from '../../core/image-uri';

const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'resolve-image' });

/** Input of the "Resolve image" state. */
export interface ResolveImageEvent {
  /** Region whose algorithm image to use. @default - the Lambda's own Region (`AWS_REGION`) */
  region?: string;
}

/** Output of the "Resolve image" state. */
export interface ResolvedImage {
  region: string;
  /** URI of the built-in image-classification algorithm image, for training and for the model. */
  imageUri: string;
}

/**
 * Resolves the image-classification algorithm image URI for the requested Region, or for the Region the
 * Lambda runs in. Throws `UnknownRegionError` (which names the Region and the supported ones) otherwise.
 */
export async function handler(event?: ResolveImageEvent | null): Promise<ResolvedImage> {
  const requested = event?.region ?? undefined;
  const region = requested ?? requireEnv('AWS_REGION');
  try {
    const imageUri = imageUriFor(region);
    logger.info('Resolved algorithm image', { region, imageUri, regionFrom: requested === undefined ? 'AWS_REGION' : 'event' });
    return { region, imageUri };
  } catch (error) {
    if (error instanceof UnknownRegionError) {
      logger.error('No algorithm image for Region', { region });
    }
    throw error;
  }
}
