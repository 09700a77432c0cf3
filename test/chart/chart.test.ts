/**
 * The Helm chart: lint, render with several value sets, validate every object against
 * the Kubernetes schemas (kubernetes-models), and check what a user relies on: the
 * CRDs are crds/ exactly, the pod is restricted, RBAC has no wildcards and reads
 * Secrets only where told, and the environment it sets is what the operator reads.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { parse as parseYaml } from 'yaml';
import * as admissionV1 from 'kubernetes-models/apiextensions.k8s.io/v1';
import * as appsV1 from 'kubernetes-models/apps/v1';
import * as coreV1 from 'kubernetes-models/v1';
import * as policyV1 from 'kubernetes-models/policy/v1';
import * as rbacV1 from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import * as monitoringV1 from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import type { KubeObject } from '../../src/kube/types.js';
import { heapLimitMi } from '../../bench/heap-limit.js';
import { CHART, helm, render, ROOT, RELEASE_NAMESPACE, type PolicyRule } from '../support/helm.js';

type Model = new (data: unknown) => { validate(): void };
const MODELS: Record<string, Record<string, unknown>> = {
  'apiextensions.k8s.io/v1': admissionV1,
  'apps/v1': appsV1,
  v1: coreV1,
  'policy/v1': policyV1,
  'rbac.authorization.k8s.io/v1': rbacV1,
  'monitoring.coreos.com/v1': monitoringV1,
};

/** Every switch on at once, and the smallest install. */
const VALUE_SETS: Record<string, Record<string, unknown>> = {
  defaults: {},
  everything: {
    clusterName: 'prod-eu1',
    image: { repository: 'registry.example.com/gpu-provisioner', tag: '1.2.3', pullPolicy: 'Always' },
    imagePullSecrets: [{ name: 'registry' }],
    logLevel: 'debug',
    logFormat: 'text',
    secretNamespaces: ['ml', 'research', RELEASE_NAMESPACE],
    credentials: { secrets: { 'lambda-credentials': { apiKey: 'not-a-real-key' } } },
    serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/gpu-provisioner' } },
    rbac: { simNodes: true },
    talos: { version: 'v1.13.9', schematicId: 'abc', checksums: { 'abc/v1.13.9': { kernel: 'k', initramfs: 'i' } } },
    configEndpoint: { enabled: true, url: 'https://gpu-config.example.com', tlsSecretName: 'config-tls', service: { type: 'LoadBalancer', annotations: { a: 'b' } } },
    metrics: { serviceMonitor: { enabled: true, labels: { release: 'kube-prometheus-stack' } } },
    dashboards: { enabled: true, namespace: 'monitoring', annotations: { grafana_folder: 'GPU' } },
    prometheusRule: { enabled: true, labels: { release: 'kube-prometheus-stack' } },
    extraEnv: [{ name: 'AWS_REGION', value: 'eu-west-1' }],
    priorityClassName: 'system-cluster-critical',
    nodeSelector: { 'node-role.kubernetes.io/control-plane': '' },
    tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
    podAnnotations: { a: 'b' },
    podLabels: { team: 'platform' },
  },
  single: { replicaCount: 1, leaderElection: { enabled: false }, crds: { install: false }, serviceAccount: { create: false, name: 'existing' } },
};

const byKind = (objs: KubeObject[], kind: string) => objs.filter((o) => o.kind === kind);
const one = <T = KubeObject>(objs: KubeObject[], kind: string): T => {
  const found = byKind(objs, kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0] as T;
};

