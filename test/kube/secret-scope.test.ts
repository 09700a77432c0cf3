import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { SecretOutOfScopeError, SecretScopedCluster, secretNamespaces } from '../../src/kube/secret-scope.js';
import { Kinds, type KubeObject, type WatchEvent } from '../../src/kube/types.js';

const secret = (namespace: string, name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace } });

describe('SecretScopedCluster', () => {
  async function setup() {
    const inner = new MemoryCluster();
    for (const ns of ['gpu-system', 'ml', 'other']) await inner.create(Kinds.Secret, secret(ns, 's'));
    return { inner, cluster: new SecretScopedCluster(inner, secretNamespaces('gpu-system', ' ml, ,gpu-system')) };
  }

  it('turns a cluster-wide Secret watch and list into one per allowed namespace', async () => {
    const { cluster, inner } = await setup();
    expect(cluster.namespaces).toEqual(['gpu-system', 'ml']);
    const seen: string[] = [];
    const handle = cluster.watch(Kinds.Secret, {}, (e: WatchEvent) => seen.push(`${e.type} ${e.object.metadata.namespace}`));
    await new Promise((r) => setImmediate(r));
    await inner.create(Kinds.Secret, secret('other', 't'));
    await inner.create(Kinds.Secret, secret('ml', 't'));
    await new Promise((r) => setImmediate(r));
    expect(seen.sort()).toEqual(['ADDED gpu-system', 'ADDED ml', 'ADDED ml']);
    handle.stop();
    expect((await cluster.list(Kinds.Secret)).map((s) => s.metadata.namespace).sort()).toEqual(['gpu-system', 'ml', 'ml']);
  });

  it('refuses a Secret elsewhere and says how to allow it; other kinds pass', async () => {
    const { cluster } = await setup();
    expect(await cluster.get(Kinds.Secret, 's', 'ml')).toBeDefined();
    await expect(cluster.get(Kinds.Secret, 's', 'other')).rejects.toThrow(SecretOutOfScopeError);
    await expect(cluster.get(Kinds.Secret, 's', 'other')).rejects.toThrow(
      'Secret other/s is outside the namespaces the operator reads Secrets in (gpu-system, ml); move it there or add its namespace to the Helm value secretNamespaces (SECRET_NAMESPACES)',
    );
    expect(() => cluster.watch(Kinds.Secret, { namespace: 'other' }, () => undefined)).toThrow(SecretOutOfScopeError);
    await cluster.create(Kinds.Node, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' } });
    expect(await cluster.list(Kinds.Node)).toHaveLength(1);
  });
});
