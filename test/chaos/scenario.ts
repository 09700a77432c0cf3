/**
 * Runs one seeded scenario: requests applied, faults injected during the fault window,
 * then the faults stop and the world runs on fake time until it is quiet, then
 * everything is deleted. The invariants are checked all along and at each stage.
 */
import { Labels } from '../../src/api/constants.js';
import { applyDefaults } from '../../src/api/validate.js';
import type { GpuMachine, GpuRequest } from '../../src/api/types.js';
import { isNodeReady } from '../../src/kube/nodes.js';
import { Kinds, type KubeObject, type Node } from '../../src/kube/types.js';
import { InsufficientCapacityError, QuotaExceededError } from '../../src/providers/errors.js';
import type { Instance } from '../../src/providers/types.js';
import { Checker, billed } from './invariants.js';
import { describePlan, FAULT_WINDOW_MS, planFor, type Fault, type Plan, type RequestPlan } from './plan.js';
import { seeded, streams } from './prng.js';
import { NAMESPACE, START, World } from './world.js';

/** Fake time between checks; the clock fires every timer inside a step in order, so the operator sees no difference. */
const STEP_MS = 5_000;
/** After the faults stop, how long the world may take to have every request Ready again. */
const SETTLE_MS = 45 * 60_000;
/** Long enough for the collector's grace period and a scan, after the world is quiet. */
const COLLECT_MS = 14 * 60_000;
/** How long deleting everything may take. */
const TEARDOWN_MS = 30 * 60_000;

export interface ScenarioResult {
  seed: number;
  label: string;
  violations: string[];
  /** Fake time the scenario ran. */
  fakeMs: number;
  restarts: number;
}

function requestObject(r: RequestPlan): GpuRequest {
  return applyDefaults({
    apiVersion: 'gpu-provisioner.dev/v1alpha1',
    kind: 'GpuRequest',
    metadata: { name: r.name, namespace: NAMESPACE },
    spec: { gpu: { model: r.model, count: 1 }, nodes: r.nodes, capacityTypes: r.capacityTypes },
  } as KubeObject) as GpuRequest;
}

export interface RunOptions {
  /**
   * The first two creates land 45 s late, after the client has timed out and retried.
   * Off by default: against a cloud without idempotency tokens the provider layer's own
   * retry then makes a second instance for one GpuMachine, which no controller step can
   * prevent (the first create is still on its way when the retry looks the name up).
   */
  lateCreates?: boolean;
}

class Run {
  readonly world: World;
  readonly checker: Checker;
  /** Requests the user deleted: they must go, and are not asked to be Ready. */
  private readonly deleted = new Set<string>();
  /** Faults with an end (capacity out, joins failing, watches dropped) undo themselves here. */
  private readonly undo: (() => void | Promise<void>)[] = [];

  constructor(
    readonly plan: Plan,
    readonly log: (line: string) => void,
    private readonly options: RunOptions = {},
  ) {
    const rng = streams(plan.seed);
    this.world = new World({ rng, idempotentCloud: plan.idempotentCloud, bootMs: plan.bootMs, terminateMs: plan.terminateMs, log });
    this.checker = new Checker(this.world);
  }

  private at(ms: number, what: string, fn: () => unknown): void {
    this.world.clock.setTimer(ms, () => {
      Promise.resolve()
        .then(fn)
        .catch((e: unknown) => this.world.log(`harness: ${what} failed: ${String(e)}`));
    });
  }

  private async advance(ms: number): Promise<void> {
    for (let t = 0; t < ms; t += STEP_MS) {
      await this.world.clock.advance(STEP_MS);
      await this.checker.step();
    }
  }

  /** Advances until `done` holds or `maxMs` passes; returns whether it held. */
  private async until(maxMs: number, done: () => Promise<boolean>): Promise<boolean> {
    for (let t = 0; t <= maxMs; t += STEP_MS) {
      if (await done()) return true;
      await this.world.clock.advance(STEP_MS);
      await this.checker.step();
    }
    return false;
  }

