import { App } from 'aws-cdk-lib';
import { PipelineContextError, readPipelineContext } from '../../lib/pipeline-context';

const read = (context: Record<string, unknown>) => readPipelineContext(new App({ context }).node);

describe('deploy-time settings (-c key=value)', () => {
  test('none given: no email, no VPC', () => {
    expect(read({})).toEqual({ notificationEmail: undefined, vpcConfig: undefined });
  });

  test('an email address and a VPC are read and trimmed', () => {
    expect(
      read({
        notificationEmail: ' ml-team@example.com ',
        vpcSubnetIds: 'subnet-0123456789abcdef0, subnet-0123456789abcdef1',
        vpcSecurityGroupIds: 'sg-0123456789abcdef0',
      }),
    ).toEqual({
      notificationEmail: 'ml-team@example.com',
      vpcConfig: { subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'], securityGroupIds: ['sg-0123456789abcdef0'] },
    });
  });

  test('a VPC id and route tables are read: the pipeline then creates the security group and the S3 gateway endpoint', () => {
    expect(
      read({
        vpcId: 'vpc-0123456789abcdef0',
        vpcSubnetIds: 'subnet-0123456789abcdef0',
        vpcRouteTableIds: 'rtb-0123456789abcdef0, rtb-01234567',
      }),
    ).toEqual({
      notificationEmail: undefined,
      vpcConfig: {
        vpcId: 'vpc-0123456789abcdef0',
        subnetIds: ['subnet-0123456789abcdef0'],
        securityGroupIds: undefined,
        routeTableIds: ['rtb-0123456789abcdef0', 'rtb-01234567'],
      },
    });
  });

  test.each([
    [{ vpcId: 'vpc-123', vpcSubnetIds: 'subnet-0123456789abcdef0' }, 'Context vpcId: "vpc-123" is not a vpc-… id (vpc- and 8 or 17 hexadecimal digits, e.g. vpc-0123456789abcdef0)'],
    [
      { vpcId: 'vpc-0123456789abcdef0', vpcSubnetIds: 'subnet-0123456789abcdef0', vpcRouteTableIds: 'rtb-0123456789abcdef0,subnet-0123456789abcdef0' },
      'Context vpcRouteTableIds: "subnet-0123456789abcdef0" is not a rtb-… id (rtb- and 8 or 17 hexadecimal digits, e.g. rtb-0123456789abcdef0)',
    ],
    [
      { vpcSubnetIds: 'subnet-0123456789abcdef0', vpcSecurityGroupIds: 'sg-0123456789abcdef0', vpcRouteTableIds: 'rtb-0123456789abcdef0' },
      'Context vpcRouteTableIds needs vpcId: the VPC the S3 gateway endpoint is created in',
    ],
    [{ vpcRouteTableIds: 'rtb-0123456789abcdef0' }, 'Context vpcRouteTableIds needs vpcSubnetIds: the subnets the SageMaker jobs run in'],
    [{ vpcId: 'vpc-0123456789abcdef0' }, 'Context vpcId needs vpcSubnetIds: the subnets the SageMaker jobs run in'],
    [{ vpcId: 'vpc-0123456789abcdef0', vpcSubnetIds: 'subnet-0123456789abcdef0', vpcRouteTableIds: 'rtb-0123456789abcdef0 rtb-0123456789abcdef1' }, 'is not a rtb-… id'],
  ])('VPC settings %j are rejected with the key, the value and the allowed form', (context, message) => {
    expect(() => read(context)).toThrow(PipelineContextError);
    expect(() => read(context)).toThrow(message);
  });

  test.each([
    [{ notificationEmail: 'not-an-email' }, 'Context notificationEmail: "not-an-email" is not an email address'],
    [{ notificationEmail: 42 }, 'Context notificationEmail must be a string, got 42'],
    [{ vpcSubnetIds: 'subnet-0123456789abcdef0' }, 'Context vpcSubnetIds and vpcSecurityGroupIds go together: give both or neither'],
    [
      { vpcSubnetIds: 'sg-0123456789abcdef0', vpcSecurityGroupIds: 'sg-0123456789abcdef0' },
      'Context vpcSubnetIds: "sg-0123456789abcdef0" is not a subnet-… id',
    ],
    [
      { vpcSubnetIds: 'subnet-0123456789abcdef0', vpcSecurityGroupIds: 'sg-1,sg-2,sg-3,sg-4,sg-5,sg-6' },
      'Context vpcSecurityGroupIds: "sg-1", "sg-2", "sg-3", "sg-4", "sg-5", "sg-6" is not a sg-… id',
    ],
    [
      {
        vpcSubnetIds: 'subnet-0123456789abcdef0',
        vpcSecurityGroupIds: Array.from({ length: 6 }, (_, i) => `sg-0123456789abcdef${i}`).join(','),
      },
      'Context vpcSecurityGroupIds needs 1 to 5 ids, got 6',
    ],
  ])('%j is rejected with a message naming the setting', (context, message) => {
    expect(() => read(context)).toThrow(PipelineContextError);
    expect(() => read(context)).toThrow(message);
  });
});
