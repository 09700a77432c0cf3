import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './alert-rules.js';

describe('dashboards/', () => {
  it('is what scripts/generate-dashboards.mjs builds now, in dashboards/ and in the chart (run `npm run generate`)', () => {
    const out = mkdtempSync(join(tmpdir(), 'dashboards-'));
    try {
      const r = spawnSync(process.execPath, [join(ROOT, 'scripts/generate-dashboards.mjs'), '--out', out], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const files = readdirSync(out).sort();
      expect(files).toEqual(['gpu-provisioner-cost.json', 'gpu-provisioner-health.json', 'gpu-provisioner-provisioning.json']);
      for (const dir of ['dashboards', 'charts/gpu-provisioner/dashboards']) {
        expect(readdirSync(join(ROOT, dir)).sort()).toEqual(files);
        for (const f of files) expect({ f, dir, text: readFileSync(join(ROOT, dir, f), 'utf8') }).toEqual({ f, dir, text: readFileSync(join(out, f), 'utf8') });
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('has the datasource, namespace and provider variables on every dashboard and a gpu_provisioner_ query on every panel', () => {
    for (const f of readdirSync(join(ROOT, 'dashboards'))) {
      const d = JSON.parse(readFileSync(join(ROOT, 'dashboards', f), 'utf8')) as { templating: { list: { name: string }[] }; panels: { type: string; targets?: { expr: string }[] }[] };
      expect(d.templating.list.map((v) => v.name)).toEqual(['datasource', 'namespace', 'provider']);
      const panels = d.panels.filter((p) => p.type !== 'row');
      expect(panels.length).toBeGreaterThan(5);
      for (const p of panels) expect(p.targets?.[0]?.expr).toMatch(/gpu_provisioner_/);
    }
  });
});
