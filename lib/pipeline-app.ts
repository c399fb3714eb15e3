import { App, Validations } from 'aws-cdk-lib';
import { readPipelineContext } from './pipeline-context';
import { ImageClassificationPipelineStack } from './pipeline-stack';
import { PIPELINE_STACK_NAME } from './stack-name';

export { PIPELINE_STACK_NAME };

/**
 * Adds the pipeline stack to `app`, configured from its context (`-c notificationEmail=…`, VPC ids),
 * and runs cdk-nag's AwsSolutions rules on every synthesis: an unacknowledged finding fails it.
 * `options.nag: false` is for the dry run only, which simulates the template and deploys nothing
 * (`cdk synth` and `cdk deploy` always run the rules).
 */
export function addPipeline(
  app: App,
  env: { account?: string; region?: string } = {},
  options: { readonly nag?: boolean } = {},
): ImageClassificationPipelineStack {
  const stack = new ImageClassificationPipelineStack(app, PIPELINE_STACK_NAME, {
    description: 'SageMaker image-classification training to batch inference, orchestrated by Step Functions',
    env,
    ...readPipelineContext(app.node),
  });
  if (options.nag ?? true) {
    // cdk-nag is loaded only when it runs: its root loads every rule pack (270 modules, a quarter of a
    // second), which the dry run's synthesis would otherwise pay for nothing. It is a development
    // dependency: the package's users bring their own rules.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded when the rules run
    const { AwsSolutionsChecks } = require('cdk-nag') as typeof import('cdk-nag');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  }
  return stack;
}
