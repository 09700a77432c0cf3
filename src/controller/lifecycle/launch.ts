/**
 * Launch: give every empty node slot a machine. Offers come from the cache, the pure
 * selection orders them, and the cheapest is tried first; an offer that fails for
 * capacity (or quota, or a refusal) is marked unavailable and the next one is tried in
 * the same reconcile, as Karpenter does. Rate limits and 5xx stop the round and back off.
 */
import { ConditionTypes, Reasons } from '../../api/constants.js';
import { setCondition } from '../../api/conditions.js';
import { formatPrice } from '../../api/price.js';
import type { GpuRequest, GpuRequestStatus, NodeStatus } from '../../api/types.js';
import {
  describeError,
  isInsufficientCapacity,
  isProviderError,
  isQuotaExceeded,
  isRateLimited,
  isRetryable,
} from '../../providers/errors.js';
import { offerKey, type Bootstrap, type CloudProvider, type Instance, type Offer } from '../../providers/types.js';
import { selectOffers } from '../../pricing/selection.js';
import type { ControllerContext } from '../context.js';
import { recordEvent } from '../events.js';
import { belongsToRequest, instanceLaunchKey, instanceTags, launchKey, nodeLabelsFor } from './launch-key.js';

export interface LaunchResult {
  /** Ask to be called again after this long (nothing fit, or the provider asked us to wait). */
  requeueAfterMs?: number;
  /** Why a slot could not be given a machine this round, for the Launched condition. */
  failure?: string;
}

/** Providers the request allows (by GpuProvider name or type). */
export function allowedProviders(ctx: ControllerContext, req: GpuRequest): CloudProvider[] {
  const allow = req.spec.providers;
  return ctx.providers.all().filter((p) => !allow?.length || allow.includes(p.name) || allow.includes(p.type));
}

/** The slot as the provider describes its machine; what the provider leaves out comes from the offer bought. */
function slotFrom(slot: Pick<NodeStatus, 'index' | 'attempt' | 'launchKey'>, inst: Instance, offer?: Offer): NodeStatus {
  return {
    index: slot.index,
    attempt: slot.attempt,
    launchKey: slot.launchKey,
    provider: inst.provider || (offer?.provider ?? ''),
    providerType: inst.providerType,
    region: inst.region || (offer?.region ?? ''),
    zone: inst.zone ?? offer?.zone,
    instanceType: inst.instanceType || (offer?.instanceType ?? ''),
    capacityType: offer?.capacityType ?? inst.capacityType,
    pricePerHour: formatPrice(inst.pricePerHour || (offer?.pricePerHour ?? 0)),
    instanceId: inst.id,
    launchedAt: new Date(inst.launchedAt).toISOString(),
    state: 'Launching',
  };
}

/** Slots that need a machine: never launched, or their last machine is gone. */
export function slotsToLaunch(req: GpuRequest, status: GpuRequestStatus, clusterName: string, now: number): NodeStatus[] {
  const wanted = req.spec.nodes ?? 1;
  const uid = req.metadata.uid ?? '';
  const out: NodeStatus[] = [];
  for (let index = 0; index < wanted; index++) {
    const slot = status.nodes?.find((n) => n.index === index);
    if (slot && slot.state !== 'Terminated') continue;
    // An interrupted slot stays empty when the request asked not to replace it.
    if (slot?.interruption && req.spec.interruption?.replace === false) continue;
    const attempt = slot ? slot.attempt + 1 : 0;
    out.push(intentSlot(index, attempt, launchKey(clusterName, uid, index, attempt), now));
  }
  return out;
}

/** A slot about to be launched: its key is recorded before any machine is bought. */
function intentSlot(index: number, attempt: number, key: string, now: number): NodeStatus {
  return {
    index,
    attempt,
    launchKey: key,
    provider: '',
    providerType: '',
    region: '',
    instanceType: '',
    capacityType: 'on-demand',
    pricePerHour: '0',
    instanceId: '',
    launchedAt: new Date(now).toISOString(),
    state: 'Launching',
  };
}

function putSlot(status: GpuRequestStatus, slot: NodeStatus): void {
  const others = (status.nodes ?? []).filter((n) => n.index !== slot.index);
  status.nodes = [...others, slot].sort((a, b) => a.index - b.index);
}

/**
 * A slot written as "launching" but without an instance id means the operator stopped
 * between the launch call and the status write: the machine may exist. Find it by its
 * launch key and adopt it instead of buying a second one.
 */
async function adoptInFlight(ctx: ControllerContext, req: GpuRequest, status: GpuRequestStatus): Promise<void> {
  const pending = (status.nodes ?? []).filter((n) => n.state === 'Launching' && !n.instanceId);
  if (pending.length === 0) return;
  const uid = req.metadata.uid ?? '';
  for (const provider of ctx.providers.all()) {
    const instances = (await provider.list()).filter((i) => belongsToRequest(i, ctx.options.clusterName, uid));
    for (const slot of pending) {
      const inst = instances.find((i) => instanceLaunchKey(i) === slot.launchKey);
      if (!inst) continue;
      putSlot(status, slotFrom(slot, inst));
      await recordEvent(ctx, req, 'Normal', Reasons.Adopted, `Adopted instance ${inst.id} launched earlier for node ${slot.index}`);
    }
  }
}

function describeOffer(o: Offer): string {
  return `${o.instanceType} ${o.provider} ${o.capacityType} ${o.zone ?? o.region} at $${formatPrice(o.pricePerHour)}/h`;
}

/**
 * Gives every empty slot a machine. `writeIntent` persists the slots' launch keys
 * before any launch call, so a crash in between leaves a key to adopt by.
 */
