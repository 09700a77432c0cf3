/**
 * What the Talos builder is asked for and gives back. Talos knows boot methods and CPU
 * architectures, never clouds: the provider definitions say which method a cloud uses
 * (src/providers/bootstrap.ts).
 */

export interface NodeTaint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/**
 * `user-data`: the machine boots a Talos image that reads its machine config from
 * user-data. `kexec`: the machine boots the vendor's stock image, whose cloud-init or
 * startup script runs a script that kexecs into the Image Factory kernel.
 */
export type TalosBootMethod = 'user-data' | 'kexec';

export type TalosArch = 'amd64' | 'arm64';

export interface TalosBootInput {
  /** Namespace of the object the machine belongs to; its Talos Secret ref defaults to it. */
  namespace: string;
  /** The request's own Talos settings. */
  talos?: {
    configSecretRef?: { name: string; namespace?: string; key?: string };
    nodeLabels?: Record<string, string>;
    nodeTaints?: NodeTaint[];
  };
  /** GpuProvider the machine is bought from: its spec.talos gives template, version, schematic. */
  providerName: string;
  hostname: string;
  /** Labels the Node must carry. */
  nodeLabels: Record<string, string>;
  boot: TalosBootMethod;
  arch: TalosArch;
  /** The machine registers without booting the config (the sim): no template is no error. */
  templateOptional?: boolean;
}

export interface TalosBoot {
  hostname: string;
  nodeLabels: Record<string, string>;
  nodeTaints: NodeTaint[];
  /** The boot payload: the machine config (user-data) or the kexec script. */
  userData?: string;
}

export type TalosBootBuilder = (input: TalosBootInput) => Promise<TalosBoot>;
