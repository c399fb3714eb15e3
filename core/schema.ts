/**
 * A small declarative schema for JSON input (the run request): a section is a table of field specs built
 * with `int`, `num`, `bool`, `oneOf`, `text`, `record`, `anything` and nested `section`s; fields are optional unless
 * wrapped in `required`. `parse` checks a value in one pass, reports every problem in the order the fields
 * are declared (unknown fields last), and keeps the valid part of a partly invalid value, so that rules
 * which need more than one field can still run on it. The TypeScript type of a schema is `Infer<typeof …>`.
 *
 * Every problem names the value and what is allowed: `0 must be an integer >= 1`, `missing (must be …)`
 * for an absent required value, `"x" is not a field of training (did you mean …?); allowed: …`.
 *
 * The messages, their order and what is kept are those of the zod schema this replaced, including its
 * corner cases (noted where they occur), so that the problems a request gets did not change with it.
 * A new kind of field is a function that returns a `Spec`: see `int` for the pattern. Each spec also carries
 * its JSON Schema and its "allowed" wording, from which run-request.schema.json and docs/run-request.md are
 * generated (scripts/lib/run-request-docs.ts).
 *
 * Why not a library (measured in December 2026 with the whole run request written in each, bundled as the
 * Lambdas are: esbuild, minified, node22): zod 4's `zod/mini` (4.6.7) adds 22.5 KB to the bundle and valibot
 * (1.5.0) 7.1 KB, where this file is 3.9 KB; the prepare-run bundle (82.5 KB with this file, limit 100 KiB)
 * would be about 98.7 KiB with zod/mini, too close to the limit for the fields still to come, and 83.6 KiB
 * with valibot. Both can word every message as here (the value, what is allowed, the JSON-number hint), but
 * neither keeps the valid part of a partly invalid request: on failure zod returns no data and valibot
 * returns the input with its invalid values, so the domain rules could no longer report their problems in
 * the same error as the structural ones without code to salvage the valid part, the code this file is.
 * Neither gives the JSON Schema and the docs' wording without a further package (@valibot/to-json-schema)
 * or a converter (zod's toJSONSchema) and its own metadata.
 */
import { isPlainObject } from './json';
import { describeValue, didYouMean } from './problems';

/** Where a value sits: the field names from the root, e.g. `['training', 'instanceCount']`; `[]` is the root. */
export type Path = readonly string[];

/** One problem: `message` starts with the value (`0 must be …`) or `missing`. */
export interface Issue {
  readonly path: Path;
  readonly message: string;
}

/** What a spec made of one value. */
export interface Outcome<T> {
  /** The value passed every check. */
  readonly ok: boolean;
  /**
   * When `ok`, the value (a section or record as a copy holding only its known fields). Otherwise the valid
   * part: the valid fields of a section whose fields are all optional, else undefined.
   */
  readonly value: T | undefined;
}

/** What one `parse` shares with every spec it runs. */
export interface CheckContext {
  /** Problems found so far, in the order found. */
  readonly issues: Issue[];
  /** How an unknown-field message names the root section, e.g. `the run request`. */
  readonly rootName: string;
}

/** A JSON Schema (draft-07) document or fragment. */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** What a field is for: the documentation of the JSON Schema (`description`) and of docs/run-request.md. */
export interface FieldDoc {
  /** One or two sentences, Markdown allowed (`code`, links). */
  readonly description: string;
  /**
   * What happens when the field is left out, in words, for a default that is not one JSON value (e.g.
   * `s3://<data bucket>/train/`, "no gate"). @default - the generator takes JSON defaults from the reference tables
   */
  readonly whenOmitted?: string;
}

/** How to check one kind of value. `Optional` is whether a section may leave the field out (or undefined). */
export interface Spec<T, Optional extends boolean = boolean> {
  readonly optional: Optional;
  /** What a value must be, in the words of the messages (`an integer >= 1`): for the docs' "Allowed" column. */
  readonly allowed: string;
  /**
   * The JSON Schema of the values this spec accepts structurally, for editors: it accepts every value `check`
   * accepts (test/core/run-request-json-schema.suite.ts holds it to that).
   */
  readonly jsonSchema: JsonSchema;
  /** @default - undocumented */
  readonly doc?: FieldDoc;
  /** Checks `value` (which may be undefined: a required field left out), adding its problems to `context`. */
  check(value: unknown, path: Path, context: CheckContext): Outcome<T>;
}

