/**
 * What must hold whatever the faults, checked against the sim cloud's own ledger (every
 * instance it ever made, terminated ones included) and the cluster's objects, never
 * against what the operator believes:
 *
 * 1. no instance is billed without a GpuMachine holding it once the garbage collector
 *    has had its grace period and a scan;
 * 2. no GpuMachine name ever has two instances;
 * 3. a GpuMachine's finalizer never comes off while its instance is billed;
 * 4. no Node of this cluster outlives its GpuMachine (beyond the collector's bound);
 * 5. every remaining request is Ready again after the faults stop (checked by the runner);
 * 6. once everything is deleted, nothing is billed and no GpuMachine is left (runner);
 * 7. an interruption notice the operator received for a held machine is recorded on
 *    its GpuMachine before the machine goes, unless the operator died meanwhile (the
 *    sim, as a poll, forgets what it returned once) or the machine was going anyway
 *    before the notice ran out; time the API server is made to fail does not count;
 * 8. once the world is quiet, nothing reconciles itself in a loop (runner).
 */
import { Labels } from '../../src/api/constants.js';
import type { GpuMachine } from '../../src/api/types.js';
import { defaultLifecycleOptions } from '../../src/controller/context.js';
import { machineOfInstance } from '../../src/controller/machine/naming.js';
import { Kinds, type Node } from '../../src/kube/types.js';
import type { Instance, InterruptionNotice } from '../../src/providers/types.js';
import { CLUSTER_NAME, type World } from './world.js';

/** What the collector may take beyond its grace period: one scan, plus calls, retries and termination. */
const SCAN_MS = defaultLifecycleOptions.orphanScanMs;
const GRACE_MS = defaultLifecycleOptions.orphanGraceMs;
const NODE_GRACE_MS = 2 * 60_000;
const SLACK_MS = 60_000;
/** A machine deleted this soon after a notice may be going for its own reasons (a reclaimed instance is seen by polling). */
const NOTICE_GRACE_MS = 30_000;

interface SentNotice {
  instanceId: string;
  machine: string;
  at: number;
  deadline: number;
}

export const billed = (i: Instance) => i.state !== 'terminated';

export class Checker {
  /** One line per distinct violation, in the order found. */
  readonly violations: string[] = [];
  private readonly seen = new Set<string>();
  private readonly orphanSince = new Map<string, number>();
  private readonly nodeOrphanSince = new Map<string, number>();
  /** When the faults stopped; the collectors' bounds count from then. */
  faultsEndedAt: number | undefined;
  private notices: SentNotice[] = [];
  /** GpuMachines seen with an interruption recorded, and when each was first seen going. */
  private readonly interrupted = new Set<string>();
  private readonly goingSince = new Map<string, number>();
  private readonly existing = new Set<string>();

  constructor(private readonly world: World) {
    // The harness's own watch: a GpuMachine is DELETED exactly when its last finalizer comes off.
    world.cluster.watch<GpuMachine>(Kinds.GpuMachine, {}, (e) => {
      const name = e.object.metadata.name;
      if (e.type === 'DELETED') this.existing.delete(name);
      else this.existing.add(name);
      if (e.object.status?.interruption) this.interrupted.add(name);
      if ((e.object.metadata.deletionTimestamp || e.type === 'DELETED') && !this.goingSince.has(name)) this.goingSince.set(name, world.now);
      if (e.type === 'DELETED') this.finalizerRemoved(e.object);
    });
    world.onNotice = (n) => this.noticeReceived(n);
  }

  violate(invariant: string, key: string, message: string): void {
    if (this.seen.has(`${invariant}/${key}`)) return;
    this.seen.add(`${invariant}/${key}`);
    this.violations.push(`(${invariant}) ${message}`);
    this.world.log(`VIOLATION (${invariant}) ${message}`);
  }

  private finalizerRemoved(m: GpuMachine): void {
    const now = this.world.now;
    // A create that lands in this very tick was sent before the lookup and is the collector's to catch (1).
    const still = this.world.cloud.ledger().filter((i) => machineOfInstance(i) === m.metadata.name && billed(i) && i.launchedAt < now);
    for (const i of still) {
      this.violate('3', m.metadata.name, `finalizer of GpuMachine ${m.metadata.name} removed while its instance ${i.id} is ${i.state}`);
    }
  }

  /** A live operator has just received this notice from the cloud. */
  private noticeReceived(notice: InterruptionNotice): void {
    const inst = this.world.cloud.ledger().find((i) => i.id === notice.instanceId);
    const machine = inst ? machineOfInstance(inst) : undefined;
    if (!machine || !this.existing.has(machine) || this.goingSince.has(machine)) return;
    const at = this.world.now;
    this.notices.push({ instanceId: notice.instanceId, machine, at, deadline: notice.deadline ?? at });
  }

