import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import cdkJson from '../../cdk.json';
import { ImageClassificationPipelineStack, ImageClassificationPipelineStackProps } from '../../lib/pipeline-stack';

import type { CloudFormationTemplate } from '../../simulation/definition';
import { pipelineTemplateJson, TEST_ENV } from './template';

export { TEST_ENV };

/**
 * Context that keeps template tests fast: no esbuild bundling of the Lambdas (`aws:cdk:bundling-stacks`
 * names no stack, so assets get a placeholder; test/lib/bundle-size.suite.ts bundles them for real).
 */
export const UNIT_TEST_CONTEXT = { 'aws:cdk:bundling-stacks': [] } as const;

export interface NewAppOptions {
  /** Extra context over cdk.json's feature flags. */
  readonly context?: Record<string, unknown>;
  /**
   * Run the built-in CloudFormation validator on synth. It starts a WASM engine (seconds per suite), so
   * it is on in exactly one test (test/lib/cdk-nag.suite.ts synthesizes the app as `cdk synth` does).
   * @default false
   */
  readonly validate?: boolean;
  /** @default - a temporary folder */
  readonly outdir?: string;
}

/** A new App with the feature flags of cdk.json, as `cdk synth` runs it, without bundling. */
export function newApp(options: NewAppOptions = {}): App {
  return new App({
    outdir: options.outdir,
    builtinCloudFormationValidation: options.validate ?? false,
    context: { ...cdkJson.context, ...UNIT_TEST_CONTEXT, ...options.context },
  });
}

export interface SynthesizedPipeline {
  readonly app: App;
  readonly stack: ImageClassificationPipelineStack;
  readonly template: Template;
}

/** Synthesizes the pipeline stack with `props` (tests of other configurations than the default). */
export function synthPipeline(props: Partial<ImageClassificationPipelineStackProps>): SynthesizedPipeline {
  const app = newApp();
  const stack = new ImageClassificationPipelineStack(app, 'TestPipeline', { env: TEST_ENV, ...props });
  return { app, stack, template: Template.fromStack(stack) };
}

/** The default pipeline, as jest's global setup synthesizes it once for every test file. */
export function synthesizeDefaultPipeline(): CloudFormationTemplate {
  const app = newApp();
  const stack = new ImageClassificationPipelineStack(app, 'TestPipeline', { env: TEST_ENV });
  return Template.fromStack(stack).toJSON() as CloudFormationTemplate;
}

/** The default pipeline's template (shared: see `pipelineTemplateJson`), for template assertions. */
export function pipelineTemplate(): Template {
  return Template.fromJSON(pipelineTemplateJson() as Record<string, unknown>);
}

/** The logical id of the one resource of `type` whose id starts with `prefix`. */
export function logicalIdOf(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) {
    throw new Error(`Expected one ${type} with a logical id starting ${prefix}, found ${ids.length}: ${ids.join(', ')}`);
  }
  return ids[0] as string;
}

export { Stack };
