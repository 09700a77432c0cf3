import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KubeConfigError, loadKubeConfig, SERVICE_ACCOUNT_DIR } from '../../src/kube/kubeconfig.js';

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: { server: https://10.0.0.1:6443, insecure-skip-tls-verify: true }
users:
- name: u
  user: { token: abc }
contexts:
- name: ctx
  context: { cluster: c, user: u }
current-context: ctx
`;

describe('loadKubeConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kubeconfig-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    return file;
  };

  it('uses KUBECONFIG first and says so', () => {
    const file = write('kc.yaml', KUBECONFIG);
    write('home/.kube/config', KUBECONFIG.replace('10.0.0.1', '10.9.9.9'));
    const loaded = loadKubeConfig({ env: { KUBECONFIG: file }, home: path.join(dir, 'home'), root: dir });
    expect(loaded).toMatchObject({ source: `KUBECONFIG=${file}`, server: 'https://10.0.0.1:6443' });
  });

  it('falls back to ~/.kube/config', () => {
    const file = write('home/.kube/config', KUBECONFIG);
    expect(loadKubeConfig({ env: {}, home: path.join(dir, 'home'), root: dir })).toMatchObject({ source: file });
  });

  it('uses the service account in a pod', () => {
    write(`root${SERVICE_ACCOUNT_DIR}/token`, 'token');
    write(`root${SERVICE_ACCOUNT_DIR}/ca.crt`, '');
    const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
    process.env.KUBERNETES_SERVICE_HOST = '10.96.0.1';
    process.env.KUBERNETES_SERVICE_PORT = '443';
    try {
      const loaded = loadKubeConfig({ env: { ...process.env, KUBECONFIG: '' }, home: path.join(dir, 'nohome'), root: path.join(dir, 'root') });
      expect(loaded).toMatchObject({ source: 'in-cluster service account', server: 'https://10.96.0.1:443' });
    } finally {
      for (const [k, v] of [['KUBERNETES_SERVICE_HOST', saved.host], ['KUBERNETES_SERVICE_PORT', saved.port]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('with nothing to load, names every place it looked and what to do', () => {
    const home = path.join(dir, 'home');
    const err = (() => {
      try {
        loadKubeConfig({ env: {}, home, root: dir });
      } catch (e) {
        return e as Error;
      }
      throw new Error('loaded');
    })();
    expect(err).toBeInstanceOf(KubeConfigError);
    expect(err.message).toContain('KUBECONFIG is not set');
    expect(err.message).toContain(`${home}/.kube/config does not exist`);
    expect(err.message).toContain(`${dir}${SERVICE_ACCOUNT_DIR}/token does not exist`);
    expect(err.message).toContain('set KUBECONFIG to a readable kubeconfig file');
    expect(err.message.split('\n')).toHaveLength(1);
  });

  it.each([
    ['a missing file', () => path.join(dir, 'missing.yaml'), /KUBECONFIG names .*missing\.yaml, which does not exist/],
    ['a file that is no kubeconfig', () => write('bad.yaml', 'clusters: [ {name: '), /kubeconfig .*bad\.yaml is not valid/],
    ['no current context', () => write('noctx.yaml', KUBECONFIG.replace('current-context: ctx', '')), /has no current context with a cluster; choose one with kubectl config use-context/],
    ['plain HTTP without skip-verify', () => write('http.yaml', KUBECONFIG.replace('https://10.0.0.1:6443, insecure-skip-tls-verify: true', 'http://10.0.0.1:8080')), /points at http:\/\/10\.0\.0\.1:8080, plain HTTP/],
  ])('refuses %s with a clear message', (_what, file, message) => {
    expect(() => loadKubeConfig({ env: { KUBECONFIG: file() }, home: dir, root: dir })).toThrow(message);
  });

  it('says when the file cannot be read', () => {
    // A folder where the file should be: unreadable even for root, unlike a chmod.
    const folder = path.join(dir, 'folder.yaml');
    mkdirSync(folder);
    expect(() => loadKubeConfig({ env: { KUBECONFIG: folder }, home: dir, root: dir })).toThrow(
      /cannot read kubeconfig .*folder\.yaml \(EISDIR\); set KUBECONFIG/,
    );
  });
});
