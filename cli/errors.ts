/**
 * Errors the command reports: one line saying what went wrong and one saying what to do next, never a
 * stack trace. AWS SDK errors are translated by {@link toCliError}.
 */

export const EXIT = {
  ok: 0,
  /** A rejected request, a failed run, or an AWS error. */
  failure: 1,
  /** Bad flags or arguments, an unreadable or unparsable file. */
  usage: 2,
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
}

const CREDENTIALS_HINT =
  'Configure AWS credentials (aws configure, aws sso login, or AWS_PROFILE=<profile>) and run the command again. ' +
  '`ic-pipeline dry-run` and `ic-pipeline validate` work without an AWS account.';

/** Translates whatever an AWS call threw into a one-line CliError with a next step. */
export function toCliError(error: unknown, context: ErrorContext = {}): CliError {
  if (error instanceof CliError) return error;
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
      hint: '`ic-pipeline list` shows the recent runs; pass an execution name or ARN from there.',
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
  if (['ENOTFOUND', 'ECONNREFUSED', 'ETIMEDOUT', 'EAI_AGAIN'].includes(err?.code ?? '') || name === 'TimeoutError') {
    return new CliError(`Could not reach AWS (${err?.code ?? name}).`, {
      hint: 'Check your network connection and Region, then run the command again.',
      code: 'NetworkError',
    });
  }
  return new CliError(`${name}: ${message}`, {
    hint: 'Run again with IC_PIPELINE_DEBUG=1 to see the full error.',
    code: name,
  });
}
