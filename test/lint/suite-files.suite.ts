/**
 * A suite file (`*.suite.ts`) runs only from its folder's index.test.ts (test/support/suites.ts): one in a
 * folder without one would never run, and npm test would still pass. Every suite under test/ is run by
 * exactly one index.test.ts.
 */
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { ENTRY, SUITE_SUFFIX, suiteName, suitesOf, TEST_ROOT } from '../support/suites';

const files = (readdirSync(TEST_ROOT, { recursive: true, encoding: 'utf8' }) as string[]).map((file) => join(TEST_ROOT, file));
const name = (file: string) => relative(TEST_ROOT, file);

test('every suite file is run by exactly one index.test.ts', () => {
  const suites = files.filter((file) => file.endsWith(SUITE_SUFFIX)).map(name).sort();
  const run = files.filter((file) => file.endsWith(`/${ENTRY}`)).flatMap((entry) => suitesOf(dirname(entry))).map(name).sort();
  expect(suites.length).toBeGreaterThan(50);
  expect(run).toEqual(suites);
});

test('a suite is named after its path below test/', () => {
  expect(suiteName(join(TEST_ROOT, 'cli', 'prepare-data', 'photos.suite.ts'))).toBe('cli/prepare-data/photos');
});
