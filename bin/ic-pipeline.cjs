#!/usr/bin/env node
// The `ic-pipeline` command (package.json "bin", `npx ic-pipeline`, `npm run pipeline`). Plain JavaScript,
// so it runs wherever Node.js does:
// - in the installed package there is no TypeScript: it loads the compiled entry point, dist/bin/ic-pipeline.js
//   (`npm run build` makes it; the package ships it and no .ts file), and needs neither tsx nor a build step;
// - in a clone of the repository, where the TypeScript entry point sits beside this file, it runs the sources
//   through tsx's CommonJS hook, right after `npm ci` and always as they are now (never a stale dist/).
// Both are resolved from this file, so the command works from any folder; the hook alone (no ESM loader
// thread, no second process) keeps `--help` fast (scripts/measure-cli.ts measures both).
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS launcher: require() is how it loads */
const { existsSync } = require('node:fs');
const { join } = require('node:path');

if (existsSync(join(__dirname, 'ic-pipeline.ts'))) {
  require('tsx/cjs');
  require('./ic-pipeline.ts');
} else {
  require('../dist/bin/ic-pipeline.js');
}
