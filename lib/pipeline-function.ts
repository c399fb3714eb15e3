import * as path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeNag } from './nag';

/** Root of the Lambda handlers: `lambda/<name>/index.ts`. */
export const LAMBDA_ROOT = path.join(__dirname, '..', 'lambda');

/** Runtime of every pipeline Lambda: the newest Node.js that Lambda runs (20 is past end of life). */
export const PIPELINE_LAMBDA_RUNTIME = lambda.Runtime.NODEJS_24_X;

export interface PipelineFunctionProps {
  /** Folder name under `lambda/`; the handler is `lambda/<handlerName>/index.ts`, export `handler`. */
  readonly handlerName: string;
  /** What the function does, shown in the Lambda console. */
  readonly description: string;
  /**
   * Environment variables besides the ones every pipeline function gets.
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Key that encrypts the function's log group.
   * @default - CloudWatch Logs' default encryption
   */
  readonly logEncryptionKey?: kms.IKey;
  /**
   * How long the function may run.
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
  /**
   * For functions invoked asynchronously (by EventBridge): how often Lambda retries a failed
   * invocation, how long it keeps an event, and where events go that still failed.
   * @default - Lambda's defaults (2 retries, 6 hours, no dead-letter queue)
   */
  readonly asyncInvocation?: {
    readonly retryAttempts: number;
    readonly maxEventAge: Duration;
    readonly deadLetterQueue: sqs.IQueue;
  };
  /**
   * How long the function's logs are kept.
   * @default logs.RetentionDays.SIX_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * A pipeline Lambda: TypeScript bundled locally by esbuild (no Docker), Node.js 24 on ARM64,
 * X-Ray tracing, structured JSON logs in a log group of its own with a retention period, and a role
 * of its own that may write only to that log group (no AWSLambdaBasicExecutionRole, which allows
 * every log group).
 */
export class PipelineFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? logs.RetentionDays.SIX_MONTHS,
      encryptionKey: props.logEncryptionKey,
      // Logs are evidence of what happened in a run; they expire by retention, not with the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The role may write only to the function's own log group.
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: props.description,
    });
    logGroup.grantWrite(role);
    super(scope, id, {
      role,
      entry: path.join(LAMBDA_ROOT, props.handlerName, 'index.ts'),
      handler: 'handler',
      description: props.description,
      runtime: PIPELINE_LAMBDA_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: props.timeout ?? Duration.seconds(30),
      tracing: lambda.Tracing.ACTIVE,
      loggingFormat: lambda.LoggingFormat.JSON,
      logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.handlerName,
        // The bundle ships a source map; this makes stack traces point at the TypeScript source.
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      ...props.asyncInvocation,
      bundling: {
        minify: true,
        sourceMap: true,
        target: 'node24',
        format: OutputFormat.CJS,
        // The Lambda runtime ships AWS SDK v3, but bundling pins the version the tests ran against.
        externalModules: [],
        forceDockerBundling: false,
        logLevel: LogLevel.WARNING,
      },
    });
    acknowledgeNag(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions (IAM accepts only "*").',
    );
  }
}
