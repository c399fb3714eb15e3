import * as fs from 'node:fs';
import * as path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { BuildOptions } from 'esbuild';
import { acknowledgeNag } from './nag';

/** Root of the Lambda handlers: `lambda/<name>/index.ts` (in the repository; the package ships them pre-bundled). */
export const LAMBDA_ROOT = path.join(__dirname, '..', 'lambda');

/**
 * The project root of the TypeScript sources, whose package-lock.json NodejsFunction is given explicitly:
 * otherwise it looks for a lock file upwards from the working directory, and a synthesis started in any
 * other folder (`ic-pipeline dry-run` run from elsewhere) fails with "Cannot find a package lock file".
 */
const SOURCE_ROOT = path.join(LAMBDA_ROOT, '..');

/**
 * Where `npm run build` writes the pre-bundled handlers, `<name>/index.js` (and its source map), seen from
 * this module: from the compiled `dist/lib/pipeline-function.js` of the package it is `dist/lambda-bundles`,
 * so an app that installs the package needs neither esbuild nor TypeScript. From the TypeScript source
 * (`lib/pipeline-function.ts`: the tests, `cdk synth` in the repository) no such folder exists, and the
 * handlers are bundled from `lambda/` with esbuild, as before.
 */
export const PREBUNDLED_ROOT = path.join(__dirname, '..', 'lambda-bundles');

/** Runtime of every pipeline Lambda: the newest Node.js that Lambda runs (20 is past end of life). */
export const PIPELINE_LAMBDA_RUNTIME = lambda.Runtime.NODEJS_24_X;

/**
 * How every pipeline Lambda is bundled: esbuild on this machine (no Docker), minified, with a source map.
 * `scripts/measure-bundles.ts` and the bundle-size test build with `esbuildOptionsFor`, which derives its
 * options from this object, so what they measure is what deploys.
 *
 * The AWS SDK v3 is not bundled: handlers use the one the Node.js runtime ships (the NodejsFunction
 * default for Node.js 18 and later; `@smithy/*` too, as under this app's `sdkV3ExcludeSmithyPackages`
 * flag, so a direct @smithy import never sits beside the runtime's copy). Bundled, the SDK made
 * start-run about 700 KB instead of about 30 KB (`npx tsx scripts/measure-bundles.ts`). The price: the
 * SDK version is the one Lambda ships with the runtime, not the one the tests ran against; start-run
 * calls only long-stable APIs (S3 GetObject, Step Functions StartExecution).
 */
export const PIPELINE_BUNDLING = Object.freeze({
  minify: true,
  sourceMap: true,
  target: 'node24',
  format: OutputFormat.CJS,
  externalModules: ['@aws-sdk/*', '@smithy/*'],
  forceDockerBundling: false,
  logLevel: LogLevel.WARNING,
} satisfies BundlingOptions);

/** `lambda/<handlerName>/index.ts`, exporting `handler`. */
export function lambdaEntry(handlerName: string): string {
  return path.join(LAMBDA_ROOT, handlerName, 'index.ts');
}

/**
 * The esbuild options NodejsFunction uses for `handlerName` under `PIPELINE_BUNDLING` (the arguments it
 * gives the esbuild command line, as JS API options), without an output file: for measuring a bundle in
 * memory (`write: false`). With an `outfile`, the output is byte for byte the index.js and index.js.map
 * of `cdk synth` (checked with esbuild 0.28 and aws-cdk-lib 2.276). Throws when `PIPELINE_BUNDLING` gains an option this function does not
 * translate, so the two cannot drift apart silently.
 */
