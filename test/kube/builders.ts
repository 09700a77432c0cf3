import { Kinds, type ClusterPort, type KubeObject, type Node, type Pod, type PodDisruptionBudget } from '../../src/kube/types.js';

export function gpuRequest(name: string, overrides: Partial<KubeObject> = {}): KubeObject {
  return {
    apiVersion: 'gpu-provisioner.dev/v1alpha1',
    kind: 'GpuRequest',
    metadata: { name, namespace: 'ml', ...(overrides.metadata ?? {}) },
    spec: { gpu: { model: 'H100', count: 8 }, ...((overrides.spec as object | undefined) ?? {}) },
    ...(overrides.status !== undefined ? { status: overrides.status } : {}),
  };
}

export function pod(
  name: string,
  opts: { namespace?: string; node?: string; labels?: Record<string, string>; phase?: string } & Partial<Pod> = {},
): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: opts.namespace ?? 'ml', labels: opts.labels, ...(opts.metadata ?? {}) },
    spec: { nodeName: opts.node, containers: [{ name: 'main', image: 'busybox' }] },
  };
}

export function node(name: string, overrides: Partial<Node> = {}): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: {}, ...(overrides.metadata ?? {}) },
    spec: { providerID: `sim://${name}`, ...(overrides.spec ?? {}) },
    status: overrides.status ?? {
      conditions: [{ type: 'Ready', status: 'True' }],
      allocatable: { 'nvidia.com/gpu': '8' },
    },
  };
}

export function pdb(
  name: string,
  selector: Record<string, string>,
  budget: { minAvailable?: number | string; maxUnavailable?: number | string },
  namespace = 'ml',
): PodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, namespace },
    spec: { selector: { matchLabels: selector }, ...budget },
  };
}

/** Creates a pod and sets its phase through the status subresource, as the kubelet would. */
export async function startPod(
  cluster: ClusterPort,
  name: string,
  opts: Parameters<typeof pod>[1] & { phase?: string } = {},
): Promise<Pod> {
  const created = await cluster.create(Kinds.Pod, pod(name, opts));
  return cluster.patch<Pod>(Kinds.Pod, name, created.metadata.namespace, { status: { phase: opts.phase ?? 'Running' } }, {
    subresource: 'status',
  });
}
