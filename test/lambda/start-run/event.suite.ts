import { MissingObjectRevisionError, reasonToIgnore, runRequestSourceOf } from '../../../lambda/start-run/event';
import { DATA_BUCKET, objectCreatedEvent, SEQUENCER, VERSION_ID } from './fixtures';

const SCOPE = { dataBucket: DATA_BUCKET, prefix: 'requests/' };

describe('runRequestSourceOf', () => {
  it('names bucket, key and version id of a versioned object', () => {
    expect(runRequestSourceOf(objectCreatedEvent().detail)).toEqual({
      bucket: DATA_BUCKET,
      key: 'requests/my-run.json',
      versionId: VERSION_ID,
    });
  });

  it('names the sequencer when the bucket is not versioned', () => {
    expect(runRequestSourceOf(objectCreatedEvent({ versionId: null }).detail)).toEqual({
      bucket: DATA_BUCKET,
      key: 'requests/my-run.json',
      sequencer: SEQUENCER,
    });
  });

  it('names the sequencer for the "null" version of a bucket whose versioning is suspended', () => {
    // Every upload while versioning is suspended has version id "null": it does not tell uploads apart.
    expect(runRequestSourceOf(objectCreatedEvent({ versionId: 'null' }).detail)).toEqual({
      bucket: DATA_BUCKET,
      key: 'requests/my-run.json',
      sequencer: SEQUENCER,
    });
  });

  it('keeps the key exactly as the event carries it', () => {
    const key = 'requests/my run+1:é%2B.json';
    expect(runRequestSourceOf(objectCreatedEvent({ key }).detail).key).toBe(key);
  });

  it('refuses an event with neither version id nor sequencer, naming the object', () => {
    const event = objectCreatedEvent({ versionId: null, sequencer: '' });
    expect(() => runRequestSourceOf(event.detail)).toThrow(MissingObjectRevisionError);
    expect(() => runRequestSourceOf(event.detail)).toThrow(
      `The Object Created event for s3://${DATA_BUCKET}/requests/my-run.json has neither object.version-id nor object.sequencer`,
    );
  });
});

describe('reasonToIgnore', () => {
  it('accepts a run request upload to the data bucket', () => {
    expect(reasonToIgnore(objectCreatedEvent(), SCOPE)).toBeUndefined();
    expect(reasonToIgnore(objectCreatedEvent({ key: 'requests/nested/folder/run.json' }), SCOPE)).toBeUndefined();
  });

  it.each([
    [{ bucket: 'someone-elses-bucket' }, `bucket someone-elses-bucket is not the data bucket ${DATA_BUCKET}`],
    [{ key: 'train/my-run.json' }, 'key train/my-run.json is outside requests/'],
    [{ key: 'batch-input/cat.jpg' }, 'key batch-input/cat.jpg is outside requests/'],
    [{ key: 'requests/x.txt' }, 'key requests/x.txt does not end with .json'],
    [{ key: 'requests/x.JSON' }, 'key requests/x.JSON does not end with .json'],
  ])('ignores %p: %s', (options, reason) => {
    expect(reasonToIgnore(objectCreatedEvent(options), SCOPE)).toBe(reason);
  });

  it('ignores events that are not S3 Object Created events', () => {
    const deleted = { ...objectCreatedEvent(), 'detail-type': 'Object Deleted' };
    expect(reasonToIgnore(deleted, SCOPE)).toBe('not an S3 Object Created event (source aws.s3, detail-type Object Deleted)');
  });
});
