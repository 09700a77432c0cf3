import type { GpuRequestSpec } from '../../src/api/types.js';
import {
  formatPricePerHour,
  normaliseGpuModel,
  selectOffers,
  type RejectionCode,
  type SelectionContext,
} from '../../src/pricing/selection.js';
import { offerKey, type Capabilities, type Offer } from '../../src/providers/types.js';
import { offer } from '../support/builders.js';

const CAPS: Record<string, Capabilities> = {
  aws: { unsupported: {} },
  lambda: { unsupported: { spot: 'Lambda Cloud sells no spot instances' } },
  runpod: { unsupported: { 'node-join': 'pods are containers and cannot run a kubelet' } },
  'sim-a': { unsupported: {} },
};

function ctx(unavailable: string[] = [], caps: Record<string, Capabilities> = CAPS): SelectionContext {
  return { isUnavailable: (k) => unavailable.includes(k), capabilities: (p) => caps[p] };
}

function spec(overrides: Partial<GpuRequestSpec> = {}): GpuRequestSpec {
  return { gpu: { model: 'H100', count: 8 }, ...overrides };
}

const label = (o: Offer) => `${o.provider}:${o.instanceType}:${o.zone ?? o.region}:${o.capacityType}`;

describe('selectOffers filters', () => {
  const cases: { name: string; offer: Offer; spec?: Partial<GpuRequestSpec>; unavailable?: boolean; code?: RejectionCode }[] = [
    { name: 'fits', offer: offer() },
    { name: 'model differs', offer: offer({ gpuModel: 'A100-80GB' }), code: 'gpu-model' },
    { name: 'model matches once normalised', offer: offer(), spec: { gpu: { model: ' h100 ', count: 8 } } },
    { name: 'count differs', offer: offer({ gpuCount: 1 }), code: 'gpu-count' },
    { name: 'too little GPU memory', offer: offer(), spec: { gpu: { model: 'H100', count: 8, minMemoryGiB: 96 } }, code: 'gpu-memory' },
    { name: 'enough GPU memory', offer: offer(), spec: { gpu: { model: 'H100', count: 8, minMemoryGiB: 80 } } },
    { name: 'provider not allowed', offer: offer(), spec: { providers: ['lambda'] }, code: 'provider' },
    { name: 'provider allowed by name', offer: offer({ provider: 'sim-a', providerType: 'sim' }), spec: { providers: ['sim-a'] } },
    { name: 'provider allowed by type', offer: offer({ provider: 'sim-a', providerType: 'sim' }), spec: { providers: ['sim'] } },
    { name: 'region not allowed', offer: offer(), spec: { regions: ['eu-west-1'] }, code: 'region' },
    { name: 'region allowed', offer: offer(), spec: { regions: ['eu-west-1', 'us-east-1'] } },
    { name: 'spot not asked for (default on-demand)', offer: offer({ capacityType: 'spot' }), code: 'capacity-type' },
    { name: 'on-demand not asked for', offer: offer(), spec: { capacityTypes: ['spot'] }, code: 'capacity-type' },
    { name: 'provider not live', offer: offer({ provider: 'gone' }), code: 'provider-not-ready' },
    { name: 'provider cannot join a node', offer: offer({ provider: 'runpod', providerType: 'runpod' }), code: 'node-join' },
    {
      name: 'spot at a provider without spot',
      offer: offer({ provider: 'lambda', providerType: 'lambda', capacityType: 'spot' }),
      spec: { capacityTypes: ['spot'] },
      code: 'spot',
    },
    { name: 'on-demand at a provider without spot', offer: offer({ provider: 'lambda', providerType: 'lambda' }) },
    { name: 'out of capacity', offer: offer({ available: false }), code: 'out-of-capacity' },
    { name: 'recently unavailable', offer: offer(), unavailable: true, code: 'recently-unavailable' },
    { name: 'over the price limit', offer: offer(), spec: { maxPricePerHour: '55.03' }, code: 'price' },
    { name: 'exactly the price limit', offer: offer(), spec: { maxPricePerHour: '55.04' } },
  ];

  it.each(cases)('$name', ({ offer: o, spec: s, unavailable, code }) => {
    const sel = selectOffers([o], spec(s), ctx(unavailable ? [offerKey(o)] : []));
    if (code === undefined) {
      expect(sel.candidates).toEqual([o]);
      expect(sel.rejected).toEqual([]);
      expect(sel.noFitMessage).toBeUndefined();
    } else {
      expect(sel.candidates).toEqual([]);
      expect(sel.rejected.map((r) => r.code)).toEqual([code]);
      expect(sel.rejected[0]!.reason.length).toBeGreaterThan(0);
      expect(sel.noFitMessage).toBeDefined();
    }
  });

  it('rejects by the first filter that fails', () => {
    const o = offer({ gpuCount: 1, available: false, pricePerHour: 999 });
    const sel = selectOffers([o], spec({ maxPricePerHour: '10' }), ctx());
    expect(sel.rejected.map((r) => r.code)).toEqual(['gpu-count']);
  });
});

