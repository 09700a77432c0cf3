#!/usr/bin/env node
// Runs the TypeScript sources through tsx, so the command works from a clone without a build.
import process from 'node:process';
import { register } from 'tsx/esm/api';

// `gpu-provisioner offers | head` closes the pipe early; that is the reader being done, not a failure.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

register();
const { main } = await import('../src/cli/main.ts');
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
}
