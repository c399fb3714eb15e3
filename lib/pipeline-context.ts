import { Node } from 'constructs';
import type { ImageClassificationPipelineStackProps } from './pipeline-stack';

/** Thrown when a `-c key=value` deploy-time setting is malformed. */
export class PipelineContextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PipelineContextError';
  }
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const RESOURCE_ID = /^(subnet|sg)-[0-9a-f]{8,17}$/;

/**
 * The stack settings a user gives at deploy time with `-c`: `notificationEmail`, and
 * `vpcSubnetIds` with `vpcSecurityGroupIds` (comma-separated) to run SageMaker inside a VPC.
 */
export function readPipelineContext(node: Node): Pick<ImageClassificationPipelineStackProps, 'notificationEmail' | 'vpcConfig'> {
  const text = (key: string): string | undefined => {
    const value: unknown = node.tryGetContext(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw new PipelineContextError(`Context ${key} must be a string, got ${JSON.stringify(value)}`);
    return value.trim();
  };
  const list = (key: string, prefix: 'subnet' | 'sg', min: number, max: number): string[] | undefined => {
    const value = text(key);
    if (value === undefined) return undefined;
    const ids = value.split(',').map((id) => id.trim()).filter((id) => id !== '');
    const bad = ids.filter((id) => !RESOURCE_ID.test(id) || !id.startsWith(`${prefix}-`));
    if (bad.length > 0) throw new PipelineContextError(`Context ${key}: ${bad.map((id) => JSON.stringify(id)).join(', ')} is not a ${prefix}-… id`);
    if (ids.length < min || ids.length > max) throw new PipelineContextError(`Context ${key} needs ${min} to ${max} ids, got ${ids.length}`);
    return ids;
  };

  const notificationEmail = text('notificationEmail');
  if (notificationEmail !== undefined && !EMAIL.test(notificationEmail)) {
    throw new PipelineContextError(`Context notificationEmail: ${JSON.stringify(notificationEmail)} is not an email address`);
  }
  const subnetIds = list('vpcSubnetIds', 'subnet', 1, 16);
  const securityGroupIds = list('vpcSecurityGroupIds', 'sg', 1, 5);
  if ((subnetIds === undefined) !== (securityGroupIds === undefined)) {
    throw new PipelineContextError('Context vpcSubnetIds and vpcSecurityGroupIds go together: give both or neither');
  }
  return {
    notificationEmail,
    vpcConfig: subnetIds && securityGroupIds ? { subnetIds, securityGroupIds } : undefined,
  };
}
