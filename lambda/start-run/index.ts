import { GetObjectCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { EventBridgeEvent } from 'aws-lambda';
import { requireEnv } from '../../core/env';
import { Logger } from '@aws-lambda-powertools/logger';
import { reasonToIgnore, runRequestSourceOf, type RunRequestSource, type S3ObjectCreatedDetail } from './event';
import {
  buildExecutionInput,
  MAX_EXECUTION_INPUT_BYTES,
  problemInput,
  tooLargeProblem,
  type ExecutionInput,
} from '../../core/request-file';
import { executionArnFor, executionNameFor } from '../../core/execution-name';

export type { RunRequestSource, S3ObjectCreatedDetail } from './event';

/** The event this handler receives: an S3 `Object Created` event routed by the EventBridge rule. */
export type StartRunEvent = EventBridgeEvent<'Object Created', S3ObjectCreatedDetail>;

/** What the handler did with one event. */
export interface StartRunResult {
  /** The execution started (or found: see `duplicate`). Absent when the event was ignored. */
  readonly executionArn?: string;
  /** Deterministic name of the execution for this file version; '' when the event was ignored. */
  readonly executionName: string;
  /**
   * True when this event had already started its execution (a redelivery): Step Functions either
   * refused the name (`ExecutionAlreadyExists`) or returned the execution that was already running.
   */
  readonly duplicate: boolean;
  /** What is wrong with the file, when it is unusable; the execution then fails in its first state. */
  readonly problem?: string;
  /** Why the event was ignored (not a run request in the data bucket); nothing was started. */
  readonly ignored?: string;
}

/**
 * A StartExecution response whose start date is this much older than the request means Step Functions
 * returned an execution already running with the same name and input (StartExecution is idempotent for
 * that case) rather than starting one. The allowance covers clock skew between Lambda and Step
 * Functions; it only decides how the call is logged, never whether a second execution starts.
 */
const CLOCK_SKEW_ALLOWANCE_MS = 1_000;

const s3 = new S3Client({});
const sfn = new SFNClient({});

/** The module's logger; exported so tests can observe what the handler logs. */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'start-run' });

/**
 * Starts one execution of the pipeline for a run request file uploaded to the data bucket.
 *
 * Reads the object version named in the event, turns its content into the execution input
 * (`buildExecutionInput`) and calls StartExecution with a name derived from bucket, key and version
 * (`executionNameFor`). A file that is not a usable run request still starts an execution, whose input
 * carries only `source.problem`, so the failure shows in the console instead of vanishing.
 * A duplicate delivery of the same event returns `duplicate: true`. Errors that may be transient
 * (S3 or Step Functions unavailable, throttling) are thrown, so Lambda retries the event and finally
 * sends it to the dead-letter queue.
 */
export async function handler(event: StartRunEvent): Promise<StartRunResult> {
  const stateMachineArn = requireEnv('STATE_MACHINE_ARN');
  const dataBucket = requireEnv('DATA_BUCKET');
  const prefix = requireEnv('REQUEST_PREFIX');

  const ignored = reasonToIgnore(event, { dataBucket, prefix });
  if (ignored !== undefined) {
    logger.warn('Ignoring event: it is not a run request upload', { reason: ignored, eventId: event.id });
    return { executionName: '', duplicate: false, ignored };
  }

  const source = runRequestSourceOf(event.detail);
  const executionName = executionNameFor(source);
  const context = { eventId: event.id, bucket: source.bucket, key: source.key, executionName };
  const { input, problem } = await readExecutionInput(source, event.detail.object.size);
  if (problem !== undefined) {
    logger.warn('Run request file is unusable; starting an execution that reports it', { ...context, problem });
  }

  const requestedAt = Date.now();
  try {
    const response = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: executionName, input }));
    const startedBefore =
      response.startDate !== undefined && response.startDate.getTime() < requestedAt - CLOCK_SKEW_ALLOWANCE_MS;
    if (startedBefore) {
      logger.info('Duplicate delivery: the execution for this file version was already running', {
        ...context,
        executionArn: response.executionArn,
        startDate: response.startDate?.toISOString(),
      });
    } else {
      logger.info('Started execution', { ...context, executionArn: response.executionArn });
    }
    return { executionArn: response.executionArn, executionName, duplicate: startedBefore, problem };
  } catch (error) {
    if (isExecutionAlreadyExists(error)) {
      const executionArn = executionArnFor(stateMachineArn, executionName);
      logger.info('Duplicate delivery: an execution for this file version already exists', {
        ...context,
        executionArn,
      });
      return { executionArn, executionName, duplicate: true, problem };
    }
    logger.error('StartExecution failed; the event will be retried', { ...context, error: error as Error });
    throw error;
  }
}

