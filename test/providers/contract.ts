/**
 * The shared provider contract: every adapter runs this suite against a backing cloud
 * (the sim, or a small stateful fake server speaking the vendor's JSON). It checks what
 * the controllers rely on and no more: well-formed offers, create/get/list/delete,
 * idempotent create and delete, NotFoundError for unknown ids, capabilities as data.
 */
import { GPU_MODELS, isGpuModel } from '../../src/api/gpu-models.js';
import { Labels } from '../../src/api/constants.js';
import { isNotFound } from '../../src/providers/errors.js';
import {
  CAPACITY_TYPES,
  PROVIDER_TYPES,
  type CloudProvider,
  type Feature,
  type Instance,
  type LaunchRequest,
  type Offer,
} from '../../src/providers/types.js';

export interface ContractFixture {
  provider: CloudProvider;
  /** The cluster name the provider was built with; launch names carry it. */
  clusterName: string;
  /** Which offer to launch; default: the first available one listOffers returns. */
  pickOffer?: (offers: Offer[]) => Offer | undefined;
  /** Adjusts the default LaunchRequest (e.g. provider-specific bootstrap). */
  launchRequest?: (base: LaunchRequest) => LaunchRequest;
  /** How many machines the backing cloud has launched so far, when the fixture can tell. */
  launchCount?: () => number | Promise<number>;
  /** Lets time pass in the backing cloud after a mutating call (e.g. advance a FakeClock). */
  settle?: () => Promise<void>;
  /** An id in the provider's format that no instance has. */
  unknownId?: string;
  stop?: () => Promise<void>;
}

const FEATURES: readonly Feature[] = ['spot', 'node-join', 'capacity-reservation', 'price-api', 'interruption-notice'];

/** A name in the shape of a GpuMachine's (src/controller/machine/naming.ts): `gpr-<cluster>-<uid8>-<suffix>`. */
export function contractLaunchName(clusterName: string, slot: number): string {
  const cluster = clusterName.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 20).replace(/-+$/, '');
  return `gpr-${cluster}-c0ffee00-${slot}-0`;
}

export function contractLaunchRequest(clusterName: string, offer: Offer, slot: number): LaunchRequest {
  const name = contractLaunchName(clusterName, slot);
  return {
    idempotencyKey: name,
    name,
    offer,
    tags: {
      [Labels.cluster]: clusterName,
      [Labels.requestNamespace]: 'default',
      [Labels.requestName]: 'contract',
      [Labels.requestUid]: 'c0ffee00-0000-4000-8000-000000000000',
      [Labels.machine]: name,
    },
    bootstrap: {
      hostname: name,
      nodeLabels: { [Labels.machine]: name },
      nodeTaints: [],
      userData: '#cloud-config\n{}\n',
    },
  };
}

