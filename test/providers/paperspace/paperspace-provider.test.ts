import { FakeClock, RealClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/logger.js';
import {
  AuthError,
  InsufficientCapacityError,
  InvalidRequestError,
  NotFoundError,
  QuotaExceededError,
  RateLimitedError,
  TransientError,
  UnsupportedError,
} from '../../../src/providers/errors.js';
import { PaperspaceProvider, type PaperspaceOptions } from '../../../src/providers/paperspace/paperspace-provider.js';
import { buildProvider } from '../../../src/providers/pipeline/pipeline.js';
import { paperspaceDefinition } from '../../../src/providers/paperspace/definition.js';
import type { LaunchRequest, Offer } from '../../../src/providers/types.js';
import type { GpuProviderSpec } from '../../../src/api/types.js';
import { contractLaunchRequest, describeProviderContract } from '../contract.js';
import { FAKE_API_KEY, startFakePaperspace, type FakePaperspace } from './fake-paperspace.js';

const createPaperspaceProvider = paperspaceDefinition.factory();

const CLUSTER = 'prod-east';

function provider(
  fake: FakePaperspace,
  over: { spec?: Partial<GpuProviderSpec>; opts?: PaperspaceOptions; apiKey?: string; clock?: FakeClock | RealClock } = {},
): PaperspaceProvider {
  return new PaperspaceProvider(
    { name: 'paperspace-main', spec: { type: 'paperspace', regions: ['ny2'], ...over.spec } },
    {
      clusterName: CLUSTER,
      credentials: { apiKey: over.apiKey ?? FAKE_API_KEY },
      clock: over.clock ?? new RealClock(),
      logger: silentLogger(),
      baseUrl: fake.baseUrl,
    },
    { eventPollMs: 1, eventWaitMs: 50, ...over.opts },
  );
}

function offer(over: Partial<Offer> = {}): Offer {
  return {
    provider: 'paperspace-main',
    providerType: 'paperspace',
    instanceType: 'A100-80G',
    gpuModel: 'A100-80GB',
    gpuCount: 1,
    gpuMemoryGiB: 80,
    vcpus: 12,
    memoryGiB: 90,
    region: 'ny2',
    capacityType: 'on-demand',
    pricePerHour: 3.18,
    available: true,
    ...over,
  };
}

function launch(slot: number, over: Partial<Offer> = {}): LaunchRequest {
  return contractLaunchRequest(CLUSTER, offer(over), slot);
}

describeProviderContract('paperspace (stateful fake)', async () => {
  const fake = await startFakePaperspace();
  return {
    provider: provider(fake),
    clusterName: CLUSTER,
    launchCount: () => fake.launches,
    unknownId: 'psdoesnotexist',
    stop: () => fake.stop(),
  };
});

describe('paperspace adapter', () => {
  let fake: FakePaperspace;

  beforeEach(async () => {
    fake = await startFakePaperspace();
  });

  afterEach(async () => {
    await fake.stop();
  });

  it('prices offers from the shipped table, with GpuProvider overrides taking over', async () => {
    const p = provider(fake, { spec: { paperspace: { priceOverrides: [{ machineType: 'H100', pricePerHour: '4.50' }] } } });
    const offers = await p.listOffers();
    const h100 = offers.find((o) => o.instanceType === 'H100');
    expect(h100).toMatchObject({ gpuModel: 'H100', gpuCount: 1, region: 'ny2', capacityType: 'on-demand', pricePerHour: 4.5 });
    expect(offers.find((o) => o.instanceType === 'H100x8')).toMatchObject({ gpuCount: 8, pricePerHour: 47.6 });
    // Machine types with no normalised GPU name are skipped, not guessed.
    expect(offers.map((o) => o.instanceType)).not.toContain('RTX4000');
    expect(offers.every((o) => o.capacityType === 'on-demand')).toBe(true);
    const asked = fake.server.requests.filter((r) => r.path.startsWith('/machine-availability'));
    expect(asked.length).toBe(offers.length);
    expect(new URL(asked[0]!.path, 'http://x').searchParams.get('region')).toBe('East Coast (NY2)');
  });

  it('launches with a run-once startup script holding the bootstrap, and attaches it', async () => {
    const p = provider(fake);
    const req = launch(1);
    const inst = await p.create(req);
    expect(inst).toMatchObject({ name: req.name, instanceType: 'A100-80G', region: 'ny2', state: 'pending', pricePerHour: 3.18 });
    const [script] = [...fake.scripts.values()];
    expect(script).toMatchObject({ name: req.name, script: req.bootstrap.userData, isRunOnce: true });
    const machine = fake.machines.get(inst.id)!;
    expect(machine.startupScriptId).toBe(script!.id);
    const post = fake.server.requests.find((r) => r.method === 'POST' && r.path === '/machines')!;
    expect(JSON.parse(post.body)).toMatchObject({
      name: req.name,
      machineType: 'A100-80G',
      templateId: 'tpl-ubuntu2204',
      region: 'East Coast (NY2)',
      emailPassword: false,
    });
  });

  it('boots the OS template the GpuProvider names in spec.paperspace.templateId', async () => {
    const p = await createPaperspaceProvider(
      { name: 'paperspace-main', spec: { type: 'paperspace', regions: ['ny2'], paperspace: { templateId: 'tpl-pinned' } } },
      { clusterName: CLUSTER, credentials: { apiKey: FAKE_API_KEY }, clock: new RealClock(), logger: silentLogger(), baseUrl: fake.baseUrl },
    );
    await p.create(launch(7));
    const post = fake.server.requests.find((r) => r.method === 'POST' && r.path === '/machines')!;
    expect(JSON.parse(post.body)).toMatchObject({ templateId: 'tpl-pinned' });
    expect(fake.server.requests.some((r) => r.path.startsWith('/templates'))).toBe(false);
  });

  it('returns the machine already made for a name instead of buying a second one', async () => {
    const p = provider(fake);
    const req = launch(2);
    const first = await p.create(req);
    const second = await p.create(req);
    expect(second.id).toBe(first.id);
    expect(fake.launches).toBe(1);
    expect(fake.scripts.size).toBe(1);
  });

  it('reuses the startup script a crashed attempt left behind', async () => {
    const p = provider(fake);
    const req = launch(3);
    fake.failNext('POST /machines', { status: 503, body: { code: 'SERVICE_UNAVAILABLE', message: 'try later' } });
    await expect(p.create(req)).rejects.toBeInstanceOf(TransientError);
    // A failed POST cleans up the script it made...
    expect(fake.scripts.size).toBe(0);
    await p.create(req);
    expect(fake.scripts.size).toBe(1);
    expect(fake.launches).toBe(1);
  });

  it('turns a failed create event into InsufficientCapacity and removes the machine and its script', async () => {
    const p = provider(fake);
    fake.nextEvent = { state: 'error', error: 'We are currently out of capacity for the selected VM type.' };
    const err = await p.create(launch(4)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InsufficientCapacityError);
    expect(fake.machines.size).toBe(0);
    expect(fake.scripts.size).toBe(0);
  });

  it('returns a machine still provisioning as pending once the event wait is over', async () => {
    const clock = new FakeClock();
    const p = provider(fake, { clock, opts: { eventWaitMs: 0 } });
    fake.nextEvent = { state: 'in progress' };
    const inst = await p.create(launch(5));
    expect(inst.state).toBe('pending');
    expect(fake.machines.has(inst.id)).toBe(true);
  });

  it('lists only machines named for this cluster', async () => {
    const p = provider(fake);
    const mine = await p.create(launch(6));
    fake.machines.set('psother', { ...fake.machines.get(mine.id)!, id: 'psother', name: 'someone-elses-box' });
    fake.machines.set('psotherc', { ...fake.machines.get(mine.id)!, id: 'psotherc', name: 'gpr-other-cluster-1-0' });
    expect((await p.list()).map((i) => i.id)).toEqual([mine.id]);
  });

  it('refuses to delete a machine this cluster did not launch', async () => {
    const p = provider(fake);
    const mine = await p.create(launch(7));
    fake.machines.set('psother', { ...fake.machines.get(mine.id)!, id: 'psother', name: 'someone-elses-box' });
    await expect(p.delete('psother')).rejects.toBeInstanceOf(InvalidRequestError);
    expect(fake.machines.has('psother')).toBe(true);
  });

  it('deletes the startup script with the machine', async () => {
    const p = provider(fake);
    const inst = await p.create(launch(8));
    expect(fake.scripts.size).toBe(1);
    await p.delete(inst.id);
    expect(fake.machines.has(inst.id)).toBe(false);
    expect(fake.scripts.size).toBe(0);
  });

  it('refuses spot, since Paperspace has none', async () => {
    await expect(provider(fake).create(launch(9, { capacityType: 'spot' }))).rejects.toBeInstanceOf(UnsupportedError);
    expect(fake.launches).toBe(0);
  });

  it('refuses a bootstrap larger than a startup script can hold, before buying anything', async () => {
    const req = launch(10);
    req.bootstrap.userData = 'x'.repeat(16 * 1024 + 1);
    await expect(provider(fake).create(req)).rejects.toBeInstanceOf(InvalidRequestError);
    expect(fake.server.requests).toHaveLength(0);
  });

  it('throws NotFoundError from get for an unknown machine', async () => {
    await expect(provider(fake).get('psnope')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('reports bad credentials as AuthError', async () => {
    await expect(provider(fake, { apiKey: 'wrong' }).checkCredentials()).rejects.toBeInstanceOf(AuthError);
    await expect(provider(fake, { apiKey: '' }).checkCredentials()).rejects.toBeInstanceOf(AuthError);
  });
});

describe('paperspace error paths (scripted)', () => {
  let fake: FakePaperspace;

  beforeAll(async () => {
    fake = await startFakePaperspace();
  });

  afterAll(async () => {
    await fake.stop();
  });

  it.each([
    ['capacity', { status: 400, body: { code: 'BAD_REQUEST', message: 'We are currently out of capacity for the selected VM type. Try again in a few minutes, or select a different instance.' } }, InsufficientCapacityError],
    ['quota', { status: 400, body: { code: 'BAD_REQUEST', message: 'You have reached the maximum number of machines for your team' } }, QuotaExceededError],
    ['billing', { status: 402, body: { code: 'PAYMENT_REQUIRED', message: 'Account not in good standing' } }, QuotaExceededError],
    ['bad request', { status: 400, body: { code: 'BAD_REQUEST', message: 'diskSize must be one of 50, 100, 250' } }, InvalidRequestError],
    ['5xx', { status: 502, body: 'bad gateway' }, TransientError],
    ['malformed JSON', { status: 200, body: '{"data": {"id": ' }, TransientError],
  ])('POST /machines answering %s', async (_name, response, type) => {
    fake.failNext('POST /machines', response);
    const err = await provider(fake).create(launch(20)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(type);
  });

  it('429 carries the Retry-After as retryAfterMs', async () => {
    fake.failNext('GET /machines', { status: 429, headers: { 'retry-after': '7' }, body: { code: 'TOO_MANY_REQUESTS', message: 'slow down' } });
    const err = await provider(fake).list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterMs).toBe(7_000);
  });

  it("a hung call becomes a TransientError at the pipeline's timeout", async () => {
    fake.failNext('GET /machines', { hang: true });
    const t0 = Date.now();
    const piped = await buildProvider(
      paperspaceDefinition,
      { name: 'paperspace-main', spec: { type: 'paperspace', regions: ['ny2'] } },
      { clusterName: CLUSTER, credentials: { apiKey: FAKE_API_KEY }, clock: new RealClock(), logger: silentLogger() },
      { factory: () => provider(fake), timeoutMs: 150, retry: { maxRetries: 0 } },
    );
    const err = await piped.list().catch((e: unknown) => e);
    await piped.close();
    expect(err).toBeInstanceOf(TransientError);
    expect((err as Error).message).toBe('paperspace-main.list timed out after 150ms');
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('a refused connection is a TransientError', async () => {
    const dead = await startFakePaperspace();
    const p = provider(dead);
    await dead.stop();
    await expect(p.list()).rejects.toBeInstanceOf(TransientError);
  });

  it('never puts the API key into an error message, even when the vendor echoes it back', async () => {
    const echo = (status: number) => ({
      status,
      body: { code: 'ECHO', message: `bad header Authorization: Bearer ${FAKE_API_KEY} rejected` },
    });
    const statuses = [400, 401, 403, 404, 409, 429, 500, 503];
    for (const status of statuses) {
      fake.failNext('GET /machines', echo(status));
      const err = await provider(fake).list().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).not.toContain(FAKE_API_KEY);
      expect((err as Error).message).toContain('[redacted]');
      expect(JSON.stringify(err)).not.toContain(FAKE_API_KEY);
    }
    fake.nextEvent = { state: 'error', error: `token ${FAKE_API_KEY} invalid` };
    const evErr = await provider(fake).create(launch(30)).catch((e: unknown) => e);
    expect((evErr as Error).message).not.toContain(FAKE_API_KEY);
  });
});
