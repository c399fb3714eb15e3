/**
 * `npm run test:e2e`: the tests that drive other programs as a user does, the end-to-end tier of the
 * suite (`*.e2e.test.ts`): the HTML report opened in headless Chromium (Debian's chromium package) with its
 * data from a local S3-compatible server, the command line and the dry run as subprocesses of the real
 * entry point (bin/ic-pipeline.cjs). Everything else of jest.config.js holds, the shared template too.
 * CI (.ci/run) runs it after npm test, and then npm run test:package.
 * @type {import('jest').Config}
 */
module.exports = {
  ...require('./jest.config.js'),
  testMatch: ['**/*.e2e.test.ts'],
  // Its suites wait on other programs (Chromium, a local S3 server, subprocesses) more than they compute:
  // a third worker uses the core a waiting one leaves idle.
  maxWorkers: 3,
  testPathIgnorePatterns: ['/node_modules/'],
};
