/**
 * Thumbnails of the classified images, made in Node with sharp (libvips; its prebuilt binaries install
 * from the npm registry as @img/* packages): at most 160 px on a side, JPEG, a few KB each, so that a
 * report of 10,000 images stays a folder of tens of MB that a browser scrolls smoothly.
 */
import sharp from 'sharp';

export const THUMBNAIL_SIZE = 160;
const JPEG_QUALITY = 72;

/** A JPEG thumbnail of `image` (any format sharp reads: JPEG, PNG, WebP, GIF, TIFF…), or undefined when it is not a readable image. */
export async function makeThumbnail(image: Uint8Array): Promise<Buffer | undefined> {
  if (image.byteLength === 0) return undefined;
  try {
    return await sharp(image, { failOn: 'error', limitInputPixels: 100_000_000 })
      .rotate() // as the camera held it (EXIF orientation)
      .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' }) // PNG transparency on white, as JPEG has none
      .jpeg({ quality: JPEG_QUALITY })
      .toBuffer();
  } catch {
    return undefined;
  }
}
