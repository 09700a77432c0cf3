import { AwsProvider } from '../../../src/providers/aws/aws-provider.js';
import { FakeClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/logger.js';
import { describeProviderContract } from '../contract.js';
import { fakeEc2 } from './fake-ec2.js';

describeProviderContract('aws', async () => {
  const clock = new FakeClock();
  const fake = fakeEc2(clock);
  const provider = new AwsProvider(
    'aws-contract',
    {
      type: 'aws',
      regions: ['us-east-1'],
      aws: {
        amis: { 'us-east-1': 'ami-0talos0000000000a' },
        subnetIds: ['subnet-0aaa1111', 'subnet-0bbb1111'],
        securityGroupIds: ['sg-0nodes'],
      },
    },
    {
      clusterName: 'contract-cluster',
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
      clock,
      logger: silentLogger(),
    },
  );
  return {
    provider,
    clusterName: 'contract-cluster',
    launchCount: () => fake.launches,
    settle: async () => {
      fake.settle();
      await clock.advance(1000);
    },
    unknownId: 'i-0ffffffffffffffff',
    stop: async () => {
      fake.ec2.restore();
      fake.pricing.restore();
    },
  };
});
