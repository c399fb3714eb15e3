import type { GetObjectCommandOutput } from '@aws-sdk/client-s3';
import type { StartRunEvent } from '../../../lambda/start-run/index';

export const DATA_BUCKET = 'ic-pipeline-data-bucket-1a2b3c';
export const STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:111122223333:stateMachine:PipelineStateMachine-AbC123';
export const VERSION_ID = 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e';
export const SEQUENCER = '617f08299329d189';

export interface ObjectOptions {
  readonly bucket?: string;
  readonly key?: string;
  readonly size?: number;
  /** `null` leaves `version-id` out, as in an event from an unversioned bucket. */
  readonly versionId?: string | null;
  readonly sequencer?: string;
}

/**
 * An S3 `Object Created` event as EventBridge delivers it, shaped like the example in
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html. The key is the object key as
 * stored: the EventBridge form does not URL-encode it (the classic S3 notification does).
 */
export function objectCreatedEvent(options: ObjectOptions = {}): StartRunEvent {
  const bucket = options.bucket ?? DATA_BUCKET;
  const versionId = options.versionId === undefined ? VERSION_ID : options.versionId;
  return {
    version: '0',
    id: '17793124-05d4-b198-2fde-7ededc63b103',
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: '111122223333',
    time: '2021-11-12T00:00:00Z',
    region: 'eu-west-1',
    resources: [`arn:aws:s3:::${bucket}`],
    detail: {
      version: '0',
      bucket: { name: bucket },
      object: {
        key: options.key ?? 'requests/my-run.json',
        size: options.size ?? 5,
        etag: 'b1946ac92492d2347c6235b4d2611184',
        ...(versionId === null ? {} : { 'version-id': versionId }),
        sequencer: options.sequencer ?? SEQUENCER,
      },
      'request-id': 'N4N7GDK58NMKJ12R',
      requester: '123456789012',
      'source-ip-address': '1.2.3.4',
      reason: 'PutObject',
    },
  };
}

/** A GetObject body (the SDK's stream mixin) over `content`; `destroy` records that it was released. */
export function objectBody(content: string | Uint8Array): NonNullable<GetObjectCommandOutput['Body']> & { destroy: jest.Mock } {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  const body = {
    transformToByteArray: jest.fn(async () => bytes),
    transformToString: jest.fn(async (encoding?: string) => Buffer.from(bytes).toString((encoding ?? 'utf8') as BufferEncoding)),
    transformToWebStream: jest.fn(() => {
      throw new Error('not used by the handler');
    }),
    destroy: jest.fn(),
  };
  // Only the members above are used; the rest of the Readable interface is irrelevant to the handler.
  return body as unknown as NonNullable<GetObjectCommandOutput['Body']> & { destroy: jest.Mock };
}

/** A GetObject response for `content`, with the ContentLength S3 would send unless given. */
export function getObjectOutput(content: string | Uint8Array, contentLength?: number): Partial<GetObjectCommandOutput> {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  return { Body: objectBody(bytes), ContentLength: contentLength ?? bytes.byteLength, VersionId: VERSION_ID, $metadata: {} };
}
