/**
 * The GpuMachines of one GpuRequest: how a new one is made from the request, and which
 * of the existing ones count towards `spec.nodes`.
 */
import { API_VERSION, Labels, MACHINE_FINALIZER } from '../../api/constants.js';
import type { GpuMachine, GpuRequest } from '../../api/types.js';
import { Kinds } from '../../kube/types.js';
import { machineName } from '../machine/naming.js';

/** A new GpuMachine for the request: spec copied from it, owned by it, finalizer on from the start. */
export function newMachine(req: GpuRequest, clusterName: string, suffix: string, replaces?: string): GpuMachine {
  const { spec } = req;
  const uid = req.metadata.uid ?? '';
  return {
    apiVersion: API_VERSION,
    kind: Kinds.GpuMachine.kind,
    metadata: {
      name: machineName(clusterName, uid, suffix),
      namespace: req.metadata.namespace,
      labels: { [Labels.requestName]: req.metadata.name, [Labels.requestUid]: uid },
      ownerReferences: [
        { apiVersion: req.apiVersion, kind: req.kind, name: req.metadata.name, uid, controller: true, blockOwnerDeletion: true },
      ],
      finalizers: [MACHINE_FINALIZER],
    },
    spec: {
      gpu: spec.gpu,
      capacityTypes: spec.capacityTypes,
      maxPricePerHour: spec.maxPricePerHour,
      providers: spec.providers,
      regions: spec.regions,
      aws: spec.aws,
      talos: spec.talos,
      interruption: spec.interruption,
      ...(replaces ? { replaces } : {}),
    },
  };
}

/** What a machine copies from its request; equal means it was made from the request as it is now. */
function copied(spec: GpuMachine['spec']): string {
  const { replaces: _replaces, ...rest } = spec;
  return JSON.stringify(rest, Object.keys(rest).sort());
}

/**
 * Machines made from an older spec that have bought nothing yet: they are replaced by
 * machines of the current spec (a raised maxPricePerHour reaches a Pending machine).
 * Machines that run are kept; a spec change only changes what is bought next.
 */
export function staleUnlaunched(req: GpuRequest, machines: GpuMachine[], clusterName: string): GpuMachine[] {
  const current = copied(newMachine(req, clusterName, 'x').spec);
  return machines.filter((m) => !isDeleting(m) && !m.status?.instanceId && !m.status?.launching && copied(m.spec) !== current);
}

export const isDeleting = (m: GpuMachine) => !!m.metadata.deletionTimestamp;
export const isInterrupted = (m: GpuMachine) => !!m.status?.interruption;
export const isReady = (m: GpuMachine) => m.status?.phase === 'Ready';

/** Machines that count towards spec.nodes: not on their way out and not interrupted. */
export function serving(machines: GpuMachine[]): GpuMachine[] {
  return machines.filter((m) => !isDeleting(m) && !isInterrupted(m));
}

/** Newest first (creation time, then name), the order scale-down takes them in. */
export function newestFirst(machines: GpuMachine[]): GpuMachine[] {
  return [...machines].sort(
    (a, b) =>
      (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '') ||
      b.metadata.name.localeCompare(a.metadata.name),
  );
}
