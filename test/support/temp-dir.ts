/**
 * Temporary folders for tests, removed after the tests of the file that made them, whether they passed or
 * not. Import this module at the top of a test file (it registers the `afterAll` that removes them).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

afterAll(() => {
  for (const folder of made.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A new empty folder `<system temp folder>/<prefix>XXXXXX`, removed after this test file's tests. */
export function tempDir(prefix: string): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  made.push(folder);
  return folder;
}
