/**
 * Label names of every gpu_provisioner_* series, in one place. Values are bounded:
 * namespaces, requests, budgets, providers, regions, zones, instance types, phases and
 * reasons; never instance IDs or node names on cluster-wide series.
 */
export const MetricLabels = {
  namespace: 'namespace',
  request: 'request',
  budget: 'budget',
  provider: 'provider',
  region: 'region',
  zone: 'zone',
  instanceType: 'instance_type',
  gpuModel: 'gpu_model',
  gpuCount: 'gpu_count',
  capacityType: 'capacity_type',
  phase: 'phase',
  reason: 'reason',
  limit: 'limit',
  period: 'period',
  controller: 'controller',
  outcome: 'outcome',
  method: 'method',
  kind: 'kind',
} as const;
