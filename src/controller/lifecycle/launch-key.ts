/**
 * Names and keys that tie a machine to one node slot of one GpuRequest. The launch key
 * is both the idempotency key and the instance name, so every provider can find a
 * machine it already made for this slot: by ClientToken, tag or name.
 */
import { Labels } from '../../api/constants.js';
import type { GpuRequest } from '../../api/types.js';
import { dnsSafe, instanceNamePrefix } from '../../providers/naming.js';
import type { Instance } from '../../providers/types.js';

export const LAUNCH_KEY_TAG = 'gpu-provisioner.dev/launch-key';

/** `gpr-<cluster>-<uid8>-`: every instance of one request starts with it. */
export function requestKeyPrefix(clusterName: string, uid: string): string {
  return `${instanceNamePrefix(clusterName)}${dnsSafe(uid.replace(/-/g, ''), 8)}-`;
}

/** At most 63 characters, DNS-label safe: usable as hostname, label value and ClientToken. */
export function launchKey(clusterName: string, uid: string, index: number, attempt: number): string {
  return `${requestKeyPrefix(clusterName, uid)}${index}-${attempt}`;
}

/** Labels the Node must carry; the registration step finds the Node by them. */
export function nodeLabelsFor(req: GpuRequest, index: number, key: string, clusterName: string): Record<string, string> {
  return {
    ...(req.spec.talos?.nodeLabels ?? {}),
    [Labels.requestName]: req.metadata.name,
    [Labels.requestNamespace]: req.metadata.namespace ?? 'default',
    [Labels.requestUid]: req.metadata.uid ?? '',
    [Labels.nodeIndex]: String(index),
    [Labels.cluster]: dnsSafe(clusterName, 63),
    [LAUNCH_KEY_TAG]: key,
  };
}

/** Tags on the instance: cluster, namespace, name, UID, slot and key. */
export function instanceTags(req: GpuRequest, index: number, key: string, clusterName: string): Record<string, string> {
  return {
    [Labels.cluster]: clusterName,
    [Labels.requestNamespace]: req.metadata.namespace ?? 'default',
    [Labels.requestName]: req.metadata.name,
    [Labels.requestUid]: req.metadata.uid ?? '',
    [Labels.nodeIndex]: String(index),
    [LAUNCH_KEY_TAG]: key,
  };
}

export function instanceLaunchKey(inst: Instance): string | undefined {
  return inst.tags[LAUNCH_KEY_TAG] ?? inst.idempotencyKey ?? inst.name;
}

/** Whether a provider's instance was launched for this request (by tag, or by key prefix). */
export function belongsToRequest(inst: Instance, clusterName: string, uid: string): boolean {
  if (inst.tags[Labels.requestUid] === uid) return true;
  const key = instanceLaunchKey(inst);
  return key !== undefined && key.startsWith(requestKeyPrefix(clusterName, uid));
}
