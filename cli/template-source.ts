import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CliError } from './errors';
import type { CloudFormationTemplate } from '../simulation/definition';

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
  /** Synthesizes the app into `<root>/cdk.out` (bin/ provides it: cli/ does not load the CDK). */
  readonly synth: (root: string) => void | Promise<void>;
}

/**
 * The synthesized template of `stackName`: `cdk.out/<stack>.template.json` when it is newer than every
 * file under bin/, lib/, lambda/ and than cdk.json and package.json; otherwise `cdk synth` runs first.
 */
export async function loadTemplate(options: TemplateSourceOptions): Promise<TemplateSource> {
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
  if (how === 'synthesized') await synthesize(options);
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

async function synthesize(options: TemplateSourceOptions): Promise<void> {
  try {
    await options.synth(options.root);
  } catch (error) {
    throw new CliError(`Synthesizing the app failed: ${(error as Error).message}`, {
      hint: 'Fix the error above (`npx cdk synth` shows it in full), then run the dry-run again.',
      code: 'SynthFailed',
    });
  }
}
