import { Template } from 'aws-cdk-lib/assertions';
import { TEST_ENV } from './synth';

/** An Amazon States Language document, as parsed from the template. */
export interface StateMachineDefinition {
  StartAt: string;
  States: Record<string, Record<string, unknown> & { Type: string }>;
  [key: string]: unknown;
}

/** Stand-in values for what CloudFormation resolves at deploy time. */
export function fakeRef(logicalId: string): string {
  return `ref-${logicalId.toLowerCase()}`;
}

export function fakeArn(logicalId: string, attribute: string): string {
  return `arn:aws:fake:${TEST_ENV.region}:${TEST_ENV.account}:${logicalId}/${attribute}`;
}

const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': TEST_ENV.region,
  'AWS::AccountId': TEST_ENV.account,
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'TestPipeline',
};

/**
 * Resolves the intrinsic functions CDK leaves in a template (`Fn::Join`, `Ref`, `Fn::GetAtt`) the way
 * CloudFormation would, with fake but well-formed values, so the synthesized state machine definition
 * can run in the local runner exactly as written.
 */
export function resolveIntrinsics(value: unknown, template: Template): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveIntrinsics(item, template));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [key, arg] = entries[0] as [string, unknown];
    switch (key) {
      case 'Ref': {
        const name = arg as string;
        if (PSEUDO[name] !== undefined) return PSEUDO[name];
        const resource = template.toJSON().Resources?.[name] as { Type?: string } | undefined;
        if (resource?.Type === 'AWS::KMS::Key') return `${TEST_KMS_KEY_PREFIX}${name}`;
        if (resource?.Type === 'AWS::Lambda::Function') return `arn:aws:lambda:${TEST_ENV.region}:${TEST_ENV.account}:function:${name}`;
        if (resource?.Type === 'AWS::SNS::Topic') return `arn:aws:sns:${TEST_ENV.region}:${TEST_ENV.account}:${name}`;
        return fakeRef(name);
      }
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = arg as [string, string];
        const resource = template.toJSON().Resources?.[logicalId] as { Type?: string } | undefined;
        if (resource?.Type === 'AWS::IAM::Role' && attribute === 'Arn') return `arn:aws:iam::${TEST_ENV.account}:role/${logicalId}`;
        if (resource?.Type === 'AWS::KMS::Key' && attribute === 'Arn') return `${TEST_KMS_KEY_PREFIX}${logicalId}`;
        if (resource?.Type === 'AWS::Lambda::Function' && attribute === 'Arn') {
          return `arn:aws:lambda:${TEST_ENV.region}:${TEST_ENV.account}:function:${logicalId}`;
        }
        return fakeArn(logicalId, attribute);
      }
      case 'Fn::Join': {
        const [separator, parts] = arg as [string, unknown[]];
        return parts.map((part) => String(resolveIntrinsics(part, template))).join(separator);
      }
      default:
        if (key.startsWith('Fn::')) throw new Error(`resolveIntrinsics: ${key} is not supported`);
    }
  }
  return Object.fromEntries(entries.map(([key, item]) => [key, resolveIntrinsics(item, template)]));
}

/** KMS key ARNs in the resolved definition start with this. */
export const TEST_KMS_KEY_PREFIX = `arn:aws:kms:${TEST_ENV.region}:${TEST_ENV.account}:key/`;

/** The synthesized (and resolved) definition of the template's one state machine. */
export function stateMachineDefinition(template: Template): StateMachineDefinition {
  const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  if (machines.length !== 1) throw new Error(`Expected one state machine, found ${machines.length}`);
  const definitionString = (machines[0] as { Properties: { DefinitionString: unknown } }).Properties.DefinitionString;
  const text = resolveIntrinsics(definitionString, template);
  if (typeof text !== 'string') throw new Error('DefinitionString did not resolve to a string');
  return JSON.parse(text) as StateMachineDefinition;
}
