// aws-local-stepfunctions 3.x calls Promise.withResolvers, which Node.js 20 lacks.
import './promise-with-resolvers';
import './quiet-lambda-logs';
import { StateMachine } from 'aws-local-stepfunctions';
import { handler as prepareRunHandler } from '../lambda/prepare-run/index';
import { handler as resolveImageHandler } from '../lambda/resolve-image/index';
import { STATE_NAMES } from '../core/state-names';
import {
  type CloudFormationTemplate,
  partitionOf,
  resolveIntrinsics,
  resourcesOfType,
  type SimulatedEnvironment,
  stateMachineDefinition,
  type StateMachineDefinition,
} from './definition';
import { listObjectsV2 } from './s3-stand-in';
import { SageMakerStandIn } from './sagemaker-stand-in';

export type { CloudFormationTemplate, SimulatedEnvironment, StateMachineDefinition } from './definition';

/** One event of a local run, as aws-local-stepfunctions reports it (the package does not export the type). */
export type EventLog = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

/** One message the state machine published to the notification topic. */
export interface PublishedNotification {
  readonly subject: string;
  readonly message: Record<string, unknown>;
}

/** What a local run did: its result or error, the states it went through, and what it sent. */
export interface LocalRunOutcome {
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly output?: Record<string, any>;
  readonly error?: string;
  readonly cause?: string;
  /** Names of the states entered, in order. */
  readonly states: string[];
  readonly notifications: PublishedNotification[];
  readonly sagemaker: SageMakerStandIn;
}

export interface LocalRunOptions {
  /** Execution name, as the console or the S3 trigger would give it. */
  readonly executionName?: string;
  /** The SageMaker stand-in to use (to configure failures). @default a new one */
  readonly sagemaker?: SageMakerStandIn;
  /** Region the Lambdas run in. @default - the Region of the pipeline's environment */
  readonly region?: string;
  /** Fails the named Lambda state with this error instead of running its handler. */
  readonly lambdaError?: { state: string; error: Error };
  /** Called with every event of the run as it happens (state entered, exited, failed, retried, …). */
  readonly onEvent?: (event: EventLog) => void;
}

/** Environment variables of the template's Lambda whose logical id starts with `prefix`, resolved. */
export function lambdaEnvironment(template: CloudFormationTemplate, prefix: string, env: SimulatedEnvironment): Record<string, string> {
  const entry = resourcesOfType(template, 'AWS::Lambda::Function').find(([id]) => id.startsWith(prefix));
  if (!entry) throw new Error(`no Lambda ${prefix}`);
  const variables = entry[1].Properties?.Environment?.Variables ?? {};
  return resolveIntrinsics(variables, template, env) as Record<string, string>;
}

