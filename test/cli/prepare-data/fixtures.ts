import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { endingWithMagicWord, generateJpeg, generatePng, jpegHoldingMagicWords } from '../../../scripts/lib/generated-images';
import { tempDir } from '../../support/temp-dir';

/** One record as an independent reader sees it. */
export interface ReadRecord {
  readonly flag: number;
  readonly label: number;
  readonly id: bigint;
  readonly id2: bigint;
  readonly image: Buffer;
  /** How many parts the record was written in. */
  readonly parts: number;
}

const MAGIC = 0xced7230a;

/**
 * Reads a .rec file from the format's description alone (not the product code): each part is the magic,
 * a length word (cflag in the upper 3 bits, length in the lower 29), the data, zero padding to 4 bytes;
 * parts with cflag 1 and 2 continue, and the magic word they left out is put back between them.
 */
export function readRecordFile(path: string): ReadRecord[] {
  const file = readFileSync(path);
  const records: ReadRecord[] = [];
  let position = 0;
  while (position < file.length) {
    const chunks: Buffer[] = [];
    let parts = 0;
    for (;;) {
      if (position + 8 > file.length) throw new Error(`truncated part header at ${position}`);
      const magic = file.readUInt32LE(position);
      if (magic !== MAGIC) throw new Error(`no magic at ${position}: 0x${magic.toString(16)}`);
      const word = file.readUInt32LE(position + 4);
      const cflag = word >>> 29;
      const length = word & 0x1fffffff;
      position += 8;
      if (position + length > file.length) throw new Error(`truncated part data at ${position}`);
      chunks.push(file.subarray(position, position + length));
      const padded = Math.ceil(length / 4) * 4;
      for (let i = position + length; i < position + padded; i++) if (file[i] !== 0) throw new Error(`non-zero padding at ${i}`);
      position += padded;
      parts += 1;
      if (parts === 1 && cflag !== 0 && cflag !== 1) throw new Error(`first part has cflag ${cflag}`);
      if (parts > 1 && cflag !== 2 && cflag !== 3) throw new Error(`continuation part has cflag ${cflag}`);
      if (cflag === 0 || cflag === 3) break;
      const magicBytes = Buffer.alloc(4);
      magicBytes.writeUInt32LE(MAGIC);
      chunks.push(magicBytes);
    }
    const payload = Buffer.concat(chunks);
    records.push({
      flag: payload.readUInt32LE(0),
      label: payload.readFloatLE(4),
      id: payload.readBigUInt64LE(8),
      id2: payload.readBigUInt64LE(16),
      image: payload.subarray(24),
      parts,
    });
  }
  return records;
}

/** What the test tree holds: every usable image with its class, and the files that must be skipped. */
export interface TestTree {
  readonly root: string;
  /** Relative path (with `/`) → bytes and class folder. */
  readonly images: Map<string, { bytes: Buffer; className: string }>;
  readonly skipped: Record<string, RegExp>;
}

function put(root: string, relative: string, bytes: Buffer | string): void {
  const path = join(root, ...relative.split('/'));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
}

/**
 * A small Caltech-256-like tree: classes `cat` (8 images, one nested, one PNG named .jpg, a name with a
 * space and non-ASCII letters), `dog` (6 images incl. the magic-word ones, plus a non-image file without
 * extension, a GIF named .jpg and a truncated JPEG), an empty class folder `empty`, an empty nested
 * folder, and `zebra` with two images. The smallest image side is 24 px. Used with `--keep-original`,
 * which packs these bytes as they are.
 */
