import { createHash } from 'node:crypto';
import { GetObjectCommand, ListObjectVersionsCommand, NoSuchKey, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import {
  ExecutionAlreadyExists,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { handler, logger, type StartRunResult } from '../../../lambda/start-run/index';
import {
  DATA_BUCKET,
  getObjectOutput,
  objectBody,
  objectCreatedEvent,
  SEQUENCER,
  STATE_MACHINE_ARN,
  VERSION_ID,
} from './fixtures';

const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);

const EXECUTION_PREFIX = 'arn:aws:states:eu-west-1:111122223333:execution:PipelineStateMachine-AbC123';

function expectedName(base: string, key: string, versionOrSequencer: string, bucket = DATA_BUCKET): string {
  const hash = createHash('sha256').update(`${bucket}\n${key}\n${versionOrSequencer}`, 'utf8').digest('hex').slice(0, 16);
  return `${base}-${hash}`;
}

/** StartExecution answers like Step Functions: a new execution named as requested, started now. */
function startExecutionSucceeds(): void {
  sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => ({
    executionArn: `${EXECUTION_PREFIX}:${input.name}`,
    startDate: new Date(),
    $metadata: {},
  }));
}

function startExecutionCalls(): Array<{ stateMachineArn?: string; name?: string; input?: string }> {
  return sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input);
}

function onlyStartExecutionInput(): unknown {
  const calls = startExecutionCalls();
  expect(calls).toHaveLength(1);
  return JSON.parse(calls[0]!.input!);
}

const savedEnv = { ...process.env };
let info: jest.SpyInstance;
let warn: jest.SpyInstance;
let error: jest.SpyInstance;

beforeEach(() => {
  s3.reset();
  sfn.reset();
  process.env.STATE_MACHINE_ARN = STATE_MACHINE_ARN;
  process.env.DATA_BUCKET = DATA_BUCKET;
  process.env.REQUEST_PREFIX = 'requests/';
  info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
  error = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
});

afterEach(() => {
  process.env = { ...savedEnv };
  jest.restoreAllMocks();
});

