#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ImageClassificationPipelineStack } from '../lib/pipeline-stack';
import { readPipelineContext } from '../lib/pipeline-context';

const app = new App();
new ImageClassificationPipelineStack(app, 'ImageClassificationPipeline', {
  description: 'SageMaker image-classification training to batch inference, orchestrated by Step Functions',
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  ...readPipelineContext(app.node),
});
// cdk-nag's AwsSolutions rules run on every synth; acknowledged findings are in the constructs.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
