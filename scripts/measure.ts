/**
 * `npm run measure`: the project's performance figures, each printed as a ratio to a baseline measured in
 * the same run on the same machine (these machines are noisy; absolute seconds alone mean little).
 * Prints figures; asserts nothing.
 *
 *   npm run measure                 # 3 runs of each timing
 *   npm run measure -- 5            # 5 runs
 *   npm run measure -- 3 --no-tests # without the (one-minute) test-suite timing
 *
 * Baselines: a bare one-function CDK app synthesized the same way (scripts/lib/bare-app.ts) for every
 * synthesis and for the test suite; a warm dry-run for the first one; `node` doing nothing for the
 * command line's start-up; one download at a time for `results`; the S3 reads alone for `evaluate`, and
 * parsing the same predictions for its arithmetic; `results` of the same run for `report`; a plain sharp
 * loop doing the same image work on the same tree for prepare-data.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { measureBundles } from './measure-bundles';
import { measureEvaluate, measureEvaluationArithmetic, measureReport, measureResults, measureStartup } from './measure-cli';
import { describePrepareData, measurePrepareData } from './measure-prepare-data';

// The SDK's notice that 2027 releases need Node.js 22 is not a figure.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const runs = Number(process.argv[2] ?? 3);
const withTests = !process.argv.includes('--no-tests');
const root = path.join(__dirname, '..');
const cdkJson = JSON.parse(fs.readFileSync(path.join(root, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };

/** Runs `node [args]` in the project and returns the seconds it took. */
function timeNode(args: string[], env: NodeJS.ProcessEnv = {}): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed:\n${result.stderr}${result.stdout}`);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** Median seconds of `runs` runs of `once`. */
function medianOf(once: () => number): number {
  return median(Array.from({ length: runs }, once));
}

/** Synthesizes `app` into a fresh folder: `bundle` and `validate` as `cdk synth` does, or off as for the dry run. */
function synth(app: string, options: { bundle: boolean; validate: boolean }): number {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ic-measure-synth-'));
  try {
    const context = { ...cdkJson.context, ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) };
    return timeNode(['--import', 'tsx', app], {
      CDK_OUTDIR: outdir,
      CDK_CONTEXT_JSON: JSON.stringify(context),
      CDK_VALIDATION: String(options.validate),
    });
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

const line = (label: string, seconds: number, baseline: number, note = '') =>
  console.log(`${label.padEnd(52)} ${seconds.toFixed(2).padStart(7)} s  ${(seconds / baseline).toFixed(2).padStart(6)}x${note ? `  ${note}` : ''}`);

async function main(): Promise<void> {
  console.log(`npm run measure: ${runs} runs each, medians, ${os.cpus().length} cores, Node.js ${process.version}\n`);

  const bare = medianOf(() => synth('scripts/lib/bare-app.ts', { bundle: true, validate: true }));
  console.log('Synthesis, as a multiple of a bare one-function CDK app (baseline):');
  line('bare one-function app (baseline)', bare, bare);
  line('pipeline as `cdk synth` runs it (bundles, validator)', medianOf(() => synth('bin/app.ts', { bundle: true, validate: true })), bare);
  line('pipeline as the dry run synthesizes it', medianOf(() => synth('bin/app.ts', { bundle: false, validate: false })), bare);

  // The first dry-run of a fresh clone synthesizes; later ones reuse cdk.out.
  const cdkOut = path.join(root, 'cdk.out');
  const dryRun = () => timeNode([path.join('bin', 'ic-pipeline.cjs'), 'dry-run']);
  const first = medianOf(() => {
    fs.rmSync(cdkOut, { recursive: true, force: true });
    return dryRun();
  });
  const warm = medianOf(dryRun);
  console.log('\nDry run, as a multiple of a dry run with a fresh cdk.out (baseline; the bar for the first is 2x):');
  line('dry run with a fresh cdk.out (baseline)', warm, warm);
  line('first dry run of a fresh clone (synthesizes)', first, warm);

  if (withTests) {
    const tests = timeNode([path.join('scripts', 'test.mjs')]);
    console.log('\nTest suite (type check + lint + jest), as a multiple of the bare app synthesis:');
    line('npm test', tests, bare, '(the bar: 60 s on 2 cores)');
  }

  console.log('\nLambda bundles (minified, without source map; the bar is 100 KiB):');
  for (const bundle of await measureBundles()) {
    console.log(`  ${bundle.name.padEnd(16)} ${(bundle.bytes / 1024).toFixed(1).padStart(7)} KiB  ${(bundle.bytes / 102_400).toFixed(2)}x the bar`);
  }

  console.log('\nThe command line (scripts/measure-cli.ts; each block prints its own baseline):');
  measureStartup(runs);
  await measureResults(500, 20);
  await measureEvaluate(10_000, 20);
  measureEvaluationArithmetic(100_000, 257);
  if (withTests) await measureReport(500, 20);

  const prepare = await measurePrepareData({ images: 1000, runs });
  console.log(`\nprepare-data, as a multiple of a plain sharp loop doing the same image work at the same concurrency (the bar is 1.5x; ${prepare.images} photos):`);
  line('plain sharp loop, same image work (baseline)', prepare.loopSeconds, prepare.loopSeconds);
  line('prepare-data (recordio, test split, dataset.json)', prepare.prepareSeconds, prepare.loopSeconds);
  for (const text of describePrepareData(prepare).slice(1)) console.log(`  ${text}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