  /** Notices settle when recorded, or when their machine goes; `end` settles the rest. */
  private checkNotices(end = false): void {
    this.notices = this.notices.filter((n) => {
      if (this.interrupted.has(n.machine)) return false;
      const going = this.goingSince.get(n.machine);
      if (going === undefined && !end) return true;
      const until = going ?? this.world.now;
      const anyway = going !== undefined && going < Math.max(n.deadline, n.at + NOTICE_GRACE_MS);
      const died = this.world.deaths.some((d) => d >= n.at && d <= until);
      // Recording may fail while the API server is made to fail; the operator must get it done in the time left.
      if (!anyway && !died && this.troubleFree(n.at, until) >= NOTICE_GRACE_MS) {
        this.violate(
          '7',
          n.instanceId,
          `interruption notice for ${n.instanceId} never recorded on GpuMachine ${n.machine} (${going === undefined ? 'still there' : `gone ${Math.round((going - n.at) / 1000)}s after the notice`}, no crash meanwhile)`,
        );
      }
      return false;
    });
  }

  /** How much of [from, to] the API server was not made to fail. */
  private troubleFree(from: number, to: number): number {
    const spans = this.world.apiTrouble
      .map((t) => ({ from: Math.max(t.from, from), to: Math.min(t.to, to) }))
      .filter((t) => t.to > t.from)
      .sort((a, b) => a.from - b.from);
    let covered = 0;
    let reach = from;
    for (const t of spans) {
      covered += Math.max(0, t.to - Math.max(t.from, reach));
      reach = Math.max(reach, t.to);
    }
    return to - from - covered;
  }

  /** At the end of a run: a notice never recorded on a machine still there was lost. */
  settleNotices(): void {
    this.checkNotices(true);
  }

  /** Checks what holds at every moment; called once per step of fake time. */
  async step(): Promise<void> {
    const { world } = this;
    const ledger = world.cloud.ledger();
    const byMachine = new Map<string, Instance[]>();
    for (const i of ledger) {
      const name = machineOfInstance(i) ?? '';
      byMachine.set(name, [...(byMachine.get(name) ?? []), i]);
    }
    for (const [name, list] of byMachine) {
      if (list.length > 1) this.violate('2', name, `GpuMachine ${name} has ${list.length} instances: ${list.map((i) => `${i.id} (${i.state})`).join(', ')}`);
    }
    this.checkNotices();
    if (this.faultsEndedAt === undefined) return;

    const machines = new Set((await world.cluster.list<GpuMachine>(Kinds.GpuMachine)).map((m) => m.metadata.name));
    const now = world.now;
    const from = Math.max(this.faultsEndedAt, world.startedAt);
    for (const i of ledger.filter(billed)) {
      const name = machineOfInstance(i) ?? '';
      if (machines.has(name)) {
        this.orphanSince.delete(i.id);
        continue;
      }
      const since = this.orphanSince.get(i.id) ?? now;
      this.orphanSince.set(i.id, since);
      const bound = Math.max(i.launchedAt + GRACE_MS, since, from) + SCAN_MS + SLACK_MS;
      if (now > bound) {
        this.violate('1', i.id, `instance ${i.id} (${i.state}, name ${name}) billed with no GpuMachine for ${Math.round((now - since) / 1000)}s, past the collector's grace period`);
      }
    }
    for (const node of await this.ourNodes()) {
      const machine = node.metadata.labels?.[Labels.machine] ?? '';
      if (machines.has(machine)) {
        this.nodeOrphanSince.delete(node.metadata.name);
        continue;
      }
      const since = this.nodeOrphanSince.get(node.metadata.name) ?? now;
      this.nodeOrphanSince.set(node.metadata.name, since);
      const created = Date.parse(node.metadata.creationTimestamp ?? new Date(now).toISOString());
      const bound = Math.max(created + NODE_GRACE_MS, since, from) + SCAN_MS + SLACK_MS;
      if (now > bound) this.violate('4', node.metadata.name, `Node ${node.metadata.name} left ${Math.round((now - since) / 1000)}s after its GpuMachine ${machine} was deleted`);
    }
  }

  /** Once the world is quiet: every billed instance has its GpuMachine, every Node of ours too. */
  async strict(when: string): Promise<void> {
    const { world } = this;
    const machines = new Set((await world.cluster.list<GpuMachine>(Kinds.GpuMachine)).map((m) => m.metadata.name));
    for (const i of world.cloud.ledger().filter(billed)) {
      const name = machineOfInstance(i) ?? '';
      if (!machines.has(name)) this.violate('1', i.id, `${when}: instance ${i.id} (${i.state}, name ${name}) billed with no GpuMachine`);
    }
    for (const node of await this.ourNodes()) {
      const machine = node.metadata.labels?.[Labels.machine] ?? '';
      if (!machines.has(machine)) this.violate('4', node.metadata.name, `${when}: Node ${node.metadata.name} left after its GpuMachine ${machine} was deleted`);
    }
  }

  async ourNodes(): Promise<Node[]> {
    return this.world.cluster.list<Node>(Kinds.Node, { labelSelector: { [Labels.cluster]: CLUSTER_NAME } });
  }
}
