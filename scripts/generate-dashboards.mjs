// Builds the Grafana dashboards with Grafana's own SDK (@grafana/grafana-foundation-sdk)
// into dashboards/*.json and the chart's copy (charts/gpu-provisioner/dashboards/).
// `node scripts/generate-dashboards.mjs [--out <dir>]`; the drift test generates into a
// temporary directory and compares. Every panel's queries are evaluated against a real
// Prometheus by test/metrics/prometheus.test.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import process from 'node:process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DashboardBuilder, DashboardCursorSync, DatasourceVariableBuilder, QueryVariableBuilder, RowBuilder, VariableRefresh, VariableSort } from '@grafana/grafana-foundation-sdk/dashboard';
import { ReduceDataOptionsBuilder } from '@grafana/grafana-foundation-sdk/common';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DS = { type: 'prometheus', uid: '${datasource}' };
const NS = 'namespace=~"$namespace"';
const PROV = 'provider=~"$provider"';

function query(expr, legend, refId = 'A') {
  return new DataqueryBuilder().expr(expr).legendFormat(legend ?? '__auto').refId(refId).datasource(DS);
}

function panel(kind, title, { unit, description, expr, legend, w = 12, h = 8, instant = false }) {
  const p = kind === 'stat' ? new StatPanel() : kind === 'table' ? new TablePanel() : new TimeseriesPanel();
  const q = query(expr, legend);
  if (instant) q.instant().format('table');
  p.title(title).description(description).datasource(DS).span(w).height(h).withTarget(q);
  if (unit) p.unit(unit);
  // A stat shows the latest value, not a sum over the time range.
  if (kind === 'stat') p.reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false).fields(''));
  return p;
}

function dashboard(uid, title, description, rows) {
  const b = new DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['gpu-provisioner'])
    .refresh('30s')
    .time({ from: 'now-6h', to: 'now' })
    .timezone('browser')
    .tooltip(DashboardCursorSync.Crosshair)
    .withVariable(new DatasourceVariableBuilder('datasource').label('Data source').type('prometheus'))
    .withVariable(
      new QueryVariableBuilder('namespace')
        .label('Namespace')
        .datasource(DS)
        .query('label_values(gpu_provisioner_machine_phase_machines, namespace)')
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .sort(VariableSort.AlphabeticalAsc)
        .multi(true)
        .includeAll(true)
        .allValue('.*'),
    )
    .withVariable(
      new QueryVariableBuilder('provider')
        .label('Provider')
        .datasource(DS)
        .query('label_values(gpu_provisioner_offer_price_usd_per_hour, provider)')
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .sort(VariableSort.AlphabeticalAsc)
        .multi(true)
        .includeAll(true)
        .allValue('.*'),
    );
  for (const [row, panels] of rows) {
    b.withRow(new RowBuilder(row));
    for (const p of panels) b.withPanel(p);
  }
  return b.build();
}

const p90 = (metric, by, filter) => `histogram_quantile(0.9, sum by (le, ${by}) (rate(${metric}_bucket{${filter}}[$__rate_interval])))`;

