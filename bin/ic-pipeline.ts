#!/usr/bin/env node
/**
 * ic-pipeline: the operator's command line of the image-classification pipeline. Only wiring lives here:
 * each command is a function in cli/commands/ that takes its clients and output, so it can be tested.
 *
 * Start-up is kept small: this file loads commander and a few constants only. A command's module, and
 * with it the AWS SDK, is loaded when the command runs, so `--help` and `--version` answer at once.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option, type OptionValues } from 'commander';
import type { AwsDeps } from '../cli/aws/clients';
import { DEFAULT_POLL_SECONDS, DEFAULT_SEED, DEFAULT_TEST_FRACTION, DEFAULT_VALIDATION_FRACTION } from '../cli/defaults';
import { CliError, EXIT } from '../cli/errors';
import { createOutput, type Output } from '../cli/output';
import { SCENARIO_NAMES } from '../simulation/scenarios';
import { DEFAULT_ENDPOINT_INSTANCE_TYPE } from '../core/endpoint';
import { STACK_OUTPUTS } from '../core/stack-outputs';
import { PIPELINE_STACK_NAME as DEFAULT_STACK_NAME } from '../lib/stack-name';

/**
 * The folder of package.json and cdk.json, where a dry run keeps its cdk.out: the project root when this
 * runs from its TypeScript source (bin/ic-pipeline.ts, `npm run pipeline`), the package root when it runs
 * compiled (dist/bin/ic-pipeline.js, the installed `ic-pipeline`). Found from this file, never from the
 * working directory, so the command works from any folder.
 */
const ROOT = resolve(__dirname, __filename.endsWith('.js') ? '../..' : '..');

// Each command module is require()d when its command runs, typed by `typeof import()`: compiled, this is
// CommonJS; from source it runs under tsx's CommonJS hook (bin/ic-pipeline.cjs), which serves require() but not import().
/* eslint-disable @typescript-eslint/no-require-imports */
const load = {
  runCommand: () => require('../cli/run-command') as typeof import('../cli/run-command'),
  clients: () => require('../cli/aws/create-clients') as typeof import('../cli/aws/create-clients'),
  dryRun: () => require('../cli/commands/dry-run') as typeof import('../cli/commands/dry-run'),
  dryRunSynth: () => require('./dry-run-synth') as typeof import('./dry-run-synth'),
  validate: () => require('../cli/commands/validate') as typeof import('../cli/commands/validate'),
  estimate: () => require('../cli/commands/estimate') as typeof import('../cli/commands/estimate'),
  prepareData: () => require('../cli/commands/prepare-data') as typeof import('../cli/commands/prepare-data'),
  prepareBatch: () => require('../cli/commands/prepare-batch') as typeof import('../cli/commands/prepare-batch'),
  start: () => require('../cli/commands/start') as typeof import('../cli/commands/start'),
  status: () => require('../cli/commands/status') as typeof import('../cli/commands/status'),
  stop: () => require('../cli/commands/stop') as typeof import('../cli/commands/stop'),
  logs: () => require('../cli/commands/logs') as typeof import('../cli/commands/logs'),
  list: () => require('../cli/commands/list') as typeof import('../cli/commands/list'),
  results: () => require('../cli/commands/results') as typeof import('../cli/commands/results'),
  report: () => require('../cli/commands/report') as typeof import('../cli/commands/report'),
  policy: () => require('../cli/commands/policy') as typeof import('../cli/commands/policy'),
  evaluate: () => require('../cli/commands/evaluate') as typeof import('../cli/commands/evaluate'),
  endpoints: () => require('../cli/commands/endpoints') as typeof import('../cli/commands/endpoints'),
  predict: () => require('../cli/commands/predict') as typeof import('../cli/commands/predict'),
};
/* eslint-enable @typescript-eslint/no-require-imports */

// The SDK warns on every command that releases after January 2027 will need Node.js 22; this project
// supports Node.js 20 (package.json engines), so the warning is only noise here. Set it to "false" to see it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

