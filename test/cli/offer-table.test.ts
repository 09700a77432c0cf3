import {
  OFFER_COLUMNS,
  filterOffers,
  formatColumns,
  formatOfferTable,
  offersJson,
  sortOffers,
  type OfferFilter,
} from '../../src/cli/offer-table.js';
import type { Capabilities, Offer } from '../../src/providers/types.js';
import { offer } from '../support/builders.js';

const OFFERS: Offer[] = [
  offer(),
  offer({ capacityType: 'spot', pricePerHour: 24.5, zone: 'us-east-1b' }),
  offer({ region: 'us-west-2', zone: 'us-west-2a', capacityType: 'spot', pricePerHour: 19.9, available: false }),
  offer({
    provider: 'lambda-prod',
    providerType: 'lambda',
    instanceType: 'gpu_8x_h100_sxm5',
    region: 'us-east-1',
    zone: undefined,
    pricePerHour: 23.92,
    vcpus: 208,
    memoryGiB: 1800,
  }),
  offer({
    provider: 'runpod',
    providerType: 'runpod',
    instanceType: 'NVIDIA H100 80GB HBM3',
    gpuCount: 1,
    region: 'US-TX-3',
    zone: undefined,
    pricePerHour: 2.99,
    vcpus: 16,
    memoryGiB: 125,
  }),
  offer({ instanceType: 'p4de.24xlarge', gpuModel: 'A100-80GB', pricePerHour: 40.96, vcpus: 96, memoryGiB: 1152 }),
  offer({ instanceType: 'g6.xlarge', gpuModel: 'L4', gpuCount: 1, gpuMemoryGiB: 24, pricePerHour: 0.805, vcpus: 4, memoryGiB: 16 }),
];

const CAPS = new Map<string, Capabilities>([
  ['aws', { unsupported: {} }],
  ['lambda-prod', { unsupported: { spot: 'no spot' } }],
  ['runpod', { unsupported: { 'node-join': 'pods are containers and cannot run a kubelet' } }],
]);

const shown = (f: OfferFilter) =>
  sortOffers(filterOffers(OFFERS, f)).map((o) => `${o.provider} ${o.instanceType} ${o.capacityType} ${o.pricePerHour}`);

describe('filterOffers and sortOffers', () => {
  it.each<[string, OfferFilter, string[]]>([
    [
      'everything available, cheapest first',
      {},
      [
        'aws g6.xlarge on-demand 0.805',
        'runpod NVIDIA H100 80GB HBM3 on-demand 2.99',
        'lambda-prod gpu_8x_h100_sxm5 on-demand 23.92',
        'aws p5.48xlarge spot 24.5',
        'aws p4de.24xlarge on-demand 40.96',
        'aws p5.48xlarge on-demand 55.04',
      ],
    ],
    ['--all shows offers without capacity', { all: true, gpu: 'H100', capacityType: 'spot' }, ['aws p5.48xlarge spot 19.9', 'aws p5.48xlarge spot 24.5']],
    ['--gpu in any spelling', { gpu: 'nvidia a100 80gb' }, ['aws p4de.24xlarge on-demand 40.96']],
    ['--count is GPUs per node', { gpu: 'h100', count: 1 }, ['runpod NVIDIA H100 80GB HBM3 on-demand 2.99']],
    ['--spot', { capacityType: 'spot' }, ['aws p5.48xlarge spot 24.5']],
    ['--region', { regions: ['US-TX-3', 'eu-west-1'] }, ['runpod NVIDIA H100 80GB HBM3 on-demand 2.99']],
    ['--max-price is inclusive', { maxPrice: 2.99 }, ['aws g6.xlarge on-demand 0.805', 'runpod NVIDIA H100 80GB HBM3 on-demand 2.99']],
    ['--provider by type or name', { providers: ['lambda', 'runpod'] }, ['runpod NVIDIA H100 80GB HBM3 on-demand 2.99', 'lambda-prod gpu_8x_h100_sxm5 on-demand 23.92']],
    ['nothing fits', { gpu: 'B200' }, []],
  ])('%s', (_name, filter, expected) => {
    expect(shown(filter)).toEqual(expected);
  });

  it('breaks price ties by provider, region, zone and instance type', () => {
    const tied = [
      offer({ provider: 'b', pricePerHour: 1 }),
      offer({ provider: 'a', region: 'z', pricePerHour: 1 }),
      offer({ provider: 'a', region: 'a', zone: 'a-2', pricePerHour: 1 }),
      offer({ provider: 'a', region: 'a', zone: 'a-1', pricePerHour: 1 }),
    ];
    expect(sortOffers(tied).map((o) => `${o.provider}/${o.region}/${o.zone}`)).toEqual(['a/a/a-1', 'a/a/a-2', 'a/z/us-east-1a', 'b/us-east-1/us-east-1a']);
  });
});

describe('formatOfferTable', () => {
  it('prints aligned columns, a row per offer and why a provider cannot join a node', () => {
    const offers = sortOffers(filterOffers(OFFERS, { gpu: 'H100', all: true }));
    const lines = formatOfferTable(offers, CAPS);
    expect(lines[0]!.split(/\s+/)).toEqual([...OFFER_COLUMNS]);
    expect(lines[1]!.split(/\s{2,}/)).toEqual([
      'runpod', 'NVIDIA H100 80GB HBM3', 'H100', '1', '80GiB', '16', '125GiB', 'US-TX-3', '-', 'on-demand', '$2.99', 'yes', 'no',
    ]);
    expect(lines[2]!.split(/\s{2,}/)).toEqual([
      'aws', 'p5.48xlarge', 'H100', '8', '80GiB', '192', '2048GiB', 'us-west-2', 'us-west-2a', 'spot', '$19.90', 'no', 'yes',
    ]);
    // Every column starts at the same offset on every row.
    const priceAt = lines[0]!.indexOf('PRICE/H');
    for (const line of lines.slice(1, offers.length + 1)) expect(line.slice(priceAt)).toMatch(/^\$\d+\.\d{2}/);
    expect(lines.slice(offers.length + 1)).toEqual(['', 'runpod cannot join a node: pods are containers and cannot run a kubelet']);
  });

  it('adds no note when every provider can join a node', () => {
    const lines = formatOfferTable([offer()], CAPS);
    expect(lines).toHaveLength(2);
  });

  it('keeps sub-cent prices', () => {
    const line = formatOfferTable([offer({ pricePerHour: 0.8051 })], CAPS)[1]!;
    expect(line).toContain('$0.8051');
  });

  it('formatColumns pads to the widest cell and trims the end', () => {
    expect(formatColumns(['A', 'BB'], [['xxx', 'y'], ['z', '']])).toEqual(['A    BB', 'xxx  y', 'z']);
  });
});

describe('offersJson', () => {
  it('is the offers themselves plus whether each can become a node', () => {
    const json = JSON.parse(JSON.stringify(offersJson([OFFERS[4]!, OFFERS[0]!], CAPS))) as Record<string, unknown>[];
    expect(json[0]).toEqual({ ...OFFERS[4], canJoinNode: false, cannotJoinReason: 'pods are containers and cannot run a kubelet' });
    expect(json[1]).toEqual({ ...OFFERS[0], canJoinNode: true });
  });
});
