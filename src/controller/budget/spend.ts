/**
 * What a GpuBudget's machines spend, computed from what their status records and the
 * budget's own count of finished machines: the one computation behind the budget's
 * status, the check before every launch and the budget metrics.
 */
import { formatPrice } from '../../api/price.js';
import type { GpuBudget, GpuMachine } from '../../api/types.js';
import { hourlyPrice, machineCostSince } from '../cost.js';
import { isTimeZone, periodWindow, type PeriodWindow } from './period.js';

export const DEFAULT_TIME_ZONE = 'UTC';

/** Whether a machine (or an offer) from this provider counts against the budget. */
export function budgetSelects(budget: GpuBudget, provider: { name?: string; type?: string }): boolean {
  const allow = budget.spec.providers;
  if (!allow?.length) return true;
  return allow.some((p) => p === provider.name || p === provider.type);
}

function selectedMachines(budget: GpuBudget, machines: GpuMachine[]): GpuMachine[] {
  return machines.filter(
    (m) => m.metadata.namespace === budget.metadata.namespace && budgetSelects(budget, { name: m.status?.provider, type: m.status?.providerType }),
  );
}

/** What is wrong with the spec that the CRD schema cannot tell, naming the field; undefined when fine. */
export function budgetSpecProblem(budget: GpuBudget): string | undefined {
  const tz = budget.spec.timeZone ?? DEFAULT_TIME_ZONE;
  if (!isTimeZone(tz)) return `spec.timeZone: ${JSON.stringify(tz)} is not an IANA time zone (such as Europe/Berlin or UTC)`;
  return undefined;
}

export interface BudgetSpend {
  /** USD per hour the selected machines cost now. */
  hourly: number;
  /** USD the selected machines cost in the current period. */
  period: number;
  /** The part of `period` from machines already counted as finished. */
  finished: number;
  window: PeriodWindow;
}

export function budgetWindow(budget: GpuBudget, now: number): PeriodWindow {
  return periodWindow(budget.spec.period ?? 'month', budget.spec.timeZone ?? DEFAULT_TIME_ZONE, now);
}

/**
 * finishedCost holds only while its period lasts; machines it counted stay counted
 * (their names stay in finishedMachines), so a new period starts at zero without
 * counting any of them again.
 */
export function finishedInWindow(budget: GpuBudget, window: PeriodWindow): number {
  const s = budget.status;
  if (!s?.periodStart || Date.parse(s.periodStart) !== window.start) return 0;
  return Number(s.finishedCost ?? 0);
}

/** Spend of the budget's machines at `now`. `machines` may hold other namespaces' machines; they are skipped. */
export function budgetSpend(budget: GpuBudget, machines: GpuMachine[], now: number): BudgetSpend {
  const window = budgetWindow(budget, now);
  const counted = new Set(budget.status?.finishedMachines ?? []);
  const selected = selectedMachines(budget, machines);
  const hourly = selected.reduce((sum, m) => sum + hourlyPrice(m), 0);
  const running = selected.filter((m) => !counted.has(m.metadata.name)).reduce((sum, m) => sum + machineCostSince(m, window.start, now), 0);
  const finished = finishedInWindow(budget, window);
  return { hourly, period: finished + running, finished, window };
}

/** The limits in USD (per hour, per period); undefined where the budget sets none. */
export function budgetLimits(budget: GpuBudget): { hourly?: number; period?: number } {
  return {
    hourly: budget.spec.maxHourlyCost !== undefined ? Number(budget.spec.maxHourlyCost) : undefined,
    period: budget.spec.maxPeriodCost !== undefined ? Number(budget.spec.maxPeriodCost) : undefined,
  };
}

/** Which limit the spend is at or over, worded for a condition; undefined when within every limit. */
export function overLimit(budget: GpuBudget, spend: BudgetSpend): string | undefined {
  const limits = budgetLimits(budget);
  if (limits.hourly !== undefined && spend.hourly >= limits.hourly) {
    return `hourly spend $${formatPrice(spend.hourly)} is at or over maxHourlyCost $${formatPrice(limits.hourly)}`;
  }
  if (limits.period !== undefined && spend.period >= limits.period) {
    return `$${formatPrice(spend.period)} spent this ${budget.spec.period ?? 'month'} is at or over maxPeriodCost $${formatPrice(limits.period)}`;
  }
  return undefined;
}

const HOUR_MS = 3_600_000;

/**
 * Why buying `pricePerHour` more would break a limit, worded for the machine's
 * condition; undefined when it fits. A period limit counts the new machine's first hour
 * (or what is left of the period): what any machine costs once bought.
 */
export function launchBreaks(budget: GpuBudget, spend: BudgetSpend, pricePerHour: number, now: number): string | undefined {
  const limits = budgetLimits(budget);
  const name = `GpuBudget ${budget.metadata.name}`;
  if (limits.hourly !== undefined && spend.hourly + pricePerHour > limits.hourly + 1e-9) {
    return `${name}: hourly spend $${formatPrice(spend.hourly)} + $${formatPrice(pricePerHour)} would exceed maxHourlyCost $${formatPrice(limits.hourly)}`;
  }
  if (limits.period !== undefined) {
    const firstHour = (pricePerHour * Math.min(HOUR_MS, Math.max(0, spend.window.end - now))) / HOUR_MS;
    if (spend.period + firstHour > limits.period + 1e-9) {
      return (
        `${name}: $${formatPrice(spend.period)} spent this ${budget.spec.period ?? 'month'} + $${formatPrice(firstHour)} for the first hour ` +
        `would exceed maxPeriodCost $${formatPrice(limits.period)}; the period ends ${new Date(spend.window.end).toISOString()}`
      );
    }
  }
  return undefined;
}
