import {
  type Infer,
  type Issue,
  type Spec,
  anything,
  int,
  oneOf,
  parse,
  record,
  required,
  section,
  text,
} from '../../core/schema';

/** `field: message` lines, the way the run request reports them (`request` for the root). */
function linesOf(issues: readonly Issue[]): string[] {
  return issues.map((issue) => `${issue.path.length === 0 ? 'request' : issue.path.join('.')}: ${issue.message}`);
}

/** The problems of `value` as one field `v` of an otherwise empty section. */
function problemsOfField(spec: Spec<unknown>, value: unknown): string[] {
  return linesOf(parse(section({ v: spec }, 'an object'), { v: value }).issues);
}

describe('int', () => {
  test.each([
    [0, []],
    [5, []],
    [-1, ['v: -1 must be an integer >= 0']],
    [2.5, ['v: 2.5 must be an integer >= 0']],
    ['3', ['v: "3" must be an integer >= 0 (a JSON number, not a string)']],
    [null, ['v: null must be an integer >= 0']],
    [true, ['v: true must be an integer >= 0']],
    [Number.NaN, ['v: null must be an integer >= 0']],
    [Number.POSITIVE_INFINITY, ['v: null must be an integer >= 0']],
  ])('int(0): %j', (value, expected) => {
    expect(problemsOfField(int(0), value)).toEqual(expected);
  });

  test('a range and a note: both bounds are inclusive', () => {
    const spec = int(1, 10, ' (ten at most)');
    expect(problemsOfField(spec, 1)).toEqual([]);
    expect(problemsOfField(spec, 10)).toEqual([]);
    expect(problemsOfField(spec, 11)).toEqual(['v: 11 must be an integer from 1 to 10 (ten at most)']);
    expect(problemsOfField(spec, '11')).toEqual(['v: "11" must be an integer from 1 to 10 (ten at most) (a JSON number, not a string)']);
  });

  test('an integer beyond 2^53 is rejected (it cannot be represented exactly), once per failed bound as zod did', () => {
    expect(problemsOfField(int(1), 2 ** 53)).toEqual(['v: 9007199254740992 must be an integer >= 1']);
    expect(problemsOfField(int(1, 10), 1e300)).toEqual([
      'v: 1e+300 must be an integer from 1 to 10',
      'v: 1e+300 must be an integer from 1 to 10',
    ]);
    expect(problemsOfField(int(1), -(2 ** 53))).toEqual([
      'v: -9007199254740992 must be an integer >= 1',
      'v: -9007199254740992 must be an integer >= 1',
    ]);
    expect(problemsOfField(int(1), Number.MAX_SAFE_INTEGER)).toEqual([]);
  });
});

describe('oneOf', () => {
  test('accepts the listed values only, compared exactly', () => {
    const spec = oneOf(['a', 'B']);
    expect(problemsOfField(spec, 'B')).toEqual([]);
    expect(problemsOfField(spec, 'b')).toEqual(['v: "b" must be one of "a", "B"']);
    expect(problemsOfField(spec, ['a'])).toEqual(['v: ["a"] must be one of "a", "B"']);
  });
});

