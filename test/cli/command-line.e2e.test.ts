import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The entry point as scripts use it (`node bin/ic-pipeline.cjs`, which `npm run -s pipeline` and
 * `npx ic-pipeline` run): one subprocess test for what only the real entry point does. Start-up time is
 * measured by scripts/measure-cli.ts, not asserted here.
 */
const ROOT = resolve(__dirname, '../..');

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'ic-pipeline.cjs'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('--version, --help, and with --json every usage error is one JSON document on stdout (exit 2)', () => {
  const version = cli('--version');
  expect(version).toEqual({ code: 0, stdout: `${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}\n`, stderr: '' });

  const help = cli('--help');
  expect(help.code).toBe(0);
  for (const command of ['start', 'status', 'stop', 'logs', 'list', 'results', 'report', 'evaluate', 'policy', 'prepare-batch', 'validate', 'dry-run']) expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));

  for (const args of [['frobnicate', '--json'], ['validate', '--json'], ['results', '--top', 'zero', '--json'], ['evaluate', '--top-k', '0', '--json'], ['status', '--json', '--bogus']]) {
    const usage = cli(...args);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toBe('');
    expect(JSON.parse(usage.stdout)).toEqual({ error: { code: 'UsageError', message: expect.any(String), hint: 'Run with --help for usage.' } });
  }
  const human = cli('stop');
  expect(human.code).toBe(2);
  expect(human.stdout).toBe('');
  expect(human.stderr).toContain("error: missing required argument 'execution'");
}, 60_000);
