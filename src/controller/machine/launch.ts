/**
 * Launch: buy the cheapest fitting offer for this machine. The provider about to be
 * called is written to status first; after a crash or a lost answer the machine is
 * looked up by its name on that provider before anything else is tried, so one
 * GpuMachine never pays for two instances. An offer that fails for capacity (or quota,
 * or a refusal) is marked unavailable and the next one is tried in the same reconcile,
 * as Karpenter does; rate limits and 5xx back off with the launch still recorded.
 */
import { ConditionTypes, Reasons } from '../../api/constants.js';
import { getCondition } from '../../api/conditions.js';
import { formatPrice } from '../../api/price.js';
import type { GpuMachine, GpuMachineStatus } from '../../api/types.js';
import { Kinds } from '../../kube/types.js';
import { describeError, isInsufficientCapacity, isProviderError, isQuotaExceeded, isRateLimited } from '../../providers/errors.js';
import { offerKey, type Bootstrap, type CloudProvider, type Instance, type Offer } from '../../providers/types.js';
import { selectOffers } from '../../pricing/selection.js';
import { recordEvent } from '../events.js';
import { instanceTags, machineOfInstance, nodeLabelsFor } from './naming.js';
import { condition, iso, type MachineContext, type Step } from './step.js';

type Machine = GpuMachine & { status: GpuMachineStatus };

/** Providers the machine allows (by GpuProvider name or type). */
export function allowedProviders(ctx: MachineContext, m: GpuMachine): CloudProvider[] {
  const allow = m.spec.providers;
  return ctx.providers.all().filter((p) => !allow?.length || allow.includes(p.name) || allow.includes(p.type));
}

function describeOffer(o: Pick<Offer, 'instanceType' | 'provider' | 'capacityType' | 'zone' | 'region' | 'pricePerHour'>): string {
  return `${o.instanceType} ${o.provider} ${o.capacityType} ${o.zone ?? o.region} at $${formatPrice(o.pricePerHour)}/h`;
}

/** The instance this provider already made under the machine's name, if any. */
async function findByName(provider: CloudProvider, name: string): Promise<Instance | undefined> {
  return (await provider.list()).find((i) => machineOfInstance(i) === name && i.state !== 'terminated');
}

/** The machine as the provider describes it; what the provider leaves out comes from the offer bought. */
function recordInstance(ctx: MachineContext, m: Machine, inst: Instance, offer?: Offer, onDemand?: number): void {
  const s = m.status;
  s.launching = undefined;
  s.provider = inst.provider || offer?.provider;
  s.providerType = inst.providerType;
  s.region = inst.region || offer?.region;
  s.zone = inst.zone ?? offer?.zone;
  s.instanceType = inst.instanceType || offer?.instanceType;
  s.capacityType = offer?.capacityType ?? inst.capacityType;
  s.pricePerHour = formatPrice(inst.pricePerHour || (offer?.pricePerHour ?? 0));
  s.onDemandPricePerHour = onDemand !== undefined ? formatPrice(onDemand) : s.onDemandPricePerHour;
  s.instanceId = inst.id;
  s.providerID = inst.providerID;
  s.launchedAt = iso(inst.launchedAt || ctx.clock.now());
  condition(ctx, m, ConditionTypes.Launched, true, Reasons.Launched, `launched ${inst.id}: ${describeOffer({ ...inst, ...offer, pricePerHour: Number(s.pricePerHour) })}`);
}

/** What the same instance type costs on demand in the same place, for spot savings. */
function onDemandPrice(offers: Offer[], o: Offer): number | undefined {
  if (o.capacityType === 'on-demand') return o.pricePerHour;
  return offers.find((x) => x.capacityType === 'on-demand' && x.provider === o.provider && x.region === o.region && x.instanceType === o.instanceType)
    ?.pricePerHour;
}

