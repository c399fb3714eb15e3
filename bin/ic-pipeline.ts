#!/usr/bin/env -S npx tsx
/**
 * ic-pipeline: the operator's command line of the image-classification pipeline. Only wiring lives here:
 * each command is a function in cli/commands/ that takes its clients and output, so it can be tested.
 */
import { resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { AwsDeps } from '../cli/aws/clients';
import { DEFAULT_STACK_NAME } from '../cli/aws/stack';
import { dryRunCommand } from '../cli/commands/dry-run';
import { estimateCommand } from '../cli/commands/estimate';
import { listCommand } from '../cli/commands/list';
import { DEFAULT_SEED, DEFAULT_VALIDATION_FRACTION, prepareDataCommand } from '../cli/commands/prepare-data';
import { resultsCommand } from '../cli/commands/results';
import { startCommand } from '../cli/commands/start';
import { DEFAULT_POLL_SECONDS, statusCommand } from '../cli/commands/status';
import { validateCommand } from '../cli/commands/validate';
import { EXIT } from '../cli/errors';
import { createOutput, type Output } from '../cli/output';
import { runCommand } from '../cli/run-command';
import { SCENARIO_NAMES } from '../cli/simulation/scenarios';

const ROOT = resolve(__dirname, '..');

// The SDK warns on every command that releases after January 2027 will need Node.js 22; this project
// supports Node.js 20 (package.json engines), so the warning is only noise here. Set it to "false" to see it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

function outputFor(options: { json?: boolean }): Output {
  return createOutput({ stdout: process.stdout, stderr: process.stderr, json: options.json, tty: Boolean(process.stdout.isTTY) });
}

/** The AWS clients of one command, in `--region` or the SDK's default Region. */
function awsDeps(region: string | undefined): AwsDeps {
  const config = region ? { region } : {};
  return {
    cloudFormation: new CloudFormationClient(config),
    sfn: new SFNClient(config),
    sagemaker: new SageMakerClient(config),
    s3: new S3Client(config),
    region: region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION,
  };
}

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError('must be a whole number >= 1');
  return number;
}

function fraction(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number)) throw new InvalidArgumentError('must be a number between 0 and 1');
  return number;
}

function wholeNumber(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number)) throw new InvalidArgumentError('must be a whole number >= 0');
  return number;
}