export async function launch(
  ctx: ControllerContext,
  req: GpuRequest,
  status: GpuRequestStatus,
  writeIntent: (status: GpuRequestStatus) => Promise<void>,
): Promise<LaunchResult> {
  const now = ctx.clock.now();
  const generation = req.metadata.generation;
  await adoptInFlight(ctx, req, status);

  // Slots whose launch was cut short and not found above go again with the same key.
  const recovering = (status.nodes ?? []).filter((n) => n.state === 'Launching' && !n.instanceId);
  const empty = [...recovering, ...slotsToLaunch(req, status, ctx.options.clusterName, now)];
  if (empty.length === 0) return {};

  const providers = allowedProviders(ctx, req);
  const { offers, errors } = await ctx.offers.getAll(providers);
  const selection = selectOffers(offers, req.spec, {
    isUnavailable: (key) => ctx.unavailable.isUnavailable(key),
    capabilities: (name) => ctx.providers.get(name)?.capabilities,
  });
  status.offers = selection.summary;

  if (selection.candidates.length === 0) {
    const unreachable = errors.map((e) => `${e.provider}: ${describeError(e.error)}`);
    const message =
      (providers.length === 0
        ? `no GpuProvider is ready${req.spec.providers?.length ? ` among ${req.spec.providers.join(', ')}` : ''}; create one or check its conditions`
        : (selection.noFitMessage ?? 'no offer fits')) + (unreachable.length ? `; prices unavailable from ${unreachable.join('; ')}` : '');
    const before = status.conditions?.find((c) => c.type === ConditionTypes.OfferSelected);
    status.conditions = setCondition(
      status.conditions,
      { type: ConditionTypes.OfferSelected, status: 'False', reason: Reasons.NoOffer, message },
      now,
      generation,
    );
    if (before?.message !== message) await recordEvent(ctx, req, 'Warning', Reasons.NoOffer, message);
    return { requeueAfterMs: ctx.options.noFitRequeueMs };
  }

  const best = selection.candidates[0]!;
  status.conditions = setCondition(
    status.conditions,
    { type: ConditionTypes.OfferSelected, status: 'True', reason: Reasons.OfferSelected, message: `cheapest fitting offer: ${describeOffer(best)}` },
    now,
    generation,
  );

  for (const slot of empty) putSlot(status, slot);
  await writeIntent(status);

  const uid = req.metadata.uid ?? '';
  for (const slot of empty) {
    let launched = false;
    const bootstrapFailures = new Set<string>();
    for (const offer of selection.candidates) {
      if (ctx.unavailable.isUnavailable(offerKey(offer))) continue;
      const provider = ctx.providers.get(offer.provider);
      if (!provider) continue;
      const labels = nodeLabelsFor(req, slot.index, slot.launchKey, ctx.options.clusterName);
      let bootstrap: Bootstrap;
      try {
        bootstrap = await ctx.bootstrap({
          namespace: req.metadata.namespace ?? 'default',
          ...(req.spec.talos ? { talos: req.spec.talos } : {}),
          offer,
          hostname: slot.launchKey,
          nodeLabels: labels,
        });
      } catch (e) {
        // The machine config, not the offer, is at fault: keep the offer for other requests,
        // say what to fix, and try an offer of another provider.
        bootstrapFailures.add(`${offer.provider}: ${describeError(e)}`);
        continue;
      }
      try {
        const inst = await provider.create({
          idempotencyKey: slot.launchKey,
          name: slot.launchKey,
          offer,
          tags: instanceTags(req, slot.index, slot.launchKey, ctx.options.clusterName),
          bootstrap,
          capacityReservation: req.spec.aws?.capacityReservationPreference
            ? { id: req.spec.aws.capacityReservationId, preference: req.spec.aws.capacityReservationPreference }
            : undefined,
        });
        putSlot(status, slotFrom(slot, inst, offer));
        await recordEvent(ctx, req, 'Normal', Reasons.Launched, `Launched ${inst.id} for node ${slot.index}: ${describeOffer(offer)}`);
        launched = true;
        break;
      } catch (e) {
        if (isRetryable(e)) {
          const wait = isRateLimited(e) ? e.retryAfterMs : undefined;
          await recordEvent(ctx, req, 'Warning', isRateLimited(e) ? Reasons.RateLimited : Reasons.ProviderError, `${offer.provider}: ${describeError(e)}; will retry`);
          // The thrown error goes to the work queue's backoff; Retry-After wins when given.
          if (wait !== undefined) return { requeueAfterMs: wait };
          throw e;
        }
        const reason = isInsufficientCapacity(e)
          ? Reasons.InsufficientCapacity
          : isQuotaExceeded(e)
            ? Reasons.QuotaExceeded
            : Reasons.LaunchFailed;
        ctx.unavailable.mark(offerKey(offer), `${reason}: ${describeError(e)}`, ctx.options.unavailableTtlMs);
        await recordEvent(ctx, req, 'Warning', reason, `${describeOffer(offer)}: ${describeError(e)}; trying the next offer`);
        if (!isProviderError(e)) ctx.logger.warn('unexpected launch error', { error: describeError(e), uid });
      }
    }
    if (!launched) {
      const message = bootstrapFailures.size
        ? `cannot build the machine config for node ${slot.index}: ${[...bootstrapFailures].join('; ')}`
        : `every fitting offer failed to launch node ${slot.index}; retrying once they are available again`;
      if (bootstrapFailures.size) await recordEvent(ctx, req, 'Warning', Reasons.InvalidSpec, message);
      // Closed without a machine: the next round uses the next attempt, never reusing a key.
      slot.state = 'Terminated';
      return { requeueAfterMs: Math.min(ctx.options.unavailableTtlMs, ctx.options.noFitRequeueMs), failure: message };
    }
  }
  return {};
}
