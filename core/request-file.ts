/**
 * The one reader of run request files, used by the S3 trigger (start-run Lambda) and the command line
 * alike, so a file is accepted or rejected with the same words wherever it is used:
 *
 * - empty or whitespace-only means `{}` (the reference run);
 * - a UTF-8 byte order mark is ignored (some editors write one);
 * - not UTF-8, not JSON, not a JSON object, over 256 KiB, or setting the reserved `source` are problems.
 */
import { isPlainObject } from './json';

/**
 * Where a run came from: the reserved `source` field of the execution input. `versionId` when the
 * bucket gives one, otherwise `sequencer`. `problem` is set when the file cannot be used as a run
 * request; the first state of the state machine then fails the run with it.
 */
export interface RunRequestSource {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
  readonly sequencer?: string;
  readonly problem?: string;
}

/**
 * Step Functions' maximum execution input: 256 KiB of UTF-8. The input is the run request plus the
 * `source` field the trigger adds, so the final input is measured, not just the file.
 */
export const MAX_EXECUTION_INPUT_BYTES = 262_144;

/** The reserved top-level field the trigger sets; a run request file must not set it itself. */
export const SOURCE_FIELD = 'source';

/** Parser messages can quote the file; keep the problem short enough to read in a notification. */
const MAX_PARSER_MESSAGE_LENGTH = 160;

/** A run request file's content: the request object, or what is wrong with the file (a phrase that follows "the file"). */
export type RequestFileContent =
  | { readonly request: Record<string, unknown>; readonly problem?: undefined }
  | { readonly request?: undefined; readonly problem: string };

/**
 * Reads the bytes of a run request file. `problem` completes a sentence about the file, e.g.
 * `Run request file s3://b/k <problem>` or `The request file run.json <problem>`.
 */
export function readRunRequestFile(body: Uint8Array): RequestFileContent {
  if (body.byteLength > MAX_EXECUTION_INPUT_BYTES) return { problem: tooLargeProblem(body.byteLength) };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return { problem: 'is not UTF-8 text; save the run request as UTF-8 JSON' };
  }
  // Some editors start UTF-8 files with a byte order mark, which JSON.parse rejects.
  text = text.replace(/^\uFEFF/, '');

  let request: unknown;
  if (text.trim() === '') {
    request = {};
  } else {
    try {
      request = JSON.parse(text);
    } catch (error) {
      return { problem: `is not valid JSON: ${shorten(messageOf(error))}` };
    }
  }
  if (!isPlainObject(request)) {
    return {
      problem:
        `is not a JSON object but ${describeJsonValue(request)}; ` +
        'a run request is an object such as {} or {"runName": "my-run"}',
    };
  }
  if (Object.prototype.hasOwnProperty.call(request, SOURCE_FIELD)) {
    return {
      problem: `sets the reserved field "${SOURCE_FIELD}"; remove it (the pipeline records the file's location there itself)`,
    };
  }
  return { request };
}

/** The execution input for one run request file, and what is wrong with the file when something is. */
export interface ExecutionInput {
  /** JSON text to pass to StartExecution. */
  readonly input: string;
  /** Set when the file is unusable; `input` is then `{ "source": { ..., "problem": ... } }`. */
  readonly problem?: string;
}

/**
 * The execution input for a run request file's content:
 * the file's JSON object with `source` added, or, when the file is unusable, only `source` with a
 * `problem` that says what is wrong. An empty or whitespace-only file is the request `{}`.
 */
export function buildExecutionInput(body: Uint8Array, source: RunRequestSource): ExecutionInput {
  const content = readRunRequestFile(body);
  if (content.problem !== undefined) return problemInput(source, content.problem);
  const input = JSON.stringify({ ...content.request, [SOURCE_FIELD]: source });
  const inputBytes = Buffer.byteLength(input, 'utf8');
  if (inputBytes > MAX_EXECUTION_INPUT_BYTES) {
    return problemInput(
      source,
      `is too large: with the "${SOURCE_FIELD}" field the pipeline adds, the execution input would be ` +
        `${formatBytes(inputBytes)}, over the Step Functions limit of ${formatBytes(MAX_EXECUTION_INPUT_BYTES)}`,
    );
  }
  return { input };
}
/** The input of an execution that fails at once with `problem` (the file is unusable). */
export function problemInput(source: RunRequestSource, problem: string): ExecutionInput {
  return { input: JSON.stringify({ [SOURCE_FIELD]: { ...source, problem } }), problem };
}

/** The problem of a file of `sizeInBytes` that cannot fit in an execution input. */
export function tooLargeProblem(sizeInBytes: number): string {
  return (
    `is too large: ${formatBytes(sizeInBytes)}, over the Step Functions execution input limit of ` +
    `${formatBytes(MAX_EXECUTION_INPUT_BYTES)} (256 KiB)`
  );
}


function describeJsonValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`; // number, string or boolean: all JSON.parse can return besides objects
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function shorten(text: string): string {
  return text.length <= MAX_PARSER_MESSAGE_LENGTH ? text : `${text.slice(0, MAX_PARSER_MESSAGE_LENGTH - 1)}…`;
}

function formatBytes(bytes: number): string {
  return `${bytes.toLocaleString('en-US')} bytes`;
}