async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('ic-pipeline')
    .description('Dry-run, validate, start, follow and read runs of the image-classification pipeline')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  program
    .command('dry-run')
    .description('Run the pipeline offline: synthesized state machine, real Lambda code, simulated SageMaker (no AWS account needed)')
    .option('--request <file>', 'run request JSON file (default: {}, the reference run)')
    .option('--region <region>', 'Region to simulate (default: AWS_REGION, else us-east-1)')
    .option('--execution-name <name>', 'execution name the run id derives from', 'dry-run')
    .option('--stack <name>', 'stack in cdk.out to simulate', DEFAULT_STACK_NAME)
    .option('--synth', 'synthesize even when cdk.out is fresh')
    .addOption(
      new Option('--simulate <scenario>', 'what the simulated SageMaker does (default: everything succeeds)').choices(SCENARIO_NAMES),
    )
    .option('--json', 'print one JSON document')
    .action(async (opts) => {
      const out = outputFor(opts);
      exitCode = await runCommand(out, async () => {
        return dryRunCommand({ request: opts.request, region: opts.region, executionName: opts.executionName, stackName: opts.stack, synth: opts.synth, scenario: opts.simulate, root: ROOT }, out);
      });
    });

  program
    .command('validate')
    .description('Check a run request offline with the code the pipeline runs (Prepare run)')
    .argument('<file>', 'run request JSON file')
    .option('--data-bucket <name>', 'the deployed data bucket (stack output DataBucketName), to check S3 URIs')
    .option('--artifact-bucket <name>', 'the deployed artifact bucket (stack output ArtifactBucketName)')
    .option('--json', 'print one JSON document')
    .action(async (file: string, opts) => {
      const out = outputFor(opts);
      exitCode = await runCommand(out, async () => {
        return validateCommand({ file, dataBucket: opts.dataBucket, artifactBucket: opts.artifactBucket }, out);
      });
    });

  program
    .command('estimate')
    .description('What a run would cost, offline: training and batch transform at list prices, the most it can cost, and the assumptions')
    .option('--request <file>', 'run request JSON file (default: {}, the reference run)')
    .option('--region <region>', 'Region whose prices to use (default: AWS_REGION, else us-east-1)')
    .option('--images <n>', 'images in the batch input (default: 1000; the input is in S3 and not read offline)', positiveInteger)
    .option('--json', 'print one JSON document')
    .action(async (opts) => {
      const out = outputFor(opts);
      exitCode = await runCommand(out, () => estimateCommand({ request: opts.request, region: opts.region, images: opts.images }, out));
    });

  program
    .command('prepare-data')
    .description('Turn a folder of class folders into a training set (RecordIO or images + .lst) and a run request with its numbers')
    .argument('<images-dir>', 'images laid out as <images-dir>/<class folder>/<image files> (JPEG or PNG, any depth)')
    .requiredOption('--out <dir>', 'output folder (new, empty, or an earlier prepare-data output, which is replaced)')
    .option('--format <format>', 'recordio (RecordIO files) or lst (image files + .lst lists)', 'recordio')
    .option('--validation-fraction <fraction>', 'share of each class for validation, between 0 and 1', fraction, DEFAULT_VALIDATION_FRACTION)
    .option('--seed <n>', 'seed of the split and the record order', wholeNumber, DEFAULT_SEED)
    .option('--name <name>', 'dataset name: file names and s3://<data bucket>/datasets/<name>/ (default: the folder name)')
    .option('--data-bucket <name>', 'the deployed data bucket (stack output DataBucketName), for the run request URIs')
    .option('--upload', 'upload to the data bucket of the deployed stack')
    .option('--force', 'with --upload: replace a different dataset of the same name')
    .option('--stack <name>', 'the deployed pipeline stack (with --upload)', DEFAULT_STACK_NAME)
    .option('--region <region>', 'Region of the stack (default: AWS_REGION or your AWS profile)')
    .option('--json', 'print dataset.json as one JSON document')
    .action(async (imagesDir: string, opts) => {
      const out = outputFor(opts);
      exitCode = await runCommand(out, () =>
        prepareDataCommand(
          {
            imagesDir,
            out: opts.out,
            format: opts.format,
            validationFraction: opts.validationFraction,
            seed: opts.seed,
            name: opts.name,
            dataBucket: opts.dataBucket,
            upload: opts.upload,
            force: opts.force,
            stackName: opts.stack,
            progressStream: process.stdout,
          },
          out,
          () => awsDeps(opts.region),
        ),
      );
    });

  const aws = (command: Command) =>
    command
      .option('--stack <name>', 'the deployed pipeline stack', DEFAULT_STACK_NAME)
      .option('--region <region>', 'Region of the stack (default: AWS_REGION or your AWS profile)')
      .option('--json', 'print one JSON document');

  aws(
    program
      .command('start')
      .description('Start a run on the deployed stack (the request is validated locally first)')
      .option('--request <file>', 'run request JSON file (default: {}, the reference run)')
      .option('--wait', 'follow the run until it ends (exit 1 if it does not succeed)')
      .option('--interval <seconds>', 'seconds between polls with --wait', positiveInteger, DEFAULT_POLL_SECONDS),
  ).action(async (opts) => {
    const out = outputFor(opts);
    exitCode = await runCommand(out, () =>
      startCommand({ request: opts.request, stackName: opts.stack, wait: opts.wait, pollSeconds: opts.interval }, awsDeps(opts.region), out),
    );
  });

  aws(
    program
      .command('status')
      .description('Show a run: its current state, SageMaker job status, elapsed and billable time, accuracy')
      .argument('[execution]', 'execution name or ARN (default: the latest run)')
      .option('--wait', 'follow the run until it ends (exit 1 if it does not succeed)')
      .option('--interval <seconds>', 'seconds between polls with --wait', positiveInteger, DEFAULT_POLL_SECONDS),
  ).action(async (execution: string | undefined, opts) => {
    const out = outputFor(opts);
    exitCode = await runCommand(out, () =>
      statusCommand({ execution, stackName: opts.stack, wait: opts.wait, pollSeconds: opts.interval }, awsDeps(opts.region), out),
    );
  });

  aws(
    program
      .command('list')
      .description('List recent runs: status, start, duration, validation accuracy')
      .option('--max <n>', 'how many runs', positiveInteger, 10),
  ).action(async (opts) => {
    const out = outputFor(opts);
    exitCode = await runCommand(out, () => listCommand({ stackName: opts.stack, max: opts.max }, awsDeps(opts.region), out));
  });

  aws(
    program
      .command('results')
      .description("Download a run's predictions: top class per image, count per class, and a CSV")
      .argument('[execution]', 'execution name or ARN (default: the latest succeeded run)')
      .option('--out <dir>', 'directory for predictions.csv (default: ./results/<run id>/)')
      .option('--classes <file>', 'class names, one per line, line i = class i (default: Caltech-256)'),
  ).action(async (execution: string | undefined, opts) => {
    const out = outputFor(opts);
    exitCode = await runCommand(out, () =>
      resultsCommand({ execution, stackName: opts.stack, outDir: opts.out, classesFile: opts.classes }, awsDeps(opts.region), out),
    );
  });

  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; every parse error is a usage error.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    throw error;
  }
  return exitCode;
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`Error: ${(error as Error)?.message ?? String(error)}\n`);
    process.exitCode = EXIT.failure;
  },
);
