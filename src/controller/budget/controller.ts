/**
 * The GpuBudget controller: counts each terminated machine's cost in the current period
 * once (before the machine's finalizer lets it go), and writes what the budget's
 * machines spend now and in the period, and what is left. With onExceeded: terminate it
 * deletes the budget's machines once spend is at a limit; either way launches over a
 * limit are refused before the call (see guard.ts).
 */
import { ConditionTypes, Reasons } from '../../api/constants.js';
import { getCondition, setCondition } from '../../api/conditions.js';
import { formatPrice } from '../../api/price.js';
import type { GpuBudget, GpuBudgetStatus, GpuMachine } from '../../api/types.js';
import { Kinds, type ClusterPort, type KubeObject } from '../../kube/types.js';
import type { ControllerContext } from '../context.js';
import { machineCostSince } from '../cost.js';
import { recordEvent } from '../events.js';
import type { Controller, ReconcileResult } from '../runtime/manager.js';
import { writeStatus } from '../status-write.js';
import { budgetLimits, budgetSelects, budgetSpecProblem, budgetSpend, budgetWindow, finishedInWindow, overLimit } from './spend.js';

/** The spend in status is brought up to date at least this often. */
export const BUDGET_STATUS_INTERVAL_MS = 60_000;

const iso = (ms: number) => new Date(ms).toISOString();

/** What of a machine changes its budget's numbers; other status writes wake no budget. */
export function machineSpendFingerprint(obj: KubeObject): string {
  const m = obj as GpuMachine;
  return JSON.stringify([m.status?.instanceId, m.status?.terminatedAt, m.status?.pricePerHour, m.status?.provider, m.metadata.deletionTimestamp]);
}

/** Budgets of the machine's namespace that select it and have not counted its final cost yet. */
export async function budgetsYetToCount(cluster: ClusterPort, m: GpuMachine): Promise<string[]> {
  if (!m.status?.terminatedAt) return [];
  const budgets = await cluster.list<GpuBudget>(Kinds.GpuBudget, { namespace: m.metadata.namespace });
  return budgets
    .filter(
      (b) =>
        !b.metadata.deletionTimestamp &&
        !budgetSpecProblem(b) &&
        budgetSelects(b, { name: m.status?.provider, type: m.status?.providerType }) &&
        !b.status?.finishedMachines?.includes(m.metadata.name),
    )
    .map((b) => b.metadata.name);
}

/** Everything but the numbers that move with time, to tell whether a write is needed now. */
function withoutRunningCost(s: GpuBudgetStatus): string {
  const { periodCost: _p, periodHeadroom: _h, costUpdatedAt: _c, ...rest } = s;
  return JSON.stringify(rest);
}

export class GpuBudgetController implements Controller {
  readonly name = 'gpubudget';
  readonly kind = Kinds.GpuBudget;
  readonly watches = [{ kind: Kinds.GpuMachine, map: (obj: KubeObject) => this.budgetsOf(obj.metadata.namespace), fingerprint: machineSpendFingerprint }];
  readonly workers = 2;
  /** Budget names by namespace, as last reconciled: where a machine's change is routed. */
  private readonly known = new Map<string, Set<string>>();

  constructor(private readonly ctx: ControllerContext) {}

  private budgetsOf(namespace: string | undefined): string[] {
    return namespace ? [...(this.known.get(namespace) ?? [])].map((name) => `${namespace}/${name}`) : [];
  }

