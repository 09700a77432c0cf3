/**
 * Finds the cluster to talk to as kubectl does (KUBECONFIG, then ~/.kube/config, then
 * the pod's service account) and, when that fails, says in one line where it looked
 * and what to do, instead of client-node's silent fallback to http://localhost:8080.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The configuration could not be loaded; the message says where it looked and what to do. */
export class KubeConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export interface LoadedKubeConfig {
  kc: KubeConfig;
  /** Where it came from, for log lines: `KUBECONFIG=/path`, `/root/.kube/config`, `in-cluster service account`. */
  source: string;
  /** The API server address of the current context. */
  server: string;
}

export interface KubeConfigEnv {
  env?: NodeJS.ProcessEnv;
  home?: string;
  /** Prefix of the service account folder (tests point it at a temporary folder). */
  root?: string;
}

const WHAT_TO_DO = 'set KUBECONFIG to a readable kubeconfig file, or run in a pod with a service account (the Helm chart does)';

export function loadKubeConfig(where: KubeConfigEnv = {}): LoadedKubeConfig {
  const env = where.env ?? process.env;
  const home = where.home ?? homedir();
  const root = where.root ?? '';
  const saDir = root + SERVICE_ACCOUNT_DIR;
  const kc = new KubeConfig();
  let source: string;

  if (env.KUBECONFIG) {
    const files = env.KUBECONFIG.split(path.delimiter).filter((f) => f);
    source = `KUBECONFIG=${env.KUBECONFIG}`;
    files.forEach((file, i) => {
      const one = i === 0 ? kc : new KubeConfig();
      loadFile(one, file, 'KUBECONFIG names');
      if (i > 0) kc.mergeConfig(one);
    });
  } else if (home && existsSync(path.join(home, '.kube', 'config'))) {
    source = path.join(home, '.kube', 'config');
    loadFile(kc, source, 'found');
  } else if (existsSync(path.join(saDir, 'token'))) {
    source = 'in-cluster service account';
    if (!env.KUBERNETES_SERVICE_HOST || !env.KUBERNETES_SERVICE_PORT) {
      throw new KubeConfigError(
        `found a service account token in ${saDir} but KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT are not set; ${WHAT_TO_DO}`,
      );
    }
    kc.loadFromCluster(root);
  } else {
    throw new KubeConfigError(
      `no Kubernetes configuration: KUBECONFIG is not set, ${path.join(home || '~', '.kube', 'config')} does not exist ` +
        `and ${path.join(saDir, 'token')} does not exist (not in a pod); ${WHAT_TO_DO}`,
    );
  }

  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    throw new KubeConfigError(
      `${source} has no current context with a cluster; choose one with kubectl config use-context, or ${WHAT_TO_DO}`,
    );
  }
  if (cluster.server.startsWith('http:') && !cluster.skipTLSVerify) {
    throw new KubeConfigError(
      `${source} points at ${cluster.server}, plain HTTP, which is refused unless the cluster entry sets insecure-skip-tls-verify; use the https:// address`,
    );
  }
  return { kc, source, server: cluster.server };
}

function loadFile(kc: KubeConfig, file: string, verb: string): void {
  if (!existsSync(file)) {
    throw new KubeConfigError(`${verb} ${file}, which does not exist; ${WHAT_TO_DO}`);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new KubeConfigError(`cannot read kubeconfig ${file} (${(e as NodeJS.ErrnoException).code ?? 'unreadable'}); ${WHAT_TO_DO}`);
  }
  try {
    kc.loadFromString(text);
    // Relative certificate paths in a kubeconfig are relative to the file, as kubectl reads them.
    kc.makePathsAbsolute(path.dirname(file));
  } catch (e) {
    throw new KubeConfigError(`kubeconfig ${file} is not valid (${e instanceof Error ? e.message : String(e)}); fix it or ${WHAT_TO_DO}`);
  }
}
