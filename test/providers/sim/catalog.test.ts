import { GPU_MODELS } from '../../../src/api/gpu-models.js';
import { SIM_INSTANCE_TYPES, SIM_REGIONS, simOfferings, simOfferingKey, type SimOffering } from '../../../src/providers/sim/catalog.js';

describe('sim catalogue', () => {
  const offerings = simOfferings();

  it('prices each type at its per-GPU list price times GPU count, times the regional multiplier', () => {
    const h100x8 = offerings.find((o) => o.zone === 'sim-us-east-1a' && o.instanceType.name === 'g-h100x8' && o.capacityType === 'on-demand');
    expect(h100x8?.pricePerHour).toBe(23.92);
    const euL4 = offerings.find((o) => o.zone === 'sim-eu-central-1a' && o.instanceType.name === 'g-l4x1' && o.capacityType === 'on-demand');
    expect(euL4?.pricePerHour).toBe(0.81);
  });

  it('sells spot at 35-65 % off on-demand, the discount varying by region', () => {
    const discounts = new Set<number>();
    const key = (o: SimOffering, capacityType = o.capacityType) =>
      simOfferingKey({ region: o.region, zone: o.zone, instanceType: o.instanceType.name, capacityType });
    const onDemand = new Map(offerings.filter((o) => o.capacityType === 'on-demand').map((o) => [key(o), o]));
    for (const spot of offerings.filter((o) => o.capacityType === 'spot')) {
      const od = onDemand.get(key(spot, 'on-demand'));
      const off = 1 - spot.pricePerHour / od!.pricePerHour;
      expect(off).toBeGreaterThanOrEqual(0.34);
      expect(off).toBeLessThanOrEqual(0.66);
      discounts.add(Math.round(off * 20));
    }
    expect(discounts.size).toBeGreaterThan(1);
  });

  it('uses only normalised GPU models and known regions, with some offerings at zero capacity', () => {
    for (const t of SIM_INSTANCE_TYPES) expect(Object.keys(GPU_MODELS)).toContain(t.gpuModel);
    const regions = SIM_REGIONS.map((r) => r.name);
    for (const o of offerings) expect(regions).toContain(o.region);
    expect(offerings.some((o) => o.capacity === 0)).toBe(true);
    expect(offerings.some((o) => o.capacity > 0)).toBe(true);
    expect(new Set(offerings.map((o) => simOfferingKey({ ...o, instanceType: o.instanceType.name }))).size).toBe(offerings.length);
  });
});
