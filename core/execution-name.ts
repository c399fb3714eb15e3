import { createHash } from 'node:crypto';

/** Step Functions execution names: 1 to 80 characters. */
export const MAX_EXECUTION_NAME_LENGTH = 80;

/** Hex characters of the SHA-256 that make the name unique (64 bits: collisions are not a concern). */
export const EXECUTION_NAME_HASH_LENGTH = 16;

/** Used when the file's base name has no usable character left, e.g. `requests/ü.json`. */
const FALLBACK_BASE_NAME = 'run-request';

/** One version of one object. `versionId` when the bucket is versioned, `sequencer` otherwise. */
export interface ObjectRevision {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
  readonly sequencer?: string;
}

/**
 * The execution name of the run a run request file starts: `<base name>-<hash>`.
 *
 * - Deterministic: the same object version gives the same name, so a redelivered event cannot start a
 *   second execution (Step Functions refuses or returns the existing one for a name already used).
 * - Unique: the hash covers bucket, key and version id (sequencer when there is none), so a new upload
 *   of the same key, or the same file name under another folder, gets a new name.
 * - Readable: it starts with the file name without `.json`, reduced to the characters Step Functions
 *   allows (`[A-Za-z0-9_-]`; accents are dropped, anything else becomes `-`) and truncated.
 * - At most 80 characters.
 */
export function executionNameFor(revision: ObjectRevision): string {
  const versionOrSequencer = revision.versionId ?? revision.sequencer;
  if (versionOrSequencer === undefined || versionOrSequencer === '') {
    throw new TypeError(`No version id or sequencer for s3://${revision.bucket}/${revision.key}`);
  }
  const hash = createHash('sha256')
    .update(`${revision.bucket}\n${revision.key}\n${versionOrSequencer}`, 'utf8')
    .digest('hex')
    .slice(0, EXECUTION_NAME_HASH_LENGTH);
  const base = readableBaseName(revision.key, MAX_EXECUTION_NAME_LENGTH - EXECUTION_NAME_HASH_LENGTH - 1);
  return `${base}-${hash}`;
}

/**
 * The file's name without folders and without `.json`, as `[A-Za-z0-9_-]`, with runs of `-` collapsed,
 * no `-` or `_` at either end, and at most `maxLength` characters.
 */
export function readableBaseName(key: string, maxLength: number): string {
  const fileName = key.slice(key.lastIndexOf('/') + 1);
  const stem = fileName.endsWith('.json') ? fileName.slice(0, -'.json'.length) : fileName;
  const sanitized = stem
    .normalize('NFKD') // é -> e + combining accent, which the next step removes
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
  const truncated = sanitized.slice(0, maxLength).replace(/[-_]+$/, '');
  return truncated === '' ? FALLBACK_BASE_NAME : truncated;
}

/**
 * The ARN of execution `executionName` of a standard state machine:
 * `arn:<partition>:states:<region>:<account>:execution:<state machine name>:<execution name>`.
 */
export function executionArnFor(stateMachineArn: string, executionName: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
}
