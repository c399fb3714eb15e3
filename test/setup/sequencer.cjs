// The order in which jest starts the test files: jest's own (the files that failed last time first, then
// the longest by the durations jest keeps in its cache), except that a file jest has no duration for (every
// file, in a fresh clone) is weighed by the size of the test code it runs, not by its own size: a folder's
// index.test.ts is four lines that run every suite of the folder (test/support/suites.ts). Without this, in
// a fresh clone the heaviest folders could start last and the run end with one core idle.
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS, which jest loads without a transform: require() is how it loads */
const { statSync } = require('node:fs');
const { basename, dirname } = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;
const { ENTRY, suitesOf } = require('./suite-files.cjs');

/** Bytes of test code a test file runs: an index.test.ts, its suites'; any other file, its own. */
const testBytes = (path) =>
  basename(path) === ENTRY ? suitesOf(dirname(path)).reduce((sum, suite) => sum + statSync(suite).size, 0) : statSync(path).size;

class WeighedSequencer extends Sequencer {
  sort(tests) {
    const weights = new Map();
    for (const test of tests) {
      test.duration = this.time(test);
      weights.set(test.path, testBytes(test.path));
    }
    const weight = (test) => weights.get(test.path);
    return tests.sort((a, b) => {
      const failedA = this.hasFailed(a);
      if (failedA !== this.hasFailed(b)) return failedA ? -1 : 1;
      if (a.duration != null && b.duration != null) return b.duration - a.duration;
      if ((a.duration != null) !== (b.duration != null)) return a.duration != null ? 1 : -1; // unknown first, as jest does
      return weight(b) - weight(a);
    });
  }
}

module.exports = WeighedSequencer;