async function withEnv<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  try {
    return await fn();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/**
 * Runs the synthesized state machine definition locally: the real handler code runs in the Lambda
 * states, the SageMaker stand-in answers the SageMaker states, and SNS publications are recorded.
 * Retry waits are shortened to 1 ms; everything else runs as written.
 *
 * `template` is the plain CloudFormation template (`cdk.out/<stack>.template.json`, or `Template.toJSON()`);
 * `env` says which account and Region its intrinsics resolve to (nothing here is deployed or called).
 */
export class LocalPipeline {
  readonly definition: StateMachineDefinition;
  private readonly machine: StateMachine;
  private readonly prepareRunEnv: Record<string, string>;
  private readonly resolveImageEnv: Record<string, string>;

  constructor(
    readonly template: CloudFormationTemplate,
    readonly env: SimulatedEnvironment,
  ) {
    this.definition = stateMachineDefinition(template, env);
    this.machine = localStateMachine(withLocalTimeouts(this.definition));
    this.prepareRunEnv = lambdaEnvironment(template, 'PrepareRunFunction', env);
    this.resolveImageEnv = lambdaEnvironment(template, 'ResolveImageFunction', env);
  }

  /** The bucket names the deployed Lambdas would see. */
  get buckets(): { data: string; artifact: string } {
    return { data: this.prepareRunEnv.DATA_BUCKET as string, artifact: this.prepareRunEnv.ARTIFACT_BUCKET as string };
  }

  /** The stack's name prefix (endpoint and model package group names). */
  get resourceNamePrefix(): string {
    return this.prepareRunEnv.RESOURCE_NAME_PREFIX as string;
  }

  get kmsKeyArn(): string {
    return this.prepareRunEnv.KMS_KEY_ARN as string;
  }

  async run(input: unknown, options: LocalRunOptions = {}): Promise<LocalRunOutcome> {
    const region = options.region ?? this.env.region;
    const account = this.env.account;
    const partition = partitionOf(region);
    const sagemaker = options.sagemaker ?? new SageMakerStandIn({ account, region, artifactBucket: this.buckets.artifact });
    const executionName = options.executionName ?? 'local-run-0001';
    const notifications: PublishedNotification[] = [];
    const lambda = (state: string, fn: (payload: any) => Promise<unknown>) => async (payload: unknown): Promise<any> => {
      if (options.lambdaError?.state === state) throw options.lambdaError.error;
      return fn(payload);
    };
    const retryIntervalOverrides = Object.fromEntries(
      Object.entries(this.definition.States)
        .filter(([, state]) => Array.isArray(state.Retry))
        .map(([name, state]) => [name, (state.Retry as unknown[]).map(() => 1)]),
    );

    const execution = this.machine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: {
          [STATE_NAMES.prepareRun]: lambda(STATE_NAMES.prepareRun, (payload) =>
            withEnv({ ...this.prepareRunEnv, AWS_REGION: region }, () => prepareRunHandler(payload)),
          ),
          [STATE_NAMES.resolveImage]: lambda(STATE_NAMES.resolveImage, (payload) =>
            withEnv({ ...this.resolveImageEnv, AWS_REGION: region }, () => resolveImageHandler(payload)),
          ),
          ...sagemaker.handlersFor({
            train: STATE_NAMES.train,
            createModel: STATE_NAMES.createModel,
            transform: STATE_NAMES.transform,
            tune: STATE_NAMES.tune,
            describeTrainingJob: [STATE_NAMES.describeBaseTrainingJob, STATE_NAMES.describeBestTrainingJob],
            registerModel: STATE_NAMES.registerModel,
            describeModelPackage: STATE_NAMES.describeModelPackage,
            createModelFromPackage: STATE_NAMES.createModelFromPackage,
            createEndpointConfig: STATE_NAMES.createEndpointConfig,
            createEndpoint: STATE_NAMES.createEndpoint,
            updateEndpoint: STATE_NAMES.updateEndpoint,
            describeEndpoint: [STATE_NAMES.findEndpoint, STATE_NAMES.describeEndpoint],
          }),
          // A failed transform's outputs are counted in S3: the objects the stand-in's jobs wrote.
          [STATE_NAMES.countTransformOutputs]: async (params: any) => JSON.parse(JSON.stringify(listObjectsV2(sagemaker.writtenObjects, params ?? {}))),
          [STATE_NAMES.notifySuccess]: async (params: any) => recordPublish(params, notifications),
          [STATE_NAMES.notifyFailure]: async (params: any) => recordPublish(params, notifications),
        },
        retryIntervalOverrides,
        // The endpoint poll waits a minute between DescribeEndpoint calls on AWS; locally it does not wait
        // (the stand-in's clock advances a minute per answer instead).
        waitTimeOverrides: Object.fromEntries(
          Object.entries(this.definition.States)
            .filter(([, state]) => state.Type === 'Wait')
            .map(([name]) => [name, 0]),
        ),
      },
      context: {
        Execution: {
          Id: `arn:${partition}:states:${region}:${account}:execution:Pipeline:${executionName}`,
          Name: executionName,
          Input: input,
          StartTime: '2026-11-28T10:00:00.000Z',
          RoleArn: `arn:${partition}:iam::${account}:role/PipelineStateMachineRole`,
        },
        StateMachine: { Id: `arn:${partition}:states:${region}:${account}:stateMachine:Pipeline`, Name: 'Pipeline' },
      } as never,
    });

    const states: string[] = [];
    const collect = (async () => {
      for await (const event of execution.eventLogs) {
        if (event.type === 'StateEntered') states.push(event.state.name);
        options.onEvent?.(event);
      }
    })();
    try {
      const output = (await execution.result) as Record<string, any>;
      await collect;
      return { status: 'SUCCEEDED', output, states, notifications, sagemaker };
    } catch (err) {
      await collect.catch(() => undefined);
      const failure = (err as { cause?: { name?: string; message?: string } }).cause ?? (err as Error);
      return { status: 'FAILED', error: failure.name, cause: failure.message, states, notifications, sagemaker };
    }
  }
}

/**
 * Node.js timers cannot wait longer than 2^31-1 ms (24.8 days): a longer setTimeout fires at once,
 * so the runner would time out the 35-day state machine and the 29-day training task immediately.
 * Locally every run completes in milliseconds, so timeouts are capped at one hour in this copy.
 */
const LOCAL_TIMEOUT_CAP_SECONDS = 3600;

/**
 * The runner's StateMachine for a definition, made once per definition and process. Its constructor
 * validates the definition against the States Language schemas (asl-validator compiles them anew on every
 * call, about 0.1 s), and an instance holds nothing of a run: `run()` starts each execution afresh. So a
 * process that runs the same pipeline many times (the local tests; `dry-run` runs it once) validates it once.
 */
const machines = new Map<string, StateMachine>();
const MACHINES_KEPT = 8;

function localStateMachine(definition: StateMachineDefinition): StateMachine {
  const key = JSON.stringify(definition);
  let machine = machines.get(key);
  if (machine === undefined) {
    machine = new StateMachine(definition as never);
    if (machines.size >= MACHINES_KEPT) machines.delete(machines.keys().next().value as string);
    machines.set(key, machine);
  }
  return machine;
}

function withLocalTimeouts(definition: StateMachineDefinition): StateMachineDefinition {
  const cap = (value: unknown) => (typeof value === 'number' ? Math.min(value, LOCAL_TIMEOUT_CAP_SECONDS) : value);
  return {
    ...definition,
    ...(definition.TimeoutSeconds !== undefined ? { TimeoutSeconds: cap(definition.TimeoutSeconds) } : {}),
    States: Object.fromEntries(
      Object.entries(definition.States).map(([name, state]) => [
        name,
        state.TimeoutSeconds !== undefined ? { ...state, TimeoutSeconds: cap(state.TimeoutSeconds) } : state,
      ]),
    ),
  };
}

function recordPublish(params: { TopicArn: string; Message: unknown; Subject?: string }, into: PublishedNotification[]) {
  if (!/^arn:aws[a-z-]*:sns:/.test(params.TopicArn ?? '')) throw new Error(`Publish without a topic ARN: ${JSON.stringify(params)}`);
  const message = typeof params.Message === 'string' ? JSON.parse(params.Message) : params.Message;
  into.push({ subject: params.Subject ?? '', message: message as Record<string, unknown> });
  return { MessageId: `message-${into.length}` };
}
