#!/usr/bin/env node
// Runs the built command (dist/, made by `npm run build`); no TypeScript loader at run time.
import { existsSync } from 'node:fs';
import process from 'node:process';

const entry = new URL('../dist/cli/entry.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('error: dist/ is missing; run `npm run build` first (or `npm run offers --` from a clone)\n');
  process.exit(1);
}
await import(entry.href);
