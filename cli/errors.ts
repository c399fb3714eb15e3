/**
 * Errors the command reports: one line saying what went wrong and one saying what to do next, never a
 * stack trace. AWS SDK errors are translated by {@link toCliError}.
 */

export const EXIT = {
  ok: 0,
  /** The run failed (or was stopped), or the request is rejected; an AWS error that is not transient. */
  failure: 1,
  /** Bad flags or arguments, an unreadable or unparsable file. */
  usage: 2,
  /**
   * AWS could not be reached, did not answer in time, or answered with a transient error (throttling, a
   * server error). Says nothing about the run, which may be fine: run the command again later.
   */
  unavailable: 3,
  /** Ctrl-C (128 + SIGINT, as shells report it). The run, if any, continues in AWS. */
  interrupted: 130,
} as const;

export class CliError extends Error {
  readonly hint?: string;
  readonly exitCode: number;
  /** A stable, machine-readable code for `--json` (e.g. `StackNotFound`). */
  readonly code: string;
  /** Extra machine-readable detail for `--json` (e.g. the problems of a request). */
  readonly details?: Record<string, unknown>;

  constructor(message: string, options: { hint?: string; exitCode?: number; code?: string; details?: Record<string, unknown> } = {}) {
    super(message);
    this.name = 'CliError';
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? EXIT.failure;
    this.code = options.code ?? 'Error';
    this.details = options.details;
  }
}

/** A usage error: bad flags, arguments or files (exit code 2). */
export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, { hint, exitCode: EXIT.usage, code: 'UsageError' });
  }
}

/** What a failed AWS call was trying to do, for the message. */
export interface ErrorContext {
  readonly stackName?: string;
  readonly region?: string;
  readonly execution?: string;
  /**
   * The command that picks up where this one stopped when AWS could not be reached, e.g.
   * `ic-pipeline status <name> --wait`. @default - "run the command again"
   */
  readonly resume?: string;
}

/** Error codes of Node.js sockets and DNS that mean "the network, not AWS's answer". */
const NETWORK_CODES = new Set(['ENOTFOUND', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'UND_ERR_SOCKET']);
/** AWS error names that mean "try again later": throttling and the services' own transient failures. */
const TRANSIENT_NAMES = new Set([
  'TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'ThrottlingException', 'Throttling', 'TooManyRequestsException',
  'SlowDown', 'RequestLimitExceeded', 'ProvisionedThroughputExceededException', 'ServiceUnavailable', 'ServiceUnavailableException',
  'InternalError', 'InternalFailure', 'InternalServerError', 'InternalServerException', 'InternalServiceError', 'BandwidthLimitExceeded',
]);

/** True when `error` says AWS could not be reached or answered with a transient error (exit code 3). */
export function isTransientAwsError(error: unknown): boolean {
  if (error instanceof CliError) return error.exitCode === EXIT.unavailable;
  const err = error as { name?: string; code?: string; message?: string; $fault?: string; $metadata?: { httpStatusCode?: number } };
  if (NETWORK_CODES.has(err?.code ?? '') || TRANSIENT_NAMES.has(err?.name ?? '')) return true;
  if (/socket hang up|ECONNRESET|ECONNREFUSED|ETIMEDOUT|ENOTFOUND/.test(err?.message ?? '')) return true;
  const status = err?.$metadata?.httpStatusCode;
  return err?.$fault === 'server' || status === 429 || (status !== undefined && status >= 500);
}

const CREDENTIALS_HINT =
  'Configure AWS credentials (aws configure, aws sso login, or AWS_PROFILE=<profile>) and run the command again. ' +
  '`ic-pipeline dry-run` and `ic-pipeline validate` work without an AWS account.';

function resumeHint(resume: string): string {
  return `The run itself may be fine (this is no news about it): once AWS answers again, ${resume}`;
}

