import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
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
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return stack;
}