interface Container {
  env: { name: string; value?: string; valueFrom?: unknown }[];
  securityContext: Record<string, unknown>;
  livenessProbe: { httpGet: { path: string; port: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
  resources: Record<string, unknown>;
  ports: { name: string; containerPort: number }[];
  image: string;
}
interface DeploymentView {
  spec: {
    replicas: number;
    template: { spec: { containers: Container[]; securityContext: Record<string, unknown>; topologySpreadConstraints: { topologyKey: string }[]; serviceAccountName: string } };
  };
}
const container = (objs: KubeObject[]) => one<DeploymentView>(objs, 'Deployment').spec.template.spec.containers[0]!;

describe('charts/gpu-provisioner', () => {
  it.each(Object.keys(VALUE_SETS))('passes helm lint --strict with the %s values', (name) => {
    expect(helm(['lint', CHART, '--strict', '--namespace', RELEASE_NAMESPACE], VALUE_SETS[name])).toContain('0 chart(s) failed');
  });

  it.each(Object.keys(VALUE_SETS))('renders only objects valid against the Kubernetes schemas with the %s values', (name) => {
    const objs = render(VALUE_SETS[name]);
    expect(objs.length).toBeGreaterThan(5);
    for (const obj of objs) {
      const Kind = MODELS[obj.apiVersion]?.[obj.kind] as Model | undefined;
      expect({ object: `${obj.apiVersion} ${obj.kind}`, model: Kind !== undefined }).toEqual({ object: `${obj.apiVersion} ${obj.kind}`, model: true });
      expect(() => new Kind!(obj).validate()).not.toThrow();
    }
  });

  it('ships the Grafana dashboards and the alerts when asked, and neither by default', () => {
    const objs = render(VALUE_SETS.everything);
    const dashboards = byKind(objs, 'ConfigMap').filter((c) => c.metadata.labels?.grafana_dashboard === '1');
    expect(dashboards.map((d) => d.metadata.namespace)).toEqual(['monitoring', 'monitoring', 'monitoring']);
    for (const d of dashboards) {
      for (const json of Object.values((d as unknown as { data: Record<string, string> }).data)) {
        expect((JSON.parse(json) as { panels: unknown[] }).panels.length).toBeGreaterThan(0);
      }
    }
    const rule = one<{ metadata: { labels: Record<string, string> }; spec: { groups: { rules: { alert?: string }[] }[] } }>(objs, 'PrometheusRule');
    expect(rule.metadata.labels.release).toBe('kube-prometheus-stack');
    expect(rule.spec.groups.flatMap((g) => g.rules.map((r) => r.alert)).length).toBeGreaterThanOrEqual(5);
    const defaults = render();
    expect(byKind(defaults, 'PrometheusRule')).toEqual([]);
    expect(byKind(defaults, 'ConfigMap').filter((c) => c.metadata.labels?.grafana_dashboard)).toEqual([]);
  });

  it('the schema check would catch a broken object', () => {
    const deployment = one(render(), 'Deployment') as unknown as { spec: { replicas: unknown } };
    deployment.spec.replicas = 'two';
    expect(() => new appsV1.Deployment(deployment as never).validate()).toThrow(/replicas must be integer/);
  });

  it('refuses bad values through values.schema.json, naming the field', () => {
    expect(() => render({ clusterName: 'Prod_EU' })).toThrow(/clusterName/);
    expect(() => render({ replicaCont: 3 })).toThrow(/additional properties 'replicaCont' not allowed/);
    expect(() => render({ configEndpoint: { enabled: true } })).toThrow(/configEndpoint\/url/);
    expect(() => render({ logLevel: 'verbose' })).toThrow(/logLevel/);
  });

  it('refuses Kubernetes before 1.28, whose API server rejects the CRDs\' validation rules', () => {
    const uses = readdirSync(path.join(ROOT, 'crds')).some((f) => /^\s*fieldPath:/m.test(readFileSync(path.join(ROOT, 'crds', f), 'utf8')));
    expect(uses).toBe(true);
    expect(() => helm(['template', 'gpu-provisioner', CHART, '--kube-version', '1.27.9'])).toThrow(/chart requires kubeVersion: >=1.28.0-0/);
    expect(helm(['template', 'gpu-provisioner', CHART, '--kube-version', '1.28.0'])).toContain('kind: Deployment');
  });

  it('ships the CRDs of crds/ exactly, kept on uninstall, and none with crds.install=false', () => {
    const rendered = byKind(render(), 'CustomResourceDefinition');
    const files = readdirSync(path.join(ROOT, 'crds')).filter((f) => f.endsWith('.yaml'));
    expect(rendered).toHaveLength(files.length);
    for (const file of files) {
      const source = parseYaml(readFileSync(path.join(ROOT, 'crds', file), 'utf8')) as KubeObject;
      const crd = rendered.find((c) => c.metadata.name === source.metadata.name)!;
      expect(crd.metadata.annotations).toEqual({ 'helm.sh/resource-policy': 'keep' });
      const { annotations: _kept, ...metadata } = crd.metadata;
      expect({ ...crd, metadata }).toEqual(source);
    }
    expect(byKind(render({ crds: { install: false } }), 'CustomResourceDefinition')).toEqual([]);
  });

  it('the chart CRDs and the README reference are what scripts/generate-chart.mjs makes now (run npm run generate)', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'chart-gen-'));
    try {
      execFileSync(process.execPath, [path.join(ROOT, 'scripts/generate-chart.mjs'), '--out', out]);
      const committed = path.join(CHART, 'templates/crds');
      const files = readdirSync(path.join(out, 'crds')).sort();
      expect(readdirSync(committed).sort()).toEqual(files);
      for (const f of files) {
        expect({ f, text: readFileSync(path.join(committed, f), 'utf8') }).toEqual({ f, text: readFileSync(path.join(out, 'crds', f), 'utf8') });
      }
      expect(readFileSync(path.join(ROOT, 'README.md'), 'utf8')).toBe(readFileSync(path.join(out, 'README.md'), 'utf8'));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('runs two restricted replicas with leader election, probes, resources and a spread', () => {
    const objs = render();
    const d = one<DeploymentView>(objs, 'Deployment');
    expect(d.spec.replicas).toBe(2);
    const pod = d.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    const c = container(objs);
    expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
    expect(c.resources).toMatchObject({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } });
    expect(c.image).toBe('ghcr.io/gpu-provisioner/gpu-provisioner:0.1.0');
    expect(pod.topologySpreadConstraints.map((t) => t.topologyKey)).toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
    expect(Object.fromEntries(c.env.map((e) => [e.name, e.value ?? e.valueFrom]))).toMatchObject({
      POD_NAMESPACE: { fieldRef: { fieldPath: 'metadata.namespace' } },
      POD_NAME: { fieldRef: { fieldPath: 'metadata.name' } },
      LEADER_ELECTION: 'true',
      SECRET_NAMESPACES: RELEASE_NAMESPACE,
      CLUSTER_NAME: 'default',
    });
    expect(one(objs, 'PodDisruptionBudget').spec).toMatchObject({ minAvailable: 1 });
    expect(byKind(objs, 'Service').map((s) => s.metadata.name)).toEqual(['gpu-provisioner-metrics']);
    expect(byKind(objs, 'ServiceMonitor')).toEqual([]);
  });

  it('sets only environment variables the operator reads', () => {
    const read = new Set(
      ['src/main.ts', 'src/util/logger.ts'].flatMap((f) => [...readFileSync(path.join(ROOT, f), 'utf8').matchAll(/env\.([A-Z_]+)/g)].map((m) => m[1]!)),
    );
    // NODE_OPTIONS is node's own.
    const set = container(render(VALUE_SETS.everything)).env.map((e) => e.name).filter((n) => n !== 'AWS_REGION' && n !== 'NODE_OPTIONS');
    expect(set.filter((n) => !read.has(n))).toEqual([]);
    expect(set).toEqual(expect.arrayContaining(['CONFIG_ENDPOINT_URL', 'CONFIG_TLS_CERT', 'TALOS_CHECKSUMS', 'TALOS_VERSION']));
  });

  it.each([
    ['512Mi', '--max-old-space-size=307'],
    ['2Gi', '--max-old-space-size=1228'],
    ['1000Mi', '--max-old-space-size=600'],
  ])('sizes the V8 heap to the memory limit %s so it is collected before the container is killed', (limit, flag) => {
    const env = container(render({ resources: { limits: { memory: limit } } })).env;
    expect(env.find((e) => e.name === 'NODE_OPTIONS')?.value).toBe(flag);
    // The bench runs the operator with the same formula.
    expect(`--max-old-space-size=${heapLimitMi(limit)}`).toBe(flag);
  });

  it('leaves the heap alone without a memory limit it can read', () => {
    const env = container(render({ resources: { requests: { memory: '256Mi' }, limits: null } })).env;
    expect(env.find((e) => e.name === 'NODE_OPTIONS')).toBeUndefined();
    expect(heapLimitMi(undefined)).toBeUndefined();
    expect(heapLimitMi('1.5G')).toBeUndefined();
  });

  it('with every switch on: config Service, ServiceMonitor, credentials Secret, IRSA annotation, Secret Roles', () => {
    const objs = render(VALUE_SETS.everything);
    expect(byKind(objs, 'Service').map((s) => s.metadata.name).sort()).toEqual(['gpu-provisioner-config', 'gpu-provisioner-metrics']);
    expect(one(objs, 'ServiceMonitor').metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
    expect(one(objs, 'Secret')).toMatchObject({ metadata: { name: 'lambda-credentials', namespace: RELEASE_NAMESPACE }, stringData: { apiKey: 'not-a-real-key' } });
    expect(one(objs, 'ServiceAccount').metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/gpu-provisioner' });
    const env = Object.fromEntries(container(objs).env.map((e) => [e.name, e.value]));
    expect(env.SECRET_NAMESPACES).toBe(`${RELEASE_NAMESPACE},ml,research`);
    expect(env.TALOS_CHECKSUMS).toBe('{"abc/v1.13.9":{"initramfs":"i","kernel":"k"}}');
    // rbac.simNodes adds the node Leases the sim provider renews as a kubelet would.
    expect(byKind(objs, 'Role').map((r) => r.metadata.namespace).sort()).toEqual([RELEASE_NAMESPACE, 'kube-node-lease', 'ml', 'research']);
  });

  it('single replica without leader election has no PDB and uses the named ServiceAccount', () => {
    const objs = render(VALUE_SETS.single);
    expect(byKind(objs, 'PodDisruptionBudget')).toEqual([]);
    expect(byKind(objs, 'ServiceAccount')).toEqual([]);
    expect(one<DeploymentView>(objs, 'Deployment').spec.template.spec.serviceAccountName).toBe('existing');
    expect(container(objs).env.find((e) => e.name === 'LEADER_ELECTION')?.value).toBe('false');
  });

  describe('RBAC', () => {
    const rules = (objs: KubeObject[], kind: 'ClusterRole' | 'Role') =>
      byKind(objs, kind).flatMap((r) => ((r as unknown as { rules: PolicyRule[] }).rules ?? []).map((rule) => ({ ns: r.metadata.namespace, ...rule })));

    it.each(Object.keys(VALUE_SETS))('has no wildcard anywhere (%s values)', (name) => {
      const objs = render(VALUE_SETS[name]);
      for (const rule of [...rules(objs, 'ClusterRole'), ...rules(objs, 'Role')]) {
        expect([...rule.apiGroups, ...rule.resources, ...rule.verbs].filter((s) => s.includes('*'))).toEqual([]);
      }
    });

    it('reads Secrets only through Roles in the namespaces it is given', () => {
      const objs = render(VALUE_SETS.everything);
      expect(rules(objs, 'ClusterRole').filter((r) => r.resources.some((res) => res.startsWith('secrets')))).toEqual([]);
      const secretRules = rules(objs, 'Role').filter((r) => r.resources.includes('secrets'));
      expect(secretRules.map((r) => [r.ns, r.verbs])).toEqual([
        [RELEASE_NAMESPACE, ['get', 'list', 'watch']],
        ['ml', ['get', 'list', 'watch']],
        ['research', ['get', 'list', 'watch']],
      ]);
      const bindings = byKind(objs, 'RoleBinding') as unknown as { metadata: { namespace: string }; subjects: { name: string; namespace: string }[] }[];
      expect(bindings.every((b) => b.subjects[0]!.name === 'gpu-provisioner' && b.subjects[0]!.namespace === RELEASE_NAMESPACE)).toBe(true);
    });

    it('lets the sim provider register Nodes only when rbac.simNodes is set', () => {
      const verbsOn = (objs: KubeObject[], resource: string) => rules(objs, 'ClusterRole').filter((r) => r.resources.includes(resource)).flatMap((r) => r.verbs);
      expect(verbsOn(render(), 'nodes')).not.toContain('create');
      expect(verbsOn(render(), 'nodes/status')).toEqual([]);
      expect(verbsOn(render({ rbac: { simNodes: true } }), 'nodes')).toContain('create');
      expect(verbsOn(render({ rbac: { simNodes: true } }), 'nodes/status')).toEqual(['patch']);
    });
  });
});
