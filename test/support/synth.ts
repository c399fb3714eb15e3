import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import cdkJson from '../../cdk.json';
import { ImageClassificationPipelineStack, ImageClassificationPipelineStackProps } from '../../lib/pipeline-stack';

/** The account and Region every test stack is synthesized for. */
export const TEST_ENV = { account: '111122223333', region: 'us-east-1' } as const;

/** A new App with the feature flags of cdk.json, as `cdk synth` runs it. */
export function newApp(context: Record<string, unknown> = {}): App {
  return new App({ context: { ...cdkJson.context, ...context } });
}

export interface SynthesizedPipeline {
  readonly app: App;
  readonly stack: ImageClassificationPipelineStack;
  readonly template: Template;
}

/** Synthesizes the pipeline stack (bundling the Lambdas with the local esbuild). */
export function synthPipeline(props: Partial<ImageClassificationPipelineStackProps> = {}): SynthesizedPipeline {
  const app = newApp();
  const stack = new ImageClassificationPipelineStack(app, 'TestPipeline', { env: TEST_ENV, ...props });
  return { app, stack, template: Template.fromStack(stack) };
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
