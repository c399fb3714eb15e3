import { createOutput, type Output } from '../../cli/output';

/** An Output that records everything, for tests. */
export function bufferOutput(options: { json?: boolean; tty?: boolean } = {}): Output & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  const output = createOutput({
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    json: options.json,
    tty: options.tty,
    color: false,
  });
  return Object.assign(output, { stdout: () => out, stderr: () => err });
}
