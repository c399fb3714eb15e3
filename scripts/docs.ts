/**
 * `npm run docs`: writes the files generated from the run request schema (run-request.schema.json and
 * docs/run-request.md; scripts/lib/run-request-docs.ts says how), and lists them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { JSON_SCHEMA_FILE, REFERENCE_FILE, runRequestJsonSchemaText, runRequestMarkdown } from './lib/run-request-docs';

const root = join(__dirname, '..');
for (const [file, text] of [
  [JSON_SCHEMA_FILE, runRequestJsonSchemaText()],
  [REFERENCE_FILE, runRequestMarkdown()],
] as const) {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), text);
  process.stdout.write(`wrote ${file}\n`);
}
