import { ConditionTypes, Reasons } from '../../src/api/constants.js';
import { formatPrice } from '../../src/api/price.js';
import type { GpuBudget, GpuBudgetSpec } from '../../src/api/types.js';
import { applyDefaults } from '../../src/api/validate.js';
import { periodWindow } from '../../src/controller/budget/period.js';
import { Kinds, type KubeObject } from '../../src/kube/types.js';
import { apply, get, gpuRequest, machinesOf, setup, until, untilPhase, type Fixture } from '../support/operator-fixture.js';

const HOUR = 3_600_000;
const condition = (o: { status?: { conditions?: { type: string; status: string; message: string; reason: string }[] } } | undefined, type: string) =>
  o?.status?.conditions?.find((c) => c.type === type);

function budget(spec: GpuBudgetSpec, name = 'team'): GpuBudget {
  return applyDefaults({ apiVersion: 'gpu-provisioner.dev/v1alpha1', kind: 'GpuBudget', metadata: { name, namespace: 'ml' }, spec } as KubeObject) as GpuBudget;
}

const getBudget = (f: Fixture, name = 'team') => f.cluster.get<GpuBudget>(Kinds.GpuBudget, name, 'ml');
const creates = (f: Fixture) => f.cloud.calls.filter((c) => c.method === 'create').length;
const L4 = { gpu: { model: 'L4', count: 1 } };

/** One L4 machine Ready in namespace ml; returns its price per hour. */
async function oneMachine(f: Fixture) {
  const req = await untilPhase(f, await apply(f, gpuRequest(L4)), 'Ready');
  const [m] = await machinesOf(f, req);
  return { req, price: Number(m!.status!.pricePerHour) };
}

