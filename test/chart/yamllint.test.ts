import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CHART, helm, RELEASE_NAMESPACE, ROOT } from '../support/helm.js';

function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

const yamllint = which('yamllint');
if (!yamllint) console.warn('yamllint not found: run scripts/ensure-test-tools.sh (as root it installs it); chart YAML lint skipped');

(yamllint ? it : it.skip)('the chart values, metadata and rendered manifests are yamllint-clean', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'chart-yamllint-'));
  try {
    const rendered = path.join(dir, 'rendered.yaml');
    writeFileSync(rendered, helm(['template', 'gpu-provisioner', CHART, '--namespace', RELEASE_NAMESPACE]));
    const files = [path.join(CHART, 'values.yaml'), path.join(CHART, 'Chart.yaml'), path.join(ROOT, '.yamllint.yaml'), rendered];
    const r = spawnSync(yamllint!, ['-c', path.join(ROOT, '.yamllint.yaml'), '-f', 'parsable', ...files], { encoding: 'utf8' });
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
