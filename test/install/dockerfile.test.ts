/**
 * No Docker engine here, so the image build is checked by what the Dockerfile says: the
 * runtime stage holds what the production-install test starts (the package's runtime
 * files and `npm ci --omit=dev` dependencies), runs plain node as a non-root user, and
 * everything it copies from the context gets past .dockerignore.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const lines = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

interface Stage {
  name?: string;
  lines: string[];
}
const stages: Stage[] = [];
for (const line of lines) {
  const from = /^FROM\s+\S+(?:\s+AS\s+(\S+))?/i.exec(line);
  if (from) stages.push({ name: from[1], lines: [] });
  else stages.at(-1)?.lines.push(line);
}
const runtime = stages.at(-1)!;
const copies = (stage: Stage) =>
  stage.lines
    .filter((l) => l.startsWith('COPY '))
    .map((l) => {
      const from = /--from=(\S+)/.exec(l)?.[1];
      const parts = l.replace(/--\S+/g, '').split(/\s+/).slice(1);
      return { from, sources: parts.slice(0, -1), target: parts.at(-1)! };
    });

describe('Dockerfile', () => {
  it('is multi-stage, and the runtime stage runs node dist/main.js as a non-root user', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(runtime.lines).toContain('ENTRYPOINT ["node", "dist/main.js"]');
    const user = runtime.lines.find((l) => l.startsWith('USER '));
    expect(user).toMatch(/^USER [1-9][0-9]*:[1-9][0-9]*$/);
    expect(dockerfile).not.toMatch(/\btsx\b/);
  });

  it('the runtime stage has production dependencies only and the built code from the build stage', () => {
    const fromStages = copies(runtime).filter((c) => c.from);
    const deps = stages.find((s) => s.name === fromStages.find((c) => c.sources.some((s) => s.includes('node_modules')))?.from);
    expect(deps?.lines.some((l) => /npm ci\b.*--omit=dev/.test(l))).toBe(true);
    const build = stages.find((s) => s.name === fromStages.find((c) => c.sources.some((s) => s.includes('dist')))?.from);
    expect(build?.lines).toContain('RUN npm run build');
  });

  it('copies every runtime file the package ships', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
    const copied = copies(runtime).flatMap((c) => c.sources.map((s) => s.replace(/^\/(app|src)\//, '')));
    const runtimeFiles = pkg.files.filter((f) => !f.startsWith('!') && !f.startsWith('charts') && f !== 'README.md');
    for (const f of runtimeFiles) expect({ f, copied: copied.includes(f) }).toEqual({ f, copied: true });
  });

  it('lets through .dockerignore everything it copies from the build context', () => {
    const allowed = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('!'))
      .map((l) => l.slice(1));
    const ignoreAll = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n').includes('*');
    expect(ignoreAll).toBe(true);
    const fromContext = stages.flatMap((s) => copies(s).filter((c) => !c.from).flatMap((c) => c.sources));
    for (const src of fromContext) expect({ src, allowed: allowed.includes(src) }).toEqual({ src, allowed: true });
  });
});