export function buildTestTree(root = tempDir('ic-images-')): TestTree {
  const images = new Map<string, { bytes: Buffer; className: string }>();
  const image = (relative: string, bytes: Buffer) => {
    put(root, relative, bytes);
    images.set(relative, { bytes, className: relative.split('/')[0] as string });
  };
  let seed = 1;
  for (let i = 1; i <= 5; i++) image(`cat/cat_${String(i).padStart(4, '0')}.jpg`, generateJpeg(40 + i, 30 + i, seed++));
  image('cat/kittens/small kitten.jpg', generateJpeg(32, 24, seed++));
  image('cat/chat noir é.jpg', generateJpeg(48, 36, seed++));
  image('cat/really-a-png.jpg', generatePng(30, 40, seed++));
  for (let i = 1; i <= 3; i++) image(`dog/dog_${i}.png`, generatePng(36 + i, 28, seed++));
  image('dog/magic.jpg', jpegHoldingMagicWords(generateJpeg(40, 40, seed++)));
  image('dog/magic-at-end.png', endingWithMagicWord(generatePng(33, 33, seed++)));
  image('dog/plain.jpg', generateJpeg(50, 30, seed++));
  image('zebra/only.jpg', generateJpeg(64, 48, seed++));
  image('zebra/second.jpg', generateJpeg(60, 48, seed++));

  put(root, 'dog/RENAME2', 'rename these files\n');
  put(root, 'dog/fake.jpg', Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'));
  put(root, 'dog/broken.jpg', generateJpeg(40, 40, seed).subarray(0, 100));
  mkdirSync(join(root, 'empty'));
  mkdirSync(join(root, 'cat', 'empty-nested'));
  return {
    root,
    images,
    skipped: {
      'dog/RENAME2': /^not a JPEG or PNG image/,
      'dog/fake.jpg': /^a GIF image: --keep-original packs only JPEG and PNG files as they are/,
      'dog/broken.jpg': /^truncated JPEG/,
      'empty/': /^empty class folder: no label/,
      'cat/empty-nested/': /^empty folder/,
    },
  };
}

/** Temporary folders made by a test file, removed by `removeTemporaryFolders()` in its afterAll. */


/** Raw RGB pixels: a seeded pattern, so every image has its own bytes, reproducibly. */
function pattern(width: number, height: number, seed: number): Buffer {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = (x * 7 + seed * 31) & 0xff;
      data[i + 1] = (y * 5 + seed * 17) & 0xff;
      data[i + 2] = ((x ^ y) * 3 + seed * 53) & 0xff;
    }
  }
  return data;
}

const raw = (width: number, height: number, seed: number) => sharp(pattern(width, height, seed), { raw: { width, height, channels: 3 } });

/** Stored 60x40, left half red and right half blue, with EXIF orientation 6: shown 40x60, red on top. */
export async function exifRotatedJpeg(): Promise<Buffer> {
  const data = Buffer.alloc(60 * 40 * 3);
  for (let y = 0; y < 40; y++) for (let x = 0; x < 60; x++) data.set(x < 30 ? [220, 20, 20] : [20, 20, 220], (y * 60 + x) * 3);
  return sharp(data, { raw: { width: 60, height: 40, channels: 3 } }).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
}

/** A JPEG cut right after its frame header (SOF0) and Huffman tables: the header reads, the image does not decode. */
export async function truncatedJpeg(): Promise<Buffer> {
  const jpeg = await raw(64, 48, 99).jpeg().toBuffer();
  const sos = jpeg.indexOf(Buffer.from([0xff, 0xda]));
  return jpeg.subarray(0, sos + 30);
}

/** What the photo tree holds and what prepare-data must make of it. */
export interface PhotoTree {
  readonly root: string;
  /** Class folder → the files that must be used (relative paths). */
  readonly used: Record<string, string[]>;
  /** Relative path → the reason code it is left out with. */
  readonly rejected: Record<string, string>;
  /** Byte-identical groups: the kept file first (null for a conflict). */
  readonly duplicates: { kept: string | null; files: string[] }[];
}

