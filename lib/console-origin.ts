import { Aws, CfnMapping, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { consoleOriginOf, PARTITIONS } from '../core/console-url';

const MAPPING_ID = 'ConsoleOrigins';

/**
 * `https://<console host>` of the partition the stack is deployed to, as a deploy-time value: a
 * CloudFormation mapping by `AWS::Partition`, built from core's table, shared by every construct of the
 * stack (stack outputs, notifications). The console of China and of GovCloud is not the commercial one.
 */
export function consoleOrigin(scope: IConstruct): string {
  const stack = Stack.of(scope);
  const existing = stack.node.tryFindChild(MAPPING_ID) as CfnMapping | undefined;
  const mapping =
    existing ??
    new CfnMapping(stack, MAPPING_ID, {
      mapping: Object.fromEntries(PARTITIONS.map((partition) => [partition, { origin: consoleOriginOf(partition) }])),
    });
  return mapping.findInMap(Aws.PARTITION, 'origin');
}