describe('start-run handler', () => {
  describe('a run request upload', () => {
    it('reads that object version and starts one execution with a deterministic name and the request as input', async () => {
      s3.on(GetObjectCommand).resolves(getObjectOutput('{"runName": "caltech-baseline", "hyperparameters": {"epochs": 2}}'));
      startExecutionSucceeds();

      const result = await handler(objectCreatedEvent());

      const name = expectedName('my-run', 'requests/my-run.json', VERSION_ID);
      expect(s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input)).toEqual([
        { Bucket: DATA_BUCKET, Key: 'requests/my-run.json', VersionId: VERSION_ID },
      ]);
      expect(startExecutionCalls()).toEqual([
        {
          stateMachineArn: STATE_MACHINE_ARN,
          name,
          input:
            '{"runName":"caltech-baseline","hyperparameters":{"epochs":2},' +
            `"source":{"bucket":"${DATA_BUCKET}","key":"requests/my-run.json","versionId":"${VERSION_ID}"}}`,
        },
      ]);
      expect(result).toEqual<StartRunResult>({
        executionArn: `${EXECUTION_PREFIX}:${name}`,
        executionName: name,
        duplicate: false,
        problem: undefined,
      });
      expect(info).toHaveBeenCalledWith('Started execution', expect.objectContaining({ executionName: name }));
    });

    it('starts the reference run ({} plus source) for an empty file', async () => {
      s3.on(GetObjectCommand).resolves(getObjectOutput(''));
      startExecutionSucceeds();

      const result = await handler(objectCreatedEvent({ size: 0 }));

      expect(onlyStartExecutionInput()).toEqual({
        source: { bucket: DATA_BUCKET, key: 'requests/my-run.json', versionId: VERSION_ID },
      });
      expect(result.problem).toBeUndefined();
    });

    it('uses the sequencer for the name and the source when the bucket gives no version id, and reads the current object', async () => {
      s3.on(GetObjectCommand).resolves(getObjectOutput('{}'));
      startExecutionSucceeds();

      const result = await handler(objectCreatedEvent({ versionId: null }));

      expect(s3.commandCalls(GetObjectCommand)[0]!.args[0].input).toEqual({
        Bucket: DATA_BUCKET,
        Key: 'requests/my-run.json',
        VersionId: undefined,
      });
      expect(result.executionName).toBe(expectedName('my-run', 'requests/my-run.json', SEQUENCER));
      expect(onlyStartExecutionInput()).toEqual({
        source: { bucket: DATA_BUCKET, key: 'requests/my-run.json', sequencer: SEQUENCER },
      });
    });

    it.each([
      ['spaces, +, : and non-ASCII', 'requests/my run+1:é.json', 'my-run-1-e'],
      ['a literal %2B (not decoded)', 'requests/a%2Bb.json', 'a-2Bb'],
      ['a folder', 'requests/team a/nightly.json', 'nightly'],
    ])('reads a key with %s exactly as the event carries it', async (_label, key, base) => {
      s3.on(GetObjectCommand).resolves(getObjectOutput('{}'));
      startExecutionSucceeds();

      const result = await handler(objectCreatedEvent({ key }));

      expect(s3.commandCalls(GetObjectCommand)[0]!.args[0].input).toEqual({ Bucket: DATA_BUCKET, Key: key, VersionId: VERSION_ID });
      expect(result.executionName).toBe(expectedName(base, key, VERSION_ID));
      expect(result.executionName).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
      expect(startExecutionCalls()[0]!.name).toBe(result.executionName);
      expect(onlyStartExecutionInput()).toEqual({ source: { bucket: DATA_BUCKET, key, versionId: VERSION_ID } });
    });
  });

  describe('duplicates', () => {
    it('gives a redelivered event the same name and reports the second ExecutionAlreadyExists as a duplicate', async () => {
      s3.on(GetObjectCommand).callsFake(() => getObjectOutput('{"runName": "x"}'));
      const name = expectedName('my-run', 'requests/my-run.json', VERSION_ID);
      sfn
        .on(StartExecutionCommand)
        .resolvesOnce({ executionArn: `${EXECUTION_PREFIX}:${name}`, startDate: new Date(), $metadata: {} })
        .rejectsOnce(
          new ExecutionAlreadyExists({ message: `Execution Already Exists: '${EXECUTION_PREFIX}:${name}'`, $metadata: {} }),
        );

      const first = await handler(objectCreatedEvent());
      const second = await handler(objectCreatedEvent());

      expect(startExecutionCalls().map((call) => call.name)).toEqual([name, name]);
      expect(first).toEqual({ executionArn: `${EXECUTION_PREFIX}:${name}`, executionName: name, duplicate: false, problem: undefined });
      expect(second).toEqual({ executionArn: `${EXECUTION_PREFIX}:${name}`, executionName: name, duplicate: true, problem: undefined });
      expect(info).toHaveBeenCalledWith(
        'Duplicate delivery: an execution for this file version already exists',
        expect.objectContaining({ executionName: name, executionArn: `${EXECUTION_PREFIX}:${name}` }),
      );
      expect(error).not.toHaveBeenCalled();
    });

    it('reports a duplicate when Step Functions returns the execution already running with the same name and input', async () => {
      s3.on(GetObjectCommand).resolves(getObjectOutput('{}'));
      const name = expectedName('my-run', 'requests/my-run.json', VERSION_ID);
      const startedEarlier = new Date(Date.now() - 60_000);
      sfn.on(StartExecutionCommand).resolves({ executionArn: `${EXECUTION_PREFIX}:${name}`, startDate: startedEarlier, $metadata: {} });

      const result = await handler(objectCreatedEvent());

      expect(result).toEqual({ executionArn: `${EXECUTION_PREFIX}:${name}`, executionName: name, duplicate: true, problem: undefined });
      expect(info).toHaveBeenCalledWith(
        'Duplicate delivery: the execution for this file version was already running',
        expect.objectContaining({ executionName: name, startDate: startedEarlier.toISOString() }),
      );
    });

    it('gives a new version of the same key a new name', async () => {
      s3.on(GetObjectCommand).callsFake(() => getObjectOutput('{}'));
      startExecutionSucceeds();

      const first = await handler(objectCreatedEvent({ versionId: 'version-1', sequencer: '0001' }));
      const second = await handler(objectCreatedEvent({ versionId: 'version-2', sequencer: '0002' }));

      expect(first.executionName).toBe(expectedName('my-run', 'requests/my-run.json', 'version-1'));
      expect(second.executionName).toBe(expectedName('my-run', 'requests/my-run.json', 'version-2'));
      expect(second.executionName).not.toBe(first.executionName);
      expect(s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input.VersionId)).toEqual(['version-1', 'version-2']);
      expect(second.duplicate).toBe(false);
    });
  });

  describe('unusable files still start an execution that reports the problem', () => {
    async function problemOf(content: string, options: Parameters<typeof objectCreatedEvent>[0] = {}): Promise<string | undefined> {
      s3.on(GetObjectCommand).resolves(getObjectOutput(content));
      startExecutionSucceeds();
      const result = await handler(objectCreatedEvent(options));
      const input = onlyStartExecutionInput() as { source: { problem?: string } };
      expect(Object.keys(input)).toEqual(['source']);
      expect(input.source.problem).toBe(result.problem);
      expect(result.executionName).toBe(expectedName('my-run', 'requests/my-run.json', VERSION_ID));
      expect(warn).toHaveBeenCalledWith(
        'Run request file is unusable; starting an execution that reports it',
        expect.objectContaining({ problem: result.problem, key: 'requests/my-run.json' }),
      );
      return result.problem;
    }

    it('invalid JSON', async () => {
      const problem = await problemOf('{"runName": "x",}');
      expect(problem).toMatch(/^is not valid JSON: .*position 16/);
      expect(onlyStartExecutionInput()).toEqual({
        source: { bucket: DATA_BUCKET, key: 'requests/my-run.json', versionId: VERSION_ID, problem },
      });
    });

    it('a JSON array', async () => {
      expect(await problemOf('[{"runName": "x"}]')).toBe(
        'is not a JSON object but an array; a run request is an object such as {} or {"runName": "my-run"}',
      );
    });

    it('a file that sets source itself', async () => {
      expect(await problemOf('{"source": {"bucket": "other", "key": "x"}}')).toBe(
        'sets the reserved field "source"; remove it (the pipeline records the file\'s location there itself)',
      );
    });

    it('a file too large according to the event, without reading it', async () => {
      startExecutionSucceeds();
      const result = await handler(objectCreatedEvent({ size: 300_000 }));

      expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
      expect(result.problem).toBe(
        'is too large: 300,000 bytes, over the Step Functions execution input limit of 262,144 bytes (256 KiB)',
      );
      expect(onlyStartExecutionInput()).toEqual({
        source: { bucket: DATA_BUCKET, key: 'requests/my-run.json', versionId: VERSION_ID, problem: result.problem },
      });
    });

    it('a file too large according to GetObject, without reading the body', async () => {
      const body = objectBody('{}');
      s3.on(GetObjectCommand).resolves({ Body: body, ContentLength: 262_145, $metadata: {} });
      startExecutionSucceeds();

      const result = await handler(objectCreatedEvent({ size: 10 }));

      expect(result.problem).toBe(
        'is too large: 262,145 bytes, over the Step Functions execution input limit of 262,144 bytes (256 KiB)',
      );
      expect(body.transformToByteArray).not.toHaveBeenCalled();
      expect(body.destroy).toHaveBeenCalled();
    });

    it('a body larger than the limit although the event and ContentLength said otherwise', async () => {
      const content = `{"Comment": "${'x'.repeat(262_144)}"}`;
      s3.on(GetObjectCommand).resolves({ Body: objectBody(content), $metadata: {} });
      startExecutionSucceeds();

      const result = await handler(objectCreatedEvent({ size: 10 }));

      expect(result.problem).toBe(
        `is too large: ${content.length.toLocaleString('en-US')} bytes, over the Step Functions execution input limit of 262,144 bytes (256 KiB)`,
      );
    });

    it('a file deleted before it could be read', async () => {
      s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }));
      startExecutionSucceeds();

      const result = await handler(objectCreatedEvent());

      expect(result.problem).toBe('could not be read: it was deleted before the pipeline read it (NoSuchKey)');
      expect(onlyStartExecutionInput()).toEqual({
        source: { bucket: DATA_BUCKET, key: 'requests/my-run.json', versionId: VERSION_ID, problem: result.problem },
      });
    });

    it('a version deleted before it could be read', async () => {
      s3.on(GetObjectCommand).rejects(
        new S3ServiceException({ name: 'NoSuchVersion', $fault: 'client', message: 'The specified version does not exist.', $metadata: {} }),
      );
      startExecutionSucceeds();

      const result = await handler(objectCreatedEvent());

      expect(result.problem).toBe('could not be read: it was deleted before the pipeline read it (NoSuchVersion)');
    });
  });

  // S3 answers a GetObject of a missing object with 403 AccessDenied, not 404, to a caller that may not list the
  // bucket ("If you don't have the s3:ListBucket permission, Amazon S3 returns an HTTP status code 403 Access
  // Denied error": https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html, Permissions), and this
  // function may list only the requests/ prefix. The listing of the key's versions tells which case it is.
  describe('a GetObject answered AccessDenied', () => {
    const accessDenied = () => new S3ServiceException({ name: 'AccessDenied', $fault: 'client', message: 'Access Denied', $metadata: { httpStatusCode: 403 } });
    const version = (key: string, versionId: string, isLatest = true) => ({ Key: key, VersionId: versionId, IsLatest: isLatest });

    it('of a version no longer in the bucket starts the "could not be read" run, not a retry', async () => {
      s3.on(GetObjectCommand).rejects(accessDenied());
      // Other versions of the key, and a longer key the prefix also matches, but not the event's version.
      s3.on(ListObjectVersionsCommand).resolves({
        Versions: [version('requests/my-run.json', 'a-later-version'), version('requests/my-run.json.bak', VERSION_ID)],
        DeleteMarkers: [{ Key: 'requests/my-run.json', VersionId: VERSION_ID, IsLatest: false }],
        IsTruncated: false,
      });
      startExecutionSucceeds();

      const result = await handler(objectCreatedEvent());

      expect(result.problem).toBe('could not be read: it was deleted before the pipeline read it (AccessDenied)');
      expect(onlyStartExecutionInput()).toEqual({
        source: { bucket: DATA_BUCKET, key: 'requests/my-run.json', versionId: VERSION_ID, problem: result.problem },
      });
      // Listing only that key, which the function's s3:prefix condition (requests/*) allows.
      expect(s3.commandCalls(ListObjectVersionsCommand).map((call) => call.args[0].input)).toEqual([
        { Bucket: DATA_BUCKET, Prefix: 'requests/my-run.json', KeyMarker: undefined, VersionIdMarker: undefined },
      ]);
    });

    it('looks through every page of versions: one on a later page is still there', async () => {
      s3.on(GetObjectCommand).rejects(accessDenied());
      s3.on(ListObjectVersionsCommand)
        .resolvesOnce({ Versions: [version('requests/my-run.json', 'v-9')], IsTruncated: true, NextKeyMarker: 'requests/my-run.json', NextVersionIdMarker: 'v-9' })
        .resolvesOnce({ Versions: [version('requests/my-run.json', VERSION_ID, false)], IsTruncated: false });
      startExecutionSucceeds();

      await expect(handler(objectCreatedEvent())).rejects.toThrow('Access Denied');
      expect(s3.commandCalls(ListObjectVersionsCommand)[1]?.args[0].input).toMatchObject({ KeyMarker: 'requests/my-run.json', VersionIdMarker: 'v-9' });
      expect(startExecutionCalls()).toHaveLength(0);
    });

    it('of a version still in the bucket is a real denial: thrown, so it is retried and dead-lettered', async () => {
      s3.on(GetObjectCommand).rejects(accessDenied());
      s3.on(ListObjectVersionsCommand).resolves({ Versions: [version('requests/my-run.json', VERSION_ID)], IsTruncated: false });

      await expect(handler(objectCreatedEvent())).rejects.toThrow('Access Denied');
      expect(startExecutionCalls()).toHaveLength(0);
    });

    it('whose versions cannot be listed either is thrown as the AccessDenied it was', async () => {
      s3.on(GetObjectCommand).rejects(accessDenied());
      s3.on(ListObjectVersionsCommand).rejects(accessDenied());

      await expect(handler(objectCreatedEvent())).rejects.toThrow('Access Denied');
      expect(warn).toHaveBeenCalledWith('Could not list the versions of the run request file after AccessDenied', expect.objectContaining({ key: 'requests/my-run.json' }));
      expect(startExecutionCalls()).toHaveLength(0);
    });

    it('of a file of an unversioned bucket: gone when the key has no current object', async () => {
      s3.on(GetObjectCommand).rejects(accessDenied());
      s3.on(ListObjectVersionsCommand).resolves({ Versions: [], IsTruncated: false });
      startExecutionSucceeds();

      const result = await handler(objectCreatedEvent({ versionId: null }));

      expect(result.problem).toBe('could not be read: it was deleted before the pipeline read it (AccessDenied)');
      expect(onlyStartExecutionInput()).toMatchObject({ source: { key: 'requests/my-run.json', sequencer: SEQUENCER } });
    });
  });

  describe('errors that may be transient are thrown, so the event is retried and then dead-lettered', () => {
    it('rethrows a StartExecution error other than ExecutionAlreadyExists', async () => {
      s3.on(GetObjectCommand).resolves(getObjectOutput('{}'));
      sfn.on(StartExecutionCommand).rejects(
        new StateMachineDoesNotExist({ message: `State Machine Does Not Exist: '${STATE_MACHINE_ARN}'`, $metadata: {} }),
      );

      await expect(handler(objectCreatedEvent())).rejects.toThrow(`State Machine Does Not Exist: '${STATE_MACHINE_ARN}'`);
      expect(error).toHaveBeenCalledWith(
        'StartExecution failed; the event will be retried',
        expect.objectContaining({ executionName: expectedName('my-run', 'requests/my-run.json', VERSION_ID) }),
      );
    });

    it('rethrows a throttled StartExecution', async () => {
      s3.on(GetObjectCommand).resolves(getObjectOutput('{}'));
      sfn.on(StartExecutionCommand).rejects(
        Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }),
      );
      await expect(handler(objectCreatedEvent())).rejects.toThrow('Rate exceeded');
    });

    it('rethrows a GetObject error other than a missing object, and starts nothing', async () => {
      s3.on(GetObjectCommand).rejects(
        new S3ServiceException({ name: 'AccessDenied', $fault: 'client', message: 'Access Denied', $metadata: {} }),
      );
      startExecutionSucceeds();

      await expect(handler(objectCreatedEvent())).rejects.toThrow('Access Denied');
      expect(startExecutionCalls()).toHaveLength(0);
    });
  });

  describe('events that are not run request uploads are logged and ignored', () => {
    it.each([
      [{ bucket: 'someone-elses-bucket' }, `bucket someone-elses-bucket is not the data bucket ${DATA_BUCKET}`],
      [{ key: 'train/shard-0001.rec' }, 'key train/shard-0001.rec is outside requests/'],
      [{ key: 'batch-input/cat.jpg' }, 'key batch-input/cat.jpg is outside requests/'],
      [{ key: 'requests/notes.txt' }, 'key requests/notes.txt does not end with .json'],
    ])('%p', async (options, reason) => {
      const result = await handler(objectCreatedEvent(options));

      expect(result).toEqual({ executionName: '', duplicate: false, ignored: reason });
      expect(s3.calls()).toHaveLength(0);
      expect(sfn.calls()).toHaveLength(0);
      expect(warn).toHaveBeenCalledWith('Ignoring event: it is not a run request upload', expect.objectContaining({ reason }));
    });
  });

  it('refuses to run without its configuration, naming the missing variable', async () => {
    delete process.env.STATE_MACHINE_ARN;
    await expect(handler(objectCreatedEvent())).rejects.toThrow('Environment variable STATE_MACHINE_ARN is not set');
  });
});
