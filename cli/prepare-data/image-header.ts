/**
 * What a file is, by its bytes: a JPEG or PNG image with its width and height, or the reason it is not
 * one the algorithm can train on. Only headers are read (JPEG markers up to the frame header, the PNG
 * IHDR chunk): nothing is decoded, so no native image library is needed and a 30,000-file tree is
 * sniffed in seconds.
 */
import { closeSync, openSync, readSync } from 'node:fs';

export type ImageFormat = 'jpeg' | 'png';

/** A readable image header. */
export interface ImageInfo {
  readonly kind: 'image';
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
}

/** Why a file cannot be used: `not-image` (another kind of file) or `corrupt` (an image whose header is unreadable). */
export interface NotAnImage {
  readonly kind: 'not-image' | 'corrupt';
  readonly reason: string;
}

export type SniffResult = ImageInfo | NotAnImage;

/**
 * Random access to a file's bytes. `read` returns at most `length` bytes from `position`; fewer at the end
 * of the file (an empty buffer past it). The bytes returned are valid until the next `read`.
 */
export interface ByteSource {
  read(position: number, length: number): Buffer;
}

/** A {@link ByteSource} over bytes already in memory (tests, small files). */
export function bufferSource(bytes: Buffer): ByteSource {
  return { read: (position, length) => bytes.subarray(Math.min(position, bytes.length), Math.min(position + length, bytes.length)) };
}

/**
 * A {@link ByteSource} over an open file that reads whole 64 KiB blocks, so that walking the dozen or so
 * small JPEG segments before the frame header costs one or two reads, not one per segment.
 */
class FileSource implements ByteSource {
  private static readonly BLOCK = 64 * 1024;
  /**
   * One block shared by every FileSource: sniffing is synchronous and one file at a time, and allocating
   * 64 KiB per file (30,000 files) would cost more than reading them.
   */
  private static shared = Buffer.allocUnsafe(FileSource.BLOCK);
  private block = Buffer.alloc(0);
  private blockStart = -1;

  constructor(private readonly fd: number) {}

  read(position: number, length: number): Buffer {
    const end = position + length;
    if (this.blockStart < 0 || position < this.blockStart || end > this.blockStart + this.block.length) {
      const size = Math.max(FileSource.BLOCK, length);
      const buffer = size === FileSource.BLOCK ? FileSource.shared : Buffer.allocUnsafe(size);
      let filled = 0;
      while (filled < size) {
        const n = readSync(this.fd, buffer, filled, size - filled, position + filled);
        if (n === 0) break;
        filled += n;
      }
      this.block = buffer.subarray(0, filled);
      this.blockStart = position;
    }
    const offset = position - this.blockStart;
    return this.block.subarray(offset, Math.min(offset + length, this.block.length));
  }
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Magic numbers of common files that are not JPEG or PNG, only to make the reason more useful. */
const OTHER_FORMATS: readonly { name: string; magic: readonly number[] }[] = [
  { name: 'a GIF image', magic: [0x47, 0x49, 0x46, 0x38] },
  { name: 'a BMP image', magic: [0x42, 0x4d] },
  { name: 'a TIFF image', magic: [0x49, 0x49, 0x2a, 0x00] },
  { name: 'a TIFF image', magic: [0x4d, 0x4d, 0x00, 0x2a] },
  { name: 'a RIFF (WebP/AVI/WAV) file', magic: [0x52, 0x49, 0x46, 0x46] },
  { name: 'a ZIP archive', magic: [0x50, 0x4b, 0x03, 0x04] },
  { name: 'a PDF document', magic: [0x25, 0x50, 0x44, 0x46] },
  { name: 'a gzip archive', magic: [0x1f, 0x8b] },
];

/**
 * Identifies the file at `path` by its bytes (never its extension) and reads its dimensions.
 * @throws the file system's error when the file cannot be opened or read
 */
export function sniffImageFile(path: string): SniffResult {
  const fd = openSync(path, 'r');
  try {
    return sniffImage(new FileSource(fd));
  } finally {
    closeSync(fd);
  }
}

/** Identifies the bytes of `source` as a JPEG or PNG image and reads its dimensions, or says why not. */
export function sniffImage(source: ByteSource): SniffResult {
  const head = source.read(0, 8);
  if (head.length === 0) return { kind: 'not-image', reason: 'empty file' };
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return jpegHeader(source);
  if (head.length >= 4 && head.subarray(0, 4).equals(PNG_SIGNATURE.subarray(0, 4))) return pngHeader(source);
  const other = OTHER_FORMATS.find((format) => format.magic.every((byte, i) => head[i] === byte));
  return {
    kind: 'not-image',
    reason: `not a JPEG or PNG image${other ? ` (${other.name})` : ''}: the algorithm trains on JPEG and PNG files`,
  };
}

const corrupt = (reason: string): NotAnImage => ({ kind: 'corrupt', reason });

/**
 * Start-of-frame markers, which carry the image size: SOF0-3, 5-7, 9-11, 13-15. C4 (DHT), C8 (JPG
 * extension) and CC (DAC) share the range but are not frames.
 */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Markers without a length field (ITU T.81 B.1.1.3): TEM, RST0-7, SOI. EOI ends the image. */
function isStandalone(marker: number): boolean {
  return marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8);
}