describe('text', () => {
  test('the type message uses the allowed phrase', () => {
    expect(problemsOfField(text('a bucket name'), 5)).toEqual(['v: 5 must be a bucket name']);
  });

  test('minLength reports with the allowed phrase', () => {
    const spec = text('a non-empty string', { minLength: 1 });
    expect(problemsOfField(spec, '')).toEqual(['v: "" must be a non-empty string']);
    expect(problemsOfField(spec, 'x')).toEqual([]);
  });

  test('lengths count code points: an emoji is one character', () => {
    const spec = text('a string', { maxLength: 3 });
    expect(problemsOfField(spec, '😀😀😀')).toEqual([]);
    expect(problemsOfField(spec, '😀😀😀😀')).toEqual(['v: "😀😀😀😀" must be at most 3 characters']);
    expect(problemsOfField(text('a string', { minLength: 2 }), '😀')).toEqual(['v: "😀" must be a string']);
  });

  test('length and pattern are separate checks, reported in that order', () => {
    const spec = text('a string', { maxLength: 3, pattern: /^[a-z]+$/, patternAllowed: 'lower-case letters' });
    expect(problemsOfField(spec, 'ABCD')).toEqual(['v: "ABCD" must be at most 3 characters', 'v: "ABCD" must be lower-case letters']);
    expect(problemsOfField(spec, 'AB')).toEqual(['v: "AB" must be lower-case letters']);
  });

  test('the pattern message defaults to the allowed phrase', () => {
    expect(problemsOfField(text('a digit', { pattern: /^\d$/ }), 'x')).toEqual(['v: "x" must be a digit']);
  });

  test('a global pattern matches every value from its start', () => {
    const spec = text('letters', { pattern: /^[a-z]+$/g });
    expect(problemsOfField(spec, 'abc')).toEqual([]);
    expect(problemsOfField(spec, 'abc')).toEqual([]);
  });

  test('a non-string with a length also gets the length problems (as with zod), but not the pattern one', () => {
    const spec = text('a string', { minLength: 1, maxLength: 2, pattern: /^x$/ });
    expect(problemsOfField(spec, [1, 2, 3])).toEqual(['v: [1,2,3] must be a string', 'v: [1,2,3] must be at most 2 characters']);
    expect(problemsOfField(spec, [])).toEqual(['v: [] must be a string', 'v: [] must be a string']);
    expect(problemsOfField(spec, { length: 'many' })).toEqual([
      'v: {"length":"many"} must be a string',
      'v: {"length":"many"} must be a string',
      'v: {"length":"many"} must be at most 2 characters',
    ]);
    expect(problemsOfField(spec, 7)).toEqual(['v: 7 must be a string']);
  });
});

describe('record', () => {
  const spec = record('an object of names and values');

  test('accepts an object of any values and copies it', () => {
    const value = { a: 1, b: 'x', c: { d: [true] }, e: null };
    const result = parse(spec, value);
    expect(result).toEqual({ ok: true, value, issues: [] });
    expect(result.value).not.toBe(value);
  });

  test.each([[[1, 2]], [new Map()], [new Date(0)], ['{}'], [null]])('rejects %p', (value) => {
    expect(linesOf(parse(spec, value).issues)).toEqual([`request: ${JSON.stringify(value)} must be an object of names and values`]);
  });

  test('accepts an object without a prototype', () => {
    const value: Record<string, unknown> = Object.create(null);
    value.a = 1;
    expect(parse(spec, value)).toMatchObject({ ok: true, value: { a: 1 } });
  });

  test('drops a __proto__ key instead of letting it replace the prototype of the copy', () => {
    const result = parse(spec, JSON.parse('{"__proto__": {"polluted": true}, "a": 1}'));
    expect(result.ok).toBe(true);
    expect(Object.keys(result.value ?? {})).toEqual(['a']);
    expect(Object.getPrototypeOf(result.value)).toBe(Object.prototype);
  });
});

describe('anything', () => {
  test.each([null, 0, 'x', [1], { a: 1 }])('accepts %p', (value) => {
    expect(parse(section({ v: anything() }, 'an object'), { v: value })).toEqual({ ok: true, value: { v: value }, issues: [] });
  });
});

