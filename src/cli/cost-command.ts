/**
 * `gpu-provisioner cost`: reads the GpuRequests, GpuMachines and GpuBudgets of the
 * cluster in KUBECONFIG (or --kubeconfig) and prints what they cost.
 */
import type { GpuBudget, GpuMachine, GpuRequest } from '../api/types.js';
import { Kinds } from '../kube/types.js';
import type { CostOptions } from './args.js';
import { costReport, formatCostReport } from './cost-report.js';
import type { OffersDeps } from './offers-command.js';

export type CostDeps = Pick<OffersDeps, 'clock' | 'out' | 'err' | 'connectCluster'>;

export async function runCost(opts: CostOptions, deps: CostDeps): Promise<number> {
  const cluster = deps.connectCluster(opts.kubeconfig);
  const scope = opts.namespace ? { namespace: opts.namespace } : {};
  let objects: { requests: GpuRequest[]; machines: GpuMachine[]; budgets: GpuBudget[] };
  try {
    const [requests, machines, budgets] = await Promise.all([
      cluster.list<GpuRequest>(Kinds.GpuRequest, scope),
      cluster.list<GpuMachine>(Kinds.GpuMachine, scope),
      cluster.list<GpuBudget>(Kinds.GpuBudget, scope),
    ]);
    objects = { requests, machines, budgets };
  } catch (e) {
    deps.err(`error: cannot read GpuRequests, GpuMachines and GpuBudgets from the cluster: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  const report = costReport({ ...objects, now: deps.clock.now() });
  if (opts.json) deps.out(JSON.stringify(report, null, 2));
  else for (const line of formatCostReport(report)) deps.out(line);
  return 0;
}
