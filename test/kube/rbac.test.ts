import { ForbiddenError } from '../../src/kube/errors.js';
import { MemoryCluster } from '../../src/kube/memory-cluster.js';
import { policyFor, RbacCluster } from '../../src/kube/rbac.js';
import { Kinds, type KubeObject } from '../../src/kube/types.js';

const subject = 'system:serviceaccount:gpu-system:op';

function setup() {
  const memory = new MemoryCluster();
  const rbac = new RbacCluster(memory, {
    subject,
    clusterRules: [
      { apiGroups: ['gpu-provisioner.dev'], resources: ['gpurequests'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['gpu-provisioner.dev'], resources: ['gpurequests/status'], verbs: ['patch'] },
      { apiGroups: [''], resources: ['events'], verbs: ['create'] },
    ],
    namespaceRules: { 'gpu-system': [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['creds'] }] },
  });
  return { memory, rbac };
}

describe('RbacCluster', () => {
  it('refuses what no rule allows, worded as the API server does, and records it', async () => {
    const { memory, rbac } = setup();
    await memory.create(Kinds.GpuRequest, { apiVersion: 'gpu-provisioner.dev/v1alpha1', kind: 'GpuRequest', metadata: { name: 'r', namespace: 'ml' }, spec: {} } as KubeObject);
    expect(await rbac.get(Kinds.GpuRequest, 'r', 'ml')).toBeDefined();
    await rbac.patch(Kinds.GpuRequest, 'r', 'ml', { status: { phase: 'Pending' } }, { subresource: 'status' });
    await expect(rbac.patch(Kinds.GpuRequest, 'r', 'ml', { metadata: { finalizers: ['x'] } })).rejects.toThrow(
      new ForbiddenError(`gpurequests.gpu-provisioner.dev "r" is forbidden: User "${subject}" cannot patch resource "gpurequests" in API group "gpu-provisioner.dev" in the namespace "ml"`),
    );
    await expect(rbac.list(Kinds.Node)).rejects.toThrow('cannot list resource "nodes" in API group "" at the cluster scope');
    expect(rbac.denials()).toEqual([
      { verb: 'patch', group: 'gpu-provisioner.dev', resource: 'gpurequests', namespace: 'ml', name: 'r' },
      { verb: 'list', group: '', resource: 'nodes' },
    ]);
  });

  it('applies Role rules only in their namespace and honours resourceNames', async () => {
    const { rbac } = setup();
    expect(await rbac.get(Kinds.Secret, 'creds', 'gpu-system')).toBeUndefined();
    await expect(rbac.get(Kinds.Secret, 'other', 'gpu-system')).rejects.toThrow(ForbiddenError);
    await expect(rbac.get(Kinds.Secret, 'creds', 'ml')).rejects.toThrow(ForbiddenError);
  });

  it('a refused watch delivers nothing and never syncs; a refused event is recorded, not thrown', async () => {
    const memory = new MemoryCluster();
    const rbac = new RbacCluster(memory, { subject, clusterRules: [] });
    rbac.watch(Kinds.Node, {}, () => undefined);
    expect(rbac.synced(Kinds.Node)).toBe(false);
    await rbac.recordEvent({ involved: { kind: 'Node', apiVersion: 'v1', name: 'n' }, type: 'Normal', reason: 'R', message: 'm' });
    expect(rbac.denials()).toEqual([
      { verb: 'list', group: '', resource: 'nodes' },
      { verb: 'create', group: '', resource: 'events', namespace: 'default' },
    ]);
    expect(memory.events()).toEqual([]);
  });

  it('reports the grants no request used', async () => {
    const { rbac } = setup();
    await rbac.list(Kinds.GpuRequest);
    expect(rbac.unusedGrants().map((g) => `${g.verb} ${g.resource}`)).toEqual(['get gpurequests', 'watch gpurequests', 'patch gpurequests/status', 'create events', 'get secrets']);
  });

  it('policyFor takes the rules bound to the ServiceAccount only', () => {
    const role = (kind: string, name: string, verbs: string[], namespace?: string) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind,
      metadata: { name, ...(namespace ? { namespace } : {}) },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs }],
    });
    const binding = (kind: string, roleKind: string, name: string, sa: string, namespace?: string) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind,
      metadata: { name, ...(namespace ? { namespace } : {}) },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name },
      subjects: [{ kind: 'ServiceAccount', name: sa, namespace: 'gpu-system' }],
    });
    const objs = [
      role('ClusterRole', 'op', ['list']),
      binding('ClusterRoleBinding', 'ClusterRole', 'op', 'op'),
      role('Role', 'op-ns', ['get'], 'ml'),
      binding('RoleBinding', 'Role', 'op-ns', 'op', 'ml'),
      role('ClusterRole', 'someone', ['delete']),
      binding('ClusterRoleBinding', 'ClusterRole', 'someone', 'someone-else'),
    ] as unknown as KubeObject[];
    expect(policyFor(objs, { namespace: 'gpu-system', name: 'op' })).toEqual({
      subject: 'system:serviceaccount:gpu-system:op',
      clusterRules: [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }],
      namespaceRules: { ml: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] },
    });
  });
});
