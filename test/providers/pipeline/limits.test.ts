import { FakeClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/logger.js';
import {
  InsufficientCapacityError,
  QuotaExceededError,
  RateLimitedError,
  TransientError,
} from '../../../src/providers/errors.js';
import type { CloudProvider, Instance, LaunchRequest, Offer } from '../../../src/providers/types.js';
import { withLimits, type LimitOptions } from '../../../src/providers/pipeline/limits.js';
import { resolveLimits } from '../../../src/providers/pipeline/limit-settings.js';
import { definitionOf } from '../../../src/providers/registry.js';

type Step = { fail: Error } | { ok: Offer[] } | 'hang';

/** A provider whose listOffers/create answer from a script, recording every attempt. */
class ScriptedProvider implements CloudProvider {
  readonly name = 'scripted';
  readonly type = 'sim' as const;
  readonly capabilities = { unsupported: {} };
  calls = 0;
  signals: AbortSignal[] = [];
  inFlight = 0;
  maxInFlight = 0;
  started: number[] = [];
  private releases: (() => void)[] = [];

  constructor(private readonly script: Step[] = []) {}

  private async next(signal?: AbortSignal): Promise<Offer[]> {
    this.calls++;
    if (signal) this.signals.push(signal);
    const step = this.script.shift() ?? { ok: [] };
    if (step === 'hang') return new Promise<Offer[]>(() => {});
    if ('fail' in step) throw step.fail;
    return step.ok;
  }

  listOffers(signal?: AbortSignal): Promise<Offer[]> {
    return this.next(signal);
  }

  async create(req: LaunchRequest, signal?: AbortSignal): Promise<Instance> {
    await this.next(signal);
    return { id: `i-${req.name}` } as Instance;
  }

  /** Holds until `releaseOne` is called; tracks how many run at once. */
  async get(id: string): Promise<Instance> {
    this.inFlight++;
    this.started.push(Date.now());
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise<void>((r) => this.releases.push(r));
    this.inFlight--;
    return { id } as Instance;
  }

  releaseOne(): boolean {
    const r = this.releases.shift();
    r?.();
    return r !== undefined;
  }

  async list(): Promise<Instance[]> {
    this.started.push(Date.now());
    return [];
  }

  async delete(): Promise<void> {}
  async checkCredentials(): Promise<void> {}
}

function opts(clock: FakeClock, over: Partial<LimitOptions> = {}): LimitOptions {
  return { clock, logger: silentLogger(), random: () => 1, ...over };
}

async function settled(p: Promise<unknown>): Promise<'pending' | 'done'> {
  let state: 'pending' | 'done' = 'pending';
  p.then(
    () => (state = 'done'),
    () => (state = 'done'),
  );
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  return state;
}

async function until(cond: () => boolean, timeoutMs = 2_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('withLimits retries', () => {
  it('retries transient errors with exponential backoff, then returns the result', async () => {
    const clock = new FakeClock();
    const offers = [{ instanceType: 'x' } as Offer];
    const inner = new ScriptedProvider([{ fail: new TransientError('503') }, { fail: new TransientError('503') }, { ok: offers }]);
    const p = withLimits(inner, opts(clock)).listOffers();

    await clock.advance(0);
    expect(inner.calls).toBe(1);
    await clock.advance(499);
    expect(inner.calls).toBe(1); // random=1: first wait is the full 500 ms
    await clock.advance(1);
    expect(inner.calls).toBe(2);
    await clock.advance(999);
    expect(inner.calls).toBe(2); // second wait doubles to 1000 ms
    await clock.advance(1);
    await expect(p).resolves.toBe(offers);
    expect(inner.calls).toBe(3);
  });

  it('waits at least the Retry-After of a rate limit', async () => {
    const clock = new FakeClock();
    const inner = new ScriptedProvider([{ fail: new RateLimitedError('429', 7_000) }, { ok: [] }]);
    const p = withLimits(inner, opts(clock, { random: () => 0 })).listOffers();
    await clock.advance(6_999);
    expect(inner.calls).toBe(1);
    await clock.advance(1);
    await expect(p).resolves.toEqual([]);
    expect(inner.calls).toBe(2);
  });

  it.each([
    ['insufficient capacity', new InsufficientCapacityError('no H100 in ny2')],
    ['quota exceeded', new QuotaExceededError('limit reached')],
    ['a plain bug', new TypeError('x is undefined')],
  ])('passes %s through at once, without waiting or retrying', async (_name, error) => {
    const clock = new FakeClock();
    const inner = new ScriptedProvider([{ fail: error }, { ok: [] }]);
    const p = withLimits(inner, opts(clock)).listOffers();
    await expect(p).rejects.toBe(error);
    expect(inner.calls).toBe(1);
    expect(clock.pending).toBe(0);
  });

  it('gives up after maxRetries and surfaces the last error', async () => {
    const clock = new FakeClock();
    const last = new TransientError('still 503');
    const inner = new ScriptedProvider([
      { fail: new TransientError('503') },
      { fail: new TransientError('503') },
      { fail: last },
      { ok: [] },
    ]);
    const p = withLimits(inner, opts(clock, { maxRetries: 2 })).listOffers();
    const outcome = p.catch((e: unknown) => e);
    await clock.advance(60_000);
    expect(await outcome).toBe(last);
    expect(inner.calls).toBe(3);
  });

  it('does not sleep through a Retry-After longer than maxDelayMs', async () => {
    const clock = new FakeClock();
    const error = new RateLimitedError('daily quota', 86_400_000);
    const inner = new ScriptedProvider([{ fail: error }, { ok: [] }]);
    await expect(withLimits(inner, opts(clock)).listOffers()).rejects.toBe(error);
    expect(inner.calls).toBe(1);
  });

  it('retries create too, since every adapter finds the instance by its idempotency key', async () => {
    const clock = new FakeClock();
    const inner = new ScriptedProvider([{ fail: new TransientError('timeout') }, { ok: [] }]);
    const p = withLimits(inner, opts(clock, { random: () => 0 })).create({ name: 'n1' } as LaunchRequest);
    await clock.advance(0);
    await expect(p).resolves.toEqual({ id: 'i-n1' });
    expect(inner.calls).toBe(2);
  });
});

describe('withLimits timeouts', () => {
  it('turns a hung attempt into a TransientError after timeoutMs and aborts its signal', async () => {
    const clock = new FakeClock();
    const inner = new ScriptedProvider(['hang']);
    const p = withLimits(inner, opts(clock, { timeoutMs: 1_000, maxRetries: 0 })).listOffers();
    const outcome = p.catch((e: unknown) => e);
    await clock.advance(999);
    expect(await settled(p)).toBe('pending');
    await clock.advance(1);
    const e = await outcome;
    expect(e).toBeInstanceOf(TransientError);
    expect((e as Error).message).toBe('scripted.listOffers timed out after 1000ms');
    expect(inner.signals[0]?.aborted).toBe(true);
  });

  it('gives every attempt its own timeout and retries after one times out', async () => {
    const clock = new FakeClock();
    const inner = new ScriptedProvider(['hang', { ok: [] }]);
    const p = withLimits(inner, opts(clock, { timeoutMs: 1_000, random: () => 0 })).listOffers();
    await clock.advance(1_000);
    await expect(p).resolves.toEqual([]);
    expect(inner.calls).toBe(2);
    expect(inner.signals[1]?.aborted).toBe(false);
  });

  it("stops at once, without retrying, when the caller's signal aborts", async () => {
    const clock = new FakeClock();
    const inner = new ScriptedProvider(['hang', { ok: [] }]);
    const caller = new AbortController();
    const p = withLimits(inner, opts(clock)).listOffers(caller.signal);
    const outcome = p.catch((e: unknown) => e);
    await clock.advance(0);
    caller.abort(new Error('reconcile cancelled'));
    expect(((await outcome) as Error).message).toBe('reconcile cancelled');
    expect(inner.calls).toBe(1);
    expect(inner.signals[0]?.aborted).toBe(true);
  });
});

describe('withLimits limiter', () => {
  it('never runs more than maxConcurrent calls at once', async () => {
    const clock = new FakeClock();
    const inner = new ScriptedProvider();
    const limited = withLimits(inner, opts(clock, { maxConcurrent: 2 }));
    try {
      const calls = [1, 2, 3, 4, 5].map((i) => limited.get(`i-${i}`));
      await until(() => inner.inFlight === 2);
      await new Promise((r) => setTimeout(r, 20));
      expect(inner.started).toHaveLength(2);
      while (inner.started.length < 5 || inner.inFlight > 0) {
        if (!inner.releaseOne()) await new Promise((r) => setTimeout(r, 2));
      }
      await expect(Promise.all(calls)).resolves.toHaveLength(5);
      expect(inner.maxInFlight).toBe(2);
    } finally {
      await limited.close();
    }
  });

  it('lets a burst go at once, then spaces calls to requestsPerSecond in the order asked', async () => {
    const clock = new FakeClock();
    const inner = new ScriptedProvider();
    const at: number[] = [];
    inner.list = async () => {
      at.push(clock.now());
      return [];
    };
    // 20/s with a burst of 2: two calls at once, then one every 50 ms.
    const limited = withLimits(inner, opts(clock, { requestsPerSecond: 20, burst: 2 }));
    const t0 = clock.now();
    try {
      const calls = Promise.all([1, 2, 3, 4, 5].map(() => limited.list()));
      await clock.advance(200);
      await calls;
      expect(at.map((t) => t - t0)).toEqual([0, 0, 50, 100, 150]);
      // A quiet spell refills the burst, and no more than the burst.
      await clock.advance(1_000);
      const t1 = clock.now();
      const later = Promise.all([1, 2, 3].map(() => limited.list()));
      await clock.advance(100);
      await later;
      expect(at.slice(5).map((t) => t - t1)).toEqual([0, 0, 50]);
    } finally {
      await limited.close();
    }
  });

  it('passes name, type, capabilities through and offers pollInterruptions only when the provider has it', async () => {
    const clock = new FakeClock();
    const inner = new ScriptedProvider();
    const limited = withLimits(inner, opts(clock));
    expect(limited.name).toBe('scripted');
    expect(limited.type).toBe('sim');
    expect(limited.capabilities).toBe(inner.capabilities);
    expect(limited.pollInterruptions).toBeUndefined();

    const polling = Object.assign(new ScriptedProvider(), { pollInterruptions: async () => [] });
    expect(typeof withLimits(polling, opts(clock)).pollInterruptions).toBe('function');
  });
});

describe('limits per provider type', () => {
  it('has a documented default for every provider type and none for the sim', () => {
    const limits = (t: string) => definitionOf(t)!.limits;
    expect(limits('lambda').requestsPerSecond).toBe(1);
    expect(limits('lambda').createMinIntervalMs).toBeGreaterThanOrEqual(10_000);
    expect(limits('aws').requestsPerSecond).toBeLessThanOrEqual(20);
    expect(limits('paperspace').maxConcurrent).toBeGreaterThan(0);
    expect(limits('runpod').requestsPerSecond).toBeGreaterThan(0);
    expect(limits('sim')).toEqual({});
  });

  it('lets GpuProvider spec.rateLimit override each field, keeping the rest', () => {
    const paperspace = definitionOf('paperspace')!.limits;
    expect(resolveLimits(paperspace, { requestsPerSecond: 0.5 })).toEqual({ ...paperspace, requestsPerSecond: 0.5 });
    expect(resolveLimits(definitionOf('lambda')!.limits, { maxConcurrent: 1, burst: 1 })).toMatchObject({ maxConcurrent: 1, burst: 1, requestsPerSecond: 1 });
    expect(paperspace.requestsPerSecond).toBe(2);
  });
});
