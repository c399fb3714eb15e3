import { bufferSource, crc32, sniffImage } from '../../../cli/prepare-data/image-header';
import { generateJpeg, generatePng } from '../../../scripts/lib/generated-images';

const sniff = (bytes: Buffer) => sniffImage(bufferSource(bytes));
const jpeg = generateJpeg(33, 17, 3);

/** A minimal marker stream: SOI, the given segments, then a frame header of `code` for width x height. */
function markers(segments: Buffer[], width = 640, height = 480, code = 0xc0): Buffer {
  const sof = Buffer.from([0xff, code, 0x00, 0x11, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), ...segments, sof]);
}
const segment = (code: number, length: number) => Buffer.concat([Buffer.from([0xff, code, length >> 8, length & 0xff]), Buffer.alloc(length - 2, 0xff)]);

test('JPEG and PNG dimensions come from their headers', () => {
  expect(sniff(jpeg)).toEqual({ kind: 'image', format: 'jpeg', width: 33, height: 17 });
  expect(sniff(generatePng(21, 9))).toEqual({ kind: 'image', format: 'png', width: 21, height: 9 });
});

test('the JPEG walk skips large segments (EXIF), fill bytes and standalone markers, and reads progressive frames', () => {
  const exif = segment(0xe1, 60_000); // bytes of 0xFF inside a segment are data, not markers
  const fillAndStandalone = Buffer.from([0xff, 0xff, 0xff, 0xd0, 0xff, 0x01]);
  expect(sniff(markers([exif, fillAndStandalone, segment(0xdb, 67)], 4000, 3000))).toEqual({ kind: 'image', format: 'jpeg', width: 4000, height: 3000 });
  expect(sniff(markers([], 100, 50, 0xc2))).toMatchObject({ width: 100, height: 50 });
  // DHT (0xC4) sits in the SOF range but is not a frame.
  expect(sniff(markers([segment(0xc4, 20)], 7, 5))).toMatchObject({ width: 7, height: 5 });
});

test.each([
  ['cut before the frame header', jpeg.subarray(0, 100), /^truncated JPEG: the file ends before the frame header/],
  ['cut inside a segment length', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00]), /^truncated JPEG: the file ends inside a marker segment/],
  ['cut inside the frame header', markers([]).subarray(0, 8), /^truncated JPEG: the file ends inside the frame header/],
  ['garbage where a marker belongs', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0, 0, 0x12]), /^corrupt JPEG: expected a marker at byte 8, found 0x12/],
  ['scan data before any frame', Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x08]), /^corrupt JPEG: scan data \(SOS\) before any frame header/],
  ['end of image before any frame', Buffer.from([0xff, 0xd8, 0xff, 0xd9]), /^corrupt JPEG: the image ends \(EOI\)/],
  ['a zero width', markers([], 0, 10), /^corrupt JPEG: the frame header gives a width of 0/],
])('a JPEG %s is corrupt', (_label, bytes, reason) => {
  const result = sniff(bytes);
  expect(result.kind).toBe('corrupt');
  expect('reason' in result && result.reason).toMatch(reason);
});

test('a PNG with a damaged header chunk or cut short is corrupt', () => {
  const png = generatePng(8, 8);
  const damaged = Buffer.from(png);
  damaged[18] = (damaged[18] as number) ^ 0xff; // a width byte: the IHDR CRC no longer matches
  expect(sniff(damaged)).toEqual({ kind: 'corrupt', reason: 'corrupt PNG: the header chunk (IHDR) fails its CRC check' });
  expect(sniff(png.subarray(0, 20))).toEqual({ kind: 'corrupt', reason: 'truncated PNG: the file ends inside the header chunk (IHDR)' });
  expect(crc32(Buffer.from('IEND'))).toBe(0xae426082);
});

test('what is not an image is told by its bytes, whatever its name', () => {
  expect(sniff(Buffer.alloc(0))).toEqual({ kind: 'not-image', reason: 'empty file' });
  expect(sniff(Buffer.from('GIF89a......'))).toMatchObject({ kind: 'not-image', reason: expect.stringContaining('(a GIF image)') });
  expect(sniff(Buffer.from('BM\0\0\0\0'))).toMatchObject({ kind: 'not-image', reason: expect.stringContaining('(a BMP image)') });
  expect(sniff(Buffer.from('just some text\n'))).toEqual({ kind: 'not-image', reason: 'not a JPEG or PNG image: the algorithm trains on JPEG and PNG files' });
});
