import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { TEMPLATE_FILE_VARIABLE } from '../support/template';
import { SYNTHESIZED_BY_SETUP } from './synthesize-pipeline';

/**
 * jest global teardown: removes the template folder that the global setup made (not one that `npm test`
 * made and handed over: scripts/test.mjs removes its own).
 */
export default function removeTemplate(): void {
  const file = process.env[TEMPLATE_FILE_VARIABLE];
  if (file !== undefined && process.env[SYNTHESIZED_BY_SETUP] === '1') rmSync(dirname(file), { recursive: true, force: true });
}
