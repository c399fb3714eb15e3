// Which suites a folder's index.test.ts runs: its *.suite.ts files and those of its subfolders that have
// no index.test.ts of their own, in path order. Plain JavaScript because jest's test sequencer
// (test/setup/sequencer.cjs) loads it without a transform; test/support/suites.ts uses it too.
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS, which jest loads without a transform: require() is how it loads */
const { existsSync, readdirSync } = require('node:fs');
const { join } = require('node:path');

const ENTRY = 'index.test.ts';
const SUITE_SUFFIX = '.suite.ts';

/** @param {string} folder @returns {string[]} */
function suitesOf(folder) {
  const found = [];
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

module.exports = { ENTRY, SUITE_SUFFIX, suitesOf };
