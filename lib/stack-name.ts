/**
 * The stack name that `cdk deploy` creates and the command line looks up. Kept in a module of its own
 * so that the command line can import it without loading the CDK app.
 */
export const PIPELINE_STACK_NAME = 'ImageClassificationPipeline';
