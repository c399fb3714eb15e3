/**
 * Decodes one image file completely and re-encodes it as the training set and batch transform want it:
 * EXIF orientation applied, 8-bit 3-channel sRGB (alpha flattened onto a background colour), the
 * shorter side scaled to `shortSide` pixels (larger and smaller images alike, aspect ratio kept),
 * written as a baseline JPEG. An image that does not decode completely, or is too small, is rejected
 * with its reason instead.
 *
 * Why decode at all: MXNet's record iterator stops the training job on an image it cannot decode
 * (apache/mxnet src/io/iter_image_recordio_2.cc), after the instance has been paid for; and the
 * algorithm crops `image_shape` out of each training image but resizes the whole image at inference
 * (https://docs.aws.amazon.com/sagemaker/latest/dg/IC-Hyperparameter.html), so a full-size photo would
 * be trained on as a small patch. AWS's own notebooks pack with `im2rec --resize 256 --quality 90`.
 *
 * The library is sharp (libvips). Which formats it decodes depends on its build; they are read from
 * `sharp.format` at run time, so a reason never claims a format decodes when it does not.
 */
import sharp from 'sharp';

/** How images are converted; recorded in dataset.json. */
export interface ConvertSettings {
  /** The shorter side of every written image, in pixels. */
  readonly shortSide: number;
  /** JPEG quality, 1-100. */
  readonly quality: number;
  /** Images whose shorter side (after orientation) is below this are rejected. */
  readonly minSide: number;
  /** Colour that transparent pixels are flattened onto, `#rrggbb`. */
  readonly background: string;
}

/** `im2rec --resize 256 --quality 90`, as AWS's image-classification notebooks pack their lists. */
export const DEFAULT_SHORT_SIDE = 256;
export const DEFAULT_QUALITY = 90;
/** Below 32 px a picture holds almost nothing to learn from; the 3-pixel images of sample sets are noise. */
export const DEFAULT_MIN_SIDE = 32;
/** White: what a transparent logo or cut-out usually sits on when people look at it. */
export const DEFAULT_BACKGROUND = '#ffffff';
/** Largest accepted `--short-side`: the JPEG format allows 65,535 px per side, and bigger buys nothing here. */
export const MAX_SHORT_SIDE = 4096;

export const DEFAULT_CONVERT_SETTINGS: ConvertSettings = {
  shortSide: DEFAULT_SHORT_SIDE,
  quality: DEFAULT_QUALITY,
  minSide: DEFAULT_MIN_SIDE,
  background: DEFAULT_BACKGROUND,
};

/** Named background colours `--background` accepts besides `#rrggbb`. */
export const NAMED_BACKGROUNDS: Readonly<Record<string, string>> = { white: '#ffffff', black: '#000000', gray: '#808080', grey: '#808080' };

/** `white`, `#fff` or `#ffffff` (any case) → `#ffffff`; undefined when it is none of these. */
export function parseBackground(value: string): string | undefined {
  const named = NAMED_BACKGROUNDS[value.toLowerCase()];
  if (named) return named;
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(value);
  if (short) return `#${short.slice(1).map((digit) => `${digit}${digit}`).join('')}`.toLowerCase();
  return /^#[0-9a-f]{6}$/i.test(value) ? value.toLowerCase() : undefined;
}

/** Why a file is not used, as a code (counted in the summary) and a sentence (listed in dataset.json). */
export type RejectionCode =
  | 'not-image'
  | 'unsupported-format'
  | 'corrupt'
  | 'too-small'
  | 'too-large'
  | 'unreadable'
  | 'conflict'
  | 'unusable-name';

export interface Rejection {
  readonly kind: 'rejected';
  readonly code: RejectionCode;
  readonly reason: string;
}

/** A converted image: the JPEG bytes and what they show. */
export interface Converted {
  readonly kind: 'image';
  readonly jpeg: Buffer;
  readonly width: number;
  readonly height: number;
  /** The input's format (`jpeg`, `png`, `webp`, `gif`, `tiff`, `heif`). */
  readonly format: InputFormat;
}

export type InputFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'heif';

const reject = (code: RejectionCode, reason: string): Rejection => ({ kind: 'rejected', code, reason });

/** What a file's first bytes say it is. `input` is the sharp format that would decode it. */
export interface Sniffed {
  readonly name: string;
  readonly input?: InputFormat;
  /** For formats no build of sharp decodes: how to convert them. */
  readonly convertHint?: string;
}

const ascii = (bytes: Buffer, start: number, end: number) => bytes.toString('latin1', start, end);

/** ISO-BMFF brands of HEIF files coded with AV1 (AVIF) or HEVC (HEIC). */
const AVIF_BRANDS = new Set(['avif', 'avis']);
const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'mif1', 'msf1']);

const TO_JPEG = 'convert it to JPEG or PNG first';

