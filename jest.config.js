/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Three workers on two cores: several suites wait rather than compute (the report's Chromium and local S3
  // server, the command line's subprocesses, the dry run's synthesis), and a third worker uses the core a
  // waiting one leaves idle. Measured on 2 cores, the whole suite in one run each, same load: 81 s wall with
  // 3 workers against 102 s with 2, for the same CPU time (109 against 114 CPU-s). jest's default (cores - 1)
  // would run the suites one at a time.
  maxWorkers: 3,
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
  // The default pipeline is synthesized once per run and shared (test/support/template.ts).
  globalSetup: '<rootDir>/test/setup/synthesize-pipeline.ts',
  globalTeardown: '<rootDir>/test/setup/remove-template.ts',
  setupFiles: ['<rootDir>/test/setup/polyfills.ts'],
  setupFilesAfterEnv: ['aws-cdk-lib/testhelpers/jest-autoclean', '<rootDir>/test/setup/after-file.ts'],
};
