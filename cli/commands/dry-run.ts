// The local runner (aws-local-stepfunctions) needs Promise.withResolvers, which Node.js 20 lacks.
import '../../simulation/promise-with-resolvers';
import type { RunRejection } from '../../core/prepare-run-output';
import { problemLine } from '../../core/problems';
import { ACCURACY_BELOW_GATE_ERROR, STATE_NAMES } from '../../core/state-names';
import { EXIT } from '../errors';
import type { Output } from '../output';
import { readRequestFile } from '../request-file';
import type { CloudFormationTemplate } from '../../simulation/definition';
import { type EventLog, LocalPipeline } from '../../simulation/local-run';
import { type Scenario, SCENARIOS, type ScenarioName } from '../../simulation/scenarios';
import { type SageMakerCall, SageMakerStandIn } from '../../simulation/sagemaker-stand-in';
import { loadTemplate, type TemplateSource } from '../template-source';
import { DEFAULT_STACK_NAME } from '../aws/stack';
import { estimateTable, offlineEstimate } from '../estimate-table';

/** The account in the simulated ARNs: a placeholder, no account is used. */
export const DRY_RUN_ACCOUNT = '123456789012';
export const DEFAULT_DRY_RUN_REGION = 'us-east-1';
export const DEFAULT_DRY_RUN_EXECUTION_NAME = 'dry-run';
const TAG = '[simulated]';

export interface DryRunOptions {
  /** Run request file. @default - `{}`, the reference run */
  readonly request?: string;
  /** @default - AWS_REGION, else us-east-1 */
  readonly region?: string;
  /** @default 'dry-run' */
  readonly executionName?: string;
  /** @default 'ImageClassificationPipeline' */
  readonly stackName?: string;
  /** Synthesize even when cdk.out is fresh. */
  readonly synth?: boolean;
  /** What the simulated SageMaker does. @default - every call succeeds and every job completes */
  readonly scenario?: ScenarioName;
  /** Project directory. */
  readonly root: string;
}

