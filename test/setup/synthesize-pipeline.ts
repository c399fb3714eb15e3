import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEMPLATE_FILE_VARIABLE } from '../support/template';

/**
 * Synthesizes the default pipeline into `file` (a new temporary file when none is given). The CDK and the
 * stack are loaded here, not at the top: when `npm test` has made the template already, jest's main
 * process then loads (and transforms) none of them.
 */
export function writePipelineTemplate(file = join(mkdtempSync(join(tmpdir(), 'ic-pipeline-test-')), 'pipeline.template.json')): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when there is something to synthesize
  const { synthesizeDefaultPipeline } = require('../support/synth') as typeof import('../support/synth');
  writeFileSync(file, JSON.stringify(synthesizeDefaultPipeline()));
  return file;
}

/**
 * jest global setup: synthesizes the default pipeline once for the whole run and hands the template to
 * every test file (workers inherit the variable), instead of one synthesis per file that reads it.
 * `npm test` (scripts/test.mjs) synthesizes it beforehand, beside the lint, and sets the variable.
 */
export default function synthesizePipeline(): void {
  const given = process.env[TEMPLATE_FILE_VARIABLE];
  if (given && existsSync(given)) return;
  process.env[TEMPLATE_FILE_VARIABLE] = writePipelineTemplate();
  // The global teardown (remove-template.ts) removes what this made, and only that.
  process.env[SYNTHESIZED_BY_SETUP] = '1';
}

/** Set when the global setup made the template folder, which the global teardown then removes. */
export const SYNTHESIZED_BY_SETUP = 'IC_PIPELINE_TEST_TEMPLATE_MADE_BY_SETUP';

// `node --require tsx/cjs test/setup/synthesize-pipeline.ts <file>`: what scripts/test.mjs runs.
if (require.main === module) writePipelineTemplate(process.argv[2]);
