import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesizeDefaultPipeline } from '../support/synth';
import { TEMPLATE_FILE_VARIABLE } from '../support/template';

/**
 * jest global setup: synthesizes the default pipeline once for the whole run and hands the template to
 * every test file (workers inherit the variable), instead of one synthesis per file that reads it.
 */
export default function synthesizePipeline(): void {
  const file = join(mkdtempSync(join(tmpdir(), 'ic-pipeline-test-')), 'pipeline.template.json');
  writeFileSync(file, JSON.stringify(synthesizeDefaultPipeline()));
  process.env[TEMPLATE_FILE_VARIABLE] = file;
}
