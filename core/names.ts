/**
 * Run id and SageMaker resource names of a run.
 *
 * Every SageMaker name (training job, model, transform job) is the run id. The run id is a readable slug
 * of the run name and the Step Functions execution name, followed by a hash of both:
 *
 *   runId = slug(runName + '-' + executionName)[0..54] + '-' + sha256(executionName [+ '\n' + runName])[0..8]
 *
 * The hash is always appended. Sanitizing and shortening are many-to-one (`Run_1` and `run-1` give the same
 * slug, so do two 80-character names that share their first 54 characters); the hash of the unmodified
 * names keeps run ids, and so SageMaker names and output prefixes, distinct per execution.
 */
import { createHash } from 'node:crypto';

/** Longest slug: 54 + '-' + 8 hash characters = 63, the longest SageMaker job and model name. */
export const MAX_SLUG_LENGTH = 54;
/** Hex characters of the sha256 kept in the run id (32 bits: collisions need ~65,000 executions to be likely, and execution names are unique per state machine anyway). */
export const RUN_ID_HASH_LENGTH = 8;
/** Slug used when nothing of the names survives sanitizing (e.g. an execution name of only symbols). */
export const FALLBACK_SLUG = 'run';

/** The SageMaker names of one run; each is unique per resource type, so the job and model names can be the run id. */
export interface RunNames {
  trainingJob: string;
  model: string;
  transformJob: string;
  /** At most 32 characters (HyperParameterTuningJobName): {@link tuningJobName}. Used only when the run tunes. */
  tuningJob: string;
}

/** Longest HyperParameterTuningJobName. */
export const MAX_TUNING_JOB_NAME_LENGTH = 32;

/**
 * The tuning job name of run `runId`: the run id cut to 23 characters, `-`, and 8 hex characters of the
 * sha256 of the whole run id: 32 characters at most, as HyperParameterTuningJobName allows, and distinct
 * per run (the cut run id alone is not: two runs may share their first 23 characters). SageMaker names the
 * tuning job's training jobs `<tuning job name>-<3 digits>-<8 hex>`, at most 45 characters.
 */
export function tuningJobName(runId: string): string {
  const head = runId.slice(0, MAX_TUNING_JOB_NAME_LENGTH - RUN_ID_HASH_LENGTH - 1).replace(/-+$/, '');
  const hash = createHash('sha256').update(runId, 'utf8').digest('hex').slice(0, RUN_ID_HASH_LENGTH);
  return `${head === '' ? FALLBACK_SLUG : head}-${hash}`;
}

/**
 * The readable part of the run id: lower-case, every run of characters outside `[a-z0-9]` turned into a
 * single `-`, no leading or trailing `-`, at most `MAX_SLUG_LENGTH` characters, never empty.
 */
export function runSlug(executionName: string, runName?: string | null): string {
  return nameSlug(runName ? `${runName}-${executionName}` : executionName, MAX_SLUG_LENGTH, FALLBACK_SLUG);
}

/**
 * `text` as a SageMaker-safe name part: lower-case, every run of characters outside `[a-z0-9]` a single `-`,
 * no leading or trailing `-`, at most `maxLength` characters; `fallback` when nothing is left.
 */
export function nameSlug(text: string, maxLength: number, fallback: string): string {
  const slug = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxLength)
    .replace(/-+$/, '');
  return slug === '' ? fallback : slug;
}

/** First `RUN_ID_HASH_LENGTH` hex characters of sha256 over the unmodified names. */
export function runHash(executionName: string, runName?: string | null): string {
  const input = runName ? `${executionName}\n${runName}` : executionName;
  return createHash('sha256').update(input, 'utf8').digest('hex').slice(0, RUN_ID_HASH_LENGTH);
}

/**
 * The run id of an execution: at most 63 characters, lower-case, matching the TrainingJobName,
 * TransformJobName and ModelName patterns of the SageMaker API, and distinct for distinct inputs.
 */
export function deriveRunId(executionName: string, runName?: string | null): string {
  return `${runSlug(executionName, runName)}-${runHash(executionName, runName)}`;
}

/** The SageMaker names of the run `runId`. */
export function runNames(runId: string): RunNames {
  return { trainingJob: runId, model: runId, transformJob: runId, tuningJob: tuningJobName(runId) };
}

/** RUN_NAME_MAX_LENGTH of core/request.ts, not imported: the Lambdas that use names.ts stay free of the request schema. */
const MAX_RUN_NAME_LENGTH = 24;

/** What a run id looks like: a slug, `-`, and the 8 hex characters of the hash. */
const RUN_ID_SHAPE = new RegExp(`^[a-z0-9-]{1,${MAX_SLUG_LENGTH}}-[0-9a-f]{${RUN_ID_HASH_LENGTH}}$`);

/** True when `text` has the shape of a run id (it may still name no run). */
export function looksLikeRunId(text: string): boolean {
  return RUN_ID_SHAPE.test(text);
}

/**
 * True when execution `executionName` has run id `runId`, whatever run name (if any) the run was given:
 * a run name is 1-24 characters and starts the slug, so each prefix of the run id that ends before a `-`
 * is tried as the run name. Pure: no need to read the execution's input to match it.
 */
export function executionHasRunId(executionName: string, runId: string): boolean {
  if (!looksLikeRunId(runId)) return false;
  if (deriveRunId(executionName) === runId) return true;
  for (let end = runId.indexOf('-'); end > 0 && end <= MAX_RUN_NAME_LENGTH; end = runId.indexOf('-', end + 1)) {
    if (deriveRunId(executionName, runId.slice(0, end)) === runId) return true;
  }
  return false;
}