/** The TypeScript type of the values a spec accepts. */
export type Infer<S> = S extends Spec<infer T, boolean> ? T : never;

/** A section's field table: field name to spec. */
export type Fields = { readonly [name: string]: Spec<unknown, boolean> };

type OptionalNames<F extends Fields> = { [K in keyof F]: F[K] extends Spec<unknown, true> ? K : never }[keyof F];
type Flatten<T> = { [K in keyof T]: T[K] };

/** The object a section accepts: required fields, then optional ones (`?:`). */
export type SectionValue<F extends Fields> = Flatten<
  { [K in Exclude<keyof F, OptionalNames<F>>]: Infer<F[K]> } & { [K in OptionalNames<F>]?: Infer<F[K]> }
>;

/** A section spec keeps its field table, for code that lists or extends the fields. */
export interface SectionSpec<F extends Fields> extends Spec<SectionValue<F>, true> {
  readonly fields: F;
}

/** The result of `parse`: the outcome and every problem found. */
export interface ParseResult<T> extends Outcome<T> {
  readonly issues: readonly Issue[];
}

/**
 * Checks `value` against `spec`. The root value is checked even when it is undefined (it is never optional).
 * @param rootName how unknown-field messages name the root section, e.g. `the run request`
 */
export function parse<T>(spec: Spec<T, boolean>, value: unknown, rootName = 'the input'): ParseResult<T> {
  const context: CheckContext = { issues: [], rootName };
  const outcome = spec.check(value, [], context);
  return { ok: outcome.ok, value: outcome.value, issues: context.issues };
}

const INVALID: Outcome<never> = { ok: false, value: undefined };

function valid<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

/** Adds `<value> <mustBe>`, or `missing (<mustBe>)` when there is no value. */
function reject(context: CheckContext, path: Path, value: unknown, mustBe: string): void {
  context.issues.push({ path, message: value === undefined ? `missing (${mustBe})` : `${describeValue(value)} ${mustBe}` });
}

/** An optional spec from what it allows, its JSON Schema and its check function. */
function optional<T>(allowed: string, jsonSchema: JsonSchema, check: Spec<T, true>['check']): Spec<T, true> {
  return { optional: true, allowed, jsonSchema, check };
}

/** The same spec, but a section reports the field as `missing (…)` when it is left out. */
export function required<T>(spec: Spec<T, boolean>): Spec<T, false> {
  return { ...spec, optional: false, check: (value, path, context) => spec.check(value, path, context) };
}

/** The same spec with its documentation (`doc(int(1), { description: 'How many instances.' })`). */
export function doc<S extends Spec<unknown, boolean>>(spec: S, fieldDoc: FieldDoc): S {
  return { ...spec, doc: fieldDoc };
}

/** Any value at all (for fields that are accepted and ignored). */
export function anything(): Spec<unknown, true> {
  return optional('any JSON value', {}, (value) => valid(value));
}

/**
 * A safe integer from `min` to `max` (no upper bound when `max` is undefined). Every failure reads
 * `must be an integer >= <min><note>` or `must be an integer from <min> to <max><note>`, with
 * ` (a JSON number, not a string)` added for a string such as `"2"`.
 */
export function int(min: number, max?: number, note = ''): Spec<number, true> {
  const allowed = `${max === undefined ? `an integer >= ${min}` : `an integer from ${min} to ${max}`}${note}`;
  const mustBe = `must be ${allowed}`;
  // Only safe integers pass the check: the JSON Schema says so where no lower maximum does.
  const jsonSchema = { type: 'integer', minimum: min, maximum: max ?? Number.MAX_SAFE_INTEGER };
  return optional(allowed, jsonSchema, (value, path, context) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      reject(context, path, value, typeof value === 'string' ? `${mustBe} (a JSON number, not a string)` : mustBe);
      return INVALID;
    }
    if (!Number.isInteger(value)) {
      reject(context, path, value, mustBe);
      return INVALID;
    }
    // Each bound is a check of its own, as in zod: an integer beyond 2^53 that is also above `max` gets the
    // same message twice.
    const before = context.issues.length;
    if (!Number.isSafeInteger(value)) reject(context, path, value, mustBe);
    if (value < min) reject(context, path, value, mustBe);
    if (max !== undefined && value > max) reject(context, path, value, mustBe);
    return context.issues.length === before ? valid(value) : INVALID;
  });
}

/**
 * A finite number from `min` to `max`, both included. Every failure reads `must be a number from <min> to
 * <max><note>`, with ` (a JSON number, not a string)` added for a string such as `"0.6"`.
 */
