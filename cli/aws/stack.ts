import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { STACK_OUTPUTS } from '../../core/stack-outputs';
import { CliError, toCliError } from '../errors';

/** The default stack name, as bin/app.ts creates it. */
export { PIPELINE_STACK_NAME as DEFAULT_STACK_NAME } from '../../lib/stack-name';

/** What the commands need from the deployed stack, read from its outputs. */
export interface PipelineStack {
  readonly stackName: string;
  readonly stateMachineArn: string;
  readonly dataBucket: string;
  readonly artifactBucket: string;
  /** Every output of the stack, by key. */
  readonly outputs: Readonly<Record<string, string>>;
}

const REQUIRED_OUTPUTS = [STACK_OUTPUTS.stateMachineArn, STACK_OUTPUTS.dataBucketName, STACK_OUTPUTS.artifactBucketName] as const;

/**
 * Finds the pipeline through CloudFormation DescribeStacks and reads its outputs.
 * @throws CliError when the stack does not exist, is not this pipeline, or cannot be read
 */
export async function findPipelineStack(cloudFormation: CloudFormationClient, stackName: string, region?: string): Promise<PipelineStack> {
  let stack;
  try {
    const answer = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    stack = answer.Stacks?.[0];
  } catch (error) {
    throw toCliError(error, { stackName, region });
  }
  if (stack === undefined) throw toCliError(new Error(`Stack with id ${stackName} does not exist`), { stackName, region });
  const outputs = Object.fromEntries(
    (stack.Outputs ?? []).filter((o) => o.OutputKey && o.OutputValue !== undefined).map((o) => [o.OutputKey as string, o.OutputValue as string]),
  );
  const missing = REQUIRED_OUTPUTS.filter((key) => outputs[key] === undefined);
  if (missing.length > 0) {
    const status = stack.StackStatus ? ` (status ${stack.StackStatus})` : '';
    throw new CliError(`Stack ${stackName}${status} has no output ${missing.join(', ')}: it is not (or not yet) this pipeline.`, {
      hint: stack.StackStatus?.includes('IN_PROGRESS')
        ? 'Wait for the deployment to finish and run the command again.'
        : 'Deploy the pipeline with `npx cdk deploy`, or name the pipeline stack with --stack <name>.',
      code: 'NotAPipelineStack',
    });
  }
  return {
    stackName,
    stateMachineArn: outputs[STACK_OUTPUTS.stateMachineArn] as string,
    dataBucket: outputs[STACK_OUTPUTS.dataBucketName] as string,
    artifactBucket: outputs[STACK_OUTPUTS.artifactBucketName] as string,
    outputs,
  };
}
