/**
 * The project's corpus of good and bad run requests, gathered from the tests themselves, so that it grows
 * with them: every request literal that a request test passes to the request code (`prepare({...})`,
 * `onlyProblemOf({...})`, `prepareRun({...}, …)`, …), and every field of the schema set to every literal
 * value those tests use anywhere (numbers, strings, booleans, null, arrays, objects, good and bad alike).
 *
 * Only literals are taken (no variables, spreads or computed keys): what a test builds at run time is
 * covered by the field-by-value part, which puts each literal value in each field.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { runRequestSchema } from '../../core/request';
import type { Spec } from '../../core/schema';

const ROOT = join(__dirname, '../..');

/** The test files that exercise run requests. */
export const CORPUS_SOURCES = [
  'test/core/request.suite.ts',
  'test/core/prepare-run.suite.ts',
  'test/core/tuning.suite.ts',
  'test/core/hyperparameters.suite.ts',
  'test/core/request-file.suite.ts',
  'test/core/cost.suite.ts',
  'test/cli/validate.suite.ts',
  'test/cli/estimate.suite.ts',
  'test/cli/dry-run.e2e.test.ts',
  'test/cli/dry-run-scenarios.suite.ts',
  'test/local/pipeline-execution.suite.ts',
  'test/local/run-request-upload.suite.ts',
  'test/lambda/prepare-run/handler.suite.ts',
  'test/support/sagemaker-fixtures.ts',
];

/** Functions whose first argument is a whole run request. */
const REQUEST_TAKERS = new Set(['prepare', 'problemsOf', 'onlyProblemOf', 'rejectionOf', 'prepareRun', 'parseRunRequest', 'prepareRunOutput']);
/** Functions whose first argument is the `tuning` section of a request. */
const TUNING_TAKERS = new Set(['tuned']);

/** Strings longer than this are expected messages, not values a request would hold. */
const MAX_VALUE_STRING = 64;
/** Objects and arrays are put in every field only up to this JSON length (larger ones are whole requests already). */
const MAX_FIELD_VALUE_JSON = 40;

const NOT_STATIC = Symbol('not static');
type Static = unknown;

/** The value of a literal expression, or NOT_STATIC when it depends on anything but literals. */
function literalValue(node: ts.Expression): Static | typeof NOT_STATIC {
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node)) return literalValue(node.expression);
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isNumericLiteral(node)) return Number(node.text.replace(/_/g, ''));
  if (ts.isPrefixUnaryExpression(node) && ts.isNumericLiteral(node.operand)) {
    const value = Number(node.operand.text.replace(/_/g, ''));
    if (node.operator === ts.SyntaxKind.MinusToken) return -value;
    if (node.operator === ts.SyntaxKind.PlusToken) return value;
    return NOT_STATIC;
  }
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (node.kind === ts.SyntaxKind.NullKeyword) return null;
  if (ts.isArrayLiteralExpression(node)) {
    const values: unknown[] = [];
    for (const element of node.elements) {
      const value = ts.isSpreadElement(element) || ts.isOmittedExpression(element) ? NOT_STATIC : literalValue(element);
      if (value === NOT_STATIC) return NOT_STATIC;
      values.push(value);
    }
    return values;
  }
  if (ts.isObjectLiteralExpression(node)) {
    const value: Record<string, unknown> = {};
    for (const property of node.properties) {
      if (!ts.isPropertyAssignment(property)) return NOT_STATIC;
      const { name } = property;
      if (!(ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name))) return NOT_STATIC;
      const fieldValue = literalValue(property.initializer);
      if (fieldValue === NOT_STATIC) return NOT_STATIC;
      value[name.text] = fieldValue;
    }
    return value;
  }
  return NOT_STATIC;
}

/** What one source file holds: request literals, and every literal value in it. */
function scan(file: string): { requests: unknown[]; values: unknown[] } {
  const source = ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.ES2022, true);
  const requests: unknown[] = [];
  const values: unknown[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.arguments[0] !== undefined) {
      const argument = literalValue(node.arguments[0]);
      if (argument !== NOT_STATIC) {
        if (REQUEST_TAKERS.has(node.expression.text)) requests.push(argument);
        if (TUNING_TAKERS.has(node.expression.text)) requests.push({ tuning: argument });
      }
    }
    if (ts.isExpression(node)) {
      const value = literalValue(node);
      if (value !== NOT_STATIC && !(typeof value === 'string' && value.length > MAX_VALUE_STRING)) values.push(value);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { requests, values };
}

/** Distinct values, by their JSON text. */
function distinct(values: readonly unknown[]): unknown[] {
  const seen = new Map<string, unknown>();
  for (const value of values) seen.set(JSON.stringify(value), value);
  return [...seen.values()];
}

/** Every field of the schema, as paths: `['mode']`, `['training', 'instanceCount']`, … */
function fieldPaths(fields: Record<string, Spec<unknown, boolean>>, prefix: readonly string[] = []): string[][] {
  const paths: string[][] = [];
  for (const [name, spec] of Object.entries(fields)) {
    paths.push([...prefix, name]);
    const nested = (spec as { fields?: Record<string, Spec<unknown, boolean>> }).fields;
    if (nested !== undefined) paths.push(...fieldPaths(nested, [...prefix, name]));
  }
  return paths;
}

/** `{training: {instanceCount: value}}` for the path `['training', 'instanceCount']`. */
function requestWith(path: readonly string[], value: unknown): unknown {
  return path.reduceRight<unknown>((inner, name) => ({ [name]: inner }), value);
}

export interface RequestCorpus {
  /** Request literals of the tests. */
  readonly requests: readonly unknown[];
  /** Every literal value of the tests. */
  readonly values: readonly unknown[];
  /** Requests, then each value as a whole request, then each field set to each value. */
  readonly all: readonly unknown[];
}

/** Gathers the corpus from the sources (about a second: one parse of each file). */
export function requestCorpus(sources: readonly string[] = CORPUS_SOURCES): RequestCorpus {
  const scanned = sources.map(scan);
  const requests = distinct(scanned.flatMap((result) => result.requests));
  const values = distinct(scanned.flatMap((result) => result.values));
  const all = [...requests, ...values];
  const fieldValues = values.filter((value) => typeof value !== 'object' || JSON.stringify(value).length <= MAX_FIELD_VALUE_JSON);
  for (const path of fieldPaths(runRequestSchema.fields)) {
    for (const value of fieldValues) all.push(requestWith(path, value));
  }
  return { requests, values, all };
}
