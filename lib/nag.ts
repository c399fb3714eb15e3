import { Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Acknowledges one cdk-nag AwsSolutions finding on one construct (and its children), with the reason
 * it is acceptable. `finding` is the rule and, for granular rules, the finding, as cdk-nag prints
 * it: `AwsSolutions-IAM5[Resource::*]`.
 */
export function acknowledgeNag(scope: IConstruct, finding: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: finding, reason });
}

/**
 * Acknowledges the wildcard-resource finding (AwsSolutions-IAM5) for exactly `resourceArn` on
 * `scope`. The finding names the resource the way cdk-nag flattens CloudFormation references
 * (`<LogicalId.Arn>`, `<AWS::Region>`), which depends on whether the stack's Region and account are
 * known at synth time, so it is computed here from the same value rather than written by hand.
 */
export function acknowledgeWildcardResource(scope: IConstruct, resourceArn: string, reason: string): void {
  const flat = flattenReference(Stack.of(scope).resolve(resourceArn));
  acknowledgeNag(scope, `AwsSolutions-IAM5[Resource::${flat}]`, reason);
}

/** The same flattening cdk-nag applies to a resolved CloudFormation value. */
function flattenReference(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  const value = node as Record<string, unknown>;
  if (value['Fn::Join']) {
    const [separator, items] = value['Fn::Join'] as [string, unknown[]];
    return items.map(flattenReference).join(separator);
  }
  if (value['Fn::GetAtt']) {
    const [resource, attribute] = value['Fn::GetAtt'] as [unknown, unknown];
    return `<${flattenReference(resource)}.${flattenReference(attribute)}>`;
  }
  if (value.Ref) return `<${flattenReference(value.Ref)}>`;
  return JSON.stringify(node);
}
