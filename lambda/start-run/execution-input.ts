import type { RunRequestSource } from './event';

/**
 * Step Functions' maximum execution input: 256 KiB of UTF-8. The input is the run request plus the
 * `source` field the trigger adds, so the final input is measured, not just the file.
 */
export const MAX_EXECUTION_INPUT_BYTES = 262_144;

/** The reserved top-level field the trigger sets; a run request file must not set it itself. */
export const SOURCE_FIELD = 'source';

/** Parser messages can quote the file; keep the problem short enough to read in a notification. */
const MAX_PARSER_MESSAGE_LENGTH = 160;

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
  if (body.byteLength > MAX_EXECUTION_INPUT_BYTES) {
    return problemInput(source, tooLargeProblem(body.byteLength));
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return problemInput(source, 'is not UTF-8 text; save the run request as UTF-8 JSON');
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
      return problemInput(source, `is not valid JSON: ${shorten(messageOf(error))}`);
    }
  }
  if (!isJsonObject(request)) {
    return problemInput(
      source,
      `is not a JSON object but ${describeJsonValue(request)}; ` +
        'a run request is an object such as {} or {"runName": "my-run"}',
    );
  }
  if (Object.prototype.hasOwnProperty.call(request, SOURCE_FIELD)) {
    return problemInput(
      source,
      `sets the reserved field "${SOURCE_FIELD}"; remove it (the pipeline records the file's location there itself)`,
    );
  }
  const input = JSON.stringify({ ...request, [SOURCE_FIELD]: source });
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

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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
