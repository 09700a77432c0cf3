import { GPU_INSTANCE_FAMILIES, normaliseAwsGpu } from '../../../src/providers/aws/gpu-names.js';
import { buildOffers, gpuInstanceTypes, latestSpotPrices, zonesByType } from '../../../src/providers/aws/offers.js';
import { onDemandPriceFilters, onDemandPriceFrom } from '../../../src/providers/aws/on-demand-price.js';
import { INSTANCE_TYPES, OFFERINGS, SPOT_HISTORY, priceListEntry } from './fixtures.js';

describe('AWS GPU names', () => {
  it.each([
    ['H100', 81920, 'H100'],
    ['H200', 144384, 'H200'],
    ['B200', 183359, 'B200'],
    ['A100', 40960, 'A100-40GB'],
    ['A100', 81920, 'A100-80GB'],
    ['A10G', 24576, 'A10G'],
    ['L40S', 45776, 'L40S'],
    ['L4', 23034, 'L4'],
    ['T4', 16384, 'T4'],
  ])('%s with %i MiB is %s', (name, memoryMiB, model) => {
    expect(normaliseAwsGpu({ name, manufacturer: 'NVIDIA', memoryMiB })).toBe(model);
  });

  it('skips names it does not know and non-NVIDIA parts instead of guessing', () => {
    expect(normaliseAwsGpu({ name: 'T4g', manufacturer: 'NVIDIA', memoryMiB: 15360 })).toBeUndefined();
    expect(normaliseAwsGpu({ name: 'Radeon Pro V520', manufacturer: 'AMD', memoryMiB: 8192 })).toBeUndefined();
    expect(normaliseAwsGpu({ name: 'H100', manufacturer: 'AMD' })).toBeUndefined();
    expect(normaliseAwsGpu({ name: 'A100', manufacturer: 'NVIDIA' })).toBeUndefined();
    expect(normaliseAwsGpu({ name: 'toString', manufacturer: 'NVIDIA' })).toBeUndefined();
  });

  it('filters on the GPU families named in the design', () => {
    expect(GPU_INSTANCE_FAMILIES).toEqual(
      expect.arrayContaining(['p4d', 'p4de', 'p5', 'p5e', 'p5en', 'p6-b200', 'g4dn', 'g5', 'g6', 'g6e']),
    );
  });
});

describe('AWS offers from catalogue answers', () => {
  it('keeps GPU types it can map, with per-GPU memory from the model table', () => {
    const types = gpuInstanceTypes(INSTANCE_TYPES);
    expect(types.map((t) => [t.instanceType, t.gpuModel, t.gpuCount])).toEqual([
      ['p5.48xlarge', 'H100', 8],
      ['p4d.24xlarge', 'A100-40GB', 8],
      ['p4de.24xlarge', 'A100-80GB', 8],
      ['g5.xlarge', 'A10G', 1],
    ]);
    const p5 = types[0]!;
    expect(p5).toMatchObject({ vcpus: 192, memoryGiB: 2048, gpuMemoryGiB: 80 });
  });

  it('takes the newest spot price per type and zone', () => {
    const prices = latestSpotPrices(SPOT_HISTORY);
    expect(prices.get('p5.48xlarge/us-east-1a')).toBe(31.4648);
    expect(prices.get('p5.48xlarge/us-east-1b')).toBe(33.12);
    expect(prices.get('g5.xlarge/us-east-1b')).toBeUndefined();
  });

  it('makes one offer per type, zone and capacity type, leaving out unpriced ones', () => {
    const offers = buildOffers({
      provider: 'aws-main',
      region: 'us-east-1',
      types: gpuInstanceTypes(INSTANCE_TYPES),
      zones: zonesByType(OFFERINGS),
      spotPrices: latestSpotPrices(SPOT_HISTORY),
      onDemandPrices: new Map([
        ['p5.48xlarge', 55.04],
        ['g5.xlarge', 1.006],
      ]),
    });
    const keys = offers.map((o) => `${o.instanceType}/${o.zone}/${o.capacityType}/${o.pricePerHour}`).sort();
    expect(keys).toEqual(
      [
        'g5.xlarge/us-east-1a/on-demand/1.006',
        'g5.xlarge/us-east-1a/spot/0.4121',
        'g5.xlarge/us-east-1b/on-demand/1.006',
        'g5.xlarge/us-east-1c/on-demand/1.006',
        'g5.xlarge/us-east-1c/spot/0.3987',
        'p5.48xlarge/us-east-1a/on-demand/55.04',
        'p5.48xlarge/us-east-1a/spot/31.4648',
        'p5.48xlarge/us-east-1b/on-demand/55.04',
        'p5.48xlarge/us-east-1b/spot/33.12',
      ].sort(),
    );
    for (const o of offers) {
      expect(o).toMatchObject({ provider: 'aws-main', providerType: 'aws', region: 'us-east-1', available: true });
    }
  });

  it('limits offers to zones that hold a configured subnet', () => {
    const offers = buildOffers({
      provider: 'aws-main',
      region: 'us-east-1',
      types: gpuInstanceTypes(INSTANCE_TYPES),
      zones: zonesByType(OFFERINGS),
      spotPrices: latestSpotPrices(SPOT_HISTORY),
      onDemandPrices: new Map([['g5.xlarge', 1.006]]),
      launchableZones: new Set(['us-east-1c']),
    });
    expect(new Set(offers.map((o) => o.zone))).toEqual(new Set(['us-east-1c']));
  });
});

describe('AWS on-demand prices from the Price List', () => {
  it('reads the OnDemand hourly USD rate, not the cheaper Reserved one', () => {
    expect(onDemandPriceFrom([priceListEntry('p5.48xlarge')])).toBe(55.04);
  });

  it('accepts already-parsed documents and ignores broken ones', () => {
    expect(onDemandPriceFrom([JSON.parse(priceListEntry('g5.xlarge')) as unknown, '{not json'])).toBe(1.006);
    expect(onDemandPriceFrom(['{not json'])).toBeUndefined();
    expect(onDemandPriceFrom([])).toBeUndefined();
    expect(onDemandPriceFrom(undefined)).toBeUndefined();
  });

  it('skips zero prices (placeholder products) rather than offering a free instance', () => {
    const zero = priceListEntry('p5.48xlarge').replace('"55.0400000000"', '"0.0000000000"');
    expect(onDemandPriceFrom([zero])).toBeUndefined();
  });

  it('asks for Linux, shared tenancy, no pre-installed software, used capacity in the region', () => {
    expect(onDemandPriceFilters('p5.48xlarge', 'eu-west-1')).toEqual([
      { Type: 'TERM_MATCH', Field: 'instanceType', Value: 'p5.48xlarge' },
      { Type: 'TERM_MATCH', Field: 'regionCode', Value: 'eu-west-1' },
      { Type: 'TERM_MATCH', Field: 'operatingSystem', Value: 'Linux' },
      { Type: 'TERM_MATCH', Field: 'tenancy', Value: 'Shared' },
      { Type: 'TERM_MATCH', Field: 'preInstalledSw', Value: 'NA' },
      { Type: 'TERM_MATCH', Field: 'capacitystatus', Value: 'Used' },
    ]);
  });
});