export function describeProviderContract(name: string, setup: () => Promise<ContractFixture>): void {
  describe(`provider contract: ${name}`, () => {
    let fx: ContractFixture;
    let slot = 0;

    beforeAll(async () => {
      fx = await setup();
    });

    afterAll(async () => {
      await fx?.stop?.();
    });

    const settle = async () => {
      await fx.settle?.();
    };

    async function launchable(): Promise<Offer> {
      const offers = await fx.provider.listOffers();
      const offer = fx.pickOffer ? fx.pickOffer(offers) : offers.find((o) => o.available);
      if (!offer) throw new Error(`${name}: no launchable offer among ${offers.length}`);
      return offer;
    }

    async function request(): Promise<LaunchRequest> {
      const base = contractLaunchRequest(fx.clusterName, await launchable(), ++slot);
      return fx.launchRequest ? fx.launchRequest(base) : base;
    }

    async function launch(req: LaunchRequest): Promise<Instance> {
      const inst = await fx.provider.create(req);
      await settle();
      return inst;
    }

    it('declares its name, type and capabilities as data', () => {
      const p = fx.provider;
      expect(typeof p.name).toBe('string');
      expect(p.name.length).toBeGreaterThan(0);
      expect(PROVIDER_TYPES).toContain(p.type);
      for (const [feature, reason] of Object.entries(p.capabilities.unsupported)) {
        expect(FEATURES).toContain(feature);
        expect(typeof reason).toBe('string');
        expect((reason as string).length).toBeGreaterThan(0);
      }
    });

    it('lists well-formed offers', async () => {
      const offers = await fx.provider.listOffers();
      expect(offers.length).toBeGreaterThan(0);
      for (const o of offers) {
        expect(o.provider).toBe(fx.provider.name);
        expect(o.providerType).toBe(fx.provider.type);
        expect(isGpuModel(o.gpuModel)).toBe(true);
        expect(Number.isInteger(o.gpuCount) && o.gpuCount > 0).toBe(true);
        expect(o.gpuMemoryGiB).toBeGreaterThan(0);
        expect(o.pricePerHour).toBeGreaterThan(0);
        expect(Number.isFinite(o.pricePerHour)).toBe(true);
        expect(o.vcpus).toBeGreaterThanOrEqual(0);
        expect(o.memoryGiB).toBeGreaterThanOrEqual(0);
        expect(typeof o.region).toBe('string');
        expect(o.region.length).toBeGreaterThan(0);
        expect(CAPACITY_TYPES).toContain(o.capacityType);
        expect(typeof o.available).toBe('boolean');
        expect(o.instanceType.length).toBeGreaterThan(0);
      }
      expect(Object.keys(GPU_MODELS)).toEqual(expect.arrayContaining([...new Set(offers.map((o) => o.gpuModel))]));
    });

    it('offers no spot capacity when it declares spot unsupported', async () => {
      if (fx.provider.capabilities.unsupported.spot === undefined) return;
      const offers = await fx.provider.listOffers();
      expect(offers.filter((o) => o.capacityType === 'spot')).toEqual([]);
    });

    it('creates an instance that get and list then return', async () => {
      const req = await request();
      const inst = await launch(req);
      expect(inst.id).toBeTruthy();
      expect(inst.provider).toBe(fx.provider.name);
      expect(inst.providerType).toBe(fx.provider.type);
      expect(inst.instanceType).toBe(req.offer.instanceType);
      expect(inst.region).toBe(req.offer.region);
      expect(inst.capacityType).toBe(req.offer.capacityType);
      expect(['pending', 'running']).toContain(inst.state);

      const got = await fx.provider.get(inst.id);
      expect(got.id).toBe(inst.id);
      expect(got.instanceType).toBe(req.offer.instanceType);

      const listed = await fx.provider.list();
      expect(listed.map((i) => i.id)).toContain(inst.id);
      for (const i of listed) expect(i.state).not.toBe('terminated');
    });

    it('returns the existing instance when create is repeated with the same idempotency key', async () => {
      const req = await request();
      const before = await fx.launchCount?.();
      const first = await launch(req);
      const second = await launch(req);
      expect(second.id).toBe(first.id);
      const same = (await fx.provider.list()).filter(
        (i) => i.id === first.id || (i.name !== undefined && i.name === req.name) || i.idempotencyKey === req.idempotencyKey,
      );
      expect(same).toHaveLength(1);
      if (before !== undefined) expect(await fx.launchCount!()).toBe(before + 1);
    });

    it('deletes idempotently, and the deleted instance stops counting as owned', async () => {
      const inst = await launch(await request());
      await fx.provider.delete(inst.id);
      await settle();
      await expect(fx.provider.delete(inst.id)).resolves.toBeUndefined();
      await settle();
      const still = (await fx.provider.list()).find((i) => i.id === inst.id);
      if (still) expect(['terminating', 'terminated', 'stopping']).toContain(still.state);
      try {
        const got = await fx.provider.get(inst.id);
        expect(['terminating', 'terminated', 'stopping', 'stopped']).toContain(got.state);
      } catch (e) {
        expect(isNotFound(e)).toBe(true);
      }
    });

    it('throws NotFoundError from get for an unknown id', async () => {
      const err = await fx.provider.get(fx.unknownId ?? 'does-not-exist-0').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isNotFound(err)).toBe(true);
    });

    it('deletes an unknown id without error', async () => {
      await expect(fx.provider.delete(fx.unknownId ?? 'does-not-exist-0')).resolves.toBeUndefined();
    });

    it('accepts working credentials', async () => {
      await expect(fx.provider.checkCredentials()).resolves.toBeUndefined();
    });
  });
}
