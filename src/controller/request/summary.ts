/**
 * Pure functions that derive what users see on a GpuRequest (phase, conditions,
 * printer columns, cost) from its GpuMachines, so the numbers shown are always the
 * numbers the machines record.
 */
import { ConditionTypes, Reasons } from '../../api/constants.js';
import { getCondition, setCondition } from '../../api/conditions.js';
import { formatPrice } from '../../api/price.js';
import type { Condition, GpuMachine, GpuRequestStatus, Phase } from '../../api/types.js';
import { hourlyPrice, isBilled, machineCost } from '../cost.js';
import { isDeleting, isInterrupted, isReady, serving } from './machines.js';

function distinct(values: (string | undefined)[]): string | undefined {
  const set = [...new Set(values.filter((v): v is string => !!v))];
  return set.length ? set.join(',') : undefined;
}

/** Whether an interruption is still being dealt with: an interrupted machine still here, or its replacement not Ready. */
export function interruptionInProgress(machines: GpuMachine[]): boolean {
  return machines.some((m) => isInterrupted(m) || (!!m.spec.replaces && !isReady(m) && !isDeleting(m)));
}

/** The first machine whose condition of `type` has `status` (False by default), with that condition. */
function firstWithStatus(machines: GpuMachine[], type: string, status: Condition['status'] = 'False'): { machine: GpuMachine; condition: Condition } | undefined {
  for (const machine of machines) {
    const condition = getCondition(machine.status?.conditions, type);
    if (condition?.status === status) return { machine, condition };
  }
  return undefined;
}

export interface SummaryInput {
  machines: GpuMachine[];
  /** How many machines should be serving (spec.nodes less the interrupted ones not replaced). */
  wanted: number;
  deleting: boolean;
  expired: boolean;
  generation: number | undefined;
  now: number;
}

/** Phase, conditions, message and printer columns; cost is apart (see `costOf`). */
export function summarize(prev: GpuRequestStatus, input: SummaryInput): GpuRequestStatus {
  const { machines, wanted, now, generation } = input;
  const active = serving(machines);
  const launched = active.filter((m) => m.status?.instanceId).length;
  const registered = active.filter((m) => m.status?.nodeName).length;
  const ready = active.filter(isReady).length;
  const noOffer = firstWithStatus(active, ConditionTypes.OfferSelected);
  const launchFailure = firstWithStatus(active, ConditionTypes.Launched);
  const overBudget = firstWithStatus(active.filter((m) => !m.status?.instanceId), ConditionTypes.BudgetExceeded, 'True');

  let conditions = prev.conditions;
  const set = (type: string, ok: boolean, reason: string, falseReason: string, message: string) => {
    conditions = setCondition(conditions, { type, status: ok ? 'True' : 'False', reason: ok ? reason : falseReason, message }, now, generation);
  };
  set(
    ConditionTypes.OfferSelected,
    !noOffer,
    Reasons.OfferSelected,
    Reasons.NoOffer,
    noOffer ? noOffer.condition.message : 'every machine has an offer to launch',
  );
  set(
    ConditionTypes.Launched,
    launched >= wanted,
    Reasons.Launched,
    launchFailure?.condition.reason ?? Reasons.Launching,
    launchFailure && launched < wanted ? launchFailure.condition.message : `${launched}/${wanted} machine(s) launched`,
  );
  set(ConditionTypes.Registered, registered >= wanted, Reasons.Registered, Reasons.WaitingForNode, `${registered}/${wanted} node(s) registered`);
  set(ConditionTypes.Ready, ready >= wanted, Reasons.NodeReady, Reasons.NodeNotReady, `${ready}/${wanted} node(s) Ready with GPUs allocatable`);

  // A GpuBudget holding machines back; a lifetime.maxDuration stop (set by the request controller) stays as it is.
  const budgetCondition = getCondition(conditions, ConditionTypes.BudgetExceeded);
  if (overBudget) {
    set(ConditionTypes.BudgetExceeded, true, Reasons.BudgetExceeded, Reasons.WithinBudget, overBudget.condition.message);
  } else if (budgetCondition?.status === 'True' && budgetCondition.reason === Reasons.BudgetExceeded) {
    set(ConditionTypes.BudgetExceeded, false, Reasons.BudgetExceeded, Reasons.WithinBudget, 'every machine is within its GpuBudgets');
  }

  const interrupted = machines.filter(isInterrupted).length;
  const replacing = machines.filter((m) => m.spec.replaces && !isReady(m) && !isDeleting(m)).length;
  if (interruptionInProgress(machines)) {
    const parts = [interrupted ? `${interrupted} interrupted machine(s) on their way out` : '', replacing ? `${replacing} replacement(s) not Ready yet` : ''];
    set(ConditionTypes.Interrupted, true, Reasons.Interrupted, Reasons.Replaced, parts.filter(Boolean).join('; '));
  } else if (getCondition(conditions, ConditionTypes.Interrupted)?.status === 'True') {
    set(ConditionTypes.Interrupted, false, Reasons.Interrupted, Reasons.Replaced, 'every interrupted node has been replaced and cleaned up');
  }

  const phase = phaseOf(input, { launched, ready, pending: active.length - launched, noOffer: !!noOffer });
  const message =
    input.deleting || input.expired
      ? prev.message
      : (overBudget?.condition.message ?? noOffer?.condition.message ?? (launched < wanted ? launchFailure?.condition.message : undefined));
  const live = machines.filter(isBilled);
  return {
    ...prev,
    phase,
    message,
    conditions,
    observedGeneration: generation,
    machines: machines.length,
    readyMachines: ready,
    provider: distinct(live.map((m) => m.status?.provider)),
    region: distinct(live.map((m) => m.status?.region)),
    capacityType: distinct(live.map((m) => m.status?.capacityType)),
    nodeNames: distinct(active.map((m) => m.status?.nodeName)),
  };
}

function phaseOf(input: SummaryInput, n: { launched: number; ready: number; pending: number; noOffer: boolean }): Phase {
  if (input.deleting) return 'Terminating';
  if (input.expired) return input.machines.length ? 'Terminating' : 'Failed';
  if (n.ready >= input.wanted && input.wanted > 0) return 'Ready';
  if (interruptionInProgress(input.machines)) return 'Interrupted';
  if (n.launched === 0) return n.pending > 0 && !n.noOffer ? 'Provisioning' : 'Pending';
  if (n.pending > 0) return 'Provisioning';
  return 'Joining';
}

/** hourlyCost, accumulatedCost and costUpdatedAt as of `now`. */
export function costOf(status: GpuRequestStatus, machines: GpuMachine[], now: number): Pick<GpuRequestStatus, 'hourlyCost' | 'accumulatedCost' | 'costUpdatedAt'> {
  const finished = new Set(status.finishedMachines ?? []);
  const hourly = machines.reduce((sum, m) => sum + hourlyPrice(m), 0);
  const running = machines.filter((m) => !finished.has(m.metadata.name)).reduce((sum, m) => sum + machineCost(m, now), 0);
  const spent = Number(status.finishedCost ?? 0) + running;
  return {
    hourlyCost: machines.some(isBilled) ? formatPrice(hourly) : undefined,
    accumulatedCost: spent > 0 || status.accumulatedCost ? formatPrice(spent) : undefined,
    costUpdatedAt: new Date(now).toISOString(),
  };
}
