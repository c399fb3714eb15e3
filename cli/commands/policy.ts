import { STACK_OUTPUTS } from '../../core/stack-outputs';
import type { AwsDeps } from '../aws/clients';
import { operatorPolicy, type PolicyDocument, STATEMENT_PURPOSES } from '../aws/operator-policy';
import { DEFAULT_STACK_NAME, findPipelineStack } from '../aws/stack';
import { CliError, EXIT } from '../errors';
import type { Output } from '../output';

export interface PolicyOptions {
  readonly stackName?: string;
}

/** The stack output that names the buckets' KMS key. */
const KEY_ARN_OUTPUT = STACK_OUTPUTS.encryptionKeyArn;

/** Name of the IAM policy in the command the display suggests. */
const POLICY_NAME = 'ic-pipeline-operator';

/**
 * `policy [--json]`: the minimum IAM policy of the command line for the deployed stack, with its real ARNs.
 * With `--json`, exactly the policy document (for `aws iam create-policy --policy-document file://…`);
 * without, each statement with what it is for, wrapped to the terminal.
 */
export async function policyCommand(options: PolicyOptions, deps: AwsDeps, out: Output): Promise<number> {
  const stackName = options.stackName ?? DEFAULT_STACK_NAME;
  const stack = await findPipelineStack(deps.cloudFormation, stackName, deps.region);
  const keyArn = stack.outputs[KEY_ARN_OUTPUT];
  if (keyArn === undefined) {
    throw new CliError(`Stack ${stackName} has no output ${KEY_ARN_OUTPUT}: it was deployed by a version of the pipeline before \`ic-pipeline policy\`.`, {
      hint: 'Deploy the pipeline again with `npx cdk deploy` (it adds the output and changes nothing else), then run the command again.',
      code: 'MissingStackOutput',
    });
  }
  const policy = operatorPolicy({
    stackName,
    stateMachineArn: stack.stateMachineArn,
    dataBucket: stack.dataBucket,
    artifactBucket: stack.artifactBucket,
    keyArn,
    resourceNamePrefix: stack.outputs[STACK_OUTPUTS.resourceNamePrefix],
    modelPackageGroup: stack.outputs[STACK_OUTPUTS.modelPackageGroupName],
  });
  if (out.jsonMode) {
    out.json(policy);
    return EXIT.ok;
  }
  for (const line of policyDisplay(policy, stackName, out.columns())) out.line(line);
  return EXIT.ok;
}

/**
 * The readable display of `policy`: every statement with what it is for, its actions and resources, and how
 * to create the policy. No line is wider than `columns`: words wrap, and a resource longer than a line is
 * broken after a `:` or `/`, its continuation indented further (the JSON is the one to copy).
 */
export function policyDisplay(policy: PolicyDocument, stackName: string, columns: number): string[] {
  const width = Math.max(40, columns);
  const lines: string[] = [];
  const say = (text: string, indent = '', next = indent) => lines.push(...wrap(text, width, indent, next));
  say(`Minimum IAM policy of ic-pipeline for stack ${stackName}: every AWS call of its commands, on this stack's resources only.`);
  for (const statement of policy.Statement) {
    lines.push('');
    say(`${statement.Sid}: ${STATEMENT_PURPOSES[statement.Sid] ?? ''}`.trimEnd(), '', '  ');
    for (const action of statement.Action) say(action, '  ', '      ');
    for (const resource of statement.Resource) say(`on ${resource}`, '    ', '        ');
    for (const [operator, values] of Object.entries(statement.Condition ?? {})) {
      for (const [key, value] of Object.entries(values)) say(`when ${key} ${operator} ${value}`, '    ', '        ');
    }
  }
  lines.push('');
  say(
    'The buckets are encrypted with the stack\'s KMS key (SSE-KMS), so reading them takes kms:Decrypt and writing ' +
      'them kms:GenerateDataKey on that key, besides the S3 permissions; the condition allows both only through S3.',
  );
  lines.push('');
  say('To create it:');
  say(`ic-pipeline policy --stack ${stackName} --json > ${POLICY_NAME}.json`, '  ', '    ');
  say(`aws iam create-policy --policy-name ${POLICY_NAME} --policy-document file://${POLICY_NAME}.json`, '  ', '    ');
  return lines;
}

/**
 * `text` in lines of at most `width` characters: the first starts with `indent`, the others with `next`.
 * Words longer than a line are broken after their last `:` or `/` that fits (else at the width).
 */
function wrap(text: string, width: number, indent: string, next: string): string[] {
  const lines: string[] = [];
  let line = indent;
  let fresh = true;
  const push = () => {
    lines.push(line.trimEnd());
    line = next;
    fresh = true;
  };
  for (let word of text.split(' ')) {
    // A word that fits on a line of its own goes to the next line; a longer one (an ARN) is broken where it is.
    if (!fresh && line.length + 1 + word.length > width && next.length + word.length <= width) push();
    while (line.length + (fresh ? 0 : 1) + word.length > width) {
      const room = width - line.length - (fresh ? 0 : 1);
      const head = word.slice(0, room);
      const cut = Math.max(head.lastIndexOf(':'), head.lastIndexOf('/'));
      const at = cut > 0 ? cut + 1 : Math.max(1, room);
      line += `${fresh ? '' : ' '}${word.slice(0, at)}`;
      word = word.slice(at);
      push();
    }
    line += `${fresh ? '' : ' '}${word}`;
    fresh = false;
  }
  if (!fresh || lines.length === 0) lines.push(line.trimEnd());
  return lines;
}
