// `npm test`: the type check in one lane; in the other the lint and the synthesis of the pipeline the tests
// share, then jest (which thus starts while the type check ends, not after it). Measured on 2 cores, the
// whole npm test (before the suites were grouped by folder): 70.4 s wall and 139 CPU-s this way, 79.4 s and
// 154 CPU-s with jest after both lanes (single-threaded GC for tsc and eslint too). Running tsc and eslint
// with no V8 helper threads at all (--single-threaded) saved nothing in three runs each. Starting all three
// at once is slower: jest's workers and the other two processes then fight over the cores for the whole
// run. The output of tsc and eslint is printed when they finish; jest's streams. Every step runs even when
// an earlier one fails, so one run reports everything; the exit code is 1 if any failed. Extra arguments go
// to jest (`npm test -- test/core`).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A package's command-line script, run with this Node.js (no shell, no npx). */
const bin = (pkg, name) => join(import.meta.dirname, '..', 'node_modules', pkg, name);

function run(label, script, args, { stream, env = process.env, nodeArgs = [] }) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [...nodeArgs, script, ...args], { env, stdio: stream ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
    let output = '';
    if (!stream) {
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
    }
    child.on('close', (code) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (output.trim() !== '') process.stdout.write(`\n── ${label} ──\n${output}`);
      process.stdout.write(`${label}: ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${seconds} s\n`);
      resolve(code ?? 1);
    });
  });
}

// Where the shared template goes (test/support/template.ts reads it; jest's global setup makes it if missing).
const template = join(mkdtempSync(join(tmpdir(), 'ic-pipeline-test-')), 'pipeline.template.json');
const synthesis = join(import.meta.dirname, '..', 'test', 'setup', 'synthesize-pipeline.ts');

const started = Date.now();
const env = { ...process.env, IC_PIPELINE_TEST_TEMPLATE: template };
// V8's parallel garbage collection runs helper threads beside each process; with both cores already busy,
// those threads mostly add CPU time. Single-threaded GC (jest's workers inherit the flag): jest alone took
// 64 CPU-s instead of 68-78 in three runs each; the whole npm test, about 4 % less CPU in three runs each.
const gc = ['--single-threaded-gc'];
// jest starts as soon as the lint and the template are done, while the type check (the longest of the three)
// ends beside it, instead of waiting for the type check with a core idle.
const codes = await Promise.all([
  run('type check (tsc)', bin('typescript', 'bin/tsc'), ['--noEmit', '-p', '.'], { stream: false, nodeArgs: gc }),
  (async () => [
    // The synthesis (one process, about 4 s) beside the lint rather than after it: jest starts when both
    // are done, sooner by most of the synthesis.
    ...(await Promise.all([
      run('lint (eslint)', bin('eslint', 'bin/eslint.js'), ['.'], { stream: false, nodeArgs: gc }),
      run('test template (cdk synth)', synthesis, [template], { stream: false, nodeArgs: ['--require', 'tsx/cjs'] }),
    ])),
    await run('jest', bin('jest', 'bin/jest.js'), process.argv.slice(2), { stream: true, env, nodeArgs: gc }),
  ])(),
]).then((lanes) => lanes.flat());
// The template's folder is this script's own: remove it whatever the outcome.
rmSync(dirname(template), { recursive: true, force: true });
process.stdout.write(`npm test: ${((Date.now() - started) / 1000).toFixed(1)} s wall\n`);
process.exitCode = codes.every((code) => code === 0) ? 0 : 1;
