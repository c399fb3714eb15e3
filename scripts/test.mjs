// `npm test`: the type check and the lint side by side (one core each), then jest on both cores. Measured
// on 2 cores (npm run measure), all three at once is slower than this: jest's two workers and the other
// two processes then fight over the cores for the whole run. The output of tsc and eslint is printed
// when they finish; jest's streams. Every step runs even when an earlier one fails, so one run reports
// everything; the exit code is 1 if any failed. Extra arguments go to jest (`npm test -- test/core`).
import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** A package's command-line script, run with this Node.js (no shell, no npx). */
const bin = (pkg, name) => join(import.meta.dirname, '..', 'node_modules', pkg, name);

function run(label, script, args, { stream }) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [script, ...args], { stdio: stream ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
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

const started = Date.now();
const codes = await Promise.all([
  run('type check (tsc)', bin('typescript', 'bin/tsc'), ['--noEmit', '-p', '.'], { stream: false }),
  run('lint (eslint)', bin('eslint', 'bin/eslint.js'), ['.'], { stream: false }),
]);
codes.push(await run('jest', bin('jest', 'bin/jest.js'), process.argv.slice(2), { stream: true }));
process.stdout.write(`npm test: ${((Date.now() - started) / 1000).toFixed(1)} s wall\n`);
process.exitCode = codes.every((code) => code === 0) ? 0 : 1;
