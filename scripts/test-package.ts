/**
 * `npm run test:package`: the package as a CDK user gets it. Slow (a build, a pack, an install), so it is
 * not part of `npm test`; .ci/run runs it after `npm test`.
 *
 * 1. `npm pack` (which builds dist/ through `prepack`) into a temporary folder; the tarball holds the
 *    compiled code, the declarations, the pre-bundled Lambdas and cdk.json, and no TypeScript source.
 * 2. A new project in a temporary folder installs the tarball with `npm ci --offline`: its lock file is
 *    made from this repository's (the same versions, which the `npm ci` that installed this repository
 *    put in npm's cache), so nothing is downloaded. The project has aws-cdk-lib, constructs and
 *    TypeScript, as a CDK app has, and neither esbuild nor tsx.
 * 3. Its app, in TypeScript, embeds `ImageClassificationPipeline` with an existing (imported) data bucket;
 *    it is type-checked against the installed declarations, compiled, and synthesized; the Lambdas deploy
 *    the package's pre-bundled files.
 * 4. The installed `ic-pipeline --version` and `ic-pipeline dry-run` run from the project's folder.
 *
 * Asserts each step, prints how long each took, and removes the temporary folder.
 *
 *   npm run test:package
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..');

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}

interface Lock {
  name?: string;
  lockfileVersion: number;
  requires?: boolean;
  packages: Record<string, LockEntry>;
}

/** npm itself: the one running this script (`npm run test:package`), else `npm` from PATH. */
function npm(args: string[], cwd: string): SpawnSyncReturns<string> {
  const execPath = process.env.npm_execpath;
  const [command, commandArgs] = execPath && /npm-cli\.js$/.test(execPath) ? [process.execPath, [execPath, ...args]] : ['npm', args];
  return run(command, commandArgs, cwd);
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return result;
}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

function ok(result: SpawnSyncReturns<string>, what: string): string {
  check(result.status === 0, `${what} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/**
 * Where `name` resolves from the package at `location` (`node_modules/a/node_modules/b`), the way Node.js
 * and npm resolve it: its own node_modules, then each parent's, then the top.
 */
function resolveIn(packages: Record<string, LockEntry>, location: string, name: string): string | undefined {
  let base = location;
  for (;;) {
    const candidate = `${base === '' ? '' : `${base}/`}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (base === '') return undefined;
    const index = base.lastIndexOf('/node_modules/');
    base = index === -1 ? '' : base.slice(0, index);
  }
}

/**
 * A lock file for a project with `dependencies` (besides the tarball `tarballName` of this package): every
 * package those need, at the version and place this repository's lock file has it, with its flags as the
 * new project sees them (nothing is a development dependency there).
 */
export function consumerLock(repoLock: Lock, dependencies: Record<string, string>, tarball: { file: string; specifier: string }): Lock {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  const bytes = fs.readFileSync(tarball.file);
  const packages: Record<string, LockEntry> = {
    ...repoLock.packages,
    'node_modules/ic-pipeline': {
      version: manifest.version as string,
      resolved: tarball.specifier,
      integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
      license: manifest.license,
      dependencies: manifest.dependencies as Record<string, string>,
      peerDependencies: manifest.peerDependencies as Record<string, string>,
      bin: manifest.bin,
      engines: manifest.engines,
    },
  };
  // Breadth first from the project's own dependencies; a package is optional when only optional edges reach it.
  const required = new Set<string>();
  const reached = new Set<string>();
  const queue: Array<{ location: string; optional: boolean }> = [];
  const visit = (from: string, name: string, optional: boolean) => {
    const location = resolveIn(packages, from, name);
    if (location === undefined) {
      check(optional, `${name}, needed by ${from || 'the project'}, is not in package-lock.json`);
      return;
    }
    if ((optional && reached.has(location)) || required.has(location)) return;
    reached.add(location);
    if (!optional) required.add(location);
    queue.push({ location, optional });
  };
  for (const name of Object.keys(dependencies)) visit('', name, false);
  while (queue.length > 0) {
    const { location, optional } = queue.shift()!;
    const entry = packages[location]!;
    for (const name of Object.keys(entry.dependencies ?? {})) visit(location, name, optional);
    for (const name of Object.keys(entry.optionalDependencies ?? {})) visit(location, name, true);
    for (const name of Object.keys(entry.peerDependencies ?? {})) visit(location, name, optional || Boolean(entry.peerDependenciesMeta?.[name]?.optional));
  }
  const lock: Lock = { name: 'consumer', lockfileVersion: 3, requires: true, packages: { '': { name: 'consumer', dependencies } } };
  for (const location of [...reached].sort()) {
    // The repository's flags (dev, devOptional, optional, peer) say how the repository needs a package, not the project.
    const entry = Object.fromEntries(Object.entries(packages[location]!).filter(([key]) => !['dev', 'devOptional', 'optional', 'peer'].includes(key)));
    lock.packages[location] = required.has(location) ? entry : { ...entry, optional: true };
  }
  return lock;
}

