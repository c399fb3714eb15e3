#!/usr/bin/env node
// The `ic-pipeline` command (package.json "bin", `npm run pipeline`, `npx ic-pipeline`): tsx's CommonJS
// hook, then the TypeScript entry point. tsx is resolved from this file, so the command works from any
// folder, and it is the hook alone (no ESM loader thread, no second process): `--help` stays well under
// half a second (scripts/measure-cli.ts measures it).
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS launcher: require() is how it loads */
require('tsx/cjs');
require('./ic-pipeline.ts');
