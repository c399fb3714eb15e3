import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildExecutionInput } from '../../core/request-file';
import { validateCommand } from '../../cli/commands/validate';
import { runCommand } from '../../cli/run-command';
import { bufferOutput } from '../support/output';
import { tempDir } from '../support/temp-dir';

/**
 * `validate` (and `start`, which reads the file the same way) reads a request file with the reader the
 * S3 trigger uses (core/request-file.ts): the same files are accepted, and the same files are rejected
 * with the same words.
 */
const dir = tempDir('ic-request-file-');
const SOURCE = { bucket: 'data-bucket', key: 'requests/run.json', versionId: 'v1' };

function file(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

async function validate(path: string) {
  const out = bufferOutput();
  const code = await runCommand(out, () => validateCommand({ file: path }, out));
  return { code, stdout: out.stdout(), stderr: out.stderr() };
}

test.each([
  ['an empty file', ''],
  ['a whitespace-only file', ' \n\t\n'],
  ['a file with a UTF-8 byte order mark', '\uFEFF{"runName": "bom"}'],
  ['a file with only a byte order mark', '\uFEFF'],
])('%s is a valid request, as the trigger reads it', async (_label, content) => {
  const { code, stdout } = await validate(file('ok.json', content));
  expect(code).toBe(0);
  expect(stdout).toContain('is a valid run request.');
  expect(buildExecutionInput(new TextEncoder().encode(content), SOURCE).problem).toBeUndefined();
});

test.each([
  ['a 5 MB file', Buffer.alloc(5 * 1024 * 1024, ' ')],
  ['a file that sets the reserved "source"', '{"source": {"bucket": "x", "key": "y"}}'],
  ['a file that is not JSON', '{"runName": '],
  ['a JSON array', '[{}]'],
  ['a file that is not UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
])('%s is rejected (exit 1) with the words of the trigger', async (_label, content) => {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : new Uint8Array(content);
  const path = file('bad.json', bytes);
  const { code, stderr } = await validate(path);
  expect(code).toBe(1);
  const triggerProblem = buildExecutionInput(bytes, SOURCE).problem;
  expect(triggerProblem).toBeDefined();
  expect(stderr.split('\n')[0]).toBe(`Error: The request file ${path} ${triggerProblem}.`);
});

test('the size limit is the trigger\'s: 256 KiB', async () => {
  const { stderr } = await validate(file('big.json', Buffer.alloc(5 * 1024 * 1024, ' ')));
  expect(stderr).toContain('is too large: 5,242,880 bytes, over the Step Functions execution input limit of 262,144 bytes (256 KiB)');
});