/**
 * Identifies a file by its first 32 bytes (never its name). Formats the algorithm's users meet in photo
 * folders get a name and, where sharp may decode them, the sharp input format.
 */
export function sniffFormat(head: Buffer): Sniffed | undefined {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return { name: 'JPEG', input: 'jpeg' };
  if (head.length >= 8 && head.readUInt32BE(0) === 0x89504e47 && head.readUInt32BE(4) === 0x0d0a1a0a) return { name: 'PNG', input: 'png' };
  if (head.length >= 6 && /^GIF8[79]a$/.test(ascii(head, 0, 6))) return { name: 'GIF', input: 'gif' };
  if (head.length >= 12 && ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return { name: 'WebP', input: 'webp' };
  if (head.length >= 4 && (ascii(head, 0, 4) === 'II*\0' || ascii(head, 0, 4) === 'MM\0*')) return { name: 'TIFF', input: 'tiff' };
  if (head.length >= 12 && ascii(head, 4, 8) === 'ftyp') {
    const brand = ascii(head, 8, 12);
    if (AVIF_BRANDS.has(brand)) return { name: 'AVIF', input: 'heif' };
    if (HEIC_BRANDS.has(brand)) return { name: 'HEIC', input: 'heif' };
  }
  if (head.length >= 2 && ascii(head, 0, 2) === 'BM') return { name: 'BMP', convertHint: TO_JPEG };
  if (head.length >= 4 && ascii(head, 0, 4) === '8BPS') return { name: 'Photoshop (PSD)', convertHint: 'export it as JPEG or PNG' };
  if ((head.length >= 2 && head[0] === 0xff && head[1] === 0x0a) || ascii(head, 4, 8) === 'JXL ') return { name: 'JPEG XL', convertHint: `${TO_JPEG} (e.g. djxl photo.jxl photo.png)` };
  if (head.length >= 4 && ascii(head, 0, 4) === '%PDF') return { name: 'a PDF document' };
  if (head.length >= 4 && head.readUInt32BE(0) === 0x504b0304) return { name: 'a ZIP archive' };
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return { name: 'a gzip archive' };
  if (head.length >= 4 && /^(<svg|<\?xm)/.test(ascii(head, 0, 4))) return { name: 'an SVG or XML document' };
  if (head.length >= 12 && ascii(head, 0, 4) === 'RIFF') return { name: 'a RIFF (AVI/WAV) file' };
  return undefined;
}

/** Whether the installed sharp decodes `format` from a buffer. */
export function decodes(format: InputFormat): boolean {
  return Boolean((sharp.format as unknown as Record<string, { input?: { buffer?: boolean } } | undefined>)[format]?.input?.buffer);
}

/** The image formats this build decodes, for messages and docs (e.g. "JPEG, PNG, WebP, GIF, TIFF, AVIF"). */
export function decodedFormatNames(): string[] {
  const names: [InputFormat, string][] = [['jpeg', 'JPEG'], ['png', 'PNG'], ['webp', 'WebP'], ['gif', 'GIF (first frame)'], ['tiff', 'TIFF (first page)'], ['heif', 'AVIF']];
  return names.filter(([format]) => decodes(format)).map(([, name]) => name);
}

const HEIC_HINT =
  'the sharp build installed decodes AVIF but not HEIC (its libheif has no HEVC decoder, for patent reasons): ' +
  'convert it to JPEG first, e.g. `heif-convert photo.heic photo.jpg` (libheif-examples), `sips -s format jpeg photo.heic --out photo.jpg` (macOS), ' +
  'or set the iPhone to Settings > Camera > Formats > Most Compatible';

/**
 * `failOn: 'error'`: an image that is truncated or whose data does not decode is an error (libvips
 * `fail_on`, https://sharp.pixelplumbing.com/api-constructor); mere warnings (e.g. extraneous bytes
 * before a marker, which many cameras write) are not, as the decoders MXNet uses accept them too.
 * `pages: 1` (the default) reads the first frame of a GIF or animated WebP and the first page of a TIFF.
 */
const DECODE_OPTIONS = { failOn: 'error', pages: 1 } as const;

/** sharp's default limitInputPixels (16383 x 16383): larger images are refused by the decoder. */
export const MAX_INPUT_PIXELS = 0x3fff * 0x3fff;

/**
 * The first line of a libvips error, or undefined when it says nothing. libvips keeps one error buffer
 * for all threads, so with several images decoding at once a failure's message can be lost ("Unknown
 * error") or cleared: reasons never depend on it, it is only added as a detail.
 */
function detail(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : String(error);
  const line = (message.split('\n').find((text) => text.trim() !== '') ?? '').trim();
  return line === '' || /^unknown error$/i.test(line) ? undefined : line;
}

/** Whether `bytes` end (before any zero padding) where the format's end marker belongs: JPEG EOI, PNG IEND. */
function endsComplete(bytes: Buffer, format: InputFormat): boolean | undefined {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end -= 1;
  if (format === 'jpeg') return end >= 2 && bytes[end - 2] === 0xff && bytes[end - 1] === 0xd9;
  if (format === 'png') return end >= 8 && bytes.toString('latin1', end - 8, end - 4) === 'IEND';
  return undefined;
}

/**
 * The reason for a file sharp could not decode. What it says is decided from the file (its end marker),
 * not from the decoder's message (see `detail`).
 */
function decodeFailure(bytes: Buffer, sniffed: Sniffed & { input: InputFormat }, error: unknown): Rejection {
  const message = detail(error);
  const more = message ? ` (${message})` : '';
  // The installed build decodes AVIF-coded HEIF but no HEVC: a HEIC photo that fails is almost surely that.
  if (sniffed.name === 'HEIC') return reject('unsupported-format', `a HEIC image that does not decode${more}: ${HEIC_HINT}`);
  const complete = endsComplete(bytes, sniffed.input);
  if (complete === false) {
    const marker = sniffed.input === 'jpeg' ? 'end-of-image marker (FFD9)' : 'IEND chunk';
    return reject('corrupt', `truncated ${sniffed.name}: the file ends before its ${marker} and the image does not decode completely${more}`);
  }
  return reject('corrupt', `corrupt ${sniffed.name}: the image data does not decode completely${more}`);
}

/**
 * Says why `head` (a file's first bytes) cannot be decoded by this build, or returns what it is.
 */
export function checkDecodable(head: Buffer): (Sniffed & { kind: 'format'; input: InputFormat }) | Rejection {
  const sniffed = sniffFormat(head);
  if (!sniffed) return reject('not-image', `not an image: the formats used are ${decodedFormatNames().join(', ')}`);
  if (!sniffed.input) {
    return sniffed.convertHint
      ? reject('unsupported-format', `a ${sniffed.name} image, which the image library (sharp) does not decode: ${sniffed.convertHint}`)
      : reject('not-image', `not an image (${sniffed.name})`);
  }
  if (!decodes(sniffed.input)) {
    return reject('unsupported-format', sniffed.name === 'HEIC' ? `a HEIC image: ${HEIC_HINT}` : `a ${sniffed.name} image, which the installed build of sharp does not decode: ${TO_JPEG}`);
  }
  return { ...sniffed, kind: 'format', input: sniffed.input };
}

/** The parsed background, as sharp wants it. */
function rgb(background: string): { r: number; g: number; b: number } {
  const hex = parseBackground(background) ?? DEFAULT_BACKGROUND;
  return { r: parseInt(hex.slice(1, 3), 16), g: parseInt(hex.slice(3, 5), 16), b: parseInt(hex.slice(5, 7), 16) };
}

/**
 * Decodes `bytes` and converts them (see the file comment).
 * @returns the JPEG and its size, or why the image is not used; never throws for a bad image
 */
export async function convertImage(bytes: Buffer, settings: ConvertSettings): Promise<Converted | Rejection> {
  const sniffed = checkDecodable(bytes.subarray(0, 32));
  if (sniffed.kind === 'rejected') return sniffed;
  let width: number;
  let height: number;
  try {
    // The header only, without the pixel limit, so that a huge image gets its own reason below.
    const metadata = await sharp(bytes, { ...DECODE_OPTIONS, limitInputPixels: false }).metadata();
    // autoOrient holds the size as displayed (EXIF orientations 5-8 swap width and height).
    ({ width, height } = metadata.autoOrient ?? metadata);
  } catch (error) {
    return decodeFailure(bytes, sniffed, error);
  }
  if (width * height > MAX_INPUT_PIXELS) {
    return reject('too-large', `too large to decode: a ${width}x${height} ${sniffed.name} image, more than sharp's limit of ${MAX_INPUT_PIXELS.toLocaleString('en-US')} pixels; scale it down first`);
  }
  const shorter = Math.min(width, height);
  if (shorter < settings.minSide) {
    return reject('too-small', `too small: ${width}x${height} px, the shorter side is below --min-side ${settings.minSide}`);
  }
  try {
    const { data, info } = await sharp(bytes, DECODE_OPTIONS)
      .autoOrient()
      .flatten({ background: rgb(settings.background) })
      .toColourspace('srgb')
      // 'outside': the shorter side becomes shortSide, the longer follows the aspect ratio; small images are enlarged.
      .resize({ width: settings.shortSide, height: settings.shortSide, fit: 'outside' })
      .jpeg({ quality: settings.quality, progressive: false, mozjpeg: false, chromaSubsampling: '4:2:0' })
      .toBuffer({ resolveWithObject: true });
    return { kind: 'image', jpeg: data, width: info.width, height: info.height, format: sniffed.input };
  } catch (error) {
    return decodeFailure(bytes, sniffed, error);
  }
}
