/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Both cores: jest's default (cores - 1) runs the suites one at a time on a 2-core machine.
  maxWorkers: 2,
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Type-checking is done once by `tsc` in `npm test` (tsconfig has isolatedModules), not per test file.
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  // The default pipeline is synthesized once per run and shared (test/support/template.ts).
  globalSetup: '<rootDir>/test/setup/synthesize-pipeline.ts',
  globalTeardown: '<rootDir>/test/setup/remove-template.ts',
  setupFiles: ['<rootDir>/test/setup/polyfills.ts'],
  setupFilesAfterEnv: ['aws-cdk-lib/testhelpers/jest-autoclean'],
};