/** Translates whatever an AWS call threw into a one-line CliError with a next step. */
export function toCliError(error: unknown, context: ErrorContext = {}): CliError {
  if (error instanceof CliError) {
    // A transient error already reported by a lower layer: the caller knows how to resume.
    if (error.exitCode === EXIT.unavailable && context.resume) return new CliError(error.message, { hint: resumeHint(context.resume), code: error.code, exitCode: error.exitCode });
    return error;
  }
  const err = error as { name?: string; message?: string; Code?: string; code?: string; $metadata?: unknown };
  const name = err?.name ?? err?.Code ?? 'Error';
  const message = String(err?.message ?? error);
  const region = context.region ? ` in Region ${context.region}` : '';

  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return new CliError('No AWS credentials found.', { hint: CREDENTIALS_HINT, code: 'NoCredentials' });
  }
  if (/^ExpiredToken/.test(name) || /security token included in the request is expired|token.*expired/i.test(message)) {
    return new CliError('Your AWS credentials have expired.', {
      hint: 'Refresh them (for example `aws sso login`, or new temporary credentials) and run the command again.',
      code: 'ExpiredCredentials',
    });
  }
  if (['InvalidClientTokenId', 'UnrecognizedClientException', 'SignatureDoesNotMatch', 'InvalidSignatureException'].includes(name)) {
    return new CliError(`AWS rejected your credentials (${name}).`, { hint: CREDENTIALS_HINT, code: 'InvalidCredentials' });
  }
  if (name === 'Region is missing' || /Region is missing/i.test(message)) {
    return new CliError('No AWS Region is set.', {
      hint: 'Pass --region <region> (where the stack is deployed), or set AWS_REGION.',
      code: 'NoRegion',
    });
  }
  const stackMissing = /Stack with id (.+) does not exist/.exec(message);
  if (stackMissing) {
    const stack = context.stackName ?? stackMissing[1];
    return new CliError(`Stack ${stack} does not exist${region}.`, {
      hint: 'Deploy it with `npx cdk deploy`, or name the deployed stack with --stack <name> and its Region with --region <region>.',
      code: 'StackNotFound',
    });
  }
  if (name === 'ExecutionDoesNotExist') {
    return new CliError(`Execution ${context.execution ?? ''} does not exist${region}.`.replace('  ', ' '), {
      hint: '`ic-pipeline list` shows the recent runs; pass an execution name, ARN or run id from there.',
      code: 'ExecutionNotFound',
    });
  }
  if (name === 'StateMachineDoesNotExist') {
    return new CliError(`The state machine of the stack does not exist${region}.`, {
      hint: 'The stack outputs name a deleted state machine: redeploy with `npx cdk deploy`.',
      code: 'StateMachineNotFound',
    });
  }
  if (/AccessDenied/i.test(name) || /not authorized to perform/i.test(message)) {
    const action = /not authorized to perform: (\S+)/.exec(message)?.[1];
    return new CliError(`Access denied${action ? ` to ${action}` : ''}.`, {
      hint:
        'Use credentials allowed to read the stack (cloudformation:DescribeStacks), run and read executions (states:*Execution*, ' +
        'states:GetExecutionHistory), describe SageMaker jobs and read the artifact bucket.',
      code: 'AccessDenied',
    });
  }
  if (isTransientAwsError(error)) {
    const what =
      NETWORK_CODES.has(err?.code ?? '') || /socket hang up/.test(message)
        ? `Could not reach AWS (${err?.code ?? message})`
        : name === 'TimeoutError'
          ? 'AWS did not answer in time'
          : `AWS answered with a transient error (${name})`;
    return new CliError(`${what}.`, {
      hint: context.resume ? resumeHint(context.resume) : 'Check your network connection and Region, then run the command again.',
      code: 'AwsUnavailable',
      exitCode: EXIT.unavailable,
    });
  }
  return new CliError(`${name}: ${message}`, {
    hint: 'Run again with IC_PIPELINE_DEBUG=1 to see the full error.',
    code: name,
  });
}
