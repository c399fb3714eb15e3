/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Two workers on two cores. The suites of each test folder run from one file (test/support/suites.ts), so
  // there are ten files, three of them heavy (lib, cli, cli/prepare-data); the tiers that wait on other
  // programs (a browser, subprocesses) are in jest.e2e.config.js. Measured on 2 cores, jest alone, three
  // runs each: 2 workers 45.9 CPU-s and 24.4 s wall (medians), 3 workers 50.0 CPU-s and 26.3 s.
  maxWorkers: 2,
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The end-to-end tier (`*.e2e.test.ts`: the report in headless Chromium against a local S3 server, the
  // command line and the dry run as subprocesses of the real entry point) runs as `npm run test:e2e`
  // (jest.e2e.config.js), which CI runs after npm test: it waits on other programs more than it computes.
  testPathIgnorePatterns: ['/node_modules/', '\\.e2e\\.test\\.ts$'],
  transform: {
    // Type-checking is done once by `tsc` in `npm test` (tsconfig has isolatedModules), not per test file.
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  // Which test file starts first when jest knows no durations yet (a fresh clone): the one with the most
  // test code, a folder's index.test.ts weighed by its suites.
  testSequencer: '<rootDir>/test/setup/sequencer.cjs',
  // The default pipeline is synthesized once per run and shared (test/support/template.ts).
  globalSetup: '<rootDir>/test/setup/synthesize-pipeline.ts',
  globalTeardown: '<rootDir>/test/setup/remove-template.ts',
  setupFiles: ['<rootDir>/test/setup/polyfills.ts'],
  setupFilesAfterEnv: ['aws-cdk-lib/testhelpers/jest-autoclean', '<rootDir>/test/setup/after-file.ts'],
};
