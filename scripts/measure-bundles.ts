/**
 * Lambda bundle sizes, measured as they deploy: each `lambda/<name>/index.ts` bundled in memory by
 * esbuild's JS API with the options of lib/pipeline-function.ts (`esbuildOptionsFor`, derived from
 * `PIPELINE_BUNDLING`), minified, without the source map (it deploys beside the bundle; the bundle is
 * what Lambda loads). Used by test/lib/bundle-size.suite.ts; run directly, it prints each bundle and the
 * packages it is made of.
 *
 *   npx tsx scripts/measure-bundles.ts
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { LAMBDA_ROOT, esbuildOptionsFor } from '../lib/pipeline-function';

export interface BundleSize {
  /** The handler's folder under lambda/, e.g. `prepare-run`. */
  name: string;
  /** Size of the minified bundle (index.js), without source map. */
  bytes: number;
}

/** A bundle with what it is made of. */
export interface Bundle extends BundleSize {
  /** The bundle's code. */
  code: string;
  /** esbuild's metafile: every input and the bytes it contributes to the output. */
  metafile: Metafile;
}

/** The Lambda handlers: folders under lambda/ with an index.ts (lambda/shared holds data, not a handler). */
export function handlerNames(): string[] {
  return fs
    .readdirSync(LAMBDA_ROOT, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(LAMBDA_ROOT, entry.name, 'index.ts')))
    .map((entry) => entry.name)
    .sort();
}

/** Bundles one handler in memory, as `PipelineFunction` bundles it, without the source map. */
export async function bundleHandler(name: string): Promise<Bundle> {
  const result = await build({ ...esbuildOptionsFor(name), sourcemap: false, write: false, metafile: true });
  const [output, ...others] = result.outputFiles;
  if (output === undefined || others.length > 0) {
    throw new Error(`expected one output file for ${name}, got ${result.outputFiles.length}`);
  }
  return { name, bytes: output.contents.byteLength, code: output.text, metafile: result.metafile };
}

/** The size of every handler's bundle, by handler name. */
export async function measureBundles(): Promise<{ name: string; bytes: number }[]> {
  const bundles = await Promise.all(handlerNames().map(bundleHandler));
  return bundles.map(({ name, bytes }) => ({ name, bytes }));
}

/** Bytes each package (or project folder: core, lambda) contributes to a bundle, largest first. */
export function bytesByPackage(metafile: Metafile): { source: string; bytes: number }[] {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const source = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input.split('/')[0] ?? input;
      totals.set(source, (totals.get(source) ?? 0) + bytesInOutput);
    }
  }
  return [...totals].map(([source, bytes]) => ({ source, bytes })).sort((a, b) => b.bytes - a.bytes);
}

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

async function main(): Promise<void> {
  const bundles = await Promise.all(handlerNames().map(bundleHandler));
  console.log('Lambda bundles (minified, no source map):');
  for (const bundle of bundles) {
    console.log(`  ${bundle.name.padEnd(16)} ${kib(bundle.bytes).padStart(10)}  (${bundle.bytes} bytes)`);
    for (const { source, bytes } of bytesByPackage(bundle.metafile)) {
      if (bytes === 0) continue;
      console.log(`    ${source.padEnd(36)} ${kib(bytes).padStart(10)}  ${((100 * bytes) / bundle.bytes).toFixed(0).padStart(3)} %`);
    }
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