describe('GpuBudget', () => {
  test('a launch that would break the hourly limit is not made: BudgetExceeded with the numbers and the budget, an Event, a slow requeue', async () => {
    const f = await setup();
    const { req, price } = await oneMachine(f);
    await f.cluster.create(Kinds.GpuBudget, budget({ maxHourlyCost: formatPrice(price * 1.5) }));
    await f.cluster.patch(Kinds.GpuRequest, req.metadata.name, 'ml', { spec: { nodes: 2 } });
    const before = creates(f);

    await until(f, async () => condition(await get(f, req), ConditionTypes.BudgetExceeded)?.status === 'True');
    const pending = (await machinesOf(f, req)).find((m) => !m.status?.instanceId)!;
    const c = condition(pending, ConditionTypes.BudgetExceeded)!;
    expect(c.reason).toBe(Reasons.BudgetExceeded);
    expect(c.message).toContain('GpuBudget team');
    expect(c.message).toContain(`hourly spend $${formatPrice(price)}`);
    expect(c.message).toContain(`maxHourlyCost $${formatPrice(price * 1.5)}`);
    expect(pending.status?.phase).toBe('Pending');
    expect((await get(f, req))?.status?.message).toBe(c.message);
    expect(f.cluster.events({ reason: Reasons.BudgetExceeded }).map((e) => e.involved.name)).toEqual([pending.metadata.name]);

    // Ten minutes later: not one more create call, one Event, and about one reconcile a minute.
    const reconciles = f.operator.manager.stats().find((s) => s.name === 'gpumachine')!.reconciles;
    await f.clock.advance(10 * 60_000);
    expect(creates(f)).toBe(before);
    expect(f.cluster.events({ reason: Reasons.BudgetExceeded })).toHaveLength(1);
    expect(f.operator.manager.stats().find((s) => s.name === 'gpumachine')!.reconciles - reconciles).toBeLessThan(30);

    const status = (await getBudget(f))!.status!;
    expect(status.hourlyCost).toBe(formatPrice(price));
    expect(status.hourlyHeadroom).toBe(formatPrice(price * 0.5));

    // Raising the limit lets the machine launch; the conditions clear.
    await f.cluster.patch(Kinds.GpuBudget, 'team', 'ml', { spec: { maxHourlyCost: formatPrice(price * 3) } });
    await untilPhase(f, req, 'Ready', 5 * 60_000);
    expect(condition(await get(f, req), ConditionTypes.BudgetExceeded)?.status).toBe('False');
  });

  test('machines launching at once cannot together overrun the hourly limit', async () => {
    const f = await setup();
    const { price } = await oneMachine(f);
    await f.cluster.create(Kinds.GpuBudget, budget({ maxHourlyCost: formatPrice(price * 2.5) }));
    const burst = await apply(f, gpuRequest({ ...L4, nodes: 4 }));
    await until(f, async () => (await machinesOf(f, burst)).filter((m) => condition(m, ConditionTypes.BudgetExceeded)?.status === 'True').length === 3);
    await f.clock.advance(60_000);
    const launched = (await machinesOf(f, burst)).filter((m) => m.status?.instanceId);
    expect(launched).toHaveLength(1);
    expect(f.cloud.ledger().filter((i) => i.state !== 'terminated')).toHaveLength(2);
  });

  test('spend in the period: running machines to the second, finished ones counted once, a new period from zero', async () => {
    const f = await setup();
    // Day periods in Berlin; the fake clock starts 2026-01-01T00:00Z, 01:00 in Berlin.
    await f.cluster.create(Kinds.GpuBudget, budget({ maxPeriodCost: '100000', period: 'day', timeZone: 'Europe/Berlin' }));
    const { req, price } = await oneMachine(f);
    await f.clock.advance(3 * HOUR);
    const [m] = await machinesOf(f, req);
    let status = (await getBudget(f))!.status!;
    const ran = (Date.parse(status.costUpdatedAt!) - Date.parse(m!.status!.launchedAt!)) / HOUR;
    expect(ran).toBeGreaterThan(2.9);
    expect(Number(status.periodCost)).toBeCloseTo(price * ran, 2);
    expect(status.periodStart).toBe('2025-12-31T23:00:00.000Z');
    expect(status.periodEnd).toBe('2026-01-01T23:00:00.000Z');
    expect(Number(status.periodHeadroom)).toBeCloseTo(100000 - price * ran, 2);

    // The request and its machine go; the budget keeps what they cost.
    await f.cluster.delete(Kinds.GpuRequest, req.metadata.name, 'ml');
    await until(f, async () => !(await get(f, req)));
    const gone = f.cloud.ledger()[0]!;
    expect(gone.state).toBe('terminated');
    await f.clock.advance(2 * 60_000);
    status = (await getBudget(f))!.status!;
    const final = Number(status.finishedCost);
    expect(final).toBeGreaterThan(price * ran);
    expect(status.periodCost).toBe(status.finishedCost);
    expect(status.finishedMachines).toBeUndefined();
    expect(status.hourlyCost).toBe('0.00');

    // A restart of the budget's numbers: the next period begins at zero.
    await f.clock.advance(20 * HOUR);
    await until(f, async () => (await getBudget(f))?.status?.periodStart === '2026-01-01T23:00:00.000Z', { stepMs: 10_000 });
    status = (await getBudget(f))!.status!;
    expect(status.periodCost).toBe('0.00');
    expect(status.finishedCost).toBe('0.00');
  });

  test('onExceeded terminate deletes the namespace’s machines once the period limit is reached, and launches stay refused', async () => {
    const f = await setup();
    const { req, price } = await oneMachine(f);
    await f.cluster.create(Kinds.GpuBudget, budget({ maxPeriodCost: formatPrice(price * 2), period: 'month', onExceeded: 'terminate' }));
    await f.clock.advance(2 * HOUR);
    await until(f, () => f.cluster.events({ reason: Reasons.BudgetTerminated }).length === 1, { stepMs: 1000 });
    await until(f, async () => (await machinesOf(f, req)).every((m) => !m.status?.instanceId), { stepMs: 1000 });
    expect(f.cloud.ledger().every((i) => i.state === 'terminated')).toBe(true);
    const b = (await getBudget(f))!;
    expect(condition(b, ConditionTypes.BudgetExceeded)?.status).toBe('True');
    expect(Number(b.status!.periodCost)).toBeGreaterThanOrEqual(price * 2);
    await until(f, async () => condition(await get(f, req), ConditionTypes.BudgetExceeded)?.status === 'True', { stepMs: 1000 });
    expect(condition(await get(f, req), ConditionTypes.BudgetExceeded)?.message).toContain('maxPeriodCost');
    expect(f.cloud.ledger()).toHaveLength(1);
  });

  test('a budget for other providers leaves sim launches alone; one with an unknown time zone refuses them and names the field', async () => {
    const f = await setup();
    await f.cluster.create(Kinds.GpuBudget, budget({ maxHourlyCost: '0.01', providers: ['aws'] }, 'aws-only'));
    await oneMachine(f);
    await f.cluster.create(Kinds.GpuBudget, budget({ maxHourlyCost: '1000', timeZone: 'Mars/Olympus' }, 'broken'));
    await until(f, async () => condition(await getBudget(f, 'broken'), ConditionTypes.Valid)?.status === 'False');
    expect(condition(await getBudget(f, 'broken'), ConditionTypes.Valid)?.message).toContain('spec.timeZone');
    const req = await apply(f, gpuRequest(L4));
    await until(f, async () => condition(await get(f, req), ConditionTypes.BudgetExceeded)?.status === 'True');
    expect((await get(f, req))?.status?.message).toContain('spec.timeZone');
  });

  test('the API server refuses a budget without a limit, with a message naming what to set', async () => {
    const f = await setup();
    await expect(f.cluster.create(Kinds.GpuBudget, budget({ period: 'day' }))).rejects.toThrow(/set maxHourlyCost, maxPeriodCost or both/);
    await expect(f.cluster.create(Kinds.GpuBudget, budget({ maxHourlyCost: '-1' }))).rejects.toThrow(/spec.maxHourlyCost/);
  });
});

describe('budget periods', () => {
  const iso = (ms: number) => new Date(ms).toISOString();
  test.each([
    ['day', 'Europe/Berlin', '2026-03-29T12:00:00Z', '2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z'], // 23-hour day
    ['day', 'Asia/Kolkata', '2026-06-01T20:00:00Z', '2026-06-01T18:30:00.000Z', '2026-06-02T18:30:00.000Z'],
    ['week', 'UTC', '2026-01-01T00:00:00Z', '2025-12-29T00:00:00.000Z', '2026-01-05T00:00:00.000Z'],
    ['month', 'America/New_York', '2026-01-01T03:00:00Z', '2025-12-01T05:00:00.000Z', '2026-01-01T05:00:00.000Z'],
    ['month', 'UTC', '2026-12-31T23:59:59Z', '2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
  ] as const)('%s in %s at %s', (kind, tz, at, start, end) => {
    const w = periodWindow(kind, tz, Date.parse(at));
    expect([iso(w.start), iso(w.end)]).toEqual([start, end]);
  });
});
