/**
 * The import boundaries of docs/design.md ("Import rules"), as enforced by eslint.config.mjs: each forbidden import
 * fails with `no-restricted-imports` and a message that names the boundary; each allowed import passes.
 *
 * All snippets are linted in one batch by one ESLint instance (see lint-texts.mjs for why it runs in a
 * child process), so the suite costs one ESLint start-up, not one per case.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

interface LintMessage {
  readonly ruleId: string | null;
  readonly severity: number;
  readonly message: string;
  readonly line: number;
}

const REPO_ROOT = path.resolve(__dirname, '../..');

/** [file the snippet pretends to be, code, boundary named in the error] */
const FORBIDDEN: [filePath: string, code: string, boundary: string][] = [
  ['core/x.ts', "import 'aws-cdk-lib';", 'core-no-cdk'],
  ['core/x.ts', "import { Stack } from 'aws-cdk-lib';", 'core-no-cdk'],
  ['core/x.ts', "import { aws_s3 as s3 } from 'aws-cdk-lib/aws-s3';", 'core-no-cdk'],
  ['core/x.ts', "import { Construct } from 'constructs';", 'core-no-cdk'],
  ['core/x.ts', "import { S3Client } from '@aws-sdk/client-s3';", 'core-no-aws-sdk'],
  ['core/x.ts', "import { Logger } from '@aws-lambda-powertools/logger';", 'core-no-aws-sdk'],
  ['core/x.ts', "import { acknowledgeNag } from '../lib/nag';", 'core-no-project'],
  ['core/x.ts', "export { handler } from '../lambda/start-run/index';", 'core-no-project'],
  ['core/x.ts', "import type { Output } from '../cli/output';", 'core-no-project'],
  ['lambda/prepare-run/x.ts', "import { ImageClassificationPipelineStack } from '../../lib/pipeline-stack';", 'lambda-only-core'],
  ['lambda/prepare-run/x.ts', "import type { RunRequestSource } from '../start-run/event';", 'lambda-only-core'],
  ['lambda/prepare-run/x.ts', "import '../shared/reference/limits.json';", 'lambda-only-core'],
  ['lambda/prepare-run/x.ts', "import { CliError } from '../../cli/errors';", 'lambda-only-core'],
  ['lambda/prepare-run/x.ts', "import '../../scripts/lib/promise-with-resolvers';", 'lambda-only-core'],
  ['lambda/prepare-run/x.ts', "import { synth } from '../../test/support/synth';", 'lambda-only-core'],
  ['lambda/start-run/x.ts', "import { addPipeline } from '../../bin/app';", 'lambda-only-core'],
  ['lib/x.ts', "import { createOutput } from '../cli/output';", 'lib-no-cli'],
  ['lib/x.ts', "import { synth } from '../test/support/synth';", 'shipped-no-test-scripts'],
  ['lib/x.ts', "import '../scripts/lib/promise-with-resolvers';", 'shipped-no-test-scripts'],
  ['cli/x.ts', "import { synth } from '../test/support/synth';", 'shipped-no-test-scripts'],
  ['cli/x.ts', "import '../scripts/measure-synth';", 'shipped-no-test-scripts'],
  ['cli/commands/x.ts', "import '../../scripts/lib/promise-with-resolvers';", 'shipped-no-test-scripts'],
  ['bin/x.ts', "import { trainingRequest } from '../test/support/sagemaker-fixtures';", 'shipped-no-test-scripts'],
  ['lib/x.ts', "import { LocalPipeline } from '../simulation/local-run';", 'no-simulation'],
  ['lib/state-machine/x.ts', "import { SageMakerStandIn } from '../../simulation/sagemaker-stand-in';", 'no-simulation'],
  ['lambda/start-run/x.ts', "import { LocalPipeline } from '../../simulation/local-run';", 'lambda-only-core'],
  ['simulation/x.ts', "import { createOutput } from '../cli/output';", 'simulation-only-core-lambda'],
  ['simulation/x.ts', "import { ImageClassificationPipelineStack } from '../lib/pipeline-stack';", 'simulation-only-core-lambda'],
  ['simulation/x.ts', "import { synth } from '../test/support/synth';", 'simulation-only-core-lambda'],
  ['cli/commands/x.ts', "import { follow } from './status';", 'commands-no-commands'],
  ['cli/commands/x.ts', "export { estimateTable } from './estimate';", 'commands-no-commands'],
  ['cli/commands/x.ts', "import { validateCommand } from '../commands/validate';", 'commands-no-commands'],
  ['cli/x.ts', "import { PLACEHOLDER_BUCKETS } from './commands/validate';", 'commands-no-commands'],
  ['cli/prepare-data/x.ts', "import { VALIDATE_EXECUTION_NAME } from '../commands/validate';", 'commands-no-commands'],
];

