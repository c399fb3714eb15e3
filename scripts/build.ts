/**
 * `npm run build` (and `npm pack`, through `prepack`): the package as it installs, in dist/.
 *
 * 1. tsc (tsconfig.build.json): JavaScript and declarations of bin/, lib/, lambda/, cli/, core/ and
 *    simulation/ under dist/, in the same layout (the JSON files they import come along).
 * 2. The files the code reads at run time that tsc does not copy: the Caltech-256 class names and the
 *    report's browser assets.
 * 3. Each Lambda handler bundled by esbuild with the options it deploys with (`esbuildOptionsFor`, from
 *    `PIPELINE_BUNDLING`) into dist/lambda-bundles/<name>/index.js with its source map. The compiled
 *    PipelineFunction deploys these files as they are, so an app that installs the package needs neither
 *    esbuild nor TypeScript.
 *
 *   npm run build
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { esbuildOptionsFor } from '../lib/pipeline-function';
import { handlerNames } from './measure-bundles';

const ROOT = path.join(__dirname, '..');
const DIST = path.join(ROOT, 'dist');

/** Files the compiled code reads beside itself, relative to the project root (and to dist/). */
export const RUNTIME_FILES = ['core/reference/caltech256-classes.txt', 'cli/report/assets/report.css', 'cli/report/assets/report.js'];

async function main(): Promise<void> {
  const started = Date.now();
  fs.rmSync(DIST, { recursive: true, force: true });

  const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(ROOT, 'tsconfig.build.json')], {
    stdio: 'inherit',
  });
  if (tsc.status !== 0) throw new Error(`tsc failed (exit ${tsc.status})`);

  for (const file of RUNTIME_FILES) {
    fs.mkdirSync(path.dirname(path.join(DIST, file)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, file), path.join(DIST, file));
  }
  // npm makes the "bin" file executable on install; this is for running it from dist/ directly.
  fs.chmodSync(path.join(DIST, 'bin', 'ic-pipeline.js'), 0o755);

  await Promise.all(
    handlerNames().map((name) =>
      build({ ...esbuildOptionsFor(name), outfile: path.join(DIST, 'lambda-bundles', name, 'index.js') }),
    ),
  );
  console.log(`Built dist/ (JavaScript, declarations, ${handlerNames().length} Lambda bundles) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
