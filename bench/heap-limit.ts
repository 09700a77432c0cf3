/**
 * The V8 old-space limit the chart gives the operator for a container memory limit
 * (charts/gpu-provisioner/templates/_helpers.tpl, "gpu-provisioner.heapLimitMi"): three
 * fifths of it, in MiB. The bench runs the operator with what the chart's default
 * limit gives, as the image runs in the cluster.
 */
export function heapLimitMi(memoryLimit: string | undefined): number | undefined {
  const m = /^(\d+)(Mi|Gi)$/.exec(memoryLimit ?? '');
  if (!m) return undefined;
  const mi = m[2] === 'Gi' ? Number(m[1]) * 1024 : Number(m[1]);
  return Math.floor((mi * 3) / 5);
}
