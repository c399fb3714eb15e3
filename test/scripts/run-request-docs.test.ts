/**
 * The files generated from the run request schema are committed; each must be what `npm run docs` writes
 * from the code as it is, so a field added or documented in core/request.ts without regenerating fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JSON_SCHEMA_FILE, REFERENCE_FILE, runRequestJsonSchemaText, runRequestMarkdown } from '../../scripts/lib/run-request-docs';
import { runRequestSchema } from '../../core/request';

const committed = (file: string) => readFileSync(join(__dirname, '../..', file), 'utf8');

test(`${JSON_SCHEMA_FILE} is up to date with core/request.ts (npm run docs regenerates it)`, () => {
  expect(committed(JSON_SCHEMA_FILE)).toBe(runRequestJsonSchemaText());
});

test(`${REFERENCE_FILE} is up to date with core/request.ts (npm run docs regenerates it)`, () => {
  expect(committed(REFERENCE_FILE)).toBe(runRequestMarkdown());
});

test('every field of the run request is documented, in the JSON Schema and in a row of the reference', () => {
  const markdown = runRequestMarkdown();
  const undocumented: string[] = [];
  const walk = (fields: Record<string, { doc?: { description: string }; fields?: Record<string, never> }>, prefix: string) => {
    for (const [name, spec] of Object.entries(fields)) {
      if (spec.doc === undefined || spec.doc.description === '') undocumented.push(`${prefix}${name}`);
      else if (prefix !== 'source.' && !markdown.includes(`| \`${prefix}${name}\``)) undocumented.push(`${prefix}${name} (no row)`);
      if (spec.fields !== undefined) walk(spec.fields, `${prefix}${name}.`);
    }
  };
  walk(runRequestSchema.fields as never, '');
  expect(undocumented).toEqual([]);
});

test('the reference gives the defaults the Prepare run code applies', () => {
  const markdown = runRequestMarkdown();
  expect(markdown).toContain('| `mode` | one of "full", "train", "transform", "deploy" | `"full"` |');
  expect(markdown).toContain('| `training.instanceType` | an instance type string like "ml.g4dn.xlarge" | `"ml.g4dn.xlarge"` |');
  expect(markdown).toContain('| `tuning.maxParallelJobs` | an integer from 1 to 10 (the pipeline\'s cap on parallel training jobs) | `2`; at most `maxJobs` |');
  expect(markdown).toContain('| `trainingData` | an S3 URI string like "s3://&lt;bucket&gt;/&lt;prefix&gt;/" | `s3://<data bucket>/train/` |');
});
