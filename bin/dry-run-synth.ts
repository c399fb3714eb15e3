import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { addPipeline } from '../lib/pipeline-app';

/**
 * Synthesizes the app for `ic-pipeline dry-run`, in the command's own process, into `<root>/cdk.out`:
 * the stack of bin/app.ts with cdk.json's context, but without what only a deployment needs: the Lambdas
 * are not bundled (`aws:cdk:bundling-stacks` names no stack: the dry run runs their TypeScript), and
 * neither the CloudFormation validator nor cdk-nag runs. `cdk synth` and `cdk deploy` synthesize again,
 * with all three. The command line loads this module (and so aws-cdk-lib) only when a synthesis is needed.
 */
export function synthesizeForDryRun(root: string): void {
  const cdkJson = JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  const app = new App({
    outdir: join(root, 'cdk.out'),
    builtinCloudFormationValidation: false,
    // Nothing reads the construct tree or the version metadata of a dry run's template.
    treeMetadata: false,
    analyticsReporting: false,
    context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] },
  });
  addPipeline(app, {}, { nag: false });
  app.synth();
}