/**
 * The execution input for the object version `source`, reading it only when its size allows:
 * the event's `object.size` first, then the response's ContentLength, then the bytes themselves.
 */
async function readExecutionInput(source: RunRequestSource, sizeInEvent: number | undefined): Promise<ExecutionInput> {
  if (sizeInEvent !== undefined && sizeInEvent > MAX_EXECUTION_INPUT_BYTES) {
    return problemInput(source, tooLargeProblem(sizeInEvent));
  }
  let response;
  try {
    response = await s3.send(
      new GetObjectCommand({ Bucket: source.bucket, Key: source.key, VersionId: source.versionId }),
    );
  } catch (error) {
    if (isGone(error) || (isAccessDenied(error) && !(await versionStillExists(source)))) {
      // Deleted between upload and read: nothing to run, but the user should still see why.
      return problemInput(
        source,
        `could not be read: it was deleted before the pipeline read it (${errorName(error)})`,
      );
    }
    throw error;
  }
  if (response.ContentLength !== undefined && response.ContentLength > MAX_EXECUTION_INPUT_BYTES) {
    destroyBody(response.Body);
    return problemInput(source, tooLargeProblem(response.ContentLength));
  }
  const body = response.Body === undefined ? new Uint8Array(0) : await response.Body.transformToByteArray();
  return buildExecutionInput(body, source);
}

/**
 * Whether the object version `source` names (or, for a source without a version id, a current object at its
 * key) is still in the bucket, after GetObject answered AccessDenied.
 *
 * S3 answers a GetObject of a missing object with 404 only to a caller that may list the bucket: "If you don't
 * have the s3:ListBucket permission, Amazon S3 returns an HTTP status code 403 Access Denied error"
 * (GetObject, Permissions: https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html). This function
 * may list only the run request prefix (a ListBucket condition on s3:prefix), which S3 is not documented to
 * count for that check, so a request file deleted before it was read may come back as AccessDenied. Granting
 * ListBucket on the whole data bucket would let the function list every dataset's keys; instead it lists the
 * versions of this one key (ListObjectVersions, s3:ListBucketVersions, under the same prefix condition:
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html). A version that is gone is the
 * documented "could not be read" run; one that is still there was denied for another reason (a key policy, a
 * bucket policy), which is thrown, retried and dead-lettered as before. If the listing fails, the original
 * AccessDenied is what the caller throws.
 */
async function versionStillExists(source: RunRequestSource): Promise<boolean> {
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  try {
    // A key has few versions; the bound only keeps a pathological one from looping for long.
    for (let page = 0; page < MAX_VERSION_PAGES; page++) {
      const answer = await s3.send(
        new ListObjectVersionsCommand({ Bucket: source.bucket, Prefix: source.key, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }),
      );
      // Prefix matches longer keys too (requests/a.json.bak); only this key counts. Delete markers are not versions.
      const versions = (answer.Versions ?? []).filter((version) => version.Key === source.key);
      const found =
        source.versionId !== undefined
          ? versions.some((version) => version.VersionId === source.versionId)
          : versions.some((version) => version.IsLatest === true);
      if (found) return true;
      if (!answer.IsTruncated) return false;
      keyMarker = answer.NextKeyMarker;
      versionIdMarker = answer.NextVersionIdMarker;
    }
    return true;
  } catch (error) {
    logger.warn('Could not list the versions of the run request file after AccessDenied', {
      bucket: source.bucket,
      key: source.key,
      error: error as Error,
    });
    return true;
  }
}

/** Pages of ListObjectVersions read at most when checking one key (1,000 versions each). */
const MAX_VERSION_PAGES = 10;

function isAccessDenied(error: unknown): boolean {
  return errorName(error) === 'AccessDenied';
}

function isExecutionAlreadyExists(error: unknown): boolean {
  return errorName(error) === 'ExecutionAlreadyExists';
}

function isGone(error: unknown): boolean {
  const name = errorName(error);
  return name === 'NoSuchKey' || name === 'NoSuchVersion';
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/** Releases the connection of a body that will not be read. */
function destroyBody(body: unknown): void {
  const destroy = (body as { destroy?: unknown } | undefined)?.destroy;
  if (typeof destroy === 'function') {
    destroy.call(body);
  }
}