  async run(): Promise<void> {
    const { world, plan } = this;
    await world.createProvider();
    world.startOperator();
    if (this.options.lateCreates) world.slowDown(2, 45_000, 'late', 'create');
    for (const r of plan.requests) this.at(r.at, `create ${r.name}`, () => world.cluster.create(Kinds.GpuRequest, requestObject(r)));
    for (const f of plan.faults) this.at(f.at, f.kind, () => this.inject(f));

    await this.advance(FAULT_WINDOW_MS);
    await this.stopFaults();

    const why: string[] = [];
    if (!(await this.until(SETTLE_MS, () => this.settled(why)))) {
      this.checker.violate('5', 'settle', `not settled ${SETTLE_MS / 60_000} min after the faults stopped: ${why.join('; ')}`);
    }
    const before = new Map(world.reconciles);
    const objects =
      (await world.cluster.list(Kinds.GpuMachine)).length + (await world.cluster.list(Kinds.GpuRequest)).length + (await world.cluster.list(Kinds.GpuProvider)).length;
    await this.advance(COLLECT_MS);
    await this.checker.strict('after the collector grace period');
    this.checker.settleNotices();
    const counts = [...world.reconciles].map(([c, n]) => [c, n - (before.get(c) ?? 0)] as const);
    const quiet = counts.map(([c, n]) => `${c} ${n}`).join(', ');
    world.log(`reconciles in ${COLLECT_MS / 60_000} quiet minutes: ${quiet}`);
    // A quiet world is reconciled by resyncs, cost updates and a few polls: about once a minute per object, never a loop.
    const minutes = COLLECT_MS / 60_000;
    const total = counts.reduce((sum, [, n]) => sum + n, 0);
    if (total > minutes * (objects + 2)) {
      this.checker.violate('8', 'quiet', `${total} reconciles of ${objects} objects in ${minutes} quiet minutes (${quiet}): something reconciles itself in a loop`);
    }

    for (const r of await world.cluster.list<GpuRequest>(Kinds.GpuRequest, { namespace: NAMESPACE })) {
      await world.cluster.delete(Kinds.GpuRequest, r.metadata.name, NAMESPACE);
    }
    const gone = await this.until(TEARDOWN_MS, async () => {
      const left = (await world.cluster.list(Kinds.GpuRequest)).length + (await world.cluster.list(Kinds.GpuMachine)).length;
      return left === 0 && world.cloud.ledger().every((i) => !billed(i));
    });
    if (!gone) {
      const requests = (await world.cluster.list(Kinds.GpuRequest)).map((o) => o.metadata.name);
      const machines = (await world.cluster.list<GpuMachine>(Kinds.GpuMachine)).map((m) => `${m.metadata.name} (${m.status?.phase}: ${m.status?.message ?? ''})`);
      const billedNow = world.cloud.ledger().filter(billed).map((i) => `${i.id} (${i.state})`);
      this.checker.violate(
        '6',
        'teardown',
        `${TEARDOWN_MS / 60_000} min after deleting everything: requests [${requests.join(', ')}], GpuMachines [${machines.join(', ')}], billed [${billedNow.join(', ')}]`,
      );
    }
    await this.advance(3 * 60_000 + 2 * 60_000);
    await this.checker.strict('after deleting everything');
    await world.shutdown();
  }

  /** Every request not deleted is Ready, and says so truly; every request deleted is gone; no machine is on its way out. */
  private async settled(why: string[]): Promise<boolean> {
    const { world } = this;
    why.length = 0;
    if (!world.alive) why.push('operator down');
    const requests = await world.cluster.list<GpuRequest>(Kinds.GpuRequest, { namespace: NAMESPACE });
    const machines = await world.cluster.list<GpuMachine>(Kinds.GpuMachine, { namespace: NAMESPACE });
    const ledger = new Map(world.cloud.ledger().map((i) => [i.id, i]));
    const nodes = new Map((await world.cluster.list<Node>(Kinds.Node)).map((n) => [n.metadata.name, n]));
    for (const r of requests) {
      if (this.deleted.has(r.metadata.name)) {
        why.push(`${r.metadata.name} deleted but still there (${r.status?.message ?? r.status?.phase})`);
        continue;
      }
      const mine = machines.filter((m) => m.metadata.labels?.[Labels.requestUid] === r.metadata.uid && !m.metadata.deletionTimestamp && !m.status?.interruption);
      const ready = mine.filter((m) => {
        const inst = m.status?.instanceId ? ledger.get(m.status.instanceId) : undefined;
        const node = m.status?.nodeName ? nodes.get(m.status.nodeName) : undefined;
        return m.status?.phase === 'Ready' && inst?.state === 'running' && !!node && isNodeReady(node);
      });
      const want = r.spec.nodes ?? 1;
      if (r.status?.phase !== 'Ready' || ready.length !== want || mine.length !== want) {
        why.push(`${r.metadata.name}: phase ${r.status?.phase} (${r.status?.message ?? ''}), ${ready.length}/${want} truly Ready of ${mine.length} machines [${mine.map((m) => `${m.metadata.name} ${m.status?.phase}${m.status?.message ? ` "${m.status.message}"` : ''}`).join(', ')}]`);
      }
    }
    for (const m of machines.filter((x) => x.metadata.deletionTimestamp || x.status?.interruption)) {
      why.push(`GpuMachine ${m.metadata.name} still leaving (${m.status?.phase}: ${m.status?.message ?? ''})`);
    }
    return why.length === 0;
  }

