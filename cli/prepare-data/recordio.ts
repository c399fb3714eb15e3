/**
 * MXNet RecordIO, written exactly as dmlc-core's `RecordIOWriter::WriteRecord` (dmlc-core
 * src/recordio.cc, include/dmlc/recordio.h) and MXNet's image records (python/mxnet/recordio.py
 * `pack`, header struct `IfQQ`) write it: the format the SageMaker image-classification algorithm reads.
 *
 * A record's payload is split wherever it holds the magic word at a 4-byte-aligned offset: each part is
 * framed by the magic and a length word (`cflag << 29 | length`), cflag 1 for the first part, 2 for the
 * middle ones, 3 for the last (0 when there is a single part), and the magic word itself is left out
 * (readers put it back between parts). Only the last part can have a length that is not a multiple of 4,
 * so the padding to 4 bytes is written once, after it. A writer that skips the split produces a file
 * whose reader resynchronises on the magic inside the image and misreads every record after it.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';

/** `RecordIOWriter::kMagic`. */
export const RECORDIO_MAGIC = 0xced7230a;
/** The magic word as it is stored (little-endian), to search payloads for it. */
export const RECORDIO_MAGIC_BYTES: Buffer = (() => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(RECORDIO_MAGIC, 0);
  return bytes;
})();
/** The length field is the lower 29 bits of the length word. */
export const RECORDIO_MAX_LENGTH = (1 << 29) - 1;
/** Size of MXNet's image-record header `IRHeader` (struct format `IfQQ`): flag, label, id, id2. */
export const IMAGE_RECORD_HEADER_SIZE = 24;

/** `EncodeLRec(cflag, length)`: the continuation flag in the upper 3 bits, the length in the lower 29. */
export function encodeLengthWord(cflag: number, length: number): number {
  return ((cflag << 29) | length) >>> 0;
}

/**
 * Writes MXNet's image-record header into the first 24 bytes of `payload`: flag 0 (one float label),
 * the label as float32, `id` as uint64, id2 0; little-endian, as `struct.pack('IfQQ', …)` on x86.
 */
export function writeImageRecordHeader(payload: Buffer, label: number, id: number): void {
  payload.writeUInt32LE(0, 0);
  payload.writeFloatLE(label, 4);
  payload.writeBigUInt64LE(BigInt(id), 8);
  payload.writeBigUInt64LE(0n, 16);
}

/** Offsets (multiples of 4) at which `payload` holds the magic word: where `WriteRecord` splits it. */
export function alignedMagicOffsets(payload: Buffer): number[] {
  const offsets: number[] = [];
  // Buffer.indexOf is native and fast; an unaligned hit just moves the search on by one byte.
  // Like dmlc-core, only words that fit entirely in the payload (i < len rounded down to 4) count.
  const lowerAlign = payload.length & ~3;
  let from = 0;
  for (;;) {
    const at = payload.indexOf(RECORDIO_MAGIC_BYTES, from);
    if (at < 0 || at + 4 > lowerAlign) break;
    if (at % 4 === 0) {
      offsets.push(at);
      from = at + 4;
    } else {
      from = at + 1;
    }
  }
  return offsets;
}

/** Sink of the framed bytes, in order. */
type Put = (bytes: Buffer) => void;

/**
 * Frames one record as `RecordIOWriter::WriteRecord` does and passes the bytes to `put`.
 * @throws RecordTooLargeError when the payload does not fit the 29-bit length field
 */
export function frameRecord(payload: Buffer, put: Put): void {
  if (payload.length > RECORDIO_MAX_LENGTH) throw new RecordTooLargeError(payload.length);
  const len = payload.length;
  let dptr = 0;
  for (const i of alignedMagicOffsets(payload)) {
    put(partHeader(dptr === 0 ? 1 : 2, i - dptr));
    if (i !== dptr) put(payload.subarray(dptr, i));
    dptr = i + 4;
  }
  put(partHeader(dptr !== 0 ? 3 : 0, len - dptr));
  if (len !== dptr) put(payload.subarray(dptr, len));
  const padding = ((len + 3) & ~3) - len;
  if (padding > 0) put(ZEROS.subarray(0, padding));
}

const ZEROS = Buffer.alloc(4);

function partHeader(cflag: number, length: number): Buffer {
  const header = Buffer.allocUnsafe(8);
  header.writeUInt32LE(RECORDIO_MAGIC, 0);
  header.writeUInt32LE(encodeLengthWord(cflag, length), 4);
  return header;
}

/** A payload larger than RecordIO's 29-bit length field allows. */
export class RecordTooLargeError extends Error {
  constructor(readonly size: number) {
    super(`a record of ${size} bytes does not fit RecordIO's 29-bit length field (at most ${RECORDIO_MAX_LENGTH} bytes)`);
    this.name = 'RecordTooLargeError';
  }
}

/** What a finished .rec file holds. */
export interface RecordFileSummary {
  readonly records: number;
  readonly bytes: number;
  /** SHA-256 of the file's bytes, hex. */
  readonly sha256: string;
}

/**
 * Writes records to one .rec file through a fixed buffer and synchronous writes, so memory stays flat
 * however large the file grows. The SHA-256 of the file is computed on the way out.
 */
export class RecordIOFileWriter {
  private readonly fd: number;
  private readonly buffer: Buffer;
  private used = 0;
  private bytes = 0;
  private records = 0;
  private readonly hash: Hash = createHash('sha256');
  private closed = false;

  /** @param bufferSize bytes buffered between writes. @default 1 MiB */
  constructor(
    readonly path: string,
    bufferSize = 1024 * 1024,
  ) {
    this.fd = openSync(path, 'w');
    this.buffer = Buffer.allocUnsafe(bufferSize);
  }

  /** Appends one record whose payload is `payload` (header and image bytes). */
  writeRecord(payload: Buffer): void {
    frameRecord(payload, (bytes) => this.put(bytes));
    this.records += 1;
  }

  /** Flushes, closes the file and says what it holds. */
  close(): RecordFileSummary {
    if (!this.closed) {
      this.flush();
      closeSync(this.fd);
      this.closed = true;
    }
    return { records: this.records, bytes: this.bytes, sha256: this.hash.copy().digest('hex') };
  }

  /** Closes the file without caring about its content (after a failure). */
  abandon(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  private put(bytes: Buffer): void {
    if (this.used + bytes.length > this.buffer.length) this.flush();
    if (bytes.length >= this.buffer.length) {
      this.writeOut(bytes);
      return;
    }
    bytes.copy(this.buffer, this.used);
    this.used += bytes.length;
  }

  private flush(): void {
    if (this.used === 0) return;
    this.writeOut(this.buffer.subarray(0, this.used));
    this.used = 0;
  }

  private writeOut(bytes: Buffer): void {
    let written = 0;
    while (written < bytes.length) written += writeSync(this.fd, bytes, written, bytes.length - written);
    this.hash.update(bytes);
    this.bytes += bytes.length;
  }
}
