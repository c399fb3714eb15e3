import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CliError } from './errors';
import type { CloudFormationTemplate } from './simulation/definition';

/** What the synthesized template depends on: a template older than any of these is stale. */
export const TEMPLATE_INPUTS = ['bin', 'core', 'lib', 'lambda', 'cdk.json', 'package.json'] as const;

export interface TemplateSource {
  readonly template: CloudFormationTemplate;
  /** Path of the template file, relative to the project. */
  readonly path: string;
  /** `reused`: cdk.out was newer than every input; `synthesized`: the app was synthesized now. */
  readonly how: 'reused' | 'synthesized';
  /** Why it was (not) reused, for the output. */
  readonly reason: string;
}

export interface TemplateSourceOptions {
  /** The project directory (with cdk.json). */
  readonly root: string;
  readonly stackName: string;
  /** Synthesize even when cdk.out is fresh. @default false */
  readonly forceSynth?: boolean;
  /** Runs the synthesis; tests may replace it. @default - the CDK app (bin/app.ts) for the dry run: no bundling, no validator */
  readonly synth?: (root: string) => void;
}

/**
 * The synthesized template of `stackName`: `cdk.out/<stack>.template.json` when it is newer than every
 * file under bin/, lib/, lambda/ and than cdk.json and package.json; otherwise `cdk synth` runs first.
 */
export function loadTemplate(options: TemplateSourceOptions): TemplateSource {
  const file = join(options.root, 'cdk.out', `${options.stackName}.template.json`);
  const path = relative(options.root, file);
  let how: TemplateSource['how'] = 'reused';
  let reason: string;
  const newest = newestInput(options.root);
  if (options.forceSynth) {
    reason = '--synth was given';
    how = 'synthesized';
  } else if (!existsSync(file)) {
    reason = `${path} did not exist`;
    how = 'synthesized';
  } else if (newest && newest.mtimeMs > statSync(file).mtimeMs) {
    reason = `${newest.path} changed after ${path} was written`;
    how = 'synthesized';
  } else {
    reason = `${path} is newer than every file under ${TEMPLATE_INPUTS.join(', ')}`;
  }
  if (how === 'synthesized') (options.synth ?? synthForDryRun)(options.root);
  if (!existsSync(file)) {
    throw new CliError(`The synthesis wrote no ${path}.`, {
      hint: `Check that bin/app.ts creates the stack ${options.stackName} (or pass --stack <name>).`,
      code: 'TemplateNotFound',
    });
  }
  const template = JSON.parse(readFileSync(file, 'utf8')) as CloudFormationTemplate;
  return { template, path, how, reason };
}

/** The most recently modified input of the synthesis. */
export function newestInput(root: string): { path: string; mtimeMs: number } | undefined {
  let newest: { path: string; mtimeMs: number } | undefined;
  const visit = (path: string) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) if (entry !== 'node_modules') visit(join(path, entry));
    } else if (!newest || stat.mtimeMs > newest.mtimeMs) {
      newest = { path: relative(root, path), mtimeMs: stat.mtimeMs };
    }
  };
  for (const input of TEMPLATE_INPUTS) visit(join(root, input));
  return newest;
}

/**
 * Synthesizes the app the way `cdk synth` runs it (bin/app.ts with cdk.json's context, cdk-nag included),
 * but for the dry run: the Lambdas are not bundled (`aws:cdk:bundling-stacks` names no stack: the dry run
 * runs their TypeScript directly) and the CloudFormation validator is off (`CDK_VALIDATION=false`), which
 * together take most of a synthesis. `cdk deploy` always synthesizes again, with both. Offline: no
 * credential or instance-metadata lookups are needed.
 */
function synthForDryRun(root: string): void {
  const cdkJson = JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  const result = spawnSync(process.execPath, ['--import', 'tsx', join('bin', 'app.ts')], {
    cwd: root,
    encoding: 'utf8',
    env: {
      ...process.env,
      AWS_EC2_METADATA_DISABLED: 'true',
      CDK_OUTDIR: join(root, 'cdk.out'),
      CDK_CONTEXT_JSON: JSON.stringify({ ...cdkJson.context, 'aws:cdk:bundling-stacks': [] }),
      CDK_VALIDATION: 'false',
    },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error || result.status !== 0) {
    const output = `${result.stderr ?? ''}${result.stdout ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new CliError(`Synthesizing the app failed${result.error ? ` (${result.error.message})` : ` (exit code ${result.status})`}:\n${output}`, {
      hint: 'Fix the error above (`npx cdk synth` shows it in full), then run the dry-run again.',
      code: 'SynthFailed',
    });
  }
}
