/**
 * Every cloud the operator ships, listed once, and the live providers by GpuProvider
 * name (built and replaced by the GpuProvider controller). Adding a provider: its
 * folder with a definition.ts, one line in PROVIDER_DEFINITIONS, its spec in the
 * GpuProvider CRD (type enum), one contract-test file. Every operator loads every
 * definition: a heavy adapter (AWS and its SDK) is imported by its factory on first build.
 */
import { awsDefinition } from './aws/definition.js';
import type { ProviderDefinition } from './definition.js';
import { UnsupportedError } from './errors.js';
import { lambdaDefinition } from './lambda/definition.js';
import { paperspaceDefinition } from './paperspace/definition.js';
import { buildProvider, type PipelinedProvider, type PipelineOptions } from './pipeline/pipeline.js';
import { runpodDefinition } from './runpod/definition.js';
import { simDefinition } from './sim/definition.js';
import type { CloudProvider, ProviderConfig, ProviderContext, ProviderFactory, ProviderType } from './types.js';

export const PROVIDER_DEFINITIONS: readonly ProviderDefinition[] = [
  simDefinition,
  awsDefinition,
  lambdaDefinition,
  runpodDefinition,
  paperspaceDefinition,
];

/** The definition of a provider type, or undefined for a type this build does not know. */
export function definitionOf(type: string): ProviderDefinition | undefined {
  return PROVIDER_DEFINITIONS.find((d) => d.type === type);
}

export class ProviderRegistry {
  private readonly factories = new Map<ProviderType, ProviderFactory>();
  private readonly providers = new Map<string, CloudProvider>();

  /**
   * `overrides` replace the factory of a type (tests hand in a sim cloud of their own);
   * every other type builds with its definition's factory, one per registry.
   */
  constructor(overrides: Partial<Record<ProviderType, ProviderFactory>> = {}) {
    for (const def of PROVIDER_DEFINITIONS) this.factories.set(def.type, overrides[def.type] ?? def.factory());
  }

  /** The definition behind a GpuProvider's type; UnsupportedError when this build has none. */
  definition(type: string): ProviderDefinition {
    const def = definitionOf(type);
    if (!def) throw new UnsupportedError(`no provider adapter for type ${type}`);
    return def;
  }

  /**
   * Builds a GpuProvider's provider inside the call pipeline (metrics, retries, limits,
   * timeouts, error mapping). Asynchronous because an adapter may load its module on
   * first use; rejects with UnsupportedError for a type this build has no adapter for.
   */
  async build(config: ProviderConfig, ctx: ProviderContext, opts: Omit<PipelineOptions, 'factory'> = {}): Promise<PipelinedProvider> {
    const def = this.definition(config.spec.type);
    return buildProvider(def, config, ctx, { ...opts, factory: this.factories.get(def.type)! });
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
