/**
 * What `gpu-provisioner cost` shows (as `sky cost-report` does for clusters): spend per
 * namespace, request and provider, and each GpuBudget's numbers, computed from the
 * objects with the same functions as the request status, the budgets and the metrics.
 * No I/O here, so every line of output can be tested.
 */
import { ConditionTypes, Labels } from '../api/constants.js';
import { getCondition } from '../api/conditions.js';
import { formatPrice } from '../api/price.js';
import type { GpuBudget, GpuMachine, GpuRequest } from '../api/types.js';
import { budgetSpecProblem, budgetSpend } from '../controller/budget/spend.js';
import { hourlyPrice, isBilled, machineCost, spotSavingsPerHour } from '../controller/cost.js';
import { costOf } from '../controller/request/summary.js';
import { formatColumns } from './offer-table.js';

export interface RequestCost {
  namespace: string;
  name: string;
  phase: string;
  providers: string[];
  /** Machines that are billed now. */
  running: number;
  hourlyCost: string;
  accumulatedCost: string;
}

export interface NamespaceCost {
  namespace: string;
  requests: number;
  running: number;
  hourlyCost: string;
  accumulatedCost: string;
}

export interface ProviderCost {
  provider: string;
  running: number;
  hourlyCost: string;
  spotSavingsPerHour: string;
  /** What the GpuMachines still listed have cost; a finished machine's cost stays on its request only. */
  machinesCost: string;
}

export interface BudgetCost {
  namespace: string;
  name: string;
  hourlyCost?: string;
  maxHourlyCost?: string;
  period: string;
  periodCost?: string;
  maxPeriodCost?: string;
  exceeded: boolean;
  problem?: string;
}

export interface CostReport {
  at: string;
  hourlyCost: string;
  accumulatedCost: string;
  spotSavingsPerHour: string;
  namespaces: NamespaceCost[];
  requests: RequestCost[];
  providers: ProviderCost[];
  budgets: BudgetCost[];
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);

export function costReport(input: { requests: GpuRequest[]; machines: GpuMachine[]; budgets: GpuBudget[]; now: number }): CostReport {
  const { machines, now } = input;
  const ownMachines = (r: GpuRequest) => machines.filter((m) => m.metadata.namespace === r.metadata.namespace && m.metadata.labels?.[Labels.requestUid] === r.metadata.uid);
  const requests = input.requests
    .map((r) => {
      const own = ownMachines(r);
      const live = own.filter(isBilled);
      const cost = costOf(r.status ?? {}, own, now);
      return {
        namespace: r.metadata.namespace ?? '',
        name: r.metadata.name,
        phase: r.status?.phase ?? 'Pending',
        providers: [...new Set(live.map((m) => m.status?.provider ?? ''))].sort(byName),
        running: live.length,
        hourly: sum(own.map(hourlyPrice)),
        accumulated: Number(cost.accumulatedCost ?? 0),
      };
    })
    .sort((a, b) => byName(a.namespace, b.namespace) || byName(a.name, b.name));

  const namespaces = [...new Set(requests.map((r) => r.namespace))].sort(byName).map((namespace) => {
    const mine = requests.filter((r) => r.namespace === namespace);
    return {
      namespace,
      requests: mine.length,
      running: sum(mine.map((r) => r.running)),
      hourlyCost: formatPrice(sum(mine.map((r) => r.hourly))),
      accumulatedCost: formatPrice(sum(mine.map((r) => r.accumulated))),
    };
  });

  const providerNames = [...new Set(machines.map((m) => m.status?.provider).filter((p): p is string => !!p))].sort(byName);
  const providers = providerNames.map((provider) => {
    const mine = machines.filter((m) => m.status?.provider === provider);
    return {
      provider,
      running: mine.filter(isBilled).length,
      hourlyCost: formatPrice(sum(mine.map(hourlyPrice))),
      spotSavingsPerHour: formatPrice(sum(mine.map(spotSavingsPerHour))),
      machinesCost: formatPrice(sum(mine.map((m) => machineCost(m, now)))),
    };
  });

  const budgets = input.budgets
    .map((b): BudgetCost => {
      const base = {
        namespace: b.metadata.namespace ?? '',
        name: b.metadata.name,
        period: b.spec.period ?? 'month',
        maxHourlyCost: b.spec.maxHourlyCost,
        maxPeriodCost: b.spec.maxPeriodCost,
        exceeded: getCondition(b.status?.conditions, ConditionTypes.BudgetExceeded)?.status === 'True',
      };
      const problem = budgetSpecProblem(b);
      if (problem) return { ...base, problem };
      const spend = budgetSpend(b, machines, now);
      return { ...base, hourlyCost: formatPrice(spend.hourly), periodCost: formatPrice(spend.period) };
    })
    .sort((a, b) => byName(a.namespace, b.namespace) || byName(a.name, b.name));

  return {
    at: new Date(now).toISOString(),
    hourlyCost: formatPrice(sum(requests.map((r) => r.hourly))),
    accumulatedCost: formatPrice(sum(requests.map((r) => r.accumulated))),
    spotSavingsPerHour: formatPrice(sum(machines.map(spotSavingsPerHour))),
    namespaces,
    requests: requests.map(({ hourly, accumulated, ...r }) => ({ ...r, hourlyCost: formatPrice(hourly), accumulatedCost: formatPrice(accumulated) })),
    providers,
    budgets,
  };
}

