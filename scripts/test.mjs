// `npm test`: the type check, the lint and jest, run side by side. On two cores the three finish sooner
// together than one after another (tsc spends much of its time parsing aws-cdk-lib's declarations
// while jest's workers wait on synthesis), and jest's output streams while the other two are buffered
// and printed when they finish. Extra arguments go to jest (`npm test -- test/core`).
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
  run('jest', bin('jest', 'bin/jest.js'), process.argv.slice(2), { stream: true }),
]);
process.stdout.write(`npm test: ${((Date.now() - started) / 1000).toFixed(1)} s wall\n`);
process.exitCode = codes.every((code) => code === 0) ? 0 : 1;
