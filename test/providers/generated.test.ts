import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = process.cwd();

async function generatedFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const provider of await readdir(dir, { withFileTypes: true })) {
    if (!provider.isDirectory()) continue;
    const gen = join(dir, provider.name, 'generated');
    const files = await readdir(gen).catch(() => [] as string[]);
    for (const f of files) if (f.endsWith('.ts')) out.push(relative(dir, join(gen, f)));
  }
  return out.sort();
}

describe('generated provider clients', () => {
  let tmp: string;

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'gpr-generate-'));
    await run(process.execPath, [join(root, 'scripts/generate-clients.mjs'), '--out', tmp], { cwd: root });
  });

  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('regenerates the same set of files as is committed', async () => {
    const fresh = await generatedFiles(tmp);
    expect(fresh).toEqual(
      expect.arrayContaining([
        'lambda/generated/lambda.ts',
        'paperspace/generated/paperspace.ts',
        'runpod/generated/runpod-v2.ts',
        'runpod/generated/runpod.ts',
      ]),
    );
    expect(await generatedFiles(join(root, 'src/providers'))).toEqual(fresh);
  });

  it('committed files are byte-identical to a fresh generation (run `npm run generate` when this fails)', async () => {
    for (const file of await generatedFiles(tmp)) {
      const fresh = await readFile(join(tmp, file), 'utf8');
      const committed = await readFile(join(root, 'src/providers', file), 'utf8');
      expect({ file, same: committed === fresh }).toEqual({ file, same: true });
    }
  });

  it('names its source spec in each file', async () => {
    const lambda = await readFile(join(root, 'src/providers/lambda/generated/lambda.ts'), 'utf8');
    expect(lambda).toContain('Generated from openapi/lambda.openapi.json');
  });
});