/** A launch call that may have made a machine (crash, timeout, lost answer): find it before buying again. */
async function recoverLaunch(ctx: MachineContext, m: Machine): Promise<'adopted' | 'none' | 'wait'> {
  const intent = m.status.launching!;
  const provider = ctx.providers.get(intent.provider);
  if (!provider) {
    condition(ctx, m, ConditionTypes.Launched, false, Reasons.ProviderNotReady, `waiting for GpuProvider ${intent.provider} to look up the launch call made at ${intent.since}`);
    return 'wait';
  }
  const inst = await findByName(provider, m.metadata.name);
  if (!inst) {
    m.status.launching = undefined;
    return 'none';
  }
  recordInstance(ctx, m, inst);
  await recordEvent(ctx, m, 'Normal', Reasons.Adopted, `Adopted instance ${inst.id}, made by an earlier launch call`);
  return 'adopted';
}

/** Notice-to-replacement-launch-call time, when this machine replaces an interrupted one. */
async function timeReplacement(ctx: MachineContext, m: Machine, calledAt: number): Promise<void> {
  if (!m.spec.replaces) return;
  const old = await ctx.cluster.get<GpuMachine>(Kinds.GpuMachine, m.spec.replaces, m.metadata.namespace);
  const notice = old?.status?.interruption;
  if (!notice) return;
  const labels = { provider: old.status?.provider ?? '', region: old.status?.region ?? '', kind: notice.kind };
  ctx.metrics.replacementLaunched(Math.max(0, calledAt - Date.parse(notice.noticeAt)) / 1000, labels);
}

