/**
 * Where providers are found: factories by type (one per adapter, registered once at
 * start) and the live providers by GpuProvider name (built and replaced by the
 * GpuProvider controller).
 */
import { UnsupportedError } from './errors.js';
import { createAwsProvider } from './aws/aws-provider.js';
import { createLambdaProvider } from './lambda/lambda-provider.js';
import { createPaperspaceProvider } from './paperspace/paperspace-provider.js';
import { createRunPodProvider } from './runpod/runpod-provider.js';
import { simProviderFactory } from './sim/sim-provider.js';
import type { CloudProvider, ProviderConfig, ProviderContext, ProviderFactory, ProviderType } from './types.js';

export class ProviderRegistry {
  private readonly factories = new Map<ProviderType, ProviderFactory>();
  private readonly providers = new Map<string, CloudProvider>();

  constructor(factories: Partial<Record<ProviderType, ProviderFactory>> = {}) {
    for (const [type, factory] of Object.entries(factories) as [ProviderType, ProviderFactory][]) {
      this.register(type, factory);
    }
  }

  register(type: ProviderType, factory: ProviderFactory): this {
    this.factories.set(type, factory);
    return this;
  }

  has(type: ProviderType): boolean {
    return this.factories.has(type);
  }

  /** Builds a provider for a GpuProvider; UnsupportedError when no adapter serves its type. */
  build(config: ProviderConfig, ctx: ProviderContext): CloudProvider {
    const factory = this.factories.get(config.spec.type);
    if (!factory) throw new UnsupportedError(`no provider adapter for type ${config.spec.type}`);
    return factory(config, ctx);
  }

  set(name: string, provider: CloudProvider): void {
    this.providers.set(name, provider);
  }

  remove(name: string): boolean {
    return this.providers.delete(name);
  }

  get(name: string): CloudProvider | undefined {
    return this.providers.get(name);
  }

  all(): CloudProvider[] {
    return [...this.providers.values()];
  }
}

/** The factories that ship with the operator. Each call makes its own sim cloud. */
export function defaultFactories(): Partial<Record<ProviderType, ProviderFactory>> {
  return {
    sim: simProviderFactory(),
    aws: createAwsProvider,
    lambda: createLambdaProvider,
    runpod: createRunPodProvider,
    paperspace: createPaperspaceProvider,
  };
}