export interface DryRunDeps {
  /** Synthesizes the app into `<root>/cdk.out` when it is missing or stale (bin/dry-run-synth.ts). */
  readonly synth?: (root: string) => void | Promise<void>;
  /** @default - cdk.out, synthesized with `synth` when stale */
  readonly loadTemplate?: (options: Parameters<typeof loadTemplate>[0]) => TemplateSource | Promise<TemplateSource>;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Readable stand-ins for the bucket names CloudFormation generates at deploy time: `<data-bucket>` for the
 * bucket of output `DataBucketName`, and so on for every `…BucketName` output that is a `Ref`.
 */
export function placeholderBucketNames(template: CloudFormationTemplate): Record<string, string> {
  const names: Record<string, string> = {};
  for (const [key, output] of Object.entries(template.Outputs ?? {})) {
    const ref = (output.Value as { Ref?: unknown } | undefined)?.Ref;
    if (!key.endsWith('BucketName') || typeof ref !== 'string') continue;
    const words = key.slice(0, -'Name'.length).replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
    names[ref] = `<${words}>`;
  }
  return names;
}

/**
 * `dry-run`: runs the synthesized state machine offline with the real Prepare run and Resolve image
 * handler code and the SageMaker stand-in, printing each state, each SageMaker request and the summary.
 * @returns 0 when the simulated run succeeds, 1 when it fails (e.g. a rejected request)
 */
export async function dryRunCommand(options: DryRunOptions, out: Output, deps: DryRunDeps = {}): Promise<number> {
  const env = deps.env ?? process.env;
  const request = readRequestFile(options.request);
  const region = options.region ?? env.AWS_REGION ?? DEFAULT_DRY_RUN_REGION;
  const regionFrom = options.region ? '--region' : env.AWS_REGION ? 'AWS_REGION' : 'default';
  const executionName = options.executionName ?? DEFAULT_DRY_RUN_EXECUTION_NAME;
  const stackName = options.stackName ?? DEFAULT_STACK_NAME;
  const c = out.c;

  out.line(c.bold('ic-pipeline dry-run: a local simulation. Nothing is deployed, no AWS API is called, no credentials are used.'));
  out.line(c.dim('Synthesizing the app into cdk.out unless it is fresh…'));
  const synth = deps.synth ?? (() => {
    throw new Error('no synthesizer given');
  });
  const source: TemplateSource = await (deps.loadTemplate ?? loadTemplate)({ root: options.root, stackName, forceSynth: options.synth, synth });
  const physicalNames = placeholderBucketNames(source.template);
  const pipeline = new LocalPipeline(source.template, { account: DRY_RUN_ACCOUNT, region, stackName, physicalNames });
  const buckets = pipeline.buckets;

  out.line(`Template:  ${source.how === 'reused' ? 'reused' : 'synthesized'} ${source.path} (${source.reason})`);
  out.line(`Region:    ${region} (${regionFrom})   account: ${DRY_RUN_ACCOUNT} (placeholder)   execution name: ${executionName}`);
  out.line(`Buckets:   ${buckets.data} and ${buckets.artifact} are placeholders: CloudFormation names the buckets at deploy time.`);
  out.line(`Request:   ${options.request ?? '(none: {}, the Caltech-256 reference run)'} ${JSON.stringify(request)}`);
  out.line(c.dim('Lambda states run the real handler code; SageMaker is a stand-in that checks each request against the API limits.'));
  const cost = offlineEstimate(request, region, executionName, { dataBucket: buckets.data, artifactBucket: buckets.artifact });
  if (cost) {
    out.line(`Estimate:  what the run would cost in ${region} (USD, list prices as of ${cost.estimate.pricesAsOf}; \`ic-pipeline estimate\` states the assumptions)`);
    for (const line of estimateTable(cost.estimate)) out.line(`  ${line}`);
    for (const warning of cost.warnings) out.line(`${c.yellow('Warning:')}   ${warning}`);
  }
  out.line();

  const scenario: Scenario | undefined = options.scenario === undefined ? undefined : SCENARIOS[options.scenario];
  if (scenario) out.line(`Scenario:  ${options.scenario}: ${scenario.description}`);
  const sagemaker = new SageMakerStandIn({
    account: DRY_RUN_ACCOUNT,
    region,
    outcomes: scenario?.outcomes,
    // An earlier run's model (incremental training) is under the artifact bucket's runs/, as the pipeline requires.
    artifactBucket: buckets.artifact,
    ...(scenario?.finalMetrics ? { finalMetrics: scenario.finalMetrics } : {}),
  });
  const events: { type: string; state?: string; error?: string; cause?: string }[] = [];
  // The runner reports events a little after they happen, so a state's calls are picked by API, not by time.
  const statesOfApi: Record<string, readonly string[]> = {
    CreateTrainingJob: [STATE_NAMES.train],
    CreateHyperParameterTuningJob: [STATE_NAMES.tune],
    DescribeTrainingJob: [STATE_NAMES.describeBaseTrainingJob, STATE_NAMES.describeBestTrainingJob],
    CreateModel: [STATE_NAMES.createModel, STATE_NAMES.createModelFromPackage],
    CreateTransformJob: [STATE_NAMES.transform],
    CreateModelPackage: [STATE_NAMES.registerModel],
    DescribeModelPackage: [STATE_NAMES.describeModelPackage],
    CreateEndpointConfig: [STATE_NAMES.createEndpointConfig],
    CreateEndpoint: [STATE_NAMES.createEndpoint],
    UpdateEndpoint: [STATE_NAMES.updateEndpoint],
    DescribeEndpoint: [STATE_NAMES.findEndpoint, STATE_NAMES.describeEndpoint],
  };
  const sagemakerStates = Object.values(statesOfApi).flat();
  const printed = new Set<SageMakerCall>();
  const printCalls = (state?: string) => {
    for (const call of sagemaker.calls) {
      if (printed.has(call) || (state !== undefined && !statesOfApi[call.api]?.includes(state))) continue;
      printCall(call, out);
      printed.add(call);
    }
  };

  let rejection: RunRejection | undefined;
  const onEvent = (event: EventLog) => {
    if (!('state' in event)) return;
    const name = event.state.name;
    const record: (typeof events)[number] = { type: event.type, state: name };
    switch (event.type) {
      case 'StateEntered':
        out.line(`${TAG} ${c.cyan('▶')} ${c.bold(name)} ${c.dim(`(${event.state.type})`)}`);
        break;
      case 'StateExited': {
        if (sagemakerStates.includes(name)) printCalls(name);
        if (name === STATE_NAMES.prepareRun) rejection = (event.state.output as { rejection?: RunRejection } | undefined)?.rejection;
        const note = stateNote(name, event.state.output, region);
        if (note) out.line(`${TAG}   ${note}`);
        break;
      }
      case 'StateFailed':
        if (sagemakerStates.includes(name)) printCalls(name);
        record.error = event.Error;
        record.cause = String(event.Cause);
        // A Fail state's error and cause are the run's, printed once at the end.
        if (event.state.type !== 'Fail') out.line(`${TAG}   ${c.red('✗')} ${event.Error}: ${truncate(String(event.Cause), 600)}`);
        break;
      case 'StateRetried':
        out.line(`${TAG}   ↻ retry ${event.retry.attempt} (${event.retry.retrier.ErrorEquals.join(', ')})`);
        break;
      case 'StateCaught':
        out.line(`${TAG}   caught (${event.catch.catcher.ErrorEquals.join(', ')}) → ${event.catch.catcher.Next}`);
        break;
      default:
        break;
    }
    events.push(record);
  };

  const outcome = await pipeline.run(request, { executionName, region, sagemaker, onEvent });
  printCalls();

  const calls = sagemaker.calls.map((call) => ({ api: call.api, request: call.request, ...(call.error ? { error: call.error } : { response: call.response }) }));
  if (out.jsonMode) {
    out.json({
      simulated: true,
      template: { path: source.path, how: source.how, reason: source.reason },
      region,
      account: DRY_RUN_ACCOUNT,
      executionName,
      placeholderBuckets: { data: buckets.data, artifact: buckets.artifact },
      request,
      ...(cost ? { estimate: cost.estimate, warnings: cost.warnings } : {}),
      status: outcome.status,
      states: outcome.states,
      sagemakerCalls: calls,
      notifications: outcome.notifications,
      ...(outcome.status === 'SUCCEEDED' ? { output: outcome.output } : { error: outcome.error, cause: outcome.cause }),
      ...(rejection ? { problems: rejection.problems } : {}),
    });
    return outcome.status === 'SUCCEEDED' ? EXIT.ok : EXIT.failure;
  }

  out.line();
  for (const notification of outcome.notifications) out.line(`${TAG} SNS notification sent: "${notification.subject}"`);
  const apis = calls.map((call) => call.api);
  if (outcome.status === 'SUCCEEDED') {
    out.line(`${TAG} ${c.green('Run succeeded.')} ${apis.length} SageMaker call${apis.length === 1 ? '' : 's'} would be made: ${apis.join(', ') || 'none'}.`);
    out.line(`${TAG} Run summary (the execution output):`);
    for (const line of JSON.stringify(outcome.output, null, 2).split('\n')) out.line(`  ${line}`);
    out.line();
    out.line(c.dim('Job times and metrics are stand-in values. To run it for real: npx cdk deploy, then ic-pipeline start' + (options.request ? ` --request ${options.request}` : '') + '.'));
    return EXIT.ok;
  }
  out.line(`${TAG} ${c.red('Run failed')}, as the deployed pipeline would fail, with:`);
  out.line(`  error: ${outcome.error}`);
  out.line(`  cause: ${outcome.cause}`);
  for (const problem of rejection?.problems ?? []) out.line(`    - ${problemLine(problem)}`);
  out.warn(`${c.red('Error:')} the simulated run failed: ${outcome.error} (the cause is above).`);
  out.warn(
    `${c.yellow('Next:')} ` +
      (rejection !== undefined
        ? 'fix the request and run the dry-run again (`ic-pipeline validate <file>` lists each problem).'
        : outcome.error === ACCURACY_BELOW_GATE_ERROR
          ? 'the model was trained but not created: see the accuracy and the model artifact in the cause above.'
          : 'see the failing state above; nothing was spent.'),
  );
  return EXIT.failure;
}

/** What a state produced, in a line, for the states whose output says something. */
function stateNote(state: string, output: unknown, region: string): string | undefined {
  const o = (output ?? {}) as Record<string, any>;
  if (state === STATE_NAMES.prepareRun && o.rejection) {
    return `request rejected (real prepare-run handler code): ${o.rejection.problems.length} problem${o.rejection.problems.length === 1 ? '' : 's'}`;
  }
  if (state === STATE_NAMES.prepareRun && o.run) {
    return `request accepted (real prepare-run handler code): run id ${o.run.runId}, mode ${o.run.mode}`;
  }
  if (state === STATE_NAMES.resolveImage && o.image) {
    return `algorithm image in ${region} (real resolve-image handler code): ${o.image.imageUri}`;
  }
  return undefined;
}

function printCall(call: SageMakerCall, out: Output): void {
  out.line(`${TAG}   SageMaker ${out.c.bold(call.api)} request (checked by the stand-in against the SageMaker API limits):`);
  for (const line of JSON.stringify(call.request, null, 2).split('\n')) out.line(`      ${line}`);
  if (call.error) {
    out.line(`${TAG}   ${out.c.red('✗')} SageMaker answered ${call.error.name}: ${truncate(call.error.message, 600)}`);
    return;
  }
  const response = (call.response ?? {}) as Record<string, any>;
  if (call.api === 'CreateTrainingJob') {
    const metrics = ((response.FinalMetricDataList ?? []) as { MetricName: string; Value: number }[])
      .map((m) => `${m.MetricName} ${m.Value}`)
      .join(', ');
    out.line(
      `${TAG}   → training job ${response.TrainingJobName} ${response.TrainingJobStatus}` +
        // DescribeTrainingJob may leave the times out (the no-training-metrics scenario does).
        (response.TrainingTimeInSeconds !== undefined ? ` after ${response.TrainingTimeInSeconds} s` : '') +
        (response.BillableTimeInSeconds !== undefined ? ` (billable ${response.BillableTimeInSeconds} s)` : '') +
        `${metrics ? `; ${metrics}` : ''} (stand-in values)`,
    );
  } else if (call.api === 'CreateHyperParameterTuningJob') {
    const counters = response.TrainingJobStatusCounters ?? {};
    const best = response.BestTrainingJob;
    const objective = best?.FinalHyperParameterTuningJobObjectiveMetric;
    const tuned = Object.entries((best?.TunedHyperParameters ?? {}) as Record<string, string>).map(([name, value]) => `${name}=${value}`).join(' ');
    out.line(
      `${TAG}   → tuning job ${response.HyperParameterTuningJobName} ${response.HyperParameterTuningJobStatus}: ` +
        `${counters.Completed ?? 0} of ${response.HyperParameterTuningJobConfig?.ResourceLimits?.MaxNumberOfTrainingJobs ?? '?'} training jobs completed` +
        (best ? `; best ${best.TrainingJobName} (${tuned}) with ${objective?.MetricName} ${objective?.Value}` : '; no best training job') +
        ' (stand-in values)',
    );
  } else if (call.api === 'DescribeTrainingJob') {
    const metrics = ((response.FinalMetricDataList ?? []) as { MetricName: string; Value: number }[]).map((m) => `${m.MetricName} ${m.Value}`).join(', ');
    out.line(
      // Only a completed job has ModelArtifacts.
      `${TAG}   → training job ${response.TrainingJobName} ${response.TrainingJobStatus}; ` +
        `${response.ModelArtifacts?.S3ModelArtifacts ? `model ${response.ModelArtifacts.S3ModelArtifacts}` : 'no model'}` +
        `${metrics ? `; ${metrics}` : ''} (AWS SDK integration; stand-in values)`,
    );
  } else if (call.api === 'CreateModel') {
    out.line(`${TAG}   → model ${response.ModelArn}`);
  } else if (call.api === 'CreateModelPackage') {
    out.line(`${TAG}   → registered model package version ${response.ModelPackageArn} (stand-in values)`);
  } else if (call.api === 'DescribeModelPackage') {
    out.line(`${TAG}   → version ${response.ModelPackageVersion}: ${response.ModelApprovalStatus ?? 'no approval status'}`);
  } else if (call.api === 'CreateEndpointConfig') {
    out.line(`${TAG}   → endpoint config ${response.EndpointConfigArn}`);
  } else if (call.api === 'CreateEndpoint' || call.api === 'UpdateEndpoint') {
    out.line(`${TAG}   → endpoint ${response.EndpointArn} (an endpoint bills every hour it exists, used or not: ic-pipeline undeploy deletes it)`);
  } else if (call.api === 'DescribeEndpoint') {
    out.line(
      `${TAG}   → endpoint ${response.EndpointName} ${response.EndpointStatus} on endpoint config ${response.EndpointConfigName}` +
        `${response.FailureReason ? `; FailureReason: ${response.FailureReason}` : ''} (poll; stand-in values)`,
    );
  } else {
    out.line(`${TAG}   → transform job ${response.TransformJobName} ${response.TransformJobStatus}; predictions to ${response.TransformOutput?.S3OutputPath}`);
  }
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
