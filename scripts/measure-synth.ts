/**
 * Rerunnable build figures: how long `cdk synth` takes (cold bundling of every Lambda with the local
 * esbuild, then cdk-nag) and how large each Lambda bundle is. Prints figures; asserts nothing.
 *
 *   npm run measure            # 3 runs
 *   npm run measure -- 5       # 5 runs
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const runs = Number(process.argv[2] ?? 3);
const root = path.join(__dirname, '..');
const cdk = path.join(root, 'node_modules', '.bin', 'cdk');

const seconds: number[] = [];
let outdir = '';
for (let i = 0; i < runs; i++) {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ic-pipeline-synth-'));
  const start = process.hrtime.bigint();
  execFileSync(cdk, ['synth', '--quiet', '--output', outdir], { cwd: root, stdio: 'ignore' });
  seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
  if (i < runs - 1) fs.rmSync(outdir, { recursive: true, force: true });
}
seconds.sort((a, b) => a - b);
const median = seconds[Math.floor(seconds.length / 2)] ?? NaN;
console.log(`cdk synth (${runs} runs, ${os.cpus().length} cores): median ${median.toFixed(1)} s, min ${seconds[0]?.toFixed(1)} s, max ${seconds.at(-1)?.toFixed(1)} s`);

const template = JSON.parse(fs.readFileSync(path.join(outdir, 'ImageClassificationPipeline.template.json'), 'utf8')) as {
  Resources: Record<string, { Type: string; Properties?: { Handler?: string; Code?: unknown }; Metadata?: Record<string, string> }>;
};
console.log('Lambda bundles (minified index.js, source map beside it):');
for (const [id, resource] of Object.entries(template.Resources)) {
  const asset = resource.Metadata?.['aws:asset:path'];
  if (resource.Type !== 'AWS::Lambda::Function' || !asset) continue;
  const dir = path.join(outdir, asset);
  const file = ['index.js', 'index.py'].map((name) => path.join(dir, name)).find((candidate) => fs.existsSync(candidate));
  if (!file) continue;
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  const map = `${file}.map`;
  console.log(`  ${id.padEnd(48)} ${kib(fs.statSync(file).size).padStart(10)}${fs.existsSync(map) ? `  (map ${kib(fs.statSync(map).size)})` : ''}`);
}
const templateBytes = fs.statSync(path.join(outdir, 'ImageClassificationPipeline.template.json')).size;
console.log(`Template: ${(templateBytes / 1024).toFixed(1)} KiB, ${Object.keys(template.Resources).length} resources`);
fs.rmSync(outdir, { recursive: true, force: true });
