/**
 * The JSON Schema editors use (run-request.schema.json) against the validator the pipeline uses
 * (core/request.ts): on the project's corpus of good and bad requests (test/support/request-corpus.ts),
 * the schema accepts every request the validator accepts structurally, and rejects every one it rejects.
 */
import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProblemList } from '../../core/problems';
import { parseRunRequest } from '../../core/request';
import { requestCorpus } from '../support/request-corpus';

const schema = JSON.parse(readFileSync(join(__dirname, '../../run-request.schema.json'), 'utf8')) as object;
const validate = new Ajv({ strict: true, allErrors: false }).compile(schema);
const corpus = requestCorpus();

/** Whether the validator finds no structural problem (the domain rules are not the JSON Schema's business). */
function structurallyValid(request: unknown): boolean {
  const problems = new ProblemList();
  parseRunRequest(request, problems);
  return problems.size === 0;
}

const verdicts = corpus.all.map((request) => ({ request, validator: structurallyValid(request), schema: validate(request) }));

test('the corpus holds the tests\' requests and many structurally good and bad ones', () => {
  expect(corpus.requests.length).toBeGreaterThan(80);
  expect(verdicts.filter((v) => v.validator).length).toBeGreaterThan(1000);
  expect(verdicts.filter((v) => !v.validator).length).toBeGreaterThan(1000);
});

test('the JSON Schema accepts every request the validator accepts structurally', () => {
  const refused = verdicts.filter((v) => v.validator && !v.schema).map((v) => JSON.stringify(v.request));
  expect(refused).toEqual([]);
});

test('the JSON Schema rejects every request the validator rejects structurally', () => {
  const accepted = verdicts.filter((v) => !v.validator && v.schema).map((v) => JSON.stringify(v.request));
  expect(accepted).toEqual([]);
});

test('run-request.schema.json is a draft-07 JSON Schema that ajv compiles in strict mode, and {} is a valid request', () => {
  expect(schema).toMatchObject({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', additionalProperties: false });
  expect(validate({})).toBe(true);
});
