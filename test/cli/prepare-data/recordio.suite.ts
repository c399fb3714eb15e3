import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { alignedMagicOffsets, frameRecord, RecordIOFileWriter, RecordTooLargeError } from '../../../cli/prepare-data/recordio';
import { readRecordFile } from './fixtures';
import { tempDir } from '../../support/temp-dir';

const MAGIC = Buffer.from([0x0a, 0x23, 0xd7, 0xce]);
const word = (value: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value >>> 0);
  return bytes;
};
const lengthWord = (cflag: number, length: number) => word(((cflag << 29) | length) >>> 0);

function framed(payload: Buffer): Buffer {
  const parts: Buffer[] = [];
  frameRecord(payload, (bytes) => parts.push(Buffer.from(bytes)));
  return Buffer.concat(parts);
}

describe('framing a record as dmlc-core RecordIOWriter::WriteRecord does', () => {
  test('a payload without the magic word is one part (cflag 0) padded to 4 bytes', () => {
    const payload = Buffer.from('abcdefg');
    expect(framed(payload)).toEqual(Buffer.concat([MAGIC, lengthWord(0, 7), payload, Buffer.alloc(1)]));
  });

  test('a payload whose length is a multiple of 4 gets no padding', () => {
    const payload = Buffer.from('abcdefgh');
    expect(framed(payload)).toEqual(Buffer.concat([MAGIC, lengthWord(0, 8), payload]));
  });

  test('the magic word at aligned offsets splits the record: cflag 1, 2 (empty between adjacent words), 3; the words left out', () => {
    const a = Buffer.from('AAAA');
    const c = Buffer.from('CCCCCCCC');
    const tail = Buffer.from('xyz');
    const payload = Buffer.concat([a, MAGIC, MAGIC, c, MAGIC, tail]);
    expect(alignedMagicOffsets(payload)).toEqual([4, 8, 20]);
    expect(framed(payload)).toEqual(
      Buffer.concat([
        MAGIC, lengthWord(1, 4), a,
        MAGIC, lengthWord(2, 0),
        MAGIC, lengthWord(2, 8), c,
        MAGIC, lengthWord(3, 3), tail, Buffer.alloc(1),
      ]),
    );
  });

  test('the magic word at offset 0 gives an empty first part, at the end an empty last part', () => {
    const payload = Buffer.concat([MAGIC, Buffer.from('BBBB'), MAGIC]);
    expect(framed(payload)).toEqual(
      Buffer.concat([MAGIC, lengthWord(1, 0), MAGIC, lengthWord(2, 4), Buffer.from('BBBB'), MAGIC, lengthWord(3, 0)]),
    );
  });

  test('the magic word at an unaligned offset, or cut by the end of the payload, does not split', () => {
    const unaligned = Buffer.concat([Buffer.from('ab'), MAGIC, Buffer.from('cd')]);
    expect(alignedMagicOffsets(unaligned)).toEqual([]);
    expect(framed(unaligned)).toEqual(Buffer.concat([MAGIC, lengthWord(0, 8), unaligned]));
    const cut = Buffer.concat([Buffer.from('abcd'), MAGIC.subarray(0, 3)]);
    expect(alignedMagicOffsets(cut)).toEqual([]);
  });

  test('a payload beyond the 29-bit length field is refused', () => {
    const huge = { length: 2 ** 29 } as Buffer;
    expect(() => frameRecord(huge, () => undefined)).toThrow(RecordTooLargeError);
    expect(() => frameRecord(huge, () => undefined)).toThrow(/does not fit RecordIO's 29-bit length field/);
  });
});

test('a file written through a small buffer reads back record by record with an independent reader', () => {
  const path = join(tempDir('ic-rec-'), 'x.rec');
  // A buffer smaller than some records exercises both the buffered path and the direct-write path.
  const writer = new RecordIOFileWriter(path, 16);
  const payloads = [Buffer.alloc(24 + 5, 1), Buffer.concat([Buffer.alloc(24), MAGIC, Buffer.alloc(40, 7), MAGIC]), Buffer.alloc(24 + 3, 9)];
  payloads.forEach((payload, i) => payload.writeBigUInt64LE(BigInt(i), 8));
  for (const payload of payloads) writer.writeRecord(payload);
  const summary = writer.close();
  const bytes = readFileSync(path);
  expect(summary.records).toBe(3);
  expect(summary.bytes).toBe(bytes.length);
  expect(summary.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  const records = readRecordFile(path);
  expect(records.map((record) => record.id)).toEqual([0n, 1n, 2n]);
  expect(records.map((record) => record.parts)).toEqual([1, 3, 1]);
  expect(records[1]?.image).toEqual(payloads[1]?.subarray(24));
});
