/**
 * The baseline of `npm run measure`: the smallest CDK app worth synthesizing, one stack with one Lambda
 * function (inline code, nothing to bundle). The pipeline's synthesis is reported as a multiple of it.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';

const app = new App();
const stack = new Stack(app, 'Bare');
new lambda.Function(stack, 'Fn', {
  runtime: lambda.Runtime.NODEJS_22_X,
  handler: 'index.handler',
  code: lambda.Code.fromInline('exports.handler = async () => ({});'),
});
app.synth();