export function esbuildOptionsFor(handlerName: string): BuildOptions {
  // forceDockerBundling has no esbuild counterpart: it only says where esbuild runs.
  const translated = new Set(['minify', 'sourceMap', 'target', 'format', 'externalModules', 'forceDockerBundling', 'logLevel']);
  const untranslated = Object.keys(PIPELINE_BUNDLING).filter((option) => !translated.has(option));
  if (untranslated.length > 0) {
    throw new Error(`esbuildOptionsFor does not translate PIPELINE_BUNDLING option(s) ${untranslated.join(', ')}: add them`);
  }
  return {
    // NodejsFunction runs esbuild in the project root with the entry relative to it; module paths that
    // esbuild keeps in the bundle are relative to that directory.
    absWorkingDir: path.join(LAMBDA_ROOT, '..'),
    entryPoints: [path.relative(path.join(LAMBDA_ROOT, '..'), lambdaEntry(handlerName))],
    bundle: true,
    platform: 'node',
    target: PIPELINE_BUNDLING.target,
    format: PIPELINE_BUNDLING.format,
    minify: PIPELINE_BUNDLING.minify,
    sourcemap: PIPELINE_BUNDLING.sourceMap,
    external: [...PIPELINE_BUNDLING.externalModules],
    logLevel: PIPELINE_BUNDLING.logLevel,
  };
}

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
  /**
   * Folder of pre-bundled handlers: when `<prebundledRoot>/<handlerName>/index.js` exists, the function
   * deploys that file as it is; otherwise it bundles `lambda/<handlerName>/index.ts` with esbuild.
   * @default PREBUNDLED_ROOT (present in the installed package, absent in the repository's sources)
   */
  readonly prebundledRoot?: string;
}

/** The folder of `handlerName`'s pre-bundled code under `root`, when `npm run build` made it. */
export function prebundledHandler(handlerName: string, root: string = PREBUNDLED_ROOT): string | undefined {
  const folder = path.join(root, handlerName);
  return fs.existsSync(path.join(folder, 'index.js')) ? folder : undefined;
}

/**
 * A pipeline Lambda: Node.js 24 on ARM64, X-Ray tracing, structured JSON logs in a log group of its own
 * with a retention period, and a role of its own that may write only to that log group (no
 * AWSLambdaBasicExecutionRole, which allows every log group). Its code is the handler pre-bundled by
 * `npm run build` when the package has it, else the TypeScript bundled locally by esbuild (no Docker).
 *
 * The log group, the role and the function are children of this construct.
 */
export class PipelineFunction extends Construct {
  /** The Lambda function. */
  readonly function: lambda.Function;
  /** The function's role: its own log group, X-Ray, and what its users grant it. */
  readonly role: iam.Role;
  /** The function's log group. */
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.SIX_MONTHS,
      encryptionKey: props.logEncryptionKey,
      // Logs are evidence of what happened in a run; they expire by retention, not with the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The role may write only to the function's own log group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: props.description,
    });
    this.logGroup.grantWrite(this.role);
    const common = {
      role: this.role,
      description: props.description,
      runtime: PIPELINE_LAMBDA_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: props.timeout ?? Duration.seconds(30),
      tracing: lambda.Tracing.ACTIVE,
      loggingFormat: lambda.LoggingFormat.JSON,
      logGroup: this.logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.handlerName,
        // The bundle ships a source map; this makes stack traces point at the TypeScript source.
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      ...props.asyncInvocation,
    } satisfies Partial<lambda.FunctionProps>;
    const prebundled = prebundledHandler(props.handlerName, props.prebundledRoot);
    this.function = prebundled
      ? new lambda.Function(this, 'Resource', { ...common, code: lambda.Code.fromAsset(prebundled), handler: 'index.handler' })
      : new NodejsFunction(this, 'Resource', {
          ...common,
          entry: lambdaEntry(props.handlerName),
          handler: 'handler',
          projectRoot: SOURCE_ROOT,
          depsLockFilePath: path.join(SOURCE_ROOT, 'package-lock.json'),
          bundling: PIPELINE_BUNDLING,
        });
    acknowledgeNag(
      this.role,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions (IAM accepts only "*").',
    );
  }
}