/** The app a CDK user writes: the construct beside a bucket they already have. */
const CONSUMER_APP = `import { Annotations, App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ImageClassificationPipeline } from 'ic-pipeline';

const app = new App();
const stack = new Stack(app, 'ConsumerStack', { env: { account: '111122223333', region: 'eu-west-1' } });
const dataBucket = s3.Bucket.fromBucketName(stack, 'TeamData', 'team-ml-data');
const pipeline = new ImageClassificationPipeline(stack, 'Pipeline', {
  existingDataBucket: dataBucket,
  notificationEmail: 'ml-team@example.com',
});
Annotations.of(pipeline).acknowledgeWarning('ic-pipeline:runRequestTrigger:importedDataBucket', 'team-ml-data has EventBridge notifications on');
// The properties are typed: a wrong name would fail the type check.
const names: string[] = [pipeline.stateMachine.stateMachineName, pipeline.dataBucket.bucketName, pipeline.notificationTopic.topicArn];
void names;
app.synth();
`;

function main(): void {
  const timings: Array<[string, number]> = [];
  const step = <T>(label: string, body: () => T): T => {
    const started = Date.now();
    const result = body();
    timings.push([label, (Date.now() - started) / 1000]);
    process.stdout.write(`ok  ${label} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    return result;
  };
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ic-pipeline-package-'));
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string; devDependencies: Record<string, string> };

    // 1. Pack (prepack builds dist/).
    const tarballName = step('npm pack (build: tsc, assets, esbuild bundles)', () => {
      // The prepack build prints its lines before npm's JSON.
      const stdout = ok(npm(['pack', '--json', '--pack-destination', work], ROOT), 'npm pack');
      const json = stdout.slice(stdout.search(/^\[/m));
      const packed = JSON.parse(json) as Array<{ filename: string; files: Array<{ path: string }> }>;
      const files = packed[0]!.files.map((file) => file.path);
      for (const expected of ['dist/lib/index.js', 'dist/lib/index.d.ts', 'bin/ic-pipeline.cjs', 'dist/bin/ic-pipeline.js', 'run-request.schema.json', 'cdk.json', 'package.json']) {
        check(files.includes(expected), `the package lacks ${expected}`);
      }
      for (const handler of ['prepare-run', 'resolve-image', 'start-run']) {
        check(files.includes(`dist/lambda-bundles/${handler}/index.js`), `the package lacks the pre-bundled ${handler}`);
      }
      const sources = files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'));
      check(sources.length === 0, `the package holds TypeScript sources: ${sources.join(', ')}`);
      check(!files.some((file) => /^(test|scripts|node_modules)\//.test(file)), 'the package holds tests, scripts or node_modules');
      return packed[0]!.filename;
    });

    // 2. A new project installs the tarball, offline.
    const project = path.join(work, 'consumer');
    fs.mkdirSync(project);
    const installed = (name: string) => (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    const dependencies: Record<string, string> = {
      'ic-pipeline': `file:../${tarballName}`,
      'aws-cdk-lib': installed('aws-cdk-lib'),
      constructs: installed('constructs'),
      typescript: installed('typescript'),
      '@types/node': installed('@types/node'),
    };
    step('npm ci --offline of the tarball in a new project', () => {
      fs.writeFileSync(path.join(project, 'package.json'), `${JSON.stringify({ name: 'consumer', private: true, dependencies }, null, 2)}\n`);
      const repoLock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as Lock;
      const lock = consumerLock(repoLock, dependencies, { file: path.join(work, tarballName), specifier: `file:../${tarballName}` });
      fs.writeFileSync(path.join(project, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
      ok(npm(['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], project), 'npm ci --offline in the new project');
      for (const absent of ['esbuild', 'tsx', 'cdk-nag']) {
        check(!fs.existsSync(path.join(project, 'node_modules', absent)), `${absent} was installed, but a user's app must not need it`);
      }
      check(fs.existsSync(path.join(project, 'node_modules', '.bin', 'ic-pipeline')), 'npm did not link the ic-pipeline command');
    });

    // 3. The user's app: type-checked against the declarations, compiled, synthesized.
    const template = step('type-check, compile and synthesize an app that embeds the construct with an existing bucket', () => {
      fs.writeFileSync(path.join(project, 'app.ts'), CONSUMER_APP);
      fs.writeFileSync(
        path.join(project, 'tsconfig.json'),
        JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, skipLibCheck: true, types: ['node'] }, files: ['app.ts'] }),
      );
      ok(run(process.execPath, [path.join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], project), 'tsc of the app');
      // The working directory is the project, not this repository: nothing may be looked up from here.
      ok(run(process.execPath, ['app.js'], project, { ...process.env, CDK_OUTDIR: path.join(project, 'cdk.out') }), 'the app');
      return JSON.parse(fs.readFileSync(path.join(project, 'cdk.out', 'ConsumerStack.template.json'), 'utf8')) as {
        Resources: Record<string, { Type: string; Properties?: { Handler?: string; Code?: { S3Key?: string } } }>;
      };
    });
    const resources = Object.values(template.Resources);
    check(resources.filter((r) => r.Type === 'AWS::StepFunctions::StateMachine').length === 1, 'the app has no state machine');
    const buckets = resources.filter((r) => r.Type === 'AWS::S3::Bucket').length;
    check(buckets === 2, `expected the artifact and access log buckets (the data bucket is the app's), found ${buckets}`);
    check(JSON.stringify(template).includes('team-ml-data'), 'the template does not use the existing data bucket');
    const functions = resources.filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties?.Handler === 'index.handler');
    check(functions.length === 3, `expected the 3 pipeline functions, found ${functions.length}`);
    const bundled = new Set(
      ['prepare-run', 'resolve-image', 'start-run'].map((handler) =>
        fs.readFileSync(path.join(project, 'node_modules', 'ic-pipeline', 'dist', 'lambda-bundles', handler, 'index.js'), 'utf8'),
      ),
    );
    for (const fn of functions) {
      const asset = path.join(project, 'cdk.out', `asset.${String(fn.Properties?.Code?.S3Key).replace(/\.zip$/, '')}`, 'index.js');
      check(bundled.has(fs.readFileSync(asset, 'utf8')), `${asset} is not one of the package's pre-bundled handlers`);
    }

    // 4. The installed command line, from the project's folder.
    const bin = path.join(project, 'node_modules', '.bin', 'ic-pipeline');
    step('ic-pipeline --version', () => {
      const version = ok(run(bin, ['--version'], project), 'ic-pipeline --version').trim();
      check(version === manifest.version, `ic-pipeline --version printed ${version}, not ${manifest.version}`);
    });
    step('ic-pipeline dry-run (synthesizes with the installed package)', () => {
      const out = ok(run(bin, ['dry-run', '--no-color'], project, { ...process.env, AWS_REGION: 'eu-west-1' }), 'ic-pipeline dry-run');
      check(/synthesized .*cdk\.out/.test(out), `dry-run did not synthesize:\n${out}`);
      check(out.includes('Run succeeded.'), `the dry run did not succeed:\n${out}`);
    });
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const total = timings.reduce((sum, [, seconds]) => sum + seconds, 0);
  process.stdout.write(`npm run test:package: passed in ${total.toFixed(1)} s\n`);
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    process.stderr.write(`npm run test:package: FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