describe('selectOffers ordering', () => {
  it('orders by price within one capacity type', () => {
    const a = offer({ zone: 'us-east-1a', pricePerHour: 30 });
    const b = offer({ zone: 'us-east-1b', pricePerHour: 20 });
    const c = offer({ provider: 'lambda', providerType: 'lambda', zone: undefined, pricePerHour: 25 });
    expect(selectOffers([a, b, c], spec(), ctx()).candidates).toEqual([b, c, a]);
  });

  it('puts spot first when spot is listed first, even when on-demand is cheaper', () => {
    const od = offer({ pricePerHour: 20 });
    const spot = offer({ capacityType: 'spot', pricePerHour: 25 });
    expect(selectOffers([od, spot], spec({ capacityTypes: ['spot', 'on-demand'] }), ctx()).candidates).toEqual([spot, od]);
    expect(selectOffers([od, spot], spec({ capacityTypes: ['on-demand', 'spot'] }), ctx()).candidates).toEqual([od, spot]);
  });

  it('falls back to on-demand when no spot offer fits', () => {
    const od = offer({ pricePerHour: 50 });
    const spot = offer({ capacityType: 'spot', pricePerHour: 20, available: false });
    const sel = selectOffers([spot, od], spec({ capacityTypes: ['spot', 'on-demand'] }), ctx());
    expect(sel.candidates).toEqual([od]);
  });

  it('breaks price ties by provider, region, zone and instance type, whatever the input order', () => {
    const offers = [
      offer({ provider: 'sim-a', providerType: 'sim', region: 'sim-us-east-1', zone: 'sim-us-east-1b', pricePerHour: 10 }),
      offer({ provider: 'sim-a', providerType: 'sim', region: 'sim-us-east-1', zone: 'sim-us-east-1a', pricePerHour: 10, instanceType: 'g-h100x8' }),
      offer({ provider: 'sim-a', providerType: 'sim', region: 'sim-us-east-1', zone: 'sim-us-east-1a', pricePerHour: 10, instanceType: 'g-a' }),
      offer({ provider: 'aws', region: 'us-west-2', zone: 'us-west-2a', pricePerHour: 10 }),
      offer({ provider: 'aws', region: 'us-east-1', zone: 'us-east-1a', pricePerHour: 10 }),
    ];
    const expected = [
      'aws:p5.48xlarge:us-east-1a:on-demand',
      'aws:p5.48xlarge:us-west-2a:on-demand',
      'sim-a:g-a:sim-us-east-1a:on-demand',
      'sim-a:g-h100x8:sim-us-east-1a:on-demand',
      'sim-a:p5.48xlarge:sim-us-east-1b:on-demand',
    ];
    expect(selectOffers(offers, spec(), ctx()).candidates.map(label)).toEqual(expected);
    expect(selectOffers([...offers].reverse(), spec(), ctx()).candidates.map(label)).toEqual(expected);
  });
});

describe('selectOffers summary', () => {
  it('shows the choice, two runners-up and the cheaper offers it could not take, five at most', () => {
    const offers = [
      offer({ zone: 'us-east-1a', pricePerHour: 40 }),
      offer({ zone: 'us-east-1b', pricePerHour: 41 }),
      offer({ zone: 'us-east-1c', pricePerHour: 42 }),
      offer({ zone: 'us-east-1d', pricePerHour: 43 }),
      offer({ zone: 'us-east-1e', pricePerHour: 10, available: false }),
      offer({ provider: 'runpod', providerType: 'runpod', zone: undefined, pricePerHour: 20 }),
      offer({ zone: 'us-east-1f', pricePerHour: 5, available: false }),
      offer({ gpuModel: 'L4', pricePerHour: 1 }),
      offer({ zone: 'us-east-1g', pricePerHour: 60, available: false }),
    ];
    const sel = selectOffers(offers, spec(), ctx());
    expect(sel.summary).toEqual([
      { provider: 'aws', region: 'us-east-1', zone: 'us-east-1a', instanceType: 'p5.48xlarge', capacityType: 'on-demand', pricePerHour: '40.00', outcome: 'selected' },
      expect.objectContaining({ zone: 'us-east-1b', outcome: 'runner-up' }),
      expect.objectContaining({ zone: 'us-east-1c', outcome: 'runner-up' }),
      expect.objectContaining({ zone: 'us-east-1f', outcome: 'unavailable', reason: 'out of capacity', pricePerHour: '5.00' }),
      expect.objectContaining({ zone: 'us-east-1e', outcome: 'unavailable' }),
    ]);
  });

  it('with no choice, shows the closest misses', () => {
    const offers = [
      offer({ provider: 'runpod', providerType: 'runpod', zone: undefined, pricePerHour: 20 }),
      offer({ pricePerHour: 30 }),
    ];
    const sel = selectOffers(offers, spec({ maxPricePerHour: '25' }), ctx());
    expect(sel.summary.map((s) => [s.provider, s.outcome])).toEqual([
      ['runpod', 'rejected'],
      ['aws', 'rejected'],
    ]);
    expect(sel.summary[1]!.reason).toBe('$30.00/h is over the $25.00/h limit');
  });
});

