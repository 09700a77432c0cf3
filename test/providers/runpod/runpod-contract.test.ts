import { describe, expect, it } from '@jest/globals';
import { runpodDefinition } from '../../../src/providers/runpod/definition.js';
import { FakeClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/logger.js';
import { describeProviderContract } from '../contract.js';
import { FakeRunPod } from './fake-runpod.js';

const createRunPodProvider = runpodDefinition.factory();

const API_KEY = 'rpa_CONTRACTKEY00000000000000000';
let fake: FakeRunPod | undefined;

describeProviderContract('runpod', async () => {
  fake = await FakeRunPod.start(API_KEY);
  const f = fake;
  const provider = await createRunPodProvider(
    { name: 'runpod-main', spec: { type: 'runpod' } },
    { clusterName: 'contract', credentials: { apiKey: API_KEY }, clock: new FakeClock(), logger: silentLogger(), baseUrl: f.baseUrl },
  );
  return {
    provider,
    clusterName: 'contract',
    launchCount: () => f.launches,
    unknownId: 'zzzzzzzzzzzzzz',
    stop: () => f.stop(),
  };
});

describe('runpod contract backing fake', () => {
  it('saw only requests and gave only answers that the RunPod specs allow', () => {
    expect(fake).toBeDefined();
    expect(fake!.requests.length).toBeGreaterThan(0);
    expect(fake!.violations).toEqual([]);
  });
});