  async reconcile(key: string): Promise<ReconcileResult> {
    const [namespace, name] = key.split('/') as [string, string];
    const budget = await this.ctx.cluster.get<GpuBudget>(Kinds.GpuBudget, name, namespace);
    if (!budget || budget.metadata.deletionTimestamp) {
      this.known.get(namespace)?.delete(name);
      return {};
    }
    if (!this.known.has(namespace)) this.known.set(namespace, new Set());
    this.known.get(namespace)!.add(name);

    const now = this.ctx.clock.now();
    const status: GpuBudgetStatus = structuredClone(budget.status ?? {});
    status.observedGeneration = budget.metadata.generation;
    const problem = budgetSpecProblem(budget);
    const set = (type: string, ok: boolean, reason: string, message: string) => {
      status.conditions = setCondition(status.conditions, { type, status: ok ? 'True' : 'False', reason, message }, now, budget.metadata.generation);
    };
    if (problem) {
      set(ConditionTypes.Valid, false, Reasons.InvalidSpec, `${problem}; launches in this namespace are refused until it is fixed`);
      if (getCondition(budget.status?.conditions, ConditionTypes.Valid)?.status !== 'False') {
        await recordEvent(this.ctx, budget, 'Warning', Reasons.InvalidSpec, problem);
      }
      await this.write(budget, status, now);
      return {};
    }
    set(ConditionTypes.Valid, true, Reasons.Valid, 'limits apply to every launch in this namespace');

    const machines = await this.ctx.cluster.list<GpuMachine>(Kinds.GpuMachine, { namespace });
    const window = budgetWindow(budget, now);
    countFinished(budget, status, machines, window.start);
    status.periodStart = iso(window.start);
    status.periodEnd = iso(window.end);
    const spend = budgetSpend({ ...budget, status }, machines, now);
    const limits = budgetLimits(budget);
    status.hourlyCost = formatPrice(spend.hourly);
    status.periodCost = formatPrice(spend.period);
    status.hourlyHeadroom = limits.hourly !== undefined ? formatPrice(Math.max(0, limits.hourly - spend.hourly)) : undefined;
    status.periodHeadroom = limits.period !== undefined ? formatPrice(Math.max(0, limits.period - spend.period)) : undefined;

    const over = overLimit(budget, spend);
    const wasOver = getCondition(budget.status?.conditions, ConditionTypes.BudgetExceeded)?.status === 'True';
    const terminate = budget.spec.onExceeded === 'terminate';
    if (over) {
      const message = `${over}; ${terminate ? 'terminating the namespace’s machines and refusing launches' : 'refusing launches'}`;
      set(ConditionTypes.BudgetExceeded, true, Reasons.BudgetExceeded, message);
      if (!wasOver) await recordEvent(this.ctx, budget, 'Warning', Reasons.BudgetExceeded, message);
      if (terminate) await this.terminate(budget, machines, over);
    } else {
      set(ConditionTypes.BudgetExceeded, false, Reasons.WithinBudget, 'spend is within every limit');
      if (wasOver) await recordEvent(this.ctx, budget, 'Normal', Reasons.WithinBudget, 'spend is within every limit again; launches resume');
    }
    await this.write(budget, status, now);
    return { requeueAfterMs: Math.max(1, Math.min(window.end - now, BUDGET_STATUS_INTERVAL_MS)) };
  }

  private async terminate(budget: GpuBudget, machines: GpuMachine[], why: string): Promise<void> {
    for (const m of machines) {
      if (m.metadata.deletionTimestamp || !budgetSelects(budget, { name: m.status?.provider, type: m.status?.providerType })) continue;
      if (!m.status?.instanceId && !m.status?.launching) continue;
      await this.ctx.cluster.delete(Kinds.GpuMachine, m.metadata.name, m.metadata.namespace);
      await recordEvent(this.ctx, m, 'Warning', Reasons.BudgetTerminated, `GpuBudget ${budget.metadata.name}: ${why}; onExceeded is terminate`);
    }
  }

  private async write(budget: GpuBudget, status: GpuBudgetStatus, now: number): Promise<void> {
    const prev = budget.status ?? {};
    const due = !prev.costUpdatedAt || now - Date.parse(prev.costUpdatedAt) >= BUDGET_STATUS_INTERVAL_MS;
    if (!due && withoutRunningCost(status) === withoutRunningCost(prev)) return;
    await writeStatus(this.ctx.cluster, Kinds.GpuBudget, budget, { ...status, costUpdatedAt: iso(now) });
  }
}

/**
 * Adds each terminated machine's cost within the period to finishedCost once (its name
 * goes into finishedMachines in the same write); a new period starts from zero. Names
 * whose GpuMachine is gone are forgotten: names are never reused.
 */
function countFinished(budget: GpuBudget, status: GpuBudgetStatus, machines: GpuMachine[], periodStart: number): void {
  const counted = new Set(status.finishedMachines ?? []);
  let total = finishedInWindow(budget, { start: periodStart, end: Infinity });
  for (const m of machines) {
    if (!m.status?.terminatedAt || counted.has(m.metadata.name)) continue;
    if (!budgetSelects(budget, { name: m.status.provider, type: m.status.providerType })) continue;
    total += machineCostSince(m, periodStart, Date.parse(m.status.terminatedAt));
    counted.add(m.metadata.name);
  }
  const present = new Set(machines.map((m) => m.metadata.name));
  const kept = [...counted].filter((n) => present.has(n));
  status.finishedMachines = kept.length ? kept : undefined;
  status.finishedCost = formatPrice(total);
}