const usd = (s: string | undefined) => (s === undefined ? '-' : `$${s}`);

/** The report as tables, kubectl style: requests, namespaces, providers, budgets. */
export function formatCostReport(r: CostReport): string[] {
  if (r.requests.length === 0 && r.budgets.length === 0) return ['No GpuRequests found.'];
  const lines = formatColumns(
    ['NAMESPACE', 'REQUEST', 'PHASE', 'PROVIDER', 'RUNNING', 'PRICE/H', 'SPENT'],
    r.requests.map((q) => [q.namespace, q.name, q.phase, q.providers.join(',') || '-', String(q.running), usd(q.hourlyCost), usd(q.accumulatedCost)]),
  );
  lines.push('');
  lines.push(
    ...formatColumns(
      ['NAMESPACE', 'REQUESTS', 'RUNNING', 'PRICE/H', 'SPENT'],
      r.namespaces.map((n) => [n.namespace, String(n.requests), String(n.running), usd(n.hourlyCost), usd(n.accumulatedCost)]),
    ),
  );
  if (r.providers.length) {
    lines.push('');
    lines.push(
      ...formatColumns(
        ['PROVIDER', 'RUNNING', 'PRICE/H', 'SPOT SAVES/H', 'MACHINES COST'],
        r.providers.map((p) => [p.provider, String(p.running), usd(p.hourlyCost), usd(p.spotSavingsPerHour), usd(p.machinesCost)]),
      ),
    );
  }
  if (r.budgets.length) {
    lines.push('');
    lines.push(
      ...formatColumns(
        ['NAMESPACE', 'BUDGET', 'PRICE/H', 'MAX/H', 'PERIOD', 'SPENT', 'MAX', 'EXCEEDED'],
        r.budgets.map((b) => [b.namespace, b.name, usd(b.hourlyCost), usd(b.maxHourlyCost), b.period, usd(b.periodCost), usd(b.maxPeriodCost), b.problem ? 'invalid' : b.exceeded ? 'yes' : 'no']),
      ),
    );
    for (const b of r.budgets) if (b.problem) lines.push(`${b.namespace}/${b.name}: ${b.problem}`);
  }
  lines.push('');
  lines.push(`Total: $${r.hourlyCost}/h now, $${r.accumulatedCost} spent by the GpuRequests listed, spot saving $${r.spotSavingsPerHour}/h.`);
  lines.push('MACHINES COST counts the GpuMachines still listed; a finished machine’s cost stays on its request (SPENT).');
  return lines;
}
