/**
 * Names and labels that tie a machine to its GpuMachine and GpuRequest. A GpuMachine's
 * name is its launch key: the instance name, the idempotency key (AWS ClientToken) and
 * the Node's hostname, so every provider can find a machine it already made for this
 * object by ClientToken, tag or name, and the Node is found by its label.
 */
import { randomBytes } from 'node:crypto';
import { Labels } from '../../api/constants.js';
import type { GpuMachine } from '../../api/types.js';
import { dnsSafe, instanceNamePrefix } from '../../providers/naming.js';
import type { Instance } from '../../providers/types.js';

const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Five characters of a DNS-safe alphabet (about 14 million names per request), as generateName uses. */
export function randomSuffix(): string {
  return [...randomBytes(5)].map((b) => SUFFIX_ALPHABET[b % SUFFIX_ALPHABET.length]).join('');
}

/** `gpr-<cluster>-<uid8>-<suffix>`: at most 40 characters, DNS-label safe, never reused. */
export function machineName(clusterName: string, requestUid: string, suffix: string): string {
  return `${instanceNamePrefix(clusterName)}${dnsSafe(requestUid.replace(/-/g, ''), 8)}-${suffix}`;
}

function namespaceOf(m: GpuMachine): string {
  return m.metadata.namespace ?? 'default';
}

/** Labels the Node must carry; registration finds the Node by the machine label. */
export function nodeLabelsFor(m: GpuMachine, clusterName: string): Record<string, string> {
  const labels = m.metadata.labels ?? {};
  return {
    ...(m.spec.talos?.nodeLabels ?? {}),
    [Labels.requestName]: labels[Labels.requestName] ?? '',
    [Labels.requestNamespace]: namespaceOf(m),
    [Labels.requestUid]: labels[Labels.requestUid] ?? '',
    [Labels.cluster]: dnsSafe(clusterName, 63),
    [Labels.machine]: m.metadata.name,
  };
}

/** Tags on the instance: cluster, namespace, request and machine. */
export function instanceTags(m: GpuMachine, clusterName: string): Record<string, string> {
  const labels = m.metadata.labels ?? {};
  return {
    [Labels.cluster]: clusterName,
    [Labels.requestNamespace]: namespaceOf(m),
    [Labels.requestName]: labels[Labels.requestName] ?? '',
    [Labels.requestUid]: labels[Labels.requestUid] ?? '',
    [Labels.machine]: m.metadata.name,
  };
}

/** The GpuMachine an instance was launched for, by tag, idempotency key or name. */
export function machineOfInstance(inst: Instance): string | undefined {
  return inst.tags[Labels.machine] ?? inst.idempotencyKey ?? inst.name;
}