interface CommonOptions {
  readonly json?: boolean;
  /** false with --no-color */
  readonly color?: boolean;
}

function outputFor(options: CommonOptions): Output {
  return createOutput({
    stdout: process.stdout,
    stderr: process.stderr,
    json: options.json,
    tty: Boolean(process.stdout.isTTY),
    stderrTty: Boolean(process.stderr.isTTY),
    ...(options.color === false ? { color: false } : {}),
    columns: () => process.stdout.columns,
  });
}

/**
 * Ctrl-C while a command runs: the first one aborts the command's signal (a command that waits or
 * downloads then ends at once, saying what goes on, with exit code 130); a command that does not listen
 * is ended after a moment, and a second Ctrl-C ends at once.
 */
function interruptSignal(out: Output): AbortSignal {
  const controller = new AbortController();
  let count = 0;
  process.on('SIGINT', () => {
    count += 1;
    if (count > 1) process.exit(EXIT.interrupted);
    controller.abort(new CliError('Interrupted.', { code: 'Interrupted', exitCode: EXIT.interrupted }));
    setTimeout(() => {
      out.endProgress();
      process.stderr.write('Interrupted.\n');
      process.exit(EXIT.interrupted);
    }, 2_000).unref();
  });
  return controller.signal;
}

/** The AWS clients of one command, with the command's --region and --profile. */
function awsDeps(opts: { region?: string; profile?: string }, signal?: AbortSignal): AwsDeps {
  return load.clients().createAwsDeps({ region: opts.region, profile: opts.profile, signal });
}

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError('must be a whole number >= 1');
  return number;
}

