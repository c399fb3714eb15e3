/**
 * Runs the suites of a test folder (`*.suite.ts`) in one jest test file: the folder's `index.test.ts`.
 *
 * Why: jest gives every test file a module registry of its own, so each file loads, compiles and warms up
 * again whatever it imports: the AWS SDK clients for a command line suite, aws-cdk-lib for a construct
 * suite (about 1.5 s of CPU before its first synthesis, 0.3 s for each one after it). Measured on 2 cores,
 * all the tests in one process (`jest -i`): the 7 construct suites that synthesize took 24.1-24.8 CPU-s as
 * 7 test files and 16.6-18.1 as one; the 28 command line suites 28.6-33.3 as test files and 17.2-17.9 as
 * one. The whole of jest (3 workers, medians of three runs): 77-82 CPU-s with a test file per suite, 49
 * with a test file per folder.
 *
 * Each suite is a `describe` named after its path (`cli/status`), so `-t` picks one:
 * `npm test -- test/cli -t cli/status`. A suite's hooks stay inside its own `describe`. What a suite
 * creates outside the process it cleans up itself or through test/support/temp-dir.ts, whose folders
 * are removed after the whole test file (test/setup/after-file.ts).
 *
 * The suites of a subfolder run here too, unless the subfolder has an `index.test.ts` of its own.
 */
import { join, relative } from 'node:path';

// The rule of which suites an index.test.ts runs is plain JavaScript, shared with jest's test sequencer.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const { ENTRY, SUITE_SUFFIX, suitesOf } = require('../setup/suite-files.cjs') as {
  ENTRY: string;
  SUITE_SUFFIX: string;
  suitesOf(folder: string): string[];
};
/** The test/ folder. */
export const TEST_ROOT = join(__dirname, '..');

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
