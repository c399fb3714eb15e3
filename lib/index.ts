/**
 * ic-pipeline as a library: the `ImageClassificationPipeline` construct to embed in a CDK app, and the
 * stack this repository's app deploys (docs/construct.md).
 */
export { ImageClassificationPipeline, type ImageClassificationPipelineProps } from './image-classification-pipeline';
export { ImageClassificationPipelineStack, type ImageClassificationPipelineStackProps } from './pipeline-stack';
export { PipelineAlarms, type PipelineAlarmsProps } from './pipeline-alarms';
export { type PipelineVpcContext } from './pipeline-context';
export { PIPELINE_STACK_NAME } from './stack-name';
