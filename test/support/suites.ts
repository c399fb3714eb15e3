/**
 * Runs the suites of a test folder (`*.suite.ts`) in one jest test file: the folder's `index.test.ts`.
 *
 * Why: jest gives every test file a module registry of its own, so each file loads, compiles and warms up
 * again whatever it imports: the AWS SDK clients for a command line suite, aws-cdk-lib for a construct
 * suite (about 1.5 s of CPU before its first synthesis). Measured on 2 cores, all tests in one process
 * (`jest -i`): the 7 construct suites took 24.8 CPU-s as 7 test files and 16.9 CPU-s as one; the 32
 * command line suites 28.6 CPU-s as test files and 17.3 CPU-s as one (median of two runs each).
 *
 * Each suite is a `describe` named after its path (`cli/status`), so `-t` picks one:
 * `npm test -- test/cli -t cli/status`. A suite's hooks stay inside its own `describe`. What a suite
 * creates outside the process it cleans up itself or through test/support/temp-dir.ts, whose folders
 * are removed after the whole test file (test/setup/after-file.ts).
 *
 * The suites of a subfolder run here too, unless the subfolder has an `index.test.ts` of its own.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

export const SUITE_SUFFIX = '.suite.ts';
const ENTRY = 'index.test.ts';
const TEST_ROOT = join(__dirname, '..');

/** The suite files that `folder`'s index.test.ts runs, in path order. */
export function suitesOf(folder: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (!existsSync(join(path, ENTRY))) found.push(...suitesOf(path));
    } else if (entry.name.endsWith(SUITE_SUFFIX)) {
      found.push(path);
    }
  }
  return found;
}

/** The name of a suite's `describe`: its path below test/ without the suffix, e.g. `cli/status`. */
export function suiteName(file: string): string {
  return relative(TEST_ROOT, file).split('\\').join('/').slice(0, -SUITE_SUFFIX.length);
}

/** Declares every suite of `folder` (the caller's `__dirname`), each in its own `describe`. */
export function runSuites(folder: string): void {
  const suites = suitesOf(folder);
  if (suites.length === 0) throw new Error(`No ${SUITE_SUFFIX} files in ${folder}`);
  for (const file of suites) {
    describe(suiteName(file), () => {
      // A suite declares its tests when it is loaded, so it is loaded inside its describe.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(file);
    });
  }
}