export function num(min: number, max: number, note = ''): Spec<number, true> {
  const allowed = `a number from ${min} to ${max}${note}`;
  const mustBe = `must be ${allowed}`;
  return optional(allowed, { type: 'number', minimum: min, maximum: max }, (value, path, context) => {
    if (typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max) return valid(value);
    reject(context, path, value, typeof value === 'string' ? `${mustBe} (a JSON number, not a string)` : mustBe);
    return INVALID;
  });
}

/**
 * A JSON boolean. Anything else reads `must be true or false`, with ` (a JSON boolean, not a string)` added
 * for a string such as `"true"`.
 */
export function bool(): Spec<boolean, true> {
  return optional('true or false', { type: 'boolean' }, (value, path, context) => {
    if (typeof value === 'boolean') return valid(value);
    reject(context, path, value, typeof value === 'string' ? 'must be true or false (a JSON boolean, not a string)' : 'must be true or false');
    return INVALID;
  });
}

/** One of `values` (compared with `===`); the message lists them: `must be one of "a", "b"`. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T): Spec<T[number], true> {
  const allowedText = `one of ${values.map((value) => JSON.stringify(value)).join(', ')}`;
  const mustBe = `must be ${allowedText}`;
  const allowed: readonly unknown[] = values;
  return optional(allowedText, { type: 'string', enum: [...values] }, (value, path, context) => {
    if (allowed.includes(value)) return valid(value as T[number]);
    reject(context, path, value, mustBe);
    return INVALID;
  });
}

export interface TextOptions {
  /** Fewest characters (Unicode code points); fewer reads `must be <allowed>`. @default - no minimum */
  readonly minLength?: number;
  /** Most characters (Unicode code points); more reads `must be at most <maxLength> characters`. @default - no maximum */
  readonly maxLength?: number;
  /** A pattern the whole string must match. @default - any string */
  readonly pattern?: RegExp;
  /** What `pattern` allows, for its message `must be <patternAllowed>`. @default - `allowed` */
  readonly patternAllowed?: string;
}

/**
 * A string; anything else reads `must be <allowed>`. The checks run in this order and each reports on its
 * own: type, `minLength`, `maxLength`, `pattern`.
 */
export function text(allowed: string, options: TextOptions = {}): Spec<string, true> {
  const { minLength, maxLength, pattern, patternAllowed = allowed } = options;
  // JSON Schema counts a string's length in code points, as `lengthOf` does.
  const jsonSchema = {
    type: 'string',
    ...(minLength !== undefined ? { minLength } : {}),
    ...(maxLength !== undefined ? { maxLength } : {}),
    ...(pattern !== undefined ? { pattern: pattern.source } : {}),
  };
  const documented = maxLength !== undefined && options.patternAllowed === undefined ? `${allowed} of at most ${maxLength} characters` : patternAllowed;
  return optional(documented, jsonSchema, (value, path, context) => {
    const before = context.issues.length;
    if (typeof value !== 'string') reject(context, path, value, `must be ${allowed}`);
    // As in zod, the length checks also run on a value that is not a string but has a length (an array):
    // `[…30 items]` as a 24-character field reads "must be a string" and "must be at most 24 characters".
    const length = lengthOf(value);
    if (length !== undefined) {
      if (minLength !== undefined && !(length >= minLength)) reject(context, path, value, `must be ${allowed}`);
      if (maxLength !== undefined && !(length <= maxLength)) reject(context, path, value, `must be at most ${maxLength} characters`);
    }
    if (typeof value !== 'string') return INVALID;
    if (pattern !== undefined) {
      pattern.lastIndex = 0; // a global or sticky pattern would otherwise start where its last match ended
      if (!pattern.test(value)) reject(context, path, value, `must be ${patternAllowed}`);
    }
    return context.issues.length === before ? valid(value) : INVALID;
  });
}

/**
 * A string's length in code points (an emoji is one character, not two), or any other value's `length`
 * property (compared as JavaScript compares it); undefined for null, undefined and values without one.
 */
function lengthOf(value: unknown): number | undefined {
  if (typeof value === 'string') return [...value].length;
  if (value === null || value === undefined) return undefined;
  const length = (value as { length?: unknown }).length;
  return length === undefined ? undefined : (length as number);
}

