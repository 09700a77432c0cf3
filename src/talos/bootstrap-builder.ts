/**
 * The Talos bootstrap for every launch: read the worker template Secret, render this
 * node's machine config, check it against the Talos schema, and wrap it the way the
 * provider boots machines. Any problem throws before a machine is bought, with a message
 * that names the Secret and the field and never any of the template's values.
 */
import { Kinds, type ClusterPort, type Secret } from '../kube/types.js';
import type { GpuProvider } from '../api/types.js';
import type { BootstrapBuilder, BootstrapInput } from '../controller/context.js';
import { InvalidRequestError, UnsupportedError } from '../providers/errors.js';
import type { Bootstrap, Taint } from '../providers/types.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { buildKexecScript, ConfigTooLargeError } from './bootstrap-script.js';
import type { ConfigStore } from './config-endpoint.js';
import { initramfsUrl, installerImage, kernelUrl, nvidiaSchematic, schematicId } from './image-factory.js';
import { MachineConfigValidator, renderWorkerConfig, TemplateError } from './render.js';

export const DEFAULT_TEMPLATE_KEY = 'worker.yaml';
export const DEFAULT_TALOS_VERSION = 'v1.13.9';

export interface ArtifactChecksums {
  /** sha256 hex of kernel-amd64 */
  kernel: string;
  /** sha256 hex of initramfs-amd64.xz */
  initramfs: string;
}

export interface TalosDefaults {
  /** Namespace of Secrets a GpuProvider (cluster-scoped) names without one: the operator's. */
  secretNamespace: string;
  /** Talos version when the GpuProvider does not set spec.talos.version. */
  version?: string;
  /** Schematic when the GpuProvider does not set spec.talos.schematicId; default: the NVIDIA one. */
  schematicId?: string;
  /**
   * sha256 of the Image Factory kernel and initramfs, by `<schematicId>/<version>`. The kexec
   * script refuses to boot what it cannot check, so kexec providers need an entry.
   */
  checksums?: Record<string, ArtifactChecksums>;
  /** How long a one-time config URL stays valid; machines fetch it within minutes of boot. */
  configTtlMs?: number;
}

export interface TalosBootstrapDeps {
  cluster: ClusterPort;
  clock: Clock;
  logger: Logger;
  /** Serves configs too big for the kernel command line; without it they cannot go to kexec providers. */
  configStore?: ConfigStore;
  defaults: TalosDefaults;
  /** Shared compiled schema; built once per builder when absent. */
  validator?: MachineConfigValidator;
}

interface TemplateRef {
  namespace: string;
  name: string;
  key: string;
  /** Which object named it, for messages. */
  from: string;
}

function templateRef(input: BootstrapInput, provider: GpuProvider | undefined, defaults: TalosDefaults): TemplateRef | undefined {
  const own = input.talos?.configSecretRef;
  if (own) {
    return {
      namespace: own.namespace ?? input.namespace,
      name: own.name,
      key: own.key ?? DEFAULT_TEMPLATE_KEY,
      from: `the GpuRequest's spec.talos.configSecretRef (namespace ${input.namespace})`,
    };
  }
  const shared = provider?.spec.talos?.configSecretRef;
  if (shared && provider) {
    return {
      namespace: shared.namespace ?? defaults.secretNamespace,
      name: shared.name,
      key: shared.key ?? DEFAULT_TEMPLATE_KEY,
      from: `GpuProvider ${provider.metadata.name} spec.talos.configSecretRef`,
    };
  }
  return undefined;
}

async function readTemplate(cluster: ClusterPort, ref: TemplateRef): Promise<string> {
  const where = `Secret ${ref.namespace}/${ref.name}`;
  const secret = await cluster.get<Secret>(Kinds.Secret, ref.name, ref.namespace);
  if (!secret) {
    throw new InvalidRequestError(
      `${where} (named by ${ref.from}) not found; create it with key ${ref.key} holding the worker.yaml of talosctl gen config`,
    );
  }
  const text = secret.stringData?.[ref.key] ?? (secret.data?.[ref.key] !== undefined ? Buffer.from(secret.data[ref.key]!, 'base64').toString('utf8') : undefined);
  if (text === undefined || text.trim() === '') {
    throw new InvalidRequestError(`${where} has no key ${ref.key}; put the worker.yaml of talosctl gen config there`);
  }
  return text;
}

