import { HELP, parseOffersArgs, type OffersOptions } from '../../src/cli/args.js';

function options(argv: string[]): OffersOptions {
  const parsed = parseOffersArgs(argv);
  if (!parsed.ok) throw new Error(`expected ${argv.join(' ')} to parse, got: ${parsed.error}`);
  if (parsed.value === HELP) throw new Error('expected options, got help');
  return parsed.value;
}

describe('parseOffersArgs', () => {
  it('reads every flag', () => {
    const o = options([
      '--provider', 'sim', '--provider', 'lambda', '--gpu', 'h100', '--count', '8', '--spot',
      '--region', 'us-east-1', '--region', 'us-west-2', '--max-price', '25', '--all', '--json', '--limit', '5',
      '--aws-region', 'eu-west-1',
    ]);
    expect(o).toEqual({
      providers: ['sim', 'lambda'],
      gpu: 'h100',
      count: 8,
      capacityType: 'spot',
      regions: ['us-east-1', 'us-west-2'],
      maxPrice: 25,
      all: true,
      json: true,
      limit: 5,
      fromCluster: false,
      awsRegions: ['eu-west-1'],
    });
  });

  it('defaults to every provider, every capacity type and available offers only', () => {
    expect(options([])).toEqual({ providers: [], regions: [], all: false, json: false, fromCluster: false, awsRegions: [] });
  });

  it('reads --on-demand, --max-price=$12.5 and the cluster flags', () => {
    const o = options(['--on-demand', '--max-price=$12.5', '--from-cluster', '--kubeconfig', '/k', '--namespace', 'ops', '--provider', 'my-lambda']);
    expect(o).toMatchObject({ capacityType: 'on-demand', maxPrice: 12.5, fromCluster: true, kubeconfig: '/k', namespace: 'ops', providers: ['my-lambda'] });
  });

  it('answers --help and -h with help', () => {
    expect(parseOffersArgs(['--help'])).toEqual({ ok: true, value: HELP });
    expect(parseOffersArgs(['-h', '--gpu', 'H100'])).toEqual({ ok: true, value: HELP });
  });

  it.each([
    [['--bogus'], 'unknown flag --bogus'],
    [['-z'], 'unknown flag -z'],
    [['--gpu'], '--gpu needs a value'],
    [['--gpu', ''], '--gpu needs a model'],
    [['--spot=yes'], '--spot takes no value'],
    [['H100'], 'unexpected argument H100'],
    [['--count', 'x'], '--count must be a whole number above 0, not "x"'],
    [['--count', '0'], '--count must be a whole number above 0'],
    [['--count', '1.5'], '--count must be a whole number above 0'],
    [['--limit', '-3'], '--limit needs a value'],
    [['--limit=-3'], '--limit must be a whole number above 0'],
    [['--max-price', 'cheap'], '--max-price must be a price in USD above 0, not "cheap"'],
    [['--max-price', '0'], '--max-price must be a price in USD above 0'],
    [['--spot', '--on-demand'], '--spot and --on-demand cannot be used together'],
    [['--provider', 'azure'], '--provider azure: not one of sim, aws, lambda, runpod, paperspace'],
    [['--provider', ''], '--provider needs a value'],
    [['--region', ' '], '--region needs a value'],
    [['--kubeconfig', '/k'], '--kubeconfig needs --from-cluster'],
    [['--namespace', 'ops'], '--namespace needs --from-cluster'],
  ])('%j is refused: %s', (argv, message) => {
    const parsed = parseOffersArgs(argv);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(message);
  });

  it('takes GpuProvider names with --from-cluster', () => {
    expect(options(['--from-cluster', '--provider', 'azure-ish']).providers).toEqual(['azure-ish']);
  });
});
