/**
 * The boot-payload seam the controller calls: the provider definition says how a
 * machine of that cloud becomes a node (user-data, kexec, or not at all) and the offer
 * says its CPU architecture; Talos builds the payload for that method. Talos's errors
 * become InvalidRequestError (the admin's configuration is at fault, not the offer),
 * a cloud that cannot boot Talos an UnsupportedError with its reason.
 */
import { TalosError } from '../talos/errors.js';
import type { TalosBootBuilder } from '../talos/types.js';
import { InvalidRequestError, UnsupportedError } from './errors.js';
import { definitionOf } from './registry.js';
import type { BootstrapBuilder } from './types.js';

export function createBootstrapBuilder(talos: TalosBootBuilder): BootstrapBuilder {
  return async ({ namespace, talos: settings, offer, hostname, nodeLabels }) => {
    const def = definitionOf(offer.providerType);
    if (!def) throw new UnsupportedError(`no provider definition for type ${offer.providerType}`);
    const boot = def.boot;
    if (boot.method === 'none') throw new UnsupportedError(boot.reason);
    try {
      return await talos({
        namespace,
        ...(settings ? { talos: settings } : {}),
        providerName: offer.provider,
        hostname,
        nodeLabels,
        boot: boot.method,
        arch: offer.arch ?? def.defaultArch,
        ...(boot.templateOptional ? { templateOptional: true } : {}),
      });
    } catch (e) {
      if (e instanceof TalosError) throw new InvalidRequestError(e.message, { cause: e });
      throw e;
    }
  };
}
