/**
 * `gpu-provisioner offers`: builds each provider the way the operator does (in the
 * call pipeline, src/providers/pipeline/pipeline.ts), lists every one at once, and prints what is
 * left after the filters, cheapest first. One provider failing costs a warning line,
 * not the listing.
 */
import { GPU_MODEL_NAMES, isGpuModel } from '../api/gpu-models.js';
import { MemoryCluster } from '../kube/memory-cluster.js';
import type { ClusterPort } from '../kube/types.js';
import { normaliseGpuModel } from '../pricing/selection.js';
import { describeError } from '../providers/errors.js';
import type { PipelinedProvider } from '../providers/pipeline/pipeline.js';
import { ProviderRegistry } from '../providers/registry.js';
import type { Capabilities, Offer, ProviderFactory, ProviderType } from '../providers/types.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { OffersOptions } from './args.js';
import { filterOffers, formatOfferTable, offersJson, sortOffers } from './offer-table.js';
import { redact, sourcesFromCluster, sourcesFromEnv, type Env, type ProviderSource, type Sources } from './sources.js';

export interface OffersDeps {
  env: Env;
  clock: Clock;
  logger: Logger;
  out: (line: string) => void;
  err: (line: string) => void;
  /** Adapter factories that replace the shipped ones, by provider type (tests). */
  factories?: Partial<Record<ProviderType, ProviderFactory>>;
  /** Opens the cluster for --from-cluster; not called otherwise. */
  connectCluster: (kubeconfig?: string) => ClusterPort;
  /** Per-attempt timeout of each provider call. */
  callTimeoutMs?: number;
}

/** Tags and name prefixes would carry it on a launch; listing never launches. */
const CLUSTER_NAME = 'gpu-provisioner-cli';
const DEFAULT_NAMESPACE = 'gpu-provisioner';
const CALL_TIMEOUT_MS = 20_000;
/** A person is waiting at a terminal: one retry, then say what failed. */
const MAX_RETRIES = 1;

export interface ListResult {
  offers: Offer[];
  capabilities: Map<string, Capabilities>;
  /** Providers that listed, by name. */
  listed: string[];
  warnings: string[];
}

/** Builds, limits and lists every source at once; failures become warnings. */
export async function listFromSources(sources: readonly ProviderSource[], deps: OffersDeps): Promise<ListResult> {
  const registry = new ProviderRegistry(deps.factories);
  // The sim cloud registers nodes only when it launches; a cluster of its own keeps
  // a listing from touching any real one.
  const scratch = new MemoryCluster({ clock: deps.clock });
  const result: ListResult = { offers: [], capabilities: new Map(), listed: [], warnings: [] };
  const built: PipelinedProvider[] = [];
  for (const s of sources) {
    const { name, spec } = s.config;
    try {
      built.push(
        await registry.build(
          s.config,
          { clusterName: CLUSTER_NAME, credentials: s.credentials, clock: deps.clock, logger: deps.logger.child({ provider: name }), cluster: scratch },
          { timeoutMs: deps.callTimeoutMs ?? CALL_TIMEOUT_MS, retry: { maxRetries: MAX_RETRIES } },
        ),
      );
    } catch (e) {
      result.warnings.push(`${name}: cannot build the ${spec.type} provider: ${redact(describeError(e), sources)}`);
    }
  }
  try {
    const settled = await Promise.allSettled(built.map((p) => p.listOffers()));
    settled.forEach((r, i) => {
      const p = built[i]!;
      if (r.status === 'fulfilled') {
        result.offers.push(...r.value);
        result.capabilities.set(p.name, p.capabilities);
        result.listed.push(p.name);
      } else {
        result.warnings.push(`${p.name}: listing offers failed: ${redact(describeError(r.reason), sources)}`);
      }
    });
  } finally {
    await Promise.all(built.map((p) => p.close()));
  }
  return result;
}

async function findSources(opts: OffersOptions, deps: OffersDeps): Promise<Sources> {
  if (!opts.fromCluster) return sourcesFromEnv(opts, deps.env);
  const cluster = deps.connectCluster(opts.kubeconfig);
  const namespace = opts.namespace ?? deps.env.POD_NAMESPACE ?? DEFAULT_NAMESPACE;
  return sourcesFromCluster(cluster, { providers: opts.providers, namespace });
}

/** Runs the command; returns the exit code (0 listed, 1 no provider could list). */
export async function runOffers(opts: OffersOptions, deps: OffersDeps): Promise<number> {
  let sources: Sources;
  try {
    sources = await findSources(opts, deps);
  } catch (e) {
    deps.err(`error: cannot read the GpuProviders from the cluster: ${describeError(e)}`);
    return 1;
  }
  for (const note of sources.notes) deps.err(`note: ${note}`);
  for (const problem of sources.problems) deps.err(`warning: ${problem}`);

  const listed = await listFromSources(sources.sources, deps);
  for (const w of listed.warnings) deps.err(`warning: ${w}`);

  const matching = sortOffers(
    filterOffers(listed.offers, {
      gpu: opts.gpu,
      count: opts.count,
      capacityType: opts.capacityType,
      regions: opts.regions,
      maxPrice: opts.maxPrice,
      all: opts.all,
      // From a cluster, the names asked for pick GpuProviders; the offers are theirs already.
      providers: opts.fromCluster ? [] : opts.providers,
    }),
  );
  const shown = opts.limit === undefined ? matching : matching.slice(0, opts.limit);

  if (opts.json) {
    deps.out(JSON.stringify(offersJson(shown, listed.capabilities), null, 2));
  } else if (shown.length > 0) {
    for (const line of formatOfferTable(shown, listed.capabilities)) deps.out(line);
  }
  if (listed.listed.length === 0) {
    deps.err('error: no provider could list offers');
    return 1;
  }
  if (shown.length === 0) {
    deps.err(`no offers match${opts.all ? '' : ' (offers without capacity are hidden; --all shows them)'}`);
    if (opts.gpu !== undefined && !isGpuModel(normaliseGpuModel(opts.gpu))) {
      deps.err(`${opts.gpu} is not a GPU model this operator knows; try one of ${GPU_MODEL_NAMES.join(', ')}`);
    }
  } else if (shown.length < matching.length) {
    deps.err(`showing the ${shown.length} cheapest of ${matching.length} offers`);
  }
  return 0;
}
