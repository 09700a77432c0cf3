/**
 * EC2 and Pricing answers in the shapes the SDK returns them (field names and value
 * formats as in the EC2 API reference and real DescribeInstanceTypes output).
 */
import type { InstanceTypeInfo, InstanceTypeOffering, SpotPrice, Subnet } from '@aws-sdk/client-ec2';

export const INSTANCE_TYPES: InstanceTypeInfo[] = [
  {
    InstanceType: 'p5.48xlarge',
    VCpuInfo: { DefaultVCpus: 192 },
    MemoryInfo: { SizeInMiB: 2097152 },
    GpuInfo: {
      Gpus: [{ Name: 'H100', Manufacturer: 'NVIDIA', Count: 8, MemoryInfo: { SizeInMiB: 81920 } }],
      TotalGpuMemoryInMiB: 655360,
    },
  },
  {
    InstanceType: 'p4d.24xlarge',
    VCpuInfo: { DefaultVCpus: 96 },
    MemoryInfo: { SizeInMiB: 1179648 },
    GpuInfo: {
      Gpus: [{ Name: 'A100', Manufacturer: 'NVIDIA', Count: 8, MemoryInfo: { SizeInMiB: 40960 } }],
      TotalGpuMemoryInMiB: 327680,
    },
  },
  {
    InstanceType: 'p4de.24xlarge',
    VCpuInfo: { DefaultVCpus: 96 },
    MemoryInfo: { SizeInMiB: 1179648 },
    GpuInfo: {
      Gpus: [{ Name: 'A100', Manufacturer: 'NVIDIA', Count: 8, MemoryInfo: { SizeInMiB: 81920 } }],
      TotalGpuMemoryInMiB: 655360,
    },
  },
  {
    InstanceType: 'g5.xlarge',
    VCpuInfo: { DefaultVCpus: 4 },
    MemoryInfo: { SizeInMiB: 16384 },
    GpuInfo: {
      Gpus: [{ Name: 'A10G', Manufacturer: 'NVIDIA', Count: 1, MemoryInfo: { SizeInMiB: 24576 } }],
      TotalGpuMemoryInMiB: 24576,
    },
  },
  {
    // Arm T4g: no normalised model, so it must be skipped rather than guessed as T4.
    InstanceType: 'g5g.xlarge',
    VCpuInfo: { DefaultVCpus: 4 },
    MemoryInfo: { SizeInMiB: 8192 },
    GpuInfo: {
      Gpus: [{ Name: 'T4g', Manufacturer: 'NVIDIA', Count: 1, MemoryInfo: { SizeInMiB: 15360 } }],
      TotalGpuMemoryInMiB: 15360,
    },
  },
  {
    InstanceType: 'g4ad.xlarge',
    VCpuInfo: { DefaultVCpus: 4 },
    MemoryInfo: { SizeInMiB: 16384 },
    GpuInfo: {
      Gpus: [{ Name: 'Radeon Pro V520', Manufacturer: 'AMD', Count: 1, MemoryInfo: { SizeInMiB: 8192 } }],
      TotalGpuMemoryInMiB: 8192,
    },
  },
];

export const OFFERINGS: InstanceTypeOffering[] = [
  { InstanceType: 'p5.48xlarge', LocationType: 'availability-zone', Location: 'us-east-1a' },
  { InstanceType: 'p5.48xlarge', LocationType: 'availability-zone', Location: 'us-east-1b' },
  { InstanceType: 'p4d.24xlarge', LocationType: 'availability-zone', Location: 'us-east-1b' },
  { InstanceType: 'p4de.24xlarge', LocationType: 'availability-zone', Location: 'us-east-1a' },
  { InstanceType: 'g5.xlarge', LocationType: 'availability-zone', Location: 'us-east-1a' },
  { InstanceType: 'g5.xlarge', LocationType: 'availability-zone', Location: 'us-east-1b' },
  { InstanceType: 'g5.xlarge', LocationType: 'availability-zone', Location: 'us-east-1c' },
  { InstanceType: 'g5g.xlarge', LocationType: 'availability-zone', Location: 'us-east-1a' },
];

export const SPOT_HISTORY: SpotPrice[] = [
  {
    AvailabilityZone: 'us-east-1a',
    InstanceType: 'p5.48xlarge',
    ProductDescription: 'Linux/UNIX',
    SpotPrice: '31.464800',
    Timestamp: new Date('2025-12-31T22:10:00Z'),
  },
  {
    // An older price for the same zone: the newer one above must win.
    AvailabilityZone: 'us-east-1a',
    InstanceType: 'p5.48xlarge',
    ProductDescription: 'Linux/UNIX',
    SpotPrice: '29.000000',
    Timestamp: new Date('2025-12-30T08:00:00Z'),
  },
  {
    AvailabilityZone: 'us-east-1b',
    InstanceType: 'p5.48xlarge',
    ProductDescription: 'Linux/UNIX',
    SpotPrice: '33.120000',
    Timestamp: new Date('2025-12-31T21:00:00Z'),
  },
  {
    AvailabilityZone: 'us-east-1a',
    InstanceType: 'g5.xlarge',
    ProductDescription: 'Linux/UNIX',
    SpotPrice: '0.412100',
    Timestamp: new Date('2025-12-31T23:40:00Z'),
  },
  {
    AvailabilityZone: 'us-east-1c',
    InstanceType: 'g5.xlarge',
    ProductDescription: 'Linux/UNIX',
    SpotPrice: '0.398700',
    Timestamp: new Date('2025-12-31T23:00:00Z'),
  },
];