  private async stopFaults(): Promise<void> {
    const { world } = this;
    world.log('faults stop');
    world.disarmCrashes();
    world.clearHooks();
    world.clearCallFaults();
    world.cloud.rateLimit(0);
    world.cloud.serverErrors(0);
    world.cloud.loseNextCreateAnswers(0);
    for (const u of this.undo.splice(0)) await u();
    world.ensureRunning();
    this.checker.faultsEndedAt = world.now;
  }

  /** Undone at `forMs` or when the faults stop, whichever comes first. */
  private forAWhile(forMs: number, what: string, undo: () => void | Promise<void>): void {
    let done = false;
    const once = async () => {
      if (done) return;
      done = true;
      await undo();
    };
    this.undo.push(once);
    this.at(forMs, what, once);
  }

  private interrupt(inst: Instance, noticeMs: number): void {
    const kind = inst.capacityType === 'spot' ? 'spot-interruption' : 'scheduled-maintenance';
    this.world.cloud.interrupt(inst.id, kind, noticeMs);
  }

  private async inject(f: Fault): Promise<void> {
    const { world } = this;
    const pick = seeded(f.pick);
    switch (f.kind) {
      case 'crash':
        world.log(`armed: crash ${f.point.when} ${f.point.call}`);
        world.armCrash(f.point);
        return;
      case 'kill':
        world.kill('at a random moment', f.downMs);
        return;
      case 'rate-limit':
        world.log(`429 x${f.times}`);
        world.cloud.rateLimit(f.times, f.retryAfterMs);
        return;
      case 'server-errors':
        world.log(`503 x${f.times}`);
        world.cloud.serverErrors(f.times);
        return;
      case 'lost-answers':
        world.log(`next ${f.times} create answers lost`);
        world.cloud.loseNextCreateAnswers(f.times);
        return;
      case 'create-refused': {
        const err = f.error === 'capacity' ? new InsufficientCapacityError('sim: no capacity (injected)') : new QuotaExceededError('sim: quota exceeded (injected)');
        world.log(`next ${f.times} creates refused: ${f.error}`);
        world.cloud.failNextCreate(err, f.times);
        return;
      }
      case 'capacity-out':
        world.log(`${f.instanceType} out of capacity`);
        world.cloud.insufficientCapacity(f.instanceType, true);
        this.forAWhile(f.forMs, 'capacity back', () => world.cloud.insufficientCapacity(f.instanceType, false));
        return;
      case 'watch-drop':
        world.log('watches dropped');
        world.dropWatches();
        this.forAWhile(f.forMs, 'watches back', async () => {
          world.log('watches reconnect and re-list');
          await world.resumeWatches();
        });
        return;
      case 'conflicts':
        world.log(`next ${f.times} writes conflict`);
        world.conflictNext(f.times);
        return;
      case 'kube-errors':
        world.log(`next ${f.times} "${f.call}" fail with 500`);
        world.failKube(f.call, f.times);
        return;
      case 'api-brownout':
        world.log(`API server brownout: ${f.p * 100}% of calls fail for ${f.forMs / 1000}s`);
        world.brownOut(f.forMs, f.p, pick);
        return;
      case 'interrupt-booting':
        world.log('armed: interrupt the next machine while it boots');
        world.addHook((call, when, d) => {
          if (call !== 'provider create' || when !== 'after' || !d.instance) return false;
          const id = d.instance.id;
          this.at(pick.int(0, Math.max(0, this.plan.bootMs - 100)), 'interrupt booting', () => {
            const inst = world.cloud.ledger().find((i) => i.id === id);
            if (!inst || !billed(inst)) return;
            world.log(`interrupt ${id} (${inst.state}), notice ${f.noticeMs / 1000}s`);
            this.interrupt(inst, f.noticeMs);
          });
          return true;
        });
        return;
      case 'interrupt': {
        const live = world.cloud.ledger().filter(billed).filter((i) => i.state !== 'terminating');
        if (!live.length) return;
        const inst = pick.pick(live);
        world.log(`interrupt ${inst.id} (${inst.state}), notice ${f.noticeMs / 1000}s`);
        this.interrupt(inst, f.noticeMs);
        return;
      }
      case 'delete-mid-launch':
        world.log(`armed: delete the next GpuMachine ${f.when} its create call`);
        world.addHook((call, when, d) => {
          if (call !== 'provider create' || when !== f.when || !d.name) return false;
          world.log(`kubectl delete gpumachine ${d.name} (${when} its create call)`);
          void world.cluster.delete(Kinds.GpuMachine, d.name, NAMESPACE);
          return true;
        });
        return;
      case 'delete-machine': {
        const machines = (await world.cluster.list<GpuMachine>(Kinds.GpuMachine, { namespace: NAMESPACE })).filter((m) => !m.metadata.deletionTimestamp);
        if (!machines.length) return;
        const m = pick.pick(machines);
        world.log(`kubectl delete gpumachine ${m.metadata.name} (${m.status?.phase})`);
        await world.cluster.delete(Kinds.GpuMachine, m.metadata.name, NAMESPACE);
        return;
      }
      case 'scale': {
        if (this.deleted.has(f.request) || !(await world.cluster.get(Kinds.GpuRequest, f.request, NAMESPACE))) return;
        world.log(`scale ${f.request} to ${f.nodes}`);
        await world.cluster.patch(Kinds.GpuRequest, f.request, NAMESPACE, { spec: { nodes: f.nodes } });
        return;
      }
      case 'delete-request': {
        if (!(await world.cluster.get(Kinds.GpuRequest, f.request, NAMESPACE))) return;
        world.log(`kubectl delete gpurequest ${f.request}`);
        this.deleted.add(f.request);
        await world.cluster.delete(Kinds.GpuRequest, f.request, NAMESPACE);
        return;
      }
      case 'add-request':
        world.log(`create ${f.request.name}`);
        await world.cluster.create(Kinds.GpuRequest, requestObject(f.request));
        return;
      case 'join-fails':
        world.log('machines stop joining');
        world.cloud.failJoin(true);
        this.forAWhile(f.forMs, 'joins back', () => world.cloud.failJoin(false));
        return;
      case 'delete-node': {
        const nodes = await this.checker.ourNodes();
        if (!nodes.length) return;
        const node = pick.pick(nodes);
        world.log(`kubectl delete node ${node.metadata.name}`);
        await world.cluster.delete(Kinds.Node, node.metadata.name);
        return;
      }
      case 'slow-answers':
        world.log(`next ${f.times} provider calls answer ${f.delayMs / 1000}s late`);
        world.slowDown(f.times, f.delayMs, f.lands);
        return;
      case 'credentials-rejected':
        world.log('the cloud refuses the credentials');
        world.cloud.rejectCredentials(true);
        this.forAWhile(f.forMs, 'credentials accepted again', () => world.cloud.rejectCredentials(false));
        return;
      case 'node-not-ready': {
        const nodes = (await this.checker.ourNodes()).filter(isNodeReady);
        if (!nodes.length) return;
        const node = pick.pick(nodes);
        world.log(`Node ${node.metadata.name} goes NotReady`);
        const cond = { type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'container runtime is down', lastTransitionTime: new Date(world.now).toISOString() };
        await world.cluster.patch(Kinds.Node, node.metadata.name, undefined, { status: { conditions: [cond] } }, { subresource: 'status' });
        return;
      }
    }
  }
}

export async function runScenario(seed: number, log: (line: string) => void = () => undefined, options: RunOptions = {}): Promise<ScenarioResult> {
  const plan = planFor(seed);
  const label = describePlan(plan) + (options.lateCreates ? ' +late creates' : '');
  const run = new Run(plan, log, options);
  // Provider retries draw their jitter from Math.random: a seeded one makes the run replay exactly.
  const random = Math.random;
  Math.random = streams(seed).jitter.next;
  const unhandled = (e: unknown) => run.checker.violate('unhandled', String(e), `unhandled rejection: ${e instanceof Error ? e.stack : String(e)}`);
  process.on('unhandledRejection', unhandled);
  try {
    log(`seed ${seed}: ${label}`);
    await run.run();
  } catch (e) {
    run.checker.violate('harness', 'crash', `the scenario itself failed: ${e instanceof Error ? e.stack : String(e)}`);
  } finally {
    Math.random = random;
    process.off('unhandledRejection', unhandled);
  }
  return { seed, label, violations: run.checker.violations, fakeMs: run.world.now - START, restarts: run.world.incarnations - 1 };
}
