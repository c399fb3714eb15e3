import { readFileSync } from 'node:fs';
import { readRunRequestFile } from '../core/request-file';
import { CliError, EXIT, UsageError } from './errors';

/**
 * The run request in `path`, read by the same rules as the S3 trigger (core/request-file.ts: empty means
 * `{}`, a UTF-8 byte order mark is ignored, 256 KiB at most, no reserved `source`); `{}` (the reference
 * run) when no path is given.
 * @throws UsageError when the file cannot be read; CliError (exit 1, the request is rejected) when its content is unusable
 */
export function readRequestFile(path: string | undefined): Record<string, unknown> {
  if (path === undefined) return {};
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `Cannot read the request file ${path}${code === 'ENOENT' ? ': no such file' : code ? `: ${code}` : ''}.`,
      'Pass the path of a JSON run request, e.g. --request requests/my-run.json (docs/run-request.md lists every field).',
    );
  }
  const content = readRunRequestFile(bytes);
  if (content.problem !== undefined) {
    throw new CliError(`The request file ${path} ${content.problem}.`, {
      code: 'RunRequestFileError',
      exitCode: EXIT.failure,
      hint: 'A run request is one JSON object, e.g. {"hyperparameters": {"epochs": 10}}; {} runs the reference configuration.',
    });
  }
  return content.request;
}
