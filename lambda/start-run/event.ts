/**
 * The S3 `Object Created` event as EventBridge delivers it, and the run request source derived from it.
 *
 * Shape: https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html. Unlike the classic S3
 * event notification (`Records[].s3.object.key`, which is URL-encoded: a space arrives as `+`), the
 * EventBridge form documents no encoding of `detail.object.key`, and the key is used exactly as given.
 * Decoding it would corrupt keys that contain `+` or `%`.
 */

/** `detail` of an S3 `Object Created` event delivered by EventBridge (source `aws.s3`). */
export interface S3ObjectCreatedDetail {
  /** Currently "0". */
  readonly version: string;
  /** The event schema version, for example "1.0" (present in newer events). */
  readonly 'event-version'?: string;
  readonly bucket: { readonly name: string };
  readonly object: {
    /** The object key, as stored (not URL-encoded). */
    readonly key: string;
    /** Size in bytes. */
    readonly size?: number;
    readonly etag?: string;
    /** Present when the bucket is versioned; "null" for an object written while versioning was suspended. */
    readonly 'version-id'?: string;
    /** Orders events for the same key: a later write has a greater sequencer. */
    readonly sequencer?: string;
  };
  readonly 'request-id': string;
  readonly requester: string;
  readonly 'source-ip-address'?: string;
  /** PutObject, POST Object, CopyObject or CompleteMultipartUpload. */
  readonly reason?: string;
}

import type { RunRequestSource } from '../../core/request-file';

export type { RunRequestSource } from '../../core/request-file';

/** The event names no object version: neither a version id nor a sequencer. */
export class MissingObjectRevisionError extends Error {
  constructor(
    readonly bucket: string,
    readonly key: string,
  ) {
    super(
      `The Object Created event for s3://${bucket}/${key} has neither object.version-id nor object.sequencer, ` +
        'so the run it starts cannot be named; this is not an event S3 sends',
    );
    this.name = 'MissingObjectRevisionError';
  }
}

/**
 * The source of the run an event starts. A version id of "null" (object written while versioning was
 * suspended) does not identify one upload, so the sequencer is used instead, as for an unversioned bucket.
 */
export function runRequestSourceOf(detail: S3ObjectCreatedDetail): RunRequestSource {
  const bucket = detail.bucket.name;
  const key = detail.object.key;
  const versionId = detail.object['version-id'];
  if (versionId !== undefined && versionId !== '' && versionId !== 'null') {
    return { bucket, key, versionId };
  }
  const sequencer = detail.object.sequencer;
  if (sequencer !== undefined && sequencer !== '') {
    return { bucket, key, sequencer };
  }
  throw new MissingObjectRevisionError(bucket, key);
}

/** What the handler accepts; anything else is logged and ignored (the rule already filters). */
export interface TriggerScope {
  readonly dataBucket: string;
  /** Key prefix of run request files, for example `requests/`. */
  readonly prefix: string;
}

/** Suffix every run request file has. */
export const RUN_REQUEST_SUFFIX = '.json';

/**
 * Why the handler must not start a run for this event, or `undefined` when it should.
 * Defensive: the EventBridge rule already matches only these events.
 */
export function reasonToIgnore(
  event: { readonly source?: string; readonly 'detail-type'?: string; readonly detail?: S3ObjectCreatedDetail },
  scope: TriggerScope,
): string | undefined {
  if (event.source !== 'aws.s3' || event['detail-type'] !== 'Object Created') {
    return (
      `not an S3 Object Created event (source ${String(event.source)}, ` +
      `detail-type ${String(event['detail-type'])})`
    );
  }
  const bucket = event.detail?.bucket?.name;
  const key = event.detail?.object?.key;
  if (typeof bucket !== 'string' || typeof key !== 'string') {
    return 'the event has no detail.bucket.name or detail.object.key';
  }
  if (bucket !== scope.dataBucket) {
    return `bucket ${bucket} is not the data bucket ${scope.dataBucket}`;
  }
  if (!key.startsWith(scope.prefix)) {
    return `key ${key} is outside ${scope.prefix}`;
  }
  if (!key.endsWith(RUN_REQUEST_SUFFIX)) {
    return `key ${key} does not end with ${RUN_REQUEST_SUFFIX}`;
  }
  return undefined;
}
