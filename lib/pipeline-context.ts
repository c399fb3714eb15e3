import { Node } from 'constructs';

/** Thrown when a `-c key=value` deploy-time setting is malformed. */
export class PipelineContextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PipelineContextError';
  }
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
/** The id forms EC2 uses: a prefix and 8 or 17 hexadecimal digits (older and newer ids). */
type IdPrefix = 'subnet' | 'sg' | 'vpc' | 'rtb';
const idPattern = (prefix: IdPrefix) => new RegExp(`^${prefix}-(?:[0-9a-f]{8}|[0-9a-f]{17})$`);

/**
 * The VPC settings of the app, as the `-c` context gives them (strings: the app's stack turns them into
 * `ec2` types). SageMaker's VpcConfig limits: 1 to 16 subnets, 1 to 5 security groups.
 */
export interface PipelineVpcContext {
  /** `-c vpcId=vpc-…`: the VPC of the subnets; needed to create a security group or the S3 gateway endpoint. */
  readonly vpcId?: string;
  /** `-c vpcSubnetIds=subnet-…,subnet-…` */
  readonly subnetIds: string[];
  /**
   * `-c vpcSecurityGroupIds=sg-…`
   * @default - with vpcId: a new security group that allows traffic between its members
   */
  readonly securityGroupIds?: string[];
  /**
   * `-c vpcRouteTableIds=rtb-…,rtb-…`: the route tables of those subnets, to add an S3 gateway endpoint to.
   * @default - no endpoint (the subnets reach S3 through a NAT or an endpoint of their own)
   */
  readonly routeTableIds?: string[];
}

/** What the `-c` context sets: the stack's `notificationEmail` and `vpcConfig`. */
export interface PipelineContext {
  readonly notificationEmail?: string;
  readonly vpcConfig?: PipelineVpcContext;
}

/**
 * The stack settings a user gives at deploy time with `-c`: `notificationEmail`; `vpcSubnetIds` with
 * `vpcSecurityGroupIds` (comma-separated) to run SageMaker inside a VPC; `vpcId`, which lets the pipeline
 * create the security group, and `vpcRouteTableIds`, which adds an S3 gateway endpoint to those route tables.
 */
export function readPipelineContext(node: Node): PipelineContext {
  const text = (key: string): string | undefined => {
    const value: unknown = node.tryGetContext(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw new PipelineContextError(`Context ${key} must be a string, got ${JSON.stringify(value)}`);
    return value.trim();
  };
  const form = (prefix: IdPrefix) => `${prefix}- and 8 or 17 hexadecimal digits, e.g. ${prefix}-0123456789abcdef0`;
  const list = (key: string, prefix: IdPrefix, min: number, max: number): string[] | undefined => {
    const value = text(key);
    if (value === undefined) return undefined;
    const ids = value.split(',').map((id) => id.trim()).filter((id) => id !== '');
    const bad = ids.filter((id) => !idPattern(prefix).test(id));
    if (bad.length > 0) {
      throw new PipelineContextError(`Context ${key}: ${bad.map((id) => JSON.stringify(id)).join(', ')} is not a ${prefix}-… id (${form(prefix)})`);
    }
    if (ids.length < min || ids.length > max) throw new PipelineContextError(`Context ${key} needs ${min} to ${max} ids, got ${ids.length}`);
    return ids;
  };

  const notificationEmail = text('notificationEmail');
  if (notificationEmail !== undefined && !EMAIL.test(notificationEmail)) {
    throw new PipelineContextError(`Context notificationEmail: ${JSON.stringify(notificationEmail)} is not an email address`);
  }
  const vpcId = text('vpcId');
  if (vpcId !== undefined && !idPattern('vpc').test(vpcId)) {
    throw new PipelineContextError(`Context vpcId: ${JSON.stringify(vpcId)} is not a vpc-… id (${form('vpc')})`);
  }
  const subnetIds = list('vpcSubnetIds', 'subnet', 1, 16);
  const securityGroupIds = list('vpcSecurityGroupIds', 'sg', 1, 5);
  // A route per route table; 50 is far more than the subnets of one job can have.
  const routeTableIds = list('vpcRouteTableIds', 'rtb', 1, 50);
  if (subnetIds === undefined) {
    const orphan = [['vpcSecurityGroupIds', securityGroupIds], ['vpcId', vpcId], ['vpcRouteTableIds', routeTableIds]].find(([, value]) => value !== undefined);
    if (orphan?.[0] === 'vpcSecurityGroupIds') {
      throw new PipelineContextError('Context vpcSubnetIds and vpcSecurityGroupIds go together: give both or neither');
    }
    if (orphan) throw new PipelineContextError(`Context ${orphan[0]} needs vpcSubnetIds: the subnets the SageMaker jobs run in`);
    return { notificationEmail, vpcConfig: undefined };
  }
  if (securityGroupIds === undefined && vpcId === undefined) {
    throw new PipelineContextError(
      'Context vpcSubnetIds and vpcSecurityGroupIds go together: give both or neither (or give vpcId as well, and the pipeline creates the security group)',
    );
  }
  if (routeTableIds !== undefined && vpcId === undefined) {
    throw new PipelineContextError('Context vpcRouteTableIds needs vpcId: the VPC the S3 gateway endpoint is created in');
  }
  return { notificationEmail, vpcConfig: { vpcId, subnetIds, securityGroupIds, routeTableIds } };
}
