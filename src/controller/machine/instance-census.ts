/**
 * Whether a machine's instance is gone, answered for every machine of a provider from
 * one listing of its instances, as Karpenter's NodeClaim garbage collection answers it
 * from one DescribeInstances, rather than from one call per machine. A burst of machines
 * waiting for their Nodes would otherwise spend the provider's rate limit on asking
 * after instances instead of launching them: at AWS's default 10 calls/s, 1,000 such
 * machines asking every 5 s want 200.
 *
 * A provider may not list an instance for a while after launching it (EC2's reads are
 * eventually consistent), so a listing judges only instances launched SETTLE_MS or more
 * before it started, and is taken at most once per maxAgeMs per provider.
 */
import { describeError } from '../../providers/errors.js';
import type { CloudProvider } from '../../providers/types.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';

/** How long after its launch an instance may be missing from its provider's listings. */
export const SETTLE_MS = 30_000;

interface Listing {
  /** When the call started: everything launched SETTLE_MS before it is in it. */
  startedAt: number;
  ids: ReadonlySet<string>;
}

export interface InstanceCensusOptions {
  clock: Clock;
  logger: Logger;
  /** How long one listing answers for a provider before the next is taken. */
  maxAgeMs: number;
}

export class InstanceCensus {
  private readonly listings = new Map<string, Listing>();
  private readonly inFlight = new Map<string, Promise<Listing | undefined>>();

  constructor(private readonly opts: InstanceCensusOptions) {}

  /**
   * True when the provider no longer has the instance (the listings leave out terminated
   * ones), false when it has, undefined when it cannot tell yet: launched too recently
   * for the latest listing, or the listing failed.
   */
  async gone(provider: CloudProvider, instanceId: string, launchedAt: number): Promise<boolean | undefined> {
    const { clock } = this.opts;
    const settled = launchedAt + SETTLE_MS;
    if (clock.now() < settled) return undefined;
    let listing = this.listings.get(provider.name);
    if (!listing || clock.now() - listing.startedAt >= this.opts.maxAgeMs) listing = await this.list(provider);
    if (!listing || listing.startedAt < settled) return undefined;
    return !listing.ids.has(instanceId);
  }

  /** One listing per provider at a time; every machine asking meanwhile waits for it. */
  private list(provider: CloudProvider): Promise<Listing | undefined> {
    const running = this.inFlight.get(provider.name);
    if (running) return running;
    const startedAt = this.opts.clock.now();
    const call = provider
      .list()
      .then((instances): Listing => {
        const listing = { startedAt, ids: new Set(instances.map((i) => i.id)) };
        this.listings.set(provider.name, listing);
        return listing;
      })
      .catch((e: unknown) => {
        this.opts.logger.debug('cannot list instances to check on machines', { provider: provider.name, error: describeError(e) });
        return this.listings.get(provider.name);
      })
      .finally(() => this.inFlight.delete(provider.name));
    this.inFlight.set(provider.name, call);
    return call;
  }
}
