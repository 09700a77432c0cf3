/**
 * The `gpu-provisioner` executable: bin/gpu-provisioner.js loads the built copy of this
 * file from dist/; `npm run offers` runs it from source.
 */
import process from 'node:process';
import { main } from './main.js';

// `gpu-provisioner offers | head` closes the pipe early; that is the reader being done, not a failure.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
}
