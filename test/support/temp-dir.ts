/**
 * Temporary folders for tests, removed after the tests of the jest test file that made them, whether they
 * passed or not (test/setup/after-file.ts calls `removeTempDirs` after every test file).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

/** A new empty folder `<system temp folder>/<prefix>XXXXXX`, removed after this test file's tests. */
export function tempDir(prefix: string): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  made.push(folder);
  return folder;
}

/** Removes every folder `tempDir` made so far. */
export function removeTempDirs(): void {
  for (const folder of made.splice(0)) rmSync(folder, { recursive: true, force: true });
}