export const launch: Step = async (ctx, m) => {
  if (m.status.instanceId) return {};
  if (m.status.launching) {
    const recovered = await recoverLaunch(ctx, m);
    if (recovered === 'adopted') return {};
    if (recovered === 'wait') return { requeueAfterMs: ctx.options.pollMs, halt: true };
  }

  const now = ctx.clock.now();
  const providers = allowedProviders(ctx, m);
  const { offers, errors } = await ctx.offers.getAll(providers);
  const selection = selectOffers(offers, m.spec, {
    isUnavailable: (key) => ctx.unavailable.isUnavailable(key),
    capabilities: (name) => ctx.providers.get(name)?.capabilities,
  });
  m.status.offers = selection.summary;
  m.status.phase = 'Launching';

  if (selection.candidates.length === 0) {
    const unreachable = errors.map((e) => `${e.provider}: ${describeError(e.error)}`);
    const message =
      (providers.length === 0
        ? `no GpuProvider is ready${m.spec.providers?.length ? ` among ${m.spec.providers.join(', ')}` : ''}; create one or check its conditions`
        : (selection.noFitMessage ?? 'no offer fits')) + (unreachable.length ? `; prices unavailable from ${unreachable.join('; ')}` : '');
    const before = m.status.conditions?.find((c) => c.type === ConditionTypes.OfferSelected);
    condition(ctx, m, ConditionTypes.OfferSelected, false, Reasons.NoOffer, message);
    m.status.phase = 'Pending';
    m.status.message = message;
    if (before?.message !== message) await recordEvent(ctx, m, 'Warning', Reasons.NoOffer, message);
    return { requeueAfterMs: ctx.options.noFitRequeueMs, halt: true };
  }
  const best = selection.candidates[0]!;
  condition(ctx, m, ConditionTypes.OfferSelected, true, Reasons.OfferSelected, `cheapest fitting offer: ${describeOffer(best)}`);
  m.status.message = undefined;

  const labels = nodeLabelsFor(m, ctx.options.clusterName);
  const bootstrapFailures = new Set<string>();
  let overBudget: { budget: string; message: string } | undefined;
  for (const offer of selection.candidates) {
    if (ctx.unavailable.isUnavailable(offerKey(offer))) continue;
    const provider = ctx.providers.get(offer.provider);
    if (!provider) continue;
    // A launch that would break a GpuBudget is not made; another provider's offer may fit another budget.
    const admission = await ctx.budgets.admit(m, offer);
    if (!admission.ok) {
      overBudget ??= admission;
      continue;
    }
    let bootstrap: Bootstrap;
    try {
      bootstrap = await ctx.bootstrap({
        namespace: m.metadata.namespace ?? 'default',
        talos: m.spec.talos,
        offer,
        hostname: m.metadata.name,
        nodeLabels: labels,
      });
    } catch (e) {
      // The machine config, not the offer, is at fault: keep the offer for others, try another provider.
      admission.release();
      bootstrapFailures.add(`${offer.provider}: ${describeError(e)}`);
      continue;
    }

    m.status.launching = { provider: offer.provider, offer: offerKey(offer), since: iso(now) };
    await ctx.persist();
    const calledAt = ctx.clock.now();
    try {
      const inst = await provider.create({
        idempotencyKey: m.metadata.name,
        name: m.metadata.name,
        offer,
        tags: instanceTags(m, ctx.options.clusterName),
        bootstrap,
        capacityReservation: m.spec.aws?.capacityReservationPreference
          ? { id: m.spec.aws.capacityReservationId, preference: m.spec.aws.capacityReservationPreference }
          : undefined,
      });
      recordInstance(ctx, m, inst, offer, onDemandPrice(offers, offer));
      // The instance id goes on the object before anything else is done: a crash after this
      // point finds it there, and never has to look for a machine the cloud may have reclaimed.
      await ctx.persist();
      if (getCondition(m.status.conditions, ConditionTypes.BudgetExceeded)?.status === 'True') {
        condition(ctx, m, ConditionTypes.BudgetExceeded, false, Reasons.WithinBudget, 'launched within every GpuBudget');
      }
      const created = Date.parse(m.metadata.creationTimestamp ?? iso(calledAt));
      ctx.metrics.launched(Math.max(0, calledAt - created) / 1000, { provider: offer.provider, region: offer.region, capacityType: offer.capacityType });
      await recordEvent(ctx, m, 'Normal', Reasons.Launched, `Launched ${inst.id}: ${describeOffer(offer)}`);
      await timeReplacement(ctx, m, calledAt);
      return {};
    } catch (e) {
      if (!isProviderError(e) || e.retryable) {
        // The call may have made a machine: `launching` stays, and the next round looks it up first.
        const reason = isRateLimited(e) ? Reasons.RateLimited : Reasons.ProviderError;
        const message = `${offer.provider}: ${describeError(e)}; will look the machine up and retry`;
        condition(ctx, m, ConditionTypes.Launched, false, reason, message);
        await recordEvent(ctx, m, 'Warning', reason, message);
        if (!isProviderError(e)) ctx.logger.warn('unexpected launch error', { machine: m.metadata.name, error: describeError(e) });
        throw e;
      }
      // A refusal: nothing was made.
      m.status.launching = undefined;
      admission.release();
      const reason = isInsufficientCapacity(e) ? Reasons.InsufficientCapacity : isQuotaExceeded(e) ? Reasons.QuotaExceeded : Reasons.LaunchFailed;
      ctx.metrics.failedOver({ provider: offer.provider, reason });
      ctx.unavailable.mark(offerKey(offer), `${reason}: ${describeError(e)}`, ctx.options.unavailableTtlMs);
      await recordEvent(ctx, m, 'Warning', reason, `${describeOffer(offer)}: ${describeError(e)}; trying the next offer`);
    }
  }

  if (overBudget) {
    const was = getCondition(m.status.conditions, ConditionTypes.BudgetExceeded)?.status;
    condition(ctx, m, ConditionTypes.BudgetExceeded, true, Reasons.BudgetExceeded, overBudget.message);
    m.status.phase = 'Pending';
    m.status.message = overBudget.message;
    ctx.metrics.budgetRefused({ namespace: m.metadata.namespace ?? '', budget: overBudget.budget });
    if (was !== 'True') await recordEvent(ctx, m, 'Warning', Reasons.BudgetExceeded, `${overBudget.message}; no launch until spend falls or the limit is raised`);
    return { requeueAfterMs: ctx.options.noFitRequeueMs, halt: true };
  }
  if (bootstrapFailures.size) {
    const message = `cannot build the machine config: ${[...bootstrapFailures].join('; ')}`;
    condition(ctx, m, ConditionTypes.Launched, false, Reasons.BootstrapFailed, message);
    m.status.message = message;
    await recordEvent(ctx, m, 'Warning', Reasons.BootstrapFailed, message);
    return { halt: true, backoff: message };
  }
  const message = 'every fitting offer failed to launch; retrying once they are available again';
  condition(ctx, m, ConditionTypes.Launched, false, Reasons.LaunchFailed, message);
  m.status.message = message;
  return { requeueAfterMs: Math.min(ctx.options.unavailableTtlMs, ctx.options.noFitRequeueMs), halt: true };
};
