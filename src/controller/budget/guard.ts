/**
 * The check before every launch call: would buying this offer break a GpuBudget of the
 * machine's namespace? It reads the budgets and machines as they are now and counts the
 * launches this operator has let through whose instance is not in a machine's status
 * yet, so many machines launching at once cannot together overrun a limit. Checks of
 * one namespace run one at a time for the same reason.
 */
import type { GpuBudget, GpuMachine } from '../../api/types.js';
import { Kinds, type ClusterPort } from '../../kube/types.js';
import type { Offer } from '../../providers/types.js';
import type { Clock } from '../../util/clock.js';
import { budgetSelects, budgetSpecProblem, budgetSpend, launchBreaks } from './spend.js';

/** A launch let through is counted until its machine shows the instance, or this long at most. */
const RESERVATION_MS = 10 * 60_000;
const HOUR_MS = 3_600_000;

export type Admission =
  | { ok: true; /** The launch call made nothing: stop counting it. */ release(): void }
  | { ok: false; budget: string; message: string };

interface Reservation {
  namespace: string;
  provider: string;
  providerType: string;
  pricePerHour: number;
  at: number;
}

export interface BudgetGuardOptions {
  cluster: ClusterPort;
  clock: Clock;
}

export class BudgetGuard {
  private readonly reservations = new Map<string, Reservation>();
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly opts: BudgetGuardOptions) {}

  /** Whether `m` may buy `offer` now; when it may, the launch is counted until its instance shows. */
  admit(m: GpuMachine, offer: Offer): Promise<Admission> {
    const namespace = m.metadata.namespace ?? 'default';
    const previous = this.locks.get(namespace) ?? Promise.resolve();
    const next = previous.then(
      () => this.check(m, namespace, offer),
      () => this.check(m, namespace, offer),
    );
    this.locks.set(namespace, next);
    // The caller gets `next` and sees its failure; this cleanup must not raise it a second time.
    const unlock = () => {
      if (this.locks.get(namespace) === next) this.locks.delete(namespace);
    };
    void next.then(unlock, unlock);
    return next;
  }

  private async check(m: GpuMachine, namespace: string, offer: Offer): Promise<Admission> {
    const { cluster, clock } = this.opts;
    const key = `${namespace}/${m.metadata.name}`;
    const budgets = (await cluster.list<GpuBudget>(Kinds.GpuBudget, { namespace })).filter(
      (b) => !b.metadata.deletionTimestamp && budgetSelects(b, { name: offer.provider, type: offer.providerType }),
    );
    const release = () => {
      this.reservations.delete(key);
    };
    if (budgets.length === 0) return { ok: true, release };
    const now = clock.now();
    const machines = await cluster.list<GpuMachine>(Kinds.GpuMachine, { namespace });
    this.prune(namespace, machines, now);
    const pending = [...this.reservations.entries()].filter(([k, r]) => r.namespace === namespace && k !== key).map(([, r]) => r);

    for (const budget of budgets) {
      const problem = budgetSpecProblem(budget);
      if (problem) return { ok: false, budget: budget.metadata.name, message: `GpuBudget ${budget.metadata.name}: ${problem}; no launch until it is fixed` };
      const spend = budgetSpend(budget, machines, now);
      for (const r of pending) {
        if (!budgetSelects(budget, { name: r.provider, type: r.providerType })) continue;
        spend.hourly += r.pricePerHour;
        spend.period += (r.pricePerHour * Math.min(HOUR_MS, Math.max(0, spend.window.end - now))) / HOUR_MS;
      }
      const breaks = launchBreaks(budget, spend, offer.pricePerHour, now);
      if (breaks) return { ok: false, budget: budget.metadata.name, message: breaks };
    }
    this.reservations.set(key, { namespace, provider: offer.provider, providerType: offer.providerType, pricePerHour: offer.pricePerHour, at: now });
    return { ok: true, release };
  }

  /** Forgets launches whose machine now shows its instance (the spend counts it), is gone, or are too old. */
  private prune(namespace: string, machines: GpuMachine[], now: number): void {
    const byName = new Map(machines.map((m) => [m.metadata.name, m]));
    for (const [key, r] of this.reservations) {
      if (r.namespace !== namespace) continue;
      const machine = byName.get(key.slice(namespace.length + 1));
      if (!machine || machine.status?.instanceId || machine.status?.terminatedAt || now - r.at > RESERVATION_MS) this.reservations.delete(key);
    }
  }
}
