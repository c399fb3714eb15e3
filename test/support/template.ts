import { readFileSync } from 'node:fs';
import type { CloudFormationTemplate } from '../../simulation/definition';

/** The account and Region every test stack is synthesized for. */
export const TEST_ENV = { account: '111122223333', region: 'us-east-1' } as const;

/** Where jest's global setup (test/setup/synthesize-pipeline.ts) wrote the default pipeline's template. */
export const TEMPLATE_FILE_VARIABLE = 'IC_PIPELINE_TEST_TEMPLATE';

let cached: CloudFormationTemplate | undefined;

/**
 * The default pipeline's synthesized template as plain JSON, synthesized once per `jest` run by the
 * global setup and shared by every test file that only reads it (no CDK is loaded to read it). A test
 * file run on its own without the global setup synthesizes it itself.
 */
export function pipelineTemplateJson(): CloudFormationTemplate {
  if (cached === undefined) {
    const file = process.env[TEMPLATE_FILE_VARIABLE];
    if (file) {
      cached = JSON.parse(readFileSync(file, 'utf8')) as CloudFormationTemplate;
    } else {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- load the CDK only on this fallback
      const { synthesizeDefaultPipeline } = require('./synth') as typeof import('./synth');
      cached = synthesizeDefaultPipeline();
    }
  }
  return cached;
}

/** The logical id of the one resource of `type` whose id starts with `prefix`, in a template's JSON. */
export function logicalIdIn(template: CloudFormationTemplate, type: string, prefix: string): string {
  const ids = Object.entries(template.Resources ?? {})
    .filter(([id, resource]) => resource.Type === type && id.startsWith(prefix))
    .map(([id]) => id);
  if (ids.length !== 1) {
    throw new Error(`Expected one ${type} with a logical id starting ${prefix}, found ${ids.length}: ${ids.join(', ')}`);
  }
  return ids[0] as string;
}
