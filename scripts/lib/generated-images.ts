/**
 * Small real JPEG and PNG files, generated with pure-JS encoders (jpeg-js, pngjs; dev dependencies),
 * for the prepare-data tests (the --keep-original tree, the header sniffer). Never shipped: product code does not import scripts/.
 */
import { encode as encodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';

/** RGBA pixels of a smooth gradient with seeded noise, so every generated image has distinct bytes. */
function pixels(width: number, height: number, seed: number): Buffer {
  const data = Buffer.alloc(width * height * 4);
  let state = (seed * 2654435761) >>> 0 || 1;
  const noise = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) & 0x3f;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data[i] = (x * 255) / Math.max(1, width - 1) + noise();
      data[i + 1] = (y * 255) / Math.max(1, height - 1) + noise();
      data[i + 2] = ((seed * 37) & 0xff) ^ noise();
      data[i + 3] = 255;
    }
  }
  return data;
}

/** A baseline JPEG of `width` x `height` (jpeg-js writes SOI, APP0 JFIF, DQT, SOF0, DHT, SOS, EOI). */
export function generateJpeg(width: number, height: number, seed = 1, quality = 80): Buffer {
  return Buffer.from(encodeJpeg({ data: pixels(width, height, seed), width, height }, quality).data);
}

/** An RGBA PNG of `width` x `height`. */
export function generatePng(width: number, height: number, seed = 1): Buffer {
  const png = new PNG({ width, height });
  pixels(width, height, seed).copy(png.data);
  return PNG.sync.write(png);
}

/** MXNet RecordIO's magic word 0xced7230a as stored (little-endian). */
const MAGIC = Buffer.from([0x0a, 0x23, 0xd7, 0xce]);

/**
 * `jpeg` with a comment segment (COM, 0xFFFE) right after SOI whose bytes hold the RecordIO magic word at
 * image offsets 8 and 12 (adjacent), 20, and once unaligned at 29. In a record the payload is the 24-byte
 * header plus the image, so these offsets are 4-byte-aligned in the payload too: a RecordIO writer must
 * split this record in parts. The file stays a valid JPEG (decoders skip comments).
 */
export function jpegHoldingMagicWords(jpeg: Buffer): Buffer {
  const data = Buffer.alloc(32, 0x20);
  // Image offsets: SOI 0-1, COM marker 2-3, length 4-5, comment data from 6.
  MAGIC.copy(data, 8 - 6);
  MAGIC.copy(data, 12 - 6);
  MAGIC.copy(data, 20 - 6);
  MAGIC.copy(data, 29 - 6);
  const segment = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from([0, data.length + 2]), data]);
  return Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
}

/**
 * `image` followed by padding and the magic word as its last four bytes, at a 4-byte-aligned offset:
 * the record's last part is then empty (dmlc-core writes its length word with length 0).
 */
export function endingWithMagicWord(image: Buffer): Buffer {
  const padding = (4 - (image.length % 4)) % 4;
  return Buffer.concat([image, Buffer.alloc(padding), MAGIC]);
}