const ALLOWED: [filePath: string, code: string][] = [
  ['lambda/prepare-run/x.ts', "import { RunRequestError } from '../../core/problems';"],
  ['lambda/prepare-run/x.ts', "import { helper } from './helpers';"],
  ['lambda/prepare-run/x.ts', "import limits from '../../core/reference/sagemaker-api-limits.json';"],
  ['lambda/start-run/x.ts', "import { S3Client } from '@aws-sdk/client-s3';"],
  ['lib/x.ts', "import { STATE_NAMES } from '../core/state-names';"],
  ['lib/x.ts', "import { Stack } from 'aws-cdk-lib';"],
  ['core/x.ts', "import { isPlainObject } from './json';"],
  ['core/x.ts', "import limits from './reference/sagemaker-api-limits.json';"],
  ['cli/x.ts', "import { handler } from '../lambda/prepare-run/index';"],
  ['cli/commands/x.ts', "import { STATE_NAMES } from '../../core/state-names';"],
  ['simulation/x.ts', "import { handler } from '../lambda/prepare-run/index';"],
  ['simulation/x.ts', "import { STATE_NAMES } from '../core/state-names';"],
  ['simulation/x.ts', "import { StateMachine } from 'aws-local-stepfunctions';"],
  ['cli/commands/x.ts', "import { LocalPipeline } from '../../simulation/local-run';"],
  ['cli/commands/x.ts', "import { follow, printStatus } from '../run-view';"],
  ['cli/commands/x.ts', "import { findPipelineStack } from '../aws/stack';"],
  ['cli/x.ts', "import { runStatus } from './aws/run-status';"],
  ['test/x.ts', "import { synth } from './support/synth'; import '../scripts/lib/promise-with-resolvers';"],
];

/** Lints every snippet with the repository's eslint.config.mjs: one list of messages per snippet. */
function lintSnippets(snippets: { code: string; filePath: string }[]): LintMessage[][] {
  const stdout = execFileSync(process.execPath, [path.join(__dirname, 'lint-texts.mjs')], {
    cwd: REPO_ROOT,
    input: JSON.stringify({ cwd: REPO_ROOT, snippets }),
    encoding: 'utf8',
  });
  return JSON.parse(stdout) as LintMessage[][];
}

/** Boundary errors, and messages without a rule (a parse error, or "file ignored"), which would make a check vacuous. */
const boundaryOrFatal = (messages: LintMessage[]) => messages.filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === null);

let forbidden: LintMessage[][];
let allowed: LintMessage[][];

beforeAll(() => {
  const results = lintSnippets([...FORBIDDEN, ...ALLOWED].map(([filePath, code]) => ({ filePath, code })));
  forbidden = results.slice(0, FORBIDDEN.length);
  allowed = results.slice(FORBIDDEN.length);
}, 30_000);

describe('a forbidden import fails the lint with one error that names the boundary', () => {
  test.each(FORBIDDEN.map((c, i) => [...c, i] as const))('%s: %s (boundary: %s)', (_filePath, _code, name, i) => {
    expect(boundaryOrFatal(forbidden[i]!)).toEqual([
      { ruleId: 'no-restricted-imports', severity: 2, line: 1, message: expect.stringContaining(`(boundary: ${name})`) },
    ]);
  });

  test('the message says what the boundary is, not only its name', () => {
    expect(forbidden[0]).toEqual([
      {
        ruleId: 'no-restricted-imports',
        severity: 2,
        line: 1,
        message: expect.stringMatching(/^'aws-cdk-lib' import is restricted .*core\/ is the CDK-free contract: it must not import aws-cdk-lib.*\(boundary: core-no-cdk\)$/),
      },
    ]);
  });
});

describe('an allowed import passes the boundary rules', () => {
  test.each(ALLOWED.map((c, i) => [...c, i] as const))('%s: %s', (_filePath, _code, i) => {
    expect(boundaryOrFatal(allowed[i]!)).toEqual([]);
  });
});