export const SUBNETS: Subnet[] = [
  { SubnetId: 'subnet-0aaa1111', AvailabilityZone: 'us-east-1a', AvailableIpAddressCount: 200, VpcId: 'vpc-01' },
  { SubnetId: 'subnet-0aaa2222', AvailabilityZone: 'us-east-1a', AvailableIpAddressCount: 4000, VpcId: 'vpc-01' },
  { SubnetId: 'subnet-0bbb1111', AvailabilityZone: 'us-east-1b', AvailableIpAddressCount: 100, VpcId: 'vpc-01' },
];

/** On-demand USD/hour per instance type used in the price-list documents below. */
export const ON_DEMAND_USD: Record<string, string> = {
  'p5.48xlarge': '55.0400000000',
  'p4d.24xlarge': '21.9576000000',
  'p4de.24xlarge': '27.4470000000',
  'g5.xlarge': '1.0060000000',
};

/**
 * One GetProducts PriceList entry, as the Pricing API returns it: a JSON string with the
 * product attributes and OnDemand plus Reserved terms. The Reserved rate is lower on
 * purpose: taking it would be a wrong on-demand price.
 */
export function priceListEntry(instanceType: string, region = 'us-east-1'): string {
  const usd = ON_DEMAND_USD[instanceType] ?? '1.0000000000';
  const sku = `SKU${instanceType.replace(/[^A-Za-z0-9]/g, '').toUpperCase()}`;
  return JSON.stringify({
    product: {
      productFamily: 'Compute Instance',
      attributes: {
        enhancedNetworkingSupported: 'Yes',
        memory: '2048 GiB',
        vcpu: '192',
        capacitystatus: 'Used',
        locationType: 'AWS Region',
        instanceFamily: 'GPU instance',
        operatingSystem: 'Linux',
        regionCode: region,
        servicename: 'Amazon Elastic Compute Cloud',
        instanceType,
        tenancy: 'Shared',
        usagetype: `BoxUsage:${instanceType}`,
        servicecode: 'AmazonEC2',
        licenseModel: 'No License required',
        currentGeneration: 'Yes',
        preInstalledSw: 'NA',
        location: 'US East (N. Virginia)',
        marketoption: 'OnDemand',
        operation: 'RunInstances',
        availabilityzone: 'NA',
        gpu: '8',
      },
      sku,
    },
    serviceCode: 'AmazonEC2',
    terms: {
      OnDemand: {
        [`${sku}.JRTCKXETXF`]: {
          priceDimensions: {
            [`${sku}.JRTCKXETXF.6YS6EN2CT7`]: {
              unit: 'Hrs',
              endRange: 'Inf',
              description: `$${Number(usd).toFixed(3)} per On Demand Linux ${instanceType} Instance Hour`,
              appliesTo: [],
              rateCode: `${sku}.JRTCKXETXF.6YS6EN2CT7`,
              beginRange: '0',
              pricePerUnit: { USD: usd },
            },
          },
          sku,
          effectiveDate: '2025-12-01T00:00:00Z',
          offerTermCode: 'JRTCKXETXF',
          termAttributes: {},
        },
      },
      Reserved: {
        [`${sku}.4NA7Y494T4`]: {
          priceDimensions: {
            [`${sku}.4NA7Y494T4.6YS6EN2CT7`]: {
              unit: 'Hrs',
              endRange: 'Inf',
              description: `Linux/UNIX (Amazon VPC), ${instanceType} reserved instance applied`,
              appliesTo: [],
              rateCode: `${sku}.4NA7Y494T4.6YS6EN2CT7`,
              beginRange: '0',
              pricePerUnit: { USD: (Number(usd) * 0.6).toFixed(10) },
            },
          },
          sku,
          effectiveDate: '2025-12-01T00:00:00Z',
          offerTermCode: '4NA7Y494T4',
          termAttributes: { LeaseContractLength: '1yr', OfferingClass: 'standard', PurchaseOption: 'No Upfront' },
        },
      },
    },
    version: '20251201000000',
    publicationDate: '2025-12-01T00:00:00Z',
  });
}

/** The instance type a GetProducts request asks about, from its TERM_MATCH filters. */
export function filterValue(filters: { Field?: string; Value?: string }[] | undefined, field: string): string | undefined {
  return filters?.find((f) => f.Field === field)?.Value;
}