function boundedInteger(max: number) {
  return (value: string): number => {
    const number = positiveInteger(value);
    if (number > max) throw new InvalidArgumentError(`must be a whole number from 1 to ${max}`);
    return number;
  };
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

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  // With --json, every outcome is one JSON document on stdout, usage errors included: commander's own
  // error text is kept back and reported as {"error": …} below.
  const jsonMode = argv.slice(2).includes('--json');
  let usageText = '';
  const program = new Command('ic-pipeline')
    .description('Dry-run, validate, start, stop, follow and read runs of the image-classification pipeline')
    .version(packageVersion(), '-V, --version', 'print the version of ic-pipeline')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (text) => (jsonMode ? (usageText += text) : process.stderr.write(text)) })
    .exitOverride();

  /** Runs a command's function the way every command runs: its Output, its error report, its exit code. */
  const run = async (opts: CommonOptions, command: (out: Output) => Promise<number> | number) => {
    const out = outputFor(opts);
    exitCode = await load.runCommand().runCommand(out, () => command(out));
  };

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
    .action((opts) =>
      run(opts, (out) =>
        load.dryRun().dryRunCommand({ request: opts.request, region: opts.region, executionName: opts.executionName, stackName: opts.stack, synth: opts.synth, scenario: opts.simulate, root: ROOT }, out, {
          // The CDK is loaded only when cdk.out must be synthesized.
          synth: (root) => load.dryRunSynth().synthesizeForDryRun(root),
        }),
      ),
    );

  program
    .command('validate')
    .description('Check a run request offline with the code the pipeline runs (Prepare run)')
    .argument('<file>', 'run request JSON file')
    .option('--data-bucket <name>', `the deployed data bucket (stack output ${STACK_OUTPUTS.dataBucketName}), to check S3 URIs`)
    .option('--artifact-bucket <name>', `the deployed artifact bucket (stack output ${STACK_OUTPUTS.artifactBucketName})`)
    .option('--json', 'print one JSON document')
    .action((file: string, opts) =>
      run(opts, (out) => load.validate().validateCommand({ file, dataBucket: opts.dataBucket, artifactBucket: opts.artifactBucket }, out)),
    );

  program
    .command('estimate')
    .description('What a run would cost, offline: training and batch transform at list prices, the most it can cost, and the assumptions')
    .option('--request <file>', 'run request JSON file (default: {}, the reference run)')
    .option('--region <region>', 'Region whose prices to use (default: AWS_REGION, else us-east-1)')
    .option('--images <n>', 'images in the batch input (default: 1000; the input is in S3 and not read offline)', positiveInteger)
    .option('--json', 'print one JSON document')
    .action((opts) => run(opts, (out) => load.estimate().estimateCommand({ request: opts.request, region: opts.region, images: opts.images }, out)));

  // The conversion options of prepare-data and prepare-batch. No commander defaults: prepare-data tells a
  // value given with --keep-original (an error) from one left out; the defaults are in the help text.
  const conversionOptions = (command: Command) =>
    command
      .option('--short-side <px>', "shorter side of every written image, in pixels (default: 256; the run request's resize follows it)", wholeNumber)
      .option('--quality <1-100>', 'JPEG quality of the written images (default: 90)', wholeNumber)
      .option('--min-side <px>', 'leave out images whose shorter side is below this (default: 32)', wholeNumber)
      .option('--background <colour>', 'what transparent pixels are flattened onto: white, black, gray or #rrggbb (default: white)');
  /** prepare-data's and prepare-batch's upload options: `what` is where the files go, `uses` what the bucket is for. */
  const uploadOptions = (command: Command, what: string, uses: string, force: string) =>
    command
      .option('--data-bucket <name>', `the deployed data bucket (stack output ${STACK_OUTPUTS.dataBucketName}), for ${uses}`)
      .option('--upload', `upload ${what} to the data bucket of the deployed stack`)
      .option('--force', `with --upload: ${force}`)
      .option('--stack <name>', 'the deployed pipeline stack (with --upload)', DEFAULT_STACK_NAME)
      .option('--region <region>', 'Region of the stack (default: AWS_REGION or your AWS profile)')
      .option('--profile <name>', 'AWS profile of ~/.aws/config (default: AWS_PROFILE, else the default profile)');
  /** What conversionOptions and uploadOptions parsed, as prepare-data and prepare-batch take it. */
  const conversionAndUpload = (opts: OptionValues) => ({
    shortSide: opts.shortSide,
    quality: opts.quality,
    minSide: opts.minSide,
    background: opts.background,
    dataBucket: opts.dataBucket,
    upload: opts.upload,
    force: opts.force,
    stackName: opts.stack,
    progressStream: process.stdout,
  });

  uploadOptions(
    conversionOptions(
      program
        .command('prepare-data')
        .description('Turn a folder of class folders into a training set (RecordIO or images + .lst), a labelled test set and a run request with its numbers')
        .argument('<images-dir>', 'images laid out as <images-dir>/<class folder>/<image files> (JPEG, PNG, WebP, GIF, TIFF, AVIF; any depth)')
        .requiredOption('--out <dir>', 'output folder (new, empty, or an earlier prepare-data output, which is replaced)')
        .option('--format <format>', 'recordio (RecordIO files) or lst (image files + .lst lists)', 'recordio')
        .option('--validation-fraction <fraction>', 'share of each class for validation, between 0 and 1', fraction, DEFAULT_VALIDATION_FRACTION)
      .option('--test-fraction <fraction>', 'share of each class held out as labelled test images under test/ (0: none)', fraction, DEFAULT_TEST_FRACTION)
        .option('--seed <n>', 'seed of the split and the record order', wholeNumber, DEFAULT_SEED),
    )
      .option('--keep-original', 'pack JPEG and PNG files as they are (headers checked only) instead of decoding and converting them')
      .option('--name <name>', 'dataset name: file names and s3://<data bucket>/datasets/<name>/ (default: the folder name)'),
    'the dataset',
    'the run request URIs',
    'replace a different dataset of the same name',
  )
    .option('--json', 'print dataset.json as one JSON document')
    .action((imagesDir: string, opts) =>
      run(opts, (out) =>
        load.prepareData().prepareDataCommand(
          {
            imagesDir,
            out: opts.out,
            format: opts.format,
            validationFraction: opts.validationFraction,
            testFraction: opts.testFraction,
            seed: opts.seed,
            keepOriginal: opts.keepOriginal,
            name: opts.name,
            ...conversionAndUpload(opts),
          },
          out,
          () => awsDeps(opts),
        ),
      ),
    );

  uploadOptions(
    conversionOptions(
      program
        .command('prepare-batch')
        .description('Convert images to classify as prepare-data does (decoded, oriented, resized, JPEG), folders kept; print the batchInput to use')
        .argument('<dir>', 'the images to classify, in any folders (kept as they are)')
        .option('--out <dir>', 'output folder (default: <dir>-batch beside it; new, empty, or an earlier prepare-batch output)'),
    ).option('--name <name>', 'batch name: s3://<data bucket>/batches/<name>/ (default: the folder name)'),
    'the images (to batches/<name>/)',
    'the printed batchInput',
    'replace what is under batches/<name>/',
  )
    .option('--json', 'print batch.json as one JSON document')
    .action((imagesDir: string, opts) =>
      run(opts, (out) =>
        load.prepareBatch().prepareBatchCommand(
          {
            imagesDir,
            out: opts.out,
            name: opts.name,
            ...conversionAndUpload(opts),
          },
          out,
          () => awsDeps(opts),
        ),
      ),
    );

  /** The options of every command that calls AWS. */
  const aws = (command: Command) =>
    command
      .option('--stack <name>', 'the deployed pipeline stack', DEFAULT_STACK_NAME)
      .option('--region <region>', 'Region of the stack (default: AWS_REGION or your AWS profile)')
      .option('--profile <name>', 'AWS profile of ~/.aws/config (default: AWS_PROFILE, else the default profile)')
      .option('--json', 'print one JSON document');
  /** Runs an AWS command with its clients; Ctrl-C aborts the clients' signal. */
  const runAws = (opts: CommonOptions & { region?: string; profile?: string }, command: (deps: AwsDeps, out: Output) => Promise<number>) =>
    run(opts, (out) => command(awsDeps(opts, interruptSignal(out)), out));

  aws(
    program
      .command('start')
      .description('Start a run on the deployed stack (the request is validated locally first)')
      .option('--request <file>', 'run request JSON file (default: {}, the reference run)')
      .option('--wait', 'follow the run until it ends (exit 1 if it does not succeed)')
      .option('--interval <seconds>', 'seconds between polls with --wait', positiveInteger, DEFAULT_POLL_SECONDS),
  ).action((opts) =>
    runAws(opts, (deps, out) => load.start().startCommand({ request: opts.request, stackName: opts.stack, wait: opts.wait, pollSeconds: opts.interval }, deps, out)),
  );

  aws(
    program
      .command('status')
      .description('Show a run: its current state, SageMaker job status, elapsed and billable time, last epoch accuracy, log link')
      .argument('[execution]', 'execution name, ARN or run id (default: the latest run)')
      .option('--wait', 'follow the run until it ends (exit 1 if it does not succeed)')
      .option('--interval <seconds>', 'seconds between polls with --wait', positiveInteger, DEFAULT_POLL_SECONDS),
  ).action((execution: string | undefined, opts) =>
    runAws(opts, (deps, out) => load.status().statusCommand({ execution, stackName: opts.stack, wait: opts.wait, pollSeconds: opts.interval }, deps, out)),
  );

  aws(
    program
      .command('predict')
      .description('Classify images with a real-time endpoint of the stack (InvokeEndpoint); other formats and files over 6 MB are converted')
      .argument('<image...>', 'JPEG or PNG images (others that decode are converted)')
      .option('--endpoint <name>', 'the endpoint (default: <prefix>-endpoint)')
      .option('--top <n>', 'how many classes to show per image', positiveInteger, 5),
  ).action((images: string[], opts) =>
    runAws(opts, (deps, out) => load.predict().predictCommand({ images, endpoint: opts.endpoint, top: opts.top, stackName: opts.stack }, deps, out)),
  );

  aws(
    program
      .command('deploy')
      .description('Start a run that deploys a model package version (number or ARN) or a run\'s model to an endpoint; an endpoint bills every hour it exists')
      .argument('<target>', 'model package version (e.g. 3) or run id')
      .option('--endpoint <name>', 'the endpoint (default: <prefix>-endpoint)')
      .option('--instance-type <type>', `the endpoint instance type (default: ${DEFAULT_ENDPOINT_INSTANCE_TYPE})`)
      .option('--wait', 'follow the run until it ends'),
  ).action((target: string, opts) =>
    runAws(opts, (deps, out) =>
      load.endpoints().deployCommand({ target, endpoint: opts.endpoint, instanceType: opts.instanceType, wait: opts.wait, stackName: opts.stack }, deps, out),
    ),
  );

  aws(
    program
      .command('undeploy')
      .description('Delete an endpoint of the stack and its endpoint config (the model and its registry version stay)')
      .argument('<endpoint>', 'endpoint name'),
  ).action((endpoint: string, opts) => runAws(opts, (deps, out) => load.endpoints().undeployCommand({ endpoint, stackName: opts.stack }, deps, out)));

  aws(program.command('endpoints').description('List the stack\'s endpoints: status, instances, age, cost so far and per hour')).action((opts) =>
    runAws(opts, (deps, out) => load.endpoints().endpointsCommand({ stackName: opts.stack }, deps, out)),
  );

  aws(program.command('models').description('List the model registry versions: version, approval, validation accuracy, created, run')).action((opts) =>
    runAws(opts, (deps, out) => load.endpoints().modelsCommand({ stackName: opts.stack }, deps, out)),
  );

  for (const [name, status] of [['approve', 'Approved'], ['reject', 'Rejected']] as const) {
    aws(
      program
        .command(name)
        .description(`Set a model registry version to ${status}`)
        .argument('<version>', 'version number or ARN'),
    ).action((version: string, opts) =>
      runAws(opts, (deps, out) => load.endpoints().approvalCommand({ version, status, stackName: opts.stack }, deps, out)),
    );
  }

  aws(
    program
      .command('stop')
      .description('Stop a running run: Step Functions stops its SageMaker job (training or transform)')
      .argument('<execution>', 'execution name, ARN or run id')
      .option('--wait', 'wait until SageMaker has stopped the job'),
  ).action((execution: string, opts) =>
    runAws(opts, (deps, out) => load.stop().stopCommand({ execution, stackName: opts.stack, wait: opts.wait }, deps, out)),
  );

  aws(
    program
      .command('logs')
      .description("Show the CloudWatch log of a run's training and transform jobs, with the per-epoch accuracy")
      .argument('[execution]', 'execution name, ARN or run id (default: the latest run)')
      .addOption(new Option('--job <kind>', 'only this job').choices(['training', 'transform']))
      .option('--follow', 'keep reading until the run ends')
      .option('--epochs', 'only the table of epochs (train and validation accuracy per epoch)')
      .option('--interval <seconds>', 'seconds between reads with --follow', positiveInteger, 5),
  ).action((execution: string | undefined, opts) =>
    runAws(opts, (deps, out) =>
      load.logs().logsCommand({ execution, stackName: opts.stack, job: opts.job, follow: opts.follow, epochsOnly: opts.epochs, pollSeconds: opts.interval }, deps, out),
    ),
  );

  aws(
    program
      .command('list')
      .description('List recent runs: status, start, duration, validation accuracy')
      .option('--max <n>', 'how many runs', positiveInteger, 10),
  ).action((opts) => runAws(opts, (deps, out) => load.list().listCommand({ stackName: opts.stack, max: opts.max }, deps, out)));

  aws(
    program
      .command('results')
      .description("Download a run's predictions: a CSV of the best classes per image, and a summary")
      .argument('[execution]', 'execution name, ARN or run id (default: the latest run that made predictions)')
      .option('--out <dir>', 'directory for predictions.csv (default: ./results/<run id>/)')
      .option('--classes <file>', 'class names, one per line, line i = class i (default: the dataset\'s classes.txt, else Caltech-256)')
      .option('--top <k>', 'the k best classes per image in the CSV', boundedInteger(20), 1)
      .option('--concurrency <n>', 'prediction files downloaded at once', boundedInteger(64), 16),
  ).action((execution: string | undefined, opts) =>
    runAws(opts, (deps, out) =>
      load.results().resultsCommand({ execution, stackName: opts.stack, outDir: opts.out, classesFile: opts.classes, topK: opts.top, concurrency: opts.concurrency }, deps, out),
    ),
  );

  aws(
    program
      .command('report')
      .description('Write a self-contained HTML report of a run: summary, classes chart, epochs, a gallery of every image')
      .argument('[execution]', 'execution name, ARN or run id (default: the latest run that made predictions)')
      .option('--out <dir>', 'folder of the report (default: ./reports/<run id>/)')
      .option('--classes <file>', 'class names, one per line, line i = class i (default: the dataset\'s classes.txt, else Caltech-256)')
      .option('--concurrency <n>', 'files downloaded at once', boundedInteger(64), 16),
  ).action((execution: string | undefined, opts) =>
    runAws(opts, (deps, out) =>
      load.report().reportCommand({ execution, stackName: opts.stack, outDir: opts.out, classesFile: opts.classes, concurrency: opts.concurrency }, deps, out),
    ),
  );

  aws(
    program
      .command('policy')
      .description("Print the minimum IAM policy of this command line for the deployed stack, with its ARNs (--json: the policy document for aws iam create-policy)"),
  ).action((opts) => runAws(opts, (deps, out) => load.policy().policyCommand({ stackName: opts.stack }, deps, out)));

  aws(
    program
      .command('evaluate')
      .description('How good the model is on labelled inputs (<class folder>/<file>): accuracy, top-k, per-class precision/recall/F1, confusions')
      .argument('[execution]', 'execution name, ARN or run id (default: the latest run that made predictions)')
      .option('--top-k <n>', 'a prediction counts in top-k accuracy when the label is among its n best classes', boundedInteger(20), 5)
      .option('--save', 'also write the evaluation as evaluation.json next to the run\'s predictions in the artifact bucket')
      .option('--classes <file>', 'class names, one per line, line i = class i (default: the dataset\'s classes.txt, else Caltech-256)')
      .option('--concurrency <n>', 'prediction files downloaded at once', boundedInteger(64), 16),
  ).action((execution: string | undefined, opts) =>
    runAws(opts, (deps, out) =>
      load.evaluate().evaluateCommand({ execution, stackName: opts.stack, topK: opts.topK, save: Boolean(opts.save), classesFile: opts.classes, concurrency: opts.concurrency }, deps, out),
    ),
  );

  // --no-color on every command: colours follow each stream's terminal, and this turns them off.
  for (const command of program.commands) command.option('--no-color', 'no colours (also: the NO_COLOR environment variable)');

  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; every parse error is a usage error.
      if (error.exitCode === 0) return EXIT.ok;
      if (jsonMode) {
        const message = error.message.replace(/^error: /, '');
        process.stdout.write(`${JSON.stringify({ error: { code: 'UsageError', message, hint: 'Run with --help for usage.' } }, null, 2)}\n`);
      }
      return EXIT.usage;
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
    const message = (error as Error)?.message ?? String(error);
    if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify({ error: { code: 'InternalError', message } }, null, 2)}\n`);
    else process.stderr.write(`Error: ${message}\n`);
    process.exitCode = EXIT.failure;
  },
);
