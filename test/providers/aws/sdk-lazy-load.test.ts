import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Runs sdk-load-probe.ts in a fresh process and returns the AWS SDK clients loaded at each step. */
function probe(): Promise<Record<string, string[]>> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'test/providers/aws/sdk-load-probe.ts')],
      // No AWS_* variables: the provider is built, never called, and reads no profile.
      { cwd: ROOT, timeout: 60_000, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' } },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`probe failed: ${error.message}\n${stderr}`));
        resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, string[]>);
      },
    );
  });
}

describe('the AWS SDK', () => {
  it('is not loaded by the operator, the CLI or a sim provider, only by building the first AWS provider', async () => {
    expect(await probe()).toEqual({
      imported: [],
      simBuilt: [],
      awsBuilt: ['client-ec2', 'client-pricing', 'client-sqs'],
    });
  }, 70_000);
});
