import { redact, sourcesFromEnv, type EnvSourceOptions, type ProviderSource } from '../../src/cli/sources.js';

const none: EnvSourceOptions = { providers: [], regions: [], awsRegions: [] };

describe('sourcesFromEnv', () => {
  it('with no --provider takes every provider whose credentials are set', () => {
    const s = sourcesFromEnv(none, { RUNPOD_API_KEY: 'rk', AWS_ACCESS_KEY_ID: 'AKIA1', AWS_SECRET_ACCESS_KEY: 'sk', AWS_REGION: 'us-east-2' });
    // In the registry's order.
    expect(s.sources.map((x) => x.config)).toEqual([
      { name: 'aws', spec: { type: 'aws', regions: ['us-east-2'] } },
      { name: 'runpod', spec: { type: 'runpod' } },
    ]);
    expect(s.sources[0]!.credentials).toEqual({ accessKeyId: 'AKIA1', secretAccessKey: 'sk' });
    expect(s.sources[1]!.credentials).toEqual({ apiKey: 'rk' });
    expect(s.problems).toEqual([]);
    expect(s.notes).toEqual([]);
  });

  it('falls back to the sim cloud, with a note, when nothing is set', () => {
    const s = sourcesFromEnv(none, { LAMBDA_API_KEY: '  ' });
    expect(s.sources.map((x) => x.config.name)).toEqual(['sim']);
    expect(s.notes[0]).toContain('showing the simulated cloud');
  });

  it('AWS regions: --aws-region, else --region, else AWS_REGION / AWS_DEFAULT_REGION', () => {
    const aws = (opts: Partial<EnvSourceOptions>, env: Record<string, string> = {}) =>
      sourcesFromEnv({ ...none, providers: ['aws'], ...opts }, env).sources[0]?.config.spec.regions;
    expect(aws({ awsRegions: ['eu-west-1'], regions: ['us-east-1'] }, { AWS_REGION: 'x' })).toEqual(['eu-west-1']);
    expect(aws({ regions: ['us-east-1'] }, { AWS_REGION: 'x' })).toEqual(['us-east-1']);
    expect(aws({}, { AWS_DEFAULT_REGION: 'ap-south-1' })).toEqual(['ap-south-1']);
    expect(sourcesFromEnv({ ...none, providers: ['aws'] }, {}).problems).toEqual([
      'aws: name the regions to list with --aws-region (or set AWS_REGION)',
    ]);
  });

  it('leaves AWS credentials to the default chain unless both keys are set', () => {
    const s = sourcesFromEnv({ ...none, providers: ['aws'], awsRegions: ['us-east-1'] }, { AWS_ACCESS_KEY_ID: 'AKIA1', AWS_PROFILE: 'p' });
    expect(s.sources[0]!.credentials).toEqual({});
    const t = sourcesFromEnv(
      { ...none, providers: ['aws'], awsRegions: ['us-east-1'] },
      { AWS_ACCESS_KEY_ID: 'AKIA1', AWS_SECRET_ACCESS_KEY: 'sk', AWS_SESSION_TOKEN: 'tok' },
    );
    expect(t.sources[0]!.credentials).toEqual({ accessKeyId: 'AKIA1', secretAccessKey: 'sk', sessionToken: 'tok' });
  });
});

describe('redact', () => {
  it('hides every credential value, longest first, and leaves short ones alone', () => {
    const sources: ProviderSource[] = [
      { config: { name: 'a', spec: { type: 'lambda' } }, credentials: { apiKey: 'abcd1234', short: 'ab' } },
      { config: { name: 'b', spec: { type: 'runpod' } }, credentials: { apiKey: 'abcd1234efgh' } },
    ];
    expect(redact('k=abcd1234efgh j=abcd1234 ab', sources)).toBe('k=*** j=*** ab');
  });
});
