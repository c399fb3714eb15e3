import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
 * folder, and `zebra` with a single image. The smallest image side is 24 px.
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
      'dog/fake.jpg': /^not a JPEG or PNG image \(a GIF image\)/,
      'dog/broken.jpg': /^truncated JPEG/,
      'empty/': /^empty class folder: no label/,
      'cat/empty-nested/': /^empty folder/,
    },
  };
}
