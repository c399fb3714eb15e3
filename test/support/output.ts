import { createOutput, type Output } from '../../cli/output';

/** An Output that records everything, for tests. */
export function bufferOutput(options: { json?: boolean; tty?: boolean; columns?: number } = {}): Output & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  const output = createOutput({
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    json: options.json,
    tty: options.tty,
    color: false,
    columns: () => options.columns,
  });
  return Object.assign(output, { stdout: () => out, stderr: () => err });
}
