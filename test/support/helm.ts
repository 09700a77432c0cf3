/**
 * Renders the chart with the helm binary that scripts/ensure-helm.mjs takes from an npm
 * package, and parses what comes out.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../src/kube/types.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CHART = path.join(ROOT, 'charts/gpu-provisioner');

let helmPath: string | undefined;

export function helmBinary(): string {
  helmPath ??= execFileSync(process.execPath, [path.join(ROOT, 'scripts/ensure-helm.mjs')], { encoding: 'utf8' }).trim();
  return helmPath;
}

/** Runs helm with `values` in a file (so types survive, unlike --set); returns stdout or throws with stderr. */
export function helm(args: string[], values: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'helm-values-'));
  try {
    const file = path.join(dir, 'values.json');
    writeFileSync(file, JSON.stringify(values));
    return execFileSync(helmBinary(), [...args, '-f', file], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      // Helm keeps its cache and config here instead of the user's home.
      env: { PATH: process.env.PATH ?? '', HOME: dir, HELM_CACHE_HOME: dir, HELM_CONFIG_HOME: dir, HELM_DATA_HOME: dir },
    });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`helm ${args.join(' ')}: ${err.stderr || err.message}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const RELEASE_NAMESPACE = 'gpu-system';

/** `helm template` of the chart in RELEASE_NAMESPACE, as objects. */
export function render(values: Record<string, unknown> = {}, release = 'gpu-provisioner'): KubeObject[] {
  const text = helm(['template', release, CHART, '--namespace', RELEASE_NAMESPACE], values);
  return parseAllDocuments(text)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}
