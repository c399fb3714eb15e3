/**
 * Errors of the "Prepare run" Lambda and the small problem collector its validators share.
 *
 * A rejected run request fails the execution in its first state: the Lambda throws `RunRequestError`,
 * whose `name` becomes the Step Functions error and whose single-line `message` becomes the cause.
 */

/** One thing wrong with a run request: `field` is a path such as `training.instanceType`. */
export interface Problem {
  /** Path of the offending field in the run request, e.g. `hyperparameters.epochs`; `request` for the whole input. */
  field: string;
  /** What is wrong, including the bad value and what is allowed, e.g. `0 must be an integer >= 1`. */
  message: string;
}

/**
 * Upper bound on the length of a `RunRequestError` message. The message becomes the Step Functions
 * error cause (at most 32,768 characters); a request with hundreds of problems is cut well below that.
 */
export const MAX_ERROR_MESSAGE_LENGTH = 8_000;

/** One line per problem (`field: message`), the way they appear in the error message. */
export function problemLine(problem: Problem): string {
  return `${problem.field}: ${problem.message}`;
}

/**
 * `Invalid run request (2 problems): a: … | b: …` — single line, because it becomes a Step Functions
 * error cause. Cut at `MAX_ERROR_MESSAGE_LENGTH`, saying how many problems were left out.
 */
export function summarizeProblems(problems: readonly Problem[]): string {
  const head = `Invalid run request (${problems.length} problem${problems.length === 1 ? '' : 's'}): `;
  let message = head;
  for (const [index, problem] of problems.entries()) {
    const line = (index === 0 ? '' : ' | ') + problemLine(problem);
    const rest = problems.length - index;
    if (message.length + line.length > MAX_ERROR_MESSAGE_LENGTH) {
      return `${message} | … and ${rest} more problem${rest === 1 ? '' : 's'}`;
    }
    message += line;
  }
  return message;
}

/**
 * The run request (the execution input) is invalid. Thrown before any SageMaker call, so bad input costs
 * nothing. `problems` lists every problem found, not just the first.
 */
export class RunRequestError extends Error {
  readonly problems: Problem[];

  constructor(problems: readonly Problem[], message: string = summarizeProblems(problems)) {
    super(message);
    this.name = 'RunRequestError';
    this.problems = problems.map((problem) => ({ ...problem }));
  }
}

/** Where an S3-triggered run request came from, as far as error messages need it. */
export interface RequestFile {
  bucket: string;
  key: string;
  versionId?: string;
}

/**
 * The S3 trigger could not turn an uploaded request file into a run request (unparsable, too large, …)
 * and says so in `source.problem`; the execution fails with this message so the uploader sees why.
 */
export function requestFileError(file: RequestFile, problem: string): RunRequestError {
  const version = file.versionId === undefined ? '' : ` (version ${file.versionId})`;
  const message = `Run request file s3://${file.bucket}/${file.key}${version}: ${problem}`;
  return new RunRequestError([{ field: 'source', message }], message);
}

/** The Lambda was invoked with an event the state machine never sends: a wiring bug, not bad user input. */
export class InvalidEventError extends Error {
  constructor(
    message: string,
    readonly value: unknown,
  ) {
    super(message);
    this.name = 'InvalidEventError';
  }
}

/** Collects problems in the order they are found and answers "is this field already known to be bad?". */
export class ProblemList {
  private readonly items: Problem[] = [];

  add(field: string, message: string): void {
    this.items.push({ field, message });
  }

  addAll(problems: readonly Problem[]): void {
    for (const problem of problems) this.add(problem.field, problem.message);
  }

  get size(): number {
    return this.items.length;
  }

  list(): Problem[] {
    return this.items.map((problem) => ({ ...problem }));
  }

  /**
   * True when a problem was recorded for `field`, for a field inside it, or for an enclosing field
   * (`training` being not an object taints `training.instanceCount`). Cross-field rules skip when one of
   * their inputs is bad, so a single mistake is reported once, not again as a follow-on error.
   */
  touches(field: string): boolean {
    return this.items.some(
      (problem) =>
        problem.field === field || problem.field.startsWith(`${field}.`) || field.startsWith(`${problem.field}.`),
    );
  }
}

/**
 * A value as it appears in a problem message: JSON (strings quoted), cut to a readable length.
 * Long strings keep their start, which is the part a reader recognises.
 */
export function describeValue(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 100 ? `${text.slice(0, 97)}…` : text;
}

/**
 * The names closest to `name`, for "did you mean" hints: the same name in another case, else the
 * nearest typos (edit distance up to a quarter of the length, a swap of two neighbours counting as
 * one edit) or names that contain the other (`step` in `lr_scheduler_step`).
 */
export function closeNames(name: string, candidates: readonly string[], limit = 3): string[] {
  const wanted = name.toLowerCase();
  const sameButCase = candidates.find((candidate) => candidate.toLowerCase() === wanted);
  if (sameButCase !== undefined) return [sameButCase];
  const scored: { candidate: string; score: number }[] = [];
  for (const candidate of candidates) {
    const lower = candidate.toLowerCase();
    const contains = wanted.length >= 4 && (lower.includes(wanted) || wanted.includes(lower));
    const allowed = Math.max(1, Math.floor(candidate.length / 4));
    // The distance is at least the difference in length: a name that much longer or shorter is no typo.
    if (!contains && Math.abs(wanted.length - lower.length) > allowed) continue;
    const distance = editDistance(wanted, lower);
    if (distance <= allowed || contains) {
      scored.push({ candidate, score: distance });
    }
  }
  // Only the closest: "ml.p3.2xlarg" suggests ml.p3.2xlarge, not every p3 size as well.
  const best = Math.min(...scored.map((entry) => entry.score));
  return scored
    .filter((entry) => entry.score === best)
    .slice(0, limit)
    .map((entry) => entry.candidate);
}

/** ` (did you mean "x" or "y"?)`, or '' when nothing is close. */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const close = closeNames(name, candidates);
  if (close.length === 0) return '';
  return ` (did you mean ${close.map((candidate) => JSON.stringify(candidate)).join(' or ')}?)`;
}

/**
 * Optimal string alignment distance: insert, delete, substitute, swap two neighbours. Three rolling rows
 * instead of the whole table (the request validator runs this for every unknown field name).
 */
function editDistance(a: string, b: string): number {
  let before = new Array<number>(b.length + 1).fill(0); // row i - 2
  let above = Array.from({ length: b.length + 1 }, (_, j) => j); // row i - 1
  let row = new Array<number>(b.length + 1).fill(0); // row i
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(above[j]! + 1, row[j - 1]! + 1, above[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, before[j - 2]! + 1);
      row[j] = best;
    }
    [before, above, row] = [above, row, before];
  }
  return above[b.length]!;
}
