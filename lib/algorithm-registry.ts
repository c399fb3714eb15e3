import { Aws, CfnMapping, Fn } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ALGORITHM_REGISTRY as registries } from '../core/image-uri';

/**
 * Where the SageMaker built-in image-classification algorithm image lives, per Region, as a
 * CloudFormation mapping (the same facts the resolve-image Lambda uses, from one data file).
 *
 * Used to scope the SageMaker role's ECR pull permissions to the one repository of the Region the
 * stack is deployed in. A Region without the algorithm fails at deploy time, before any run.
 */
export class AlgorithmRegistry extends Construct {
  /** ECR repository name of the algorithm, e.g. `image-classification`. */
  readonly repositoryName: string = registries.repository;
  /** Account that hosts the algorithm's ECR repository in the stack's Region. */
  readonly registryAccount: string;
  /** ARN of the algorithm's ECR repository in the stack's Region. */
  readonly repositoryArn: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const mapping = new CfnMapping(this, 'Accounts', {
      mapping: Object.fromEntries(
        Object.entries(registries.accounts).map(([region, account]) => [region, { account }]),
      ),
      lazy: true,
    });
    this.registryAccount = mapping.findInMap(Aws.REGION, 'account');
    this.repositoryArn = Fn.join('', [
      'arn:',
      Aws.PARTITION,
      ':ecr:',
      Aws.REGION,
      ':',
      this.registryAccount,
      `:repository/${this.repositoryName}`,
    ]);
  }
}