function taintsOf(input: BootstrapInput): Taint[] {
  return (input.talos?.nodeTaints ?? []).map((t) => ({ key: t.key, value: t.value, effect: t.effect }));
}

export function createTalosBootstrap(deps: TalosBootstrapDeps): BootstrapBuilder {
  const { cluster, defaults } = deps;
  let validator = deps.validator;
  const ttlMs = defaults.configTtlMs ?? 30 * 60_000;

  return async (input): Promise<Bootstrap> => {
    const { offer, hostname, nodeLabels } = input;
    const nodeTaints = taintsOf(input);
    const bare: Bootstrap = { hostname, nodeLabels, nodeTaints };
    if (offer.providerType === 'runpod') {
      throw new UnsupportedError('RunPod runs containers only and cannot boot Talos; choose another provider for node join');
    }
    const provider = await cluster.get<GpuProvider>(Kinds.GpuProvider, offer.provider);
    const ref = templateRef(input, provider, defaults);
    if (!ref) {
      // The sim cloud boots no OS: labels are all it needs to register the Node.
      if (offer.providerType === 'sim') return bare;
      throw new InvalidRequestError(
        `no Talos worker template: create a Secret with key ${DEFAULT_TEMPLATE_KEY} holding the worker.yaml of ` +
          `talosctl gen config, and name it in GpuProvider ${offer.provider} spec.talos.configSecretRef ` +
          `(or the GpuRequest's spec.talos.configSecretRef)`,
      );
    }

    const template = await readTemplate(cluster, ref);
    const where = `Talos template in Secret ${ref.namespace}/${ref.name} key ${ref.key}`;
    const version = provider?.spec.talos?.version ?? defaults.version ?? DEFAULT_TALOS_VERSION;
    const schematic = provider?.spec.talos?.schematicId ?? defaults.schematicId ?? schematicId(nvidiaSchematic());
    const image = { schematicId: schematic, version };
    let config: string;
    try {
      // The disk install uses the factory installer, so the NVIDIA extensions survive it.
      config = renderWorkerConfig(template, { hostname, nodeLabels, nodeTaints, installImage: installerImage(image) });
    } catch (e) {
      if (e instanceof TemplateError) throw new InvalidRequestError(`${where}: ${e.message}`);
      throw e;
    }
    validator ??= new MachineConfigValidator();
    const problems = validator.validate(config);
    if (problems.length > 0) {
      const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
      throw new InvalidRequestError(`${where} renders an invalid machine config: ${problems.slice(0, 3).join('; ')}${more}`);
    }

    switch (offer.providerType) {
      case 'aws':
      case 'sim':
        // AWS boots a Talos AMI that reads its config from user-data; the sim ignores it.
        return { ...bare, userData: config };
      case 'lambda':
      case 'paperspace': {
        const sums = defaults.checksums?.[`${schematic}/${version}`];
        if (!sums) {
          throw new InvalidRequestError(
            `no sha256 known for the Talos ${version} kernel and initramfs of schematic ${schematic}; ` +
              'add them to the operator settings so machines can check what they boot',
          );
        }
        const store = deps.configStore;
        try {
          const { script, configSource } = buildKexecScript({
            kernelUrl: kernelUrl(image),
            initramfsUrl: initramfsUrl(image),
            kernelSha256: sums.kernel,
            initramfsSha256: sums.initramfs,
            config,
            configUrl: store ? () => store.issue(hostname, config, ttlMs).url : undefined,
          });
          deps.logger.debug('talos kexec bootstrap built', { hostname, provider: offer.provider, configSource });
          return { ...bare, userData: script };
        } catch (e) {
          if (e instanceof ConfigTooLargeError) throw new InvalidRequestError(`${where}: ${e.message}`);
          throw e;
        }
      }
      default:
        throw new UnsupportedError(`no Talos bootstrap for provider type ${offer.providerType}`);
    }
  };
}
