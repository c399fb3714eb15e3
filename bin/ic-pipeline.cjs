#!/usr/bin/env node
// The `ic-pipeline` command in the repository (`npm run pipeline`, `npm run dry-run`), right after `npm ci`
// and without a build: tsx's CommonJS hook, then the TypeScript entry point. (The package's "bin" is the
// compiled dist/bin/ic-pipeline.js, which `npm run build` makes and which needs no tsx.) tsx is resolved
// from this file, so the command works from any folder, and it is the hook alone (no ESM loader thread, no
// second process): `--help` stays well under half a second (scripts/measure-cli.ts measures it).
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS launcher: require() is how it loads */
require('tsx/cjs');
require('./ic-pipeline.ts');
