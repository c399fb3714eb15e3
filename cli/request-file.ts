import { readFileSync } from 'node:fs';
import { UsageError } from './errors';

/** The run request in `path`, parsed; `{}` (the reference run) when no path is given. */
export function readRequestFile(path: string | undefined): unknown {
  if (path === undefined) return {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `Cannot read the request file ${path}${code === 'ENOENT' ? ': no such file' : code ? `: ${code}` : ''}.`,
      'Pass the path of a JSON run request, e.g. --request requests/my-run.json (see "Run request reference" in the README).',
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `The request file ${path} is not valid JSON: ${(error as Error).message}.`,
      'A run request is one JSON object, e.g. {"hyperparameters": {"epochs": 10}}; {} runs the reference configuration.',
    );
  }
}