describe('section', () => {
  const inner = section({ depth: int(1), name: text('a name') }, 'an object of inner settings');
  const outer = section(
    { mode: oneOf(['a', 'b']), inner, hidden: anything(), tags: record('an object of tags') },
    'a settings object',
    { hidden: ['hidden'] },
  );

  test('a value that is not an object, or is missing, names what is expected', () => {
    expect(linesOf(parse(outer, [1]).issues)).toEqual(['request: [1] must be a settings object']);
    expect(linesOf(parse(outer, undefined).issues)).toEqual(['request: missing (must be a settings object)']);
    expect(parse(outer, 'x')).toEqual({ ok: false, value: undefined, issues: expect.any(Array) });
  });

  test('problems come in field order, unknown fields last, with paths into nested sections', () => {
    const result = parse(outer, { extra: 1, inner: { name: 2, depth: 0, deep: true }, mode: 'c' }, 'the settings');
    expect(linesOf(result.issues)).toEqual([
      'mode: "c" must be one of "a", "b"',
      'inner.depth: 0 must be an integer >= 1',
      'inner.name: 2 must be a name',
      'inner.deep: true is not a field of inner; allowed: depth, name',
      'extra: 1 is not a field of the settings; allowed: mode, inner, tags',
    ]);
  });

  test('unknown fields get a "did you mean" hint; hidden fields are accepted but neither listed nor suggested', () => {
    expect(linesOf(parse(outer, { mdoe: 'a', hiden: 1, hidden: 2 }).issues)).toEqual([
      'mdoe: "a" is not a field of the input (did you mean "mode"?); allowed: mode, inner, tags',
      'hiden: 1 is not a field of the input; allowed: mode, inner, tags',
    ]);
  });

  test('an unknown field of a section nested two deep is named by its full path', () => {
    const root = section({ a: section({ b: section({ count: int(0) }, 'a b') }, 'an a') }, 'a root');
    expect(linesOf(parse(root, { a: { b: { size: 1 } } }).issues)).toEqual([
      'a.b.size: 1 is not a field of a.b; allowed: count',
    ]);
  });

  test('a valid value comes back as a copy with the fields given, undefined ones included', () => {
    const value = { mode: 'a', inner: { depth: 2 }, hidden: undefined };
    const result = parse(outer, value);
    expect(result.ok).toBe(true);
    expect(result.value).not.toBe(value);
    expect(Object.keys(result.value ?? {})).toEqual(['mode', 'inner', 'hidden']);
    expect(result.value).toEqual(value);
  });

  test('an invalid value keeps its valid fields, recursively, and drops unknown and undefined ones', () => {
    const result = parse(outer, { mode: 'c', inner: { depth: 3, name: 4 }, tags: { t: 1 }, hidden: undefined, extra: 1 });
    expect(result.ok).toBe(false);
    expect(result.value).toEqual({ inner: { depth: 3 }, tags: { t: 1 } });
    expect(Object.keys(result.value ?? {})).toEqual(['inner', 'tags']);
  });

  test('an invalid nested section with no valid field is kept as an empty object; a nested non-object is dropped', () => {
    expect(parse(outer, { inner: { depth: 'x' }, mode: 'a' }).value).toEqual({ inner: {}, mode: 'a' });
    expect(parse(outer, { inner: 'x', mode: 'a' }).value).toEqual({ mode: 'a' });
  });

  describe('required fields', () => {
    const file = section({ bucket: required(text('a non-empty string', { minLength: 1 })), version: text('a string') }, 'a file');

    test('a missing or undefined required field is reported as missing', () => {
      expect(linesOf(parse(file, {}).issues)).toEqual(['bucket: missing (must be a non-empty string)']);
      expect(linesOf(parse(file, { bucket: undefined }).issues)).toEqual(['bucket: missing (must be a non-empty string)']);
      expect(parse(file, { bucket: 'b' })).toEqual({ ok: true, value: { bucket: 'b' }, issues: [] });
    });

    test('a section with a required field keeps nothing when it is invalid', () => {
      expect(parse(file, { bucket: '', version: 'v1' }).value).toBeUndefined();
      const root = section({ file, mode: oneOf(['a']) }, 'a root');
      expect(parse(root, { file: { version: 'v1' }, mode: 'a' }).value).toEqual({ mode: 'a' });
    });
  });
});

describe('types', () => {
  test('the type of a section has its required fields required and the others optional', () => {
    const spec = section({ id: required(int(0)), kind: oneOf(['x', 'y']), inner: section({ note: text('a note') }, 'x') }, 'x');
    type Value = Infer<typeof spec>;
    // Compile-time checks (tsc in `npm test`): the first two type-check, the last two must not.
    const minimal: Value = { id: 1 };
    const full: Value = { id: 1, kind: 'y', inner: { note: 'n' } };
    // @ts-expect-error id is required
    const missingId: Value = { kind: 'x' };
    // @ts-expect-error kind is "x" or "y"
    const badKind: Value = { id: 1, kind: 'z' };
    expect(parse(spec, minimal).value).toEqual(minimal);
    expect(parse(spec, full).value).toEqual(full);
    expect(parse(spec, missingId).ok).toBe(false);
    expect(parse(spec, badKind).ok).toBe(false);
  });
});
