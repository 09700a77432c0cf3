// `npm run generate`: regenerates every committed generated file (API types from the
// CRDs, provider clients from the vendor specs, Grafana dashboards). Tests fail when these drift.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

for (const step of ['scripts/generate-api.mjs', 'scripts/generate-clients.mjs', 'scripts/generate-dashboards.mjs', 'scripts/generate-chart.mjs']) {
  if (!existsSync(step)) continue;
  const r = spawnSync(process.execPath, [step], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