/**
 * Walks the JPEG marker segments from SOI to the first start-of-frame (ITU T.81 annex B): a marker is
 * 0xFF, any number of 0xFF fill bytes, then the marker code; segments other than the standalone ones
 * carry a big-endian length that counts itself.
 */
function jpegHeader(source: ByteSource): SniffResult {
  let position = 2;
  for (;;) {
    const first = source.read(position, 1);
    if (first.length === 0) return corrupt('truncated JPEG: the file ends before the frame header (SOF)');
    if (first[0] !== 0xff) return corrupt(`corrupt JPEG: expected a marker at byte ${position}, found 0x${hex(first[0] as number)}`);
    // Fill bytes: a marker may be preceded by any number of 0xFF.
    let code: number | undefined;
    do {
      position += 1;
      code = source.read(position, 1)[0];
    } while (code === 0xff);
    if (code === undefined) return corrupt('truncated JPEG: the file ends before the frame header (SOF)');
    position += 1;
    if (code === 0x00) return corrupt(`corrupt JPEG: a stuffed 0xFF00 outside entropy-coded data at byte ${position - 2}`);
    if (code === 0xd9) return corrupt('corrupt JPEG: the image ends (EOI) before any frame header (SOF)');
    if (isStandalone(code)) continue;
    const lengthBytes = source.read(position, 2);
    if (lengthBytes.length < 2) return corrupt('truncated JPEG: the file ends inside a marker segment');
    const length = lengthBytes.readUInt16BE(0);
    if (length < 2) return corrupt(`corrupt JPEG: marker 0xFF${hex(code)} has an invalid length ${length}`);
    if (code === 0xda) return corrupt('corrupt JPEG: scan data (SOS) before any frame header (SOF)');
    if (isStartOfFrame(code)) {
      // Length, sample precision (1 byte), height, width (2 bytes each), number of components (1 byte).
      const frame = source.read(position, 8);
      if (frame.length < 8) return corrupt('truncated JPEG: the file ends inside the frame header (SOF)');
      if (length < 8) return corrupt(`corrupt JPEG: frame header (SOF) length ${length} is too short`);
      const height = frame.readUInt16BE(3);
      const width = frame.readUInt16BE(5);
      if (width === 0) return corrupt('corrupt JPEG: the frame header gives a width of 0');
      // Height 0 means "defined later by a DNL marker" (T.81 B.2.5); decoders used by the algorithm do not support it.
      if (height === 0) return corrupt('unsupported JPEG: the frame header leaves the height to a DNL marker');
      if (frame[7] === 0) return corrupt('corrupt JPEG: the frame header has no components');
      return { kind: 'image', format: 'jpeg', width, height };
    }
    position += length;
  }
}

function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}

/** The PNG signature, then the IHDR chunk, which the PNG specification requires first (with a CRC to check). */
function pngHeader(source: ByteSource): SniffResult {
  const head = source.read(0, 33);
  if (head.length < 8 || !head.subarray(0, 8).equals(PNG_SIGNATURE)) {
    return head.length < 8 ? corrupt('truncated PNG: the file ends inside the signature') : corrupt('corrupt PNG: bad signature');
  }
  if (head.length < 33) return corrupt('truncated PNG: the file ends inside the header chunk (IHDR)');
  const chunkLength = head.readUInt32BE(8);
  if (head.toString('latin1', 12, 16) !== 'IHDR' || chunkLength !== 13) return corrupt('corrupt PNG: the first chunk is not a 13-byte IHDR');
  if (crc32(head.subarray(12, 29)) !== head.readUInt32BE(29)) return corrupt('corrupt PNG: the header chunk (IHDR) fails its CRC check');
  const width = head.readUInt32BE(16);
  const height = head.readUInt32BE(20);
  // PNG limits dimensions to 2^31-1; 0 is invalid.
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) {
    return corrupt(`corrupt PNG: invalid dimensions ${width}x${height}`);
  }
  return { kind: 'image', format: 'png', width, height };
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (ISO 3309, as PNG uses it). Node 20's zlib.crc32 exists only from 20.15, so it is computed here. */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (crcTable[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