export const dashboards = {
  'gpu-provisioner-cost.json': dashboard('gpu-provisioner-cost', 'GPU provisioner / Cost', 'What the GPU machines cost, per namespace, request and provider; spot savings; budgets.', [
    [
      'Spend',
      [
        panel('stat', 'Spend now', { unit: 'currencyUSD', w: 6, description: 'USD per hour the running machines cost now.', expr: `sum(gpu_provisioner_cost_spend_rate_usd_per_hour{${NS},${PROV}})` }),
        panel('stat', 'Spot savings now', { unit: 'currencyUSD', w: 6, description: 'USD per hour the running spot machines save against the same instance types on demand.', expr: `sum(gpu_provisioner_cost_spot_savings_rate_usd_per_hour{${NS},${PROV}})` }),
        panel('stat', 'Accumulated cost', { unit: 'currencyUSD', w: 12, description: 'USD the GpuRequests have cost since they were created (finished and running machines).', expr: `sum(gpu_provisioner_cost_accumulated_usd{${NS}})` }),
        panel('timeseries', 'Spend per namespace', { unit: 'currencyUSD', description: 'USD per hour, by namespace.', expr: `sum by (namespace) (gpu_provisioner_cost_spend_rate_usd_per_hour{${NS},${PROV}})`, legend: '{{namespace}}' }),
        panel('timeseries', 'Spend per provider and capacity type', { unit: 'currencyUSD', description: 'USD per hour, by provider and spot or on-demand.', expr: `sum by (provider, capacity_type) (gpu_provisioner_cost_spend_rate_usd_per_hour{${NS},${PROV}})`, legend: '{{provider}} {{capacity_type}}' }),
        panel('table', 'Accumulated cost per request', { unit: 'currencyUSD', description: 'USD each GpuRequest has cost so far.', expr: `sum by (namespace, request) (gpu_provisioner_cost_accumulated_usd{${NS}})`, instant: true }),
        panel('timeseries', 'Spot savings per namespace', { unit: 'currencyUSD', description: 'USD per hour saved by spot, by namespace.', expr: `sum by (namespace) (gpu_provisioner_cost_spot_savings_rate_usd_per_hour{${NS},${PROV}})`, legend: '{{namespace}}' }),
      ],
    ],
    [
      'Budgets',
      [
        panel('timeseries', 'Budget usage', { unit: 'percentunit', description: 'Spend over limit per GpuBudget and limit; at 100% launches are refused.', expr: `max by (namespace, budget, limit) (gpu_provisioner_budget_usage_ratio{${NS}})`, legend: '{{namespace}}/{{budget}} {{limit}}' }),
        panel('table', 'Hourly headroom', { unit: 'currencyUSD', w: 6, description: 'USD per hour each GpuBudget still allows.', expr: `sum by (namespace, budget) (gpu_provisioner_budget_hourly_limit_usd_per_hour{${NS}}) - sum by (namespace, budget) (gpu_provisioner_budget_hourly_spend_usd_per_hour{${NS}})`, instant: true }),
        panel('table', 'Headroom in the period', { unit: 'currencyUSD', w: 6, description: 'USD each GpuBudget still allows in its current day, week or month.', expr: `sum by (namespace, budget, period) (gpu_provisioner_budget_period_limit_usd{${NS}}) - sum by (namespace, budget, period) (gpu_provisioner_budget_period_spend_usd{${NS}})`, instant: true }),
      ],
    ],
    [
      'Offers',
      [
        panel('table', 'Cheapest offer per GPU', { unit: 'currencyUSD', w: 24, description: 'The cheapest price the providers ask per GPU model, count and capacity type, as the operator last saw it.', expr: `min by (provider, gpu_model, gpu_count, capacity_type) (gpu_provisioner_offer_price_usd_per_hour{${PROV}})`, instant: true }),
      ],
    ],
  ]),
  'gpu-provisioner-provisioning.json': dashboard('gpu-provisioner-provisioning', 'GPU provisioner / Provisioning', 'How machines are bought and join: phases, latency, failovers, budget refusals, provider calls, the operator itself.', [
    [
      'Machines',
      [
        panel('timeseries', 'Machines by phase', { description: 'GpuMachines by phase.', expr: `sum by (phase) (gpu_provisioner_machine_phase_machines{${NS},${PROV}})`, legend: '{{phase}}' }),
        panel('timeseries', 'Launches', { description: 'Instances launched per second, by provider and capacity type.', expr: `sum by (provider, capacity_type) (rate(gpu_provisioner_machine_launches_total{${PROV}}[$__rate_interval]))`, legend: '{{provider}} {{capacity_type}}', unit: 'ops' }),
        panel('timeseries', 'Created → launch call (p90)', { unit: 's', w: 8, description: 'From a GpuMachine being created to the launch call that made its instance.', expr: p90('gpu_provisioner_machine_create_to_launch_seconds', 'provider', PROV), legend: '{{provider}}' }),
        panel('timeseries', 'Launch → Registered (p90)', { unit: 's', w: 8, description: 'From the launch to the Node registering.', expr: p90('gpu_provisioner_machine_launch_to_registered_seconds', 'provider', PROV), legend: '{{provider}}' }),
        panel('timeseries', 'Launch → Ready (p90)', { unit: 's', w: 8, description: 'From the launch to the Node Ready with its GPUs.', expr: p90('gpu_provisioner_machine_launch_to_ready_seconds', 'provider', PROV), legend: '{{provider}}' }),
        panel('timeseries', 'Capacity failovers', { unit: 'ops', description: 'Offers that failed to launch and were passed over, by reason.', expr: `sum by (provider, reason) (rate(gpu_provisioner_machine_failovers_total{${PROV}}[$__rate_interval]))`, legend: '{{provider}} {{reason}}' }),
        panel('timeseries', 'Launches refused by a budget', { unit: 'ops', description: 'Launch attempts a GpuBudget refused.', expr: `sum by (namespace, budget) (rate(gpu_provisioner_budget_refused_launches_total{${NS}}[$__rate_interval]))`, legend: '{{namespace}}/{{budget}}' }),
      ],
    ],
    [
      'Providers',
      [
        panel('timeseries', 'Provider call latency (p90)', { unit: 's', description: 'Calls to the cloud providers; interruption polls apart, which wait for a notice up to 20 s by design (SQS, the sim).', expr: p90('gpu_provisioner_provider_call_duration_seconds', 'provider', `${PROV},method!="pollInterruptions"`), legend: '{{provider}}' }),
        panel('timeseries', 'Provider errors', { unit: 'ops', description: 'Failed calls to the cloud providers.', expr: `sum by (provider) (rate(gpu_provisioner_provider_errors_total{${PROV}}[$__rate_interval]))`, legend: '{{provider}}' }),
      ],
    ],
    [
      'Operator',
      [
        panel('timeseries', 'Reconcile duration (p99)', { unit: 's', w: 8, description: 'Per controller.', expr: 'histogram_quantile(0.99, sum by (le, controller) (rate(gpu_provisioner_controller_reconcile_duration_seconds_bucket[$__rate_interval])))', legend: '{{controller}}' }),
        panel('timeseries', 'Reconcile errors', { unit: 'ops', w: 8, description: 'Failed reconciles per controller.', expr: 'sum by (controller) (rate(gpu_provisioner_controller_reconcile_errors_total[$__rate_interval]))', legend: '{{controller}}' }),
        panel('timeseries', 'Work queue depth', { w: 8, description: 'Keys waiting per controller.', expr: 'sum by (controller) (gpu_provisioner_workqueue_depth_keys)', legend: '{{controller}}' }),
        panel('timeseries', 'Work queue wait (p90)', { unit: 's', w: 12, description: 'How long keys wait before a worker takes them.', expr: 'histogram_quantile(0.9, sum by (le, controller) (rate(gpu_provisioner_workqueue_wait_duration_seconds_bucket[$__rate_interval])))', legend: '{{controller}}' }),
        panel('stat', 'Leader', { w: 12, description: 'Replicas holding the leader Lease (should be 1).', expr: 'sum(gpu_provisioner_leader_is_leader)' }),
      ],
    ],
  ]),
  'gpu-provisioner-health.json': dashboard('gpu-provisioner-health', 'GPU provisioner / Interruptions and node health', 'Spot interruptions and how fast they are handled; machines replaced; what garbage collection found.', [
    [
      'Interruptions',
      [
        panel('timeseries', 'Interruption notices', { unit: 'ops', w: 8, description: 'Notices acted on, by provider and kind.', expr: `sum by (provider, kind) (rate(gpu_provisioner_interruption_notices_total{${PROV}}[$__rate_interval]))`, legend: '{{provider}} {{kind}}' }),
        panel('timeseries', 'Notice → replacement launch (p90)', { unit: 's', w: 8, description: 'From an interruption notice to the launch call of the replacement.', expr: p90('gpu_provisioner_interruption_replacement_launch_seconds', 'provider', PROV), legend: '{{provider}}' }),
        panel('timeseries', 'Notice → drained (p90)', { unit: 's', w: 8, description: 'From an interruption notice until the machine was drained and terminated.', expr: p90('gpu_provisioner_interruption_drain_seconds', 'provider', PROV), legend: '{{provider}}' }),
      ],
    ],
    [
      'Node health',
      [
        panel('timeseries', 'Machines not serving', { description: 'GpuMachines NotReady, Interrupted or Terminating.', expr: `sum by (namespace, phase) (gpu_provisioner_machine_phase_machines{${NS},${PROV},phase=~"NotReady|Interrupted|Terminating|Pending"})`, legend: '{{namespace}} {{phase}}' }),
        panel('timeseries', 'Join timeouts', { unit: 'ops', w: 6, description: 'Machines replaced because their Node never became Ready.', expr: `sum by (provider) (rate(gpu_provisioner_machine_join_timeouts_total{${PROV}}[$__rate_interval]))`, legend: '{{provider}}' }),
        panel('timeseries', 'Node repairs', { unit: 'ops', w: 6, description: 'Running machines replaced, by reason.', expr: `sum by (provider, reason) (rate(gpu_provisioner_machine_repairs_total{${PROV}}[$__rate_interval]))`, legend: '{{provider}} {{reason}}' }),
        panel('timeseries', 'Orphan instances terminated', { unit: 'ops', description: 'Instances of this cluster no GpuMachine held, terminated by garbage collection.', expr: `sum by (provider) (rate(gpu_provisioner_garbagecollection_orphan_instances_total{${PROV}}[$__rate_interval]))`, legend: '{{provider}}' }),
        panel('timeseries', 'Orphan Nodes deleted', { unit: 'ops', description: 'Nodes labelled for a GpuMachine that does not exist.', expr: 'sum(rate(gpu_provisioner_garbagecollection_orphan_nodes_total[$__rate_interval]))', legend: 'nodes' }),
      ],
    ],
  ]),
};

function write(dir) {
  mkdirSync(dir, { recursive: true });
  for (const [file, d] of Object.entries(dashboards)) writeFileSync(join(dir, file), `${JSON.stringify(d, null, 2)}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outFlag = process.argv.indexOf('--out');
  if (outFlag >= 0) {
    write(resolve(process.argv[outFlag + 1]));
  } else {
    write(join(root, 'dashboards'));
    write(join(root, 'charts/gpu-provisioner/dashboards'));
  }
}
