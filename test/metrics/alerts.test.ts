import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alertRulesYaml } from './alert-rules.js';

const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0;
if (!promtool) console.warn('alerts.test: promtool not found (Debian package prometheus; scripts/ensure-test-tools.sh installs it as root); skipping');
const run = promtool ? test : test.skip;

// promtool's own unit-test format: series in, alerts expected at given times.
const TESTS = `
rule_files: [rules.yaml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: gpu_provisioner_budget_usage_ratio{namespace="ml",budget="team",limit="hourly"}
        values: 0.5x5 0.85x10 1.2x10
      - series: gpu_provisioner_budget_usage_ratio{namespace="ml",budget="team",limit="period"}
        values: 0.1x25
    alert_rule_test:
      - { eval_time: 4m, alertname: GpuBudgetNearlyExhausted, exp_alerts: [] }
      - eval_time: 14m
        alertname: GpuBudgetNearlyExhausted
        exp_alerts:
          - exp_labels: { severity: warning, namespace: ml, budget: team, limit: hourly }
            exp_annotations:
              summary: GpuBudget ml/team is at 85% of its hourly limit
              description: At 100% new machines in the namespace are refused. Raise the limit (kubectl edit gpubudget) or reduce what runs.
      - { eval_time: 14m, alertname: GpuBudgetExceeded, exp_alerts: [] }
      - eval_time: 20m
        alertname: GpuBudgetExceeded
        exp_alerts:
          - exp_labels: { severity: critical, namespace: ml, budget: team, limit: hourly }
            exp_annotations:
              summary: GpuBudget ml/team has reached its hourly limit
              description: Launches in the namespace are refused (GpuMachines show BudgetExceeded); with onExceeded terminate its machines are being deleted.
      - { eval_time: 20m, alertname: GpuBudgetNearlyExhausted, exp_alerts: [] }
  - interval: 1m
    input_series:
      - series: gpu_provisioner_provider_errors_total{provider="aws",kind="Transient"}
        values: 0+30x30
      - series: gpu_provisioner_provider_errors_total{provider="lambda",kind="Transient"}
        values: 0+1x30
    alert_rule_test:
      - { eval_time: 10m, alertname: GpuProviderErrors, exp_alerts: [] }
      - eval_time: 20m
        alertname: GpuProviderErrors
        exp_alerts:
          - exp_labels: { severity: warning, provider: aws }
            exp_annotations:
              summary: Calls to provider aws keep failing
              description: More than one failed call every ten seconds for ten minutes. Check the GpuProvider's conditions and the provider's status page.
  - interval: 1m
    input_series:
      - series: gpu_provisioner_machine_phase_machines{namespace="ml",provider="sim",phase="Joining"}
        values: 1x40
      - series: gpu_provisioner_machine_phase_machines{namespace="ml",provider="sim",phase="Ready"}
        values: 3x40
      - series: gpu_provisioner_machine_phase_machines{namespace="research",provider="sim",phase="Pending"}
        values: 1x10 _x30
    alert_rule_test:
      - { eval_time: 29m, alertname: GpuMachinesStuckProvisioning, exp_alerts: [] }
      - eval_time: 35m
        alertname: GpuMachinesStuckProvisioning
        exp_alerts:
          - exp_labels: { severity: warning, namespace: ml, provider: sim }
            exp_annotations:
              summary: 1 GpuMachine(s) in ml have not been Ready for 30 minutes
              description: kubectl describe gpumachine shows why (OfferSelected, BudgetExceeded, Launched, Registered conditions and Events).
  - interval: 1m
    input_series:
      - series: gpu_provisioner_garbagecollection_orphan_instances_total{provider="sim"}
        values: 0x10 1x30
    alert_rule_test:
      - { eval_time: 9m, alertname: GpuOrphanInstanceTerminated, exp_alerts: [] }
      - eval_time: 12m
        alertname: GpuOrphanInstanceTerminated
        exp_alerts:
          - exp_labels: { severity: warning, provider: sim }
            exp_annotations:
              summary: Garbage collection terminated an instance on sim that no GpuMachine held
              description: An instance tagged for this cluster was running without a GpuMachine and was paid for until now. The Warning Event on the GpuProvider names it.
      - { eval_time: 35m, alertname: GpuOrphanInstanceTerminated, exp_alerts: [] }
  - interval: 1m
    input_series:
      - series: gpu_provisioner_leader_is_leader{pod="a"}
        values: 1x10 0x20
      - series: gpu_provisioner_leader_is_leader{pod="b"}
        values: 0x30
    alert_rule_test:
      - { eval_time: 10m, alertname: GpuProvisionerNoLeader, exp_alerts: [] }
      - eval_time: 20m
        alertname: GpuProvisionerNoLeader
        exp_alerts:
          - exp_labels: { severity: critical }
            exp_annotations:
              summary: No gpu-provisioner replica is leading
              description: Nothing launches, replaces or terminates machines, and interruption notices go unhandled. Check the operator's pods and its Lease gpu-provisioner-leader.
  - interval: 1m
    input_series: []
    alert_rule_test:
      - eval_time: 6m
        alertname: GpuProvisionerNoLeader
        exp_alerts:
          - exp_labels: { severity: critical }
            exp_annotations:
              summary: No gpu-provisioner replica is leading
              description: Nothing launches, replaces or terminates machines, and interruption notices go unhandled. Check the operator's pods and its Lease gpu-provisioner-leader.
`;

describe('the PrometheusRule in the chart', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'alerts-'));
    writeFileSync(join(dir, 'rules.yaml'), alertRulesYaml());
    writeFileSync(join(dir, 'tests.yaml'), TESTS);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  run('is valid for Prometheus (promtool check rules)', () => {
    const r = spawnSync('promtool', ['check', 'rules', join(dir, 'rules.yaml')], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toContain('SUCCESS: 6 rules found');
    expect(r.status).toBe(0);
  });

  run('fires each alert when it should and not before (promtool test rules)', () => {
    const r = spawnSync('promtool', ['test', 'rules', 'tests.yaml'], { cwd: dir, encoding: 'utf8' });
    expect({ status: r.status, out: r.stdout + r.stderr }).toEqual({ status: 0, out: expect.stringContaining('SUCCESS') });
  });
});