/**
 * An object of string keys to any values (each value is checked elsewhere). An array, a class instance
 * (Map, Date, …) or a non-object reads `must be <what>`. A `__proto__` key is dropped from the copy.
 * @param knownKeys keys worth naming to editors (name to what it is), e.g. the algorithm's hyperparameters:
 *   the JSON Schema lists them so that editors complete them, but accepts any key, as the check does
 */
export function record(what: string, knownKeys: Readonly<Record<string, string>> = {}): Spec<Record<string, unknown>, true> {
  const properties = Object.fromEntries(Object.entries(knownKeys).map(([key, description]) => [key, { description }]));
  const jsonSchema = { type: 'object', ...(Object.keys(properties).length > 0 ? { properties } : {}) };
  return optional(what, jsonSchema, (value, path, context) => {
    if (!isPlainRecord(value)) {
      reject(context, path, value, `must be ${what}`);
      return INVALID;
    }
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      // Assigning __proto__ would replace the copy's prototype instead of adding a field.
      if (key !== '__proto__') copy[key] = value[key];
    }
    return valid(copy);
  });
}

/** An object whose prototype is Object.prototype (of any realm) or null: what JSON.parse makes. */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (!isPlainObject(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === null || Object.getPrototypeOf(prototype) === null;
}

export interface SectionOptions<F extends Fields> {
  /**
   * Fields that are accepted but left out of the `allowed:` list and the "did you mean" hints.
   * @default - none
   */
  readonly hidden?: readonly (keyof F & string)[];
}

/**
 * An object with the fields of `fields` and no others; anything but an object reads `must be <what>`.
 * Each field's problems are reported in the order of `fields`, then one problem per unknown field, which
 * lists the allowed fields and suggests a close one. When some fields are invalid and every field is
 * optional, the outcome keeps the valid fields (the valid part of a nested section, recursively).
 */
export function section<F extends Fields>(fields: F, what: string, options: SectionOptions<F> = {}): SectionSpec<F> {
  const entries = Object.entries(fields);
  const names = new Set(Object.keys(fields));
  const hidden = new Set<string>(options.hidden ?? []);
  const advertised = entries.map(([name]) => name).filter((name) => !hidden.has(name));
  const allOptional = entries.every(([, spec]) => spec.optional);
  const mustBe = `must be ${what}`;

  function check(value: unknown, path: Path, context: CheckContext): Outcome<SectionValue<F>> {
    if (!isPlainObject(value)) {
      reject(context, path, value, mustBe);
      return INVALID;
    }
    let ok = true;
    const output: Record<string, unknown> = {};
    const kept: Record<string, unknown> = {};
    for (const [name, spec] of entries) {
      const fieldValue = value[name];
      const outcome =
        fieldValue === undefined && spec.optional ? valid(undefined) : spec.check(fieldValue, [...path, name], context);
      // A field given as undefined stays in the output (as undefined); a field left out does not appear.
      if (!outcome.ok) ok = false;
      else if (name in value || outcome.value !== undefined) output[name] = outcome.value;
      if (outcome.value !== undefined && Object.hasOwn(value, name)) kept[name] = outcome.value;
    }
    // for…in, as zod: an inherited enumerable property counts as a field of the input too.
    for (const key in value) {
      if (names.has(key)) continue;
      ok = false;
      const where = path.length === 0 ? context.rootName : path.join('.');
      context.issues.push({
        path: [...path, key],
        message:
          `${describeValue(value[key])} is not a field of ${where}${didYouMean(key, advertised)}; ` +
          `allowed: ${advertised.join(', ')}`,
      });
    }
    // The casts are sound: `output` holds every field that passed, `kept` only fields that passed, and
    // `kept` is used only when every field is optional.
    if (ok) return valid(output as SectionValue<F>);
    return { ok: false, value: allOptional ? (kept as SectionValue<F>) : undefined };
  }

  return {
    optional: true,
    allowed: what,
    jsonSchema: sectionJsonSchema(fields),
    fields,
    check,
  };
}

/**
 * A section's JSON Schema: its fields, each with its description, the required ones, and no others. Hidden
 * fields are in it too: the check accepts them.
 */
function sectionJsonSchema(fields: Fields): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [name, spec] of Object.entries(fields)) {
    const { description, whenOmitted } = spec.doc ?? {};
    const text = whenOmitted === undefined ? description : `${description} When left out: ${whenOmitted}.`;
    properties[name] = text === undefined ? spec.jsonSchema : { description: text, ...spec.jsonSchema };
  }
  const required = Object.entries(fields).filter(([, spec]) => !spec.optional).map(([name]) => name);
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}), additionalProperties: false };
}
