import { createHash } from 'node:crypto';
import { partitionOf } from '../core/console-url';
/**
 * Reads the state machine definition out of a synthesized CloudFormation template and resolves the
 * intrinsic functions CDK leaves in it, the way CloudFormation would at deploy time, with stand-in values.
 * Plain JSON in, plain JSON out: the template may come from `cdk.out/<stack>.template.json` or from
 * `Template.toJSON()` of aws-cdk-lib/assertions.
 */

/** The parts of a CloudFormation template this module reads. */
export interface CloudFormationTemplate {
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  Resources?: Record<string, { Type?: string; Properties?: Record<string, any>; [key: string]: unknown }>;
  Outputs?: Record<string, { Value?: unknown; Description?: string; [key: string]: unknown }>;
  [key: string]: unknown;
}

/** An Amazon States Language document, as parsed from the template. */
export interface StateMachineDefinition {
  StartAt: string;
  States: Record<string, Record<string, unknown> & { Type: string }>;
  [key: string]: unknown;
}

/** Where the template is taken to be deployed: the values of the pseudo parameters. */
export interface SimulatedEnvironment {
  /** 12-digit account id in ARNs. */
  readonly account: string;
  readonly region: string;
  /** @default 'TestPipeline' */
  readonly stackName?: string;
  /**
   * Names that `Ref` gives for some resources (logical id → name), e.g. readable placeholders for buckets.
   * @default - `ref-<logical id, lower-case>` ({@link fakeRef})
   */
  readonly physicalNames?: Readonly<Record<string, string>>;
}

export { partitionOf };

/** The DNS suffix of a Region's endpoints (`AWS::URLSuffix`). */
function urlSuffixOf(region: string): string {
  return region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
}

/** Stand-in values for what CloudFormation resolves at deploy time. */
export function fakeRef(logicalId: string): string {
  return `ref-${logicalId.toLowerCase()}`;
}

/** A well-formed security group id (`sg-` and 17 hexadecimal digits), the same for the same logical id. */
export function fakeSecurityGroupId(logicalId: string): string {
  return `sg-${createHash('sha256').update(logicalId).digest('hex').slice(0, 17)}`;
}

export function fakeArn(logicalId: string, attribute: string, env: SimulatedEnvironment): string {
  return `arn:${partitionOf(env.region)}:fake:${env.region}:${env.account}:${logicalId}/${attribute}`;
}

/** KMS key ARNs in the resolved definition start with this. */
export function kmsKeyArnPrefix(env: SimulatedEnvironment): string {
  return `arn:${partitionOf(env.region)}:kms:${env.region}:${env.account}:key/`;
}

function resourceType(template: CloudFormationTemplate, logicalId: string): string | undefined {
  return template.Resources?.[logicalId]?.Type;
}

/**
 * Resolves the intrinsic functions CDK leaves in a template (`Fn::Join`, `Ref`, `Fn::GetAtt`) the way
 * CloudFormation would, with fake but well-formed values, so the synthesized state machine definition
 * can run in the local runner exactly as written.
 */
export function resolveIntrinsics(value: unknown, template: CloudFormationTemplate, env: SimulatedEnvironment): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveIntrinsics(item, template, env));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const partition = partitionOf(env.region);
  if (entries.length === 1) {
    const [key, arg] = entries[0] as [string, unknown];
    switch (key) {
      case 'Ref': {
        const name = arg as string;
        const pseudo: Record<string, string> = {
          'AWS::Partition': partition,
          'AWS::Region': env.region,
          'AWS::AccountId': env.account,
          'AWS::URLSuffix': urlSuffixOf(env.region),
          'AWS::StackName': env.stackName ?? 'TestPipeline',
        };
        if (pseudo[name] !== undefined) return pseudo[name];
        const type = resourceType(template, name);
        if (type === 'AWS::KMS::Key') return `${kmsKeyArnPrefix(env)}${name}`;
        if (type === 'AWS::Lambda::Function') return `arn:${partition}:lambda:${env.region}:${env.account}:function:${name}`;
        if (type === 'AWS::SNS::Topic') return `arn:${partition}:sns:${env.region}:${env.account}:${name}`;
        return env.physicalNames?.[name] ?? fakeRef(name);
      }
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = arg as [string, string];
        const type = resourceType(template, logicalId);
        if (type === 'AWS::IAM::Role' && attribute === 'Arn') return `arn:${partition}:iam::${env.account}:role/${logicalId}`;
        if (type === 'AWS::KMS::Key' && attribute === 'Arn') return `${kmsKeyArnPrefix(env)}${logicalId}`;
        if (type === 'AWS::Lambda::Function' && attribute === 'Arn') {
          return `arn:${partition}:lambda:${env.region}:${env.account}:function:${logicalId}`;
        }
        // A security group the pipeline creates (-c vpcId without vpcSecurityGroupIds) goes into the jobs'
        // VpcConfig, which SageMaker checks against [-0-9a-zA-Z]+ of at most 32 characters: an sg- id.
        if (type === 'AWS::EC2::SecurityGroup' && attribute === 'GroupId') return fakeSecurityGroupId(logicalId);
        return fakeArn(logicalId, attribute, env);
      }
      case 'Fn::Join': {
        const [separator, parts] = arg as [string, unknown[]];
        return parts.map((part) => String(resolveIntrinsics(part, template, env))).join(separator);
      }
      case 'Fn::FindInMap': {
        const [mapName, topKey, secondKey] = (arg as unknown[]).map((part) => String(resolveIntrinsics(part, template, env)));
        const found = template.Mappings?.[mapName as string]?.[topKey as string]?.[secondKey as string];
        if (found === undefined) throw new Error(`resolveIntrinsics: mapping ${mapName} has no ${topKey}.${secondKey}`);
        return found;
      }
      default:
        if (key.startsWith('Fn::')) throw new Error(`resolveIntrinsics: ${key} is not supported`);
    }
  }
  return Object.fromEntries(entries.map(([key, item]) => [key, resolveIntrinsics(item, template, env)]));
}

/** The logical ids and resources of `type` in the template. */
export function resourcesOfType(template: CloudFormationTemplate, type: string): [string, { Properties?: Record<string, any> }][] {
  return Object.entries(template.Resources ?? {}).filter(([, resource]) => resource.Type === type);
}

/** The synthesized (and resolved) definition of the template's one state machine. */
export function stateMachineDefinition(template: CloudFormationTemplate, env: SimulatedEnvironment): StateMachineDefinition {
  const machines = resourcesOfType(template, 'AWS::StepFunctions::StateMachine');
  if (machines.length !== 1) throw new Error(`Expected one state machine, found ${machines.length}`);
  const definitionString = machines[0]?.[1].Properties?.DefinitionString;
  const text = resolveIntrinsics(definitionString, template, env);
  if (typeof text !== 'string') throw new Error('DefinitionString did not resolve to a string');
  return JSON.parse(text) as StateMachineDefinition;
}
