import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findCrdDir } from '../../src/api/validate.js';

const root = dirname(findCrdDir());

describe('src/api/generated', () => {
  it('is what scripts/generate-api.mjs makes from the CRDs now (run `npm run generate` after changing crds/)', () => {
    const out = mkdtempSync(join(tmpdir(), 'api-gen-'));
    try {
      const r = spawnSync(process.execPath, [join(root, 'scripts/generate-api.mjs'), '--out', out], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const committed = join(root, 'src/api/generated');
      const files = readdirSync(out).sort();
      expect(readdirSync(committed).sort()).toEqual(files);
      for (const f of files) {
        expect({ file: f, text: readFileSync(join(committed, f), 'utf8') }).toEqual({ file: f, text: readFileSync(join(out, f), 'utf8') });
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