/**
 * Real files of every kind users have, made with sharp, small (40-64 px) so the tests stay fast:
 * `cat` (EXIF-rotated, CMYK, progressive, 16-bit PNG, palette PNG with transparency, plain JPEGs),
 * `dog` (grayscale JPEG, WebP, GIF, TIFF, AVIF where the build decodes it, a copy of the WebP, a JPEG
 * truncated after its frame header, a 10-pixel PNG, a text file, a BMP), `zebra` (3 JPEGs), the same
 * bytes in `cat` and `zebra` (a labelling conflict), an empty folder and a file at the root.
 */
export async function buildPhotoTree(root = tempDir('ic-photos-')): Promise<PhotoTree> {
  const used: Record<string, string[]> = { cat: [], dog: [], zebra: [] };
  const image = (relative: string, bytes: Buffer) => {
    put(root, relative, bytes);
    used[relative.split('/')[0] as string]?.push(relative);
  };
  for (let i = 1; i <= 5; i++) image(`cat/cat_${i}.jpg`, await raw(48 + i, 40, i).jpeg().toBuffer());
  image('cat/rotated.jpg', await exifRotatedJpeg());
  image('cat/cmyk.jpg', await raw(50, 50, 6).toColourspace('cmyk').jpeg().toBuffer());
  image('cat/progressive.jpg', await raw(56, 42, 7).jpeg({ progressive: true }).toBuffer());
  image('cat/kittens/deep.png', await raw(48, 40, 8).toColourspace('rgb16').png().toBuffer());
  // Left half opaque green, right half fully transparent: flattened onto the background.
  const rgba = Buffer.alloc(40 * 40 * 4);
  for (let y = 0; y < 40; y++) for (let x = 0; x < 40; x++) rgba.set(x < 20 ? [0, 160, 0, 255] : [0, 0, 0, 0], (y * 40 + x) * 4);
  image('cat/palette.png', await sharp(rgba, { raw: { width: 40, height: 40, channels: 4 } }).png({ palette: true }).toBuffer());

  image('dog/gray.jpg', await raw(44, 60, 9).toColourspace('b-w').jpeg().toBuffer());
  const webp = await raw(50, 40, 10).webp().toBuffer();
  image('dog/dog.webp', webp);
  image('dog/dog.gif', await raw(40, 48, 11).gif().toBuffer());
  image('dog/dog.tiff', await raw(52, 40, 12).tiff().toBuffer());
  if (sharp.format.heif.input.buffer) image('dog/dog.avif', await raw(40, 40, 13).avif({ effort: 0 }).toBuffer());
  put(root, 'dog/copy of dog.webp', webp);
  put(root, 'dog/broken.jpg', await truncatedJpeg());
  put(root, 'dog/tiny.png', await raw(10, 10, 14).png().toBuffer());
  put(root, 'dog/notes.txt', 'rename these files\n');
  put(root, 'dog/scan.bmp', Buffer.concat([Buffer.from('BM', 'latin1'), Buffer.alloc(60)]));

  for (let i = 1; i <= 3; i++) image(`zebra/zebra_${i}.jpg`, await raw(64, 48, 20 + i).jpeg().toBuffer());
  const conflict = await raw(40, 40, 30).jpeg().toBuffer();
  put(root, 'cat/conflict.jpg', conflict);
  put(root, 'zebra/conflict.jpg', conflict);
  mkdirSync(join(root, 'empty'));
  put(root, 'README.txt', 'my photos\n');
  return {
    root,
    used,
    rejected: {
      'README.txt': 'not-in-class-folder',
      'cat/conflict.jpg': 'conflict',
      'dog/broken.jpg': 'corrupt',
      'dog/notes.txt': 'not-image',
      'dog/scan.bmp': 'unsupported-format',
      'dog/tiny.png': 'too-small',
      'empty/': 'empty-folder',
      'zebra/conflict.jpg': 'conflict',
    },
    duplicates: [
      { kept: null, files: ['cat/conflict.jpg', 'zebra/conflict.jpg'] },
      { kept: 'dog/copy of dog.webp', files: ['dog/copy of dog.webp', 'dog/dog.webp'] },
    ],
  };
}