describe('selectOffers messages when nothing fits', () => {
  const market = [
    offer({ capacityType: 'spot', pricePerHour: 23.1 }),
    offer({ pricePerHour: 55.04 }),
    offer({ provider: 'lambda', providerType: 'lambda', region: 'us-west-1', zone: undefined, pricePerHour: 23.92 }),
    offer({ instanceType: 'p5.4xlarge', gpuCount: 1, pricePerHour: 6.88 }),
    offer({ instanceType: 'p5x16', gpuCount: 16, pricePerHour: 99 }),
    offer({ provider: 'runpod', providerType: 'runpod', gpuModel: 'RTX-4090', gpuCount: 1, gpuMemoryGiB: 24, zone: undefined, pricePerHour: 0.69 }),
  ];

  const cases: { name: string; spec: Partial<GpuRequestSpec>; unavailable?: string[]; caps?: Record<string, Capabilities>; message: string }[] = [
    { name: 'no provider sells the model', spec: { gpu: { model: 'L4', count: 1 } }, message: 'no provider offers L4' },
    {
      name: 'no node has that many GPUs',
      spec: { gpu: { model: 'H100', count: 4 } },
      message: 'no provider offers 4×H100 on one node; H100 comes in 1×, 8×, 16×',
    },
    {
      name: 'not enough GPU memory',
      spec: { gpu: { model: 'H100', count: 8, minMemoryGiB: 141 } },
      message: 'no 8×H100 offer has 141 GiB per GPU; the most is 80 GiB',
    },
    {
      name: 'no allowed provider sells it',
      spec: { providers: ['paperspace'] },
      message: 'no 8×H100 offer from paperspace; offered by aws, lambda',
    },
    { name: 'not in the allowed regions', spec: { regions: ['eu-west-1'] }, message: 'no 8×H100 offer in eu-west-1; offered in us-east-1, us-west-1' },
    {
      name: 'not as the capacity type asked for',
      spec: { capacityTypes: ['spot'], providers: ['lambda'] },
      message: 'no 8×H100 offer as spot; only on-demand',
    },
    {
      name: 'over the price limit',
      spec: { maxPricePerHour: '20', regions: ['us-east-1'], capacityTypes: ['spot', 'on-demand'] },
      message: 'no offer for 8×H100 under $20/h in us-east-1; cheapest is $23.10/h (aws spot us-east-1)',
    },
    {
      name: 'every fitting offer is out of capacity',
      spec: { regions: ['us-east-1'] },
      unavailable: [offerKey(offer())],
      message: 'every 8×H100 offer that fits is out of capacity (aws on-demand us-east-1a); try other regions, providers or capacity types',
    },
    {
      name: 'only a provider that cannot join a node sells it',
      spec: { gpu: { model: 'rtx-4090', count: 1 } },
      message: '1×RTX-4090 fits only at providers that cannot serve it: runpod cannot join a node: pods are containers and cannot run a kubelet',
    },
    {
      name: 'the only seller is not ready',
      spec: { gpu: { model: 'RTX-4090', count: 1 } },
      caps: { aws: { unsupported: {} } },
      message: '1×RTX-4090 is offered only by runpod, not ready yet',
    },
  ];

  it.each(cases)('$name', ({ spec: s, unavailable, caps, message }) => {
    const sel = selectOffers(market, spec(s), ctx(unavailable, caps));
    expect(sel.candidates).toEqual([]);
    expect(sel.noFitMessage).toBe(message);
  });

  it('names the provider and its reason when the fitting offers are spot at a provider without spot', () => {
    const spot = offer({ provider: 'lambda', providerType: 'lambda', capacityType: 'spot', pricePerHour: 9 });
    const sel = selectOffers([spot], spec({ capacityTypes: ['spot'] }), ctx());
    expect(sel.noFitMessage).toBe('8×H100 fits only at providers that cannot serve it: lambda cannot launch spot: Lambda Cloud sells no spot instances');
  });

  it('says so when there are no offers at all', () => {
    expect(selectOffers([], spec(), ctx()).noFitMessage).toBe('no provider offers H100');
  });
});

describe('helpers', () => {
  it.each([
    ['h100', 'H100'],
    ['a100-80gb', 'A100-80GB'],
    ['NVIDIA H100', 'H100'],
    ['rtx 4090', 'RTX-4090'],
  ])('normalises %s to %s', (input, out) => {
    expect(normaliseGpuModel(input)).toBe(out);
  });

  it.each([
    [23.1, '23.10'],
    [20, '20.00'],
    [0.3456, '0.3456'],
    [1.23456789, '1.2346'],
  ])('formats %d as %s', (n, s) => {
    expect(formatPricePerHour(n)).toBe(s);
  });
});
