import { Aws } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/**
 * A Pass state written in plain ASL (a `CustomState`): CDK's `Pass` drops `null` values from
 * Parameters, and the run summary and failure record say "not made in this run" with `null`.
 * The state's name is its construct id.
 */
export function passState(scope: Construct, stateName: string, parameters: Record<string, unknown>, resultPath: string): sfn.CustomState {
  return new sfn.CustomState(scope, stateName, { stateJson: { Type: 'Pass', Parameters: parameters, ResultPath: resultPath } });
}

/** `arn:<partition>:states:::sagemaker:<api>`: the Step Functions SageMaker integration. */
export function integrationArn(api: string): string {
  return `arn:${Aws.PARTITION}:states:::sagemaker:${api}`;
}

/**
 * `arn:<partition>:states:::aws-sdk:<service>:<api>`: the AWS SDK integration, for calls the optimized
 * SageMaker integration does not offer (DescribeTrainingJob). Its errors are named `<Service>.<Exception>`,
 * e.g. `SageMaker.ResourceNotFoundException` ("Learning to use AWS service SDK integrations in Step Functions",
 * https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html).
 */
export function sdkIntegrationArn(service: string, api: string): string {
  return `arn:${Aws.PARTITION}:states:::aws-sdk:${service}:${api}`;
}

/**
 * A JSONPath intrinsic whose value is the object at `path` with `defaults` filled in where the object
 * lacks a key (one level deep). A `.$` reference to a missing field fails the state with `States.Runtime`,
 * which no Catch catches; reading optional fields through this never does. `path` may also be an
 * intrinsic whose value is an object (`States.ArrayGetItem(…)`).
 */
export function withDefaults(path: string, defaults: Record<string, unknown>): string {
  const json = JSON.stringify(defaults).replace(/\\/g, '\\\\').replace(/'/g, "\\'");
  return `States.JsonMerge(States.StringToJson('${json}'), ${path}, false)`;
}

/** A JSON path reference (`$.run.runId`) in a typed parameter table; `null` means the literal null. */
export interface PathRef {
  readonly path: string;
}

export const at = (path: string): PathRef => ({ path });

/** ASL Parameters from a typed table: `{ key: at('$.x') }` becomes `{ 'key.$': '$.x' }`, null stays null. */
export function parameters<K extends string>(fields: { readonly [key in K]: PathRef | null | string }): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries<PathRef | null | string>(fields).map(([key, value]) =>
      value !== null && typeof value === 'object' ? [`${key}.$`, value.path] : [key, value],
    ),
  );
}
