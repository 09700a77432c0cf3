import { fitCell, fitWidths, machineTable, requestCells, requestTable, Table, TERMINAL_WIDTH, type Column } from '../../src/demo/table.js';
import { spotSaving, unaccounted, wrap } from '../../src/demo/ledger.js';
import type { GpuMachine, GpuRequest } from '../../src/api/types.js';
import type { Instance } from '../../src/providers/types.js';

const width = (line: string) => [...line].length;

function request(name: string, namespace: string, overrides: Partial<GpuRequest['status']> = {}): GpuRequest {
  return {
    apiVersion: 'gpu-provisioner.dev/v1alpha1',
    kind: 'GpuRequest',
    metadata: { name, namespace },
    spec: { gpu: { model: 'A100-80GB', count: 8 }, nodes: 12 },
    status: { phase: 'Provisioning', ...overrides },
  };
}

function machine(name: string, status: GpuMachine['status']): GpuMachine {
  return {
    apiVersion: 'gpu-provisioner.dev/v1alpha1',
    kind: 'GpuMachine',
    metadata: { name, namespace: 'ml', ownerReferences: [{ apiVersion: 'gpu-provisioner.dev/v1alpha1', kind: 'GpuRequest', name: 'a-request-with-a-long-name', uid: 'u' }] },
    spec: { gpu: { model: 'H100', count: 8 } },
    status,
  };
}

describe('fitCell', () => {
  it('pads short text and cuts long text with an ellipsis at the end or the start', () => {
    expect(fitCell('Ready', 8)).toBe('Ready   ');
    expect(fitCell('inference-a100', 8)).toBe('inferen…');
    expect(fitCell('gpr-demo-1a2b3c4d-bcdfg', 8, 'start')).toBe('…d-bcdfg');
    expect(fitCell('4×A100-80GB', 11)).toBe('4×A100-80GB');
  });
});

describe('fitWidths', () => {
  const columns: Column[] = [{ header: 'NAME' }, { header: 'PHASE', keep: true }, { header: 'NODE' }];

  it('keeps natural widths while they fit', () => {
    expect(fitWidths(columns, [10, 12, 20], 100)).toEqual([10, 12, 20]);
  });

  it('takes from the widest cuttable column first and spares kept ones', () => {
    const widths = fitWidths(columns, [30, 12, 60], 60);
    expect(widths.reduce((a, b) => a + b, 0) + 2).toBe(60);
    expect(widths[1]).toBe(12);
    expect(widths[2]! - widths[0]!).toBeLessThanOrEqual(1);
  });

  it('cuts even kept columns and headers when nothing else is left', () => {
    const widths = fitWidths(columns, [4, 40, 4], 20);
    expect(widths.reduce((a, b) => a + b, 0) + 2).toBeLessThanOrEqual(20);
  });
});

describe('the GpuRequest table', () => {
  const long = [
    request('a-request-whose-name-goes-on-and-on', 'a-namespace-that-is-long', {
      provider: 'paperspace-production,aws-production',
      region: 'sim-eu-central-1,sim-us-east-1,sim-us-west-2',
      capacityType: 'spot,on-demand',
      hourlyCost: '1234.5678',
      readyMachines: 11,
    }),
    request('h100-dev', 'ml'),
  ];

  it('fits 100 columns however long the cells, cutting them with an ellipsis', () => {
    const table = requestTable(long, ['sim-eu-central-1']);
    const lines = [table.header(), ...long.map((r) => table.row(requestCells(r)))];
    for (const line of lines) expect(width(line)).toBeLessThanOrEqual(TERMINAL_WIDTH);
    expect(lines[1]).toContain('…');
    expect(lines[1]).toContain('11/12');
    expect(lines[1]).toMatch(/Provisioning$/);
    expect(lines[2]).toMatch(/^ml\s+h100-dev\s+8×A100-\S*\s+0\/12\s+<none>/);
  });

  it('shows a deleted request as Deleted', () => {
    const table = requestTable(long, []);
    expect(table.row(requestCells(long[1]!, 'Deleted'))).toMatch(/Deleted$/);
  });
});

describe('the GpuMachine table', () => {
  it('prints the printer columns, fitted to 100 columns, names kept by their end', () => {
    const lines = machineTable([
      machine('gpr-demo-1a2b3c4d-bcdfg', {
        provider: 'sim',
        instanceType: 'g-a100-80gbx8',
        capacityType: 'on-demand',
        zone: 'sim-eu-central-1a',
        pricePerHour: '16.47',
        instanceId: 'sim-0000000a',
        nodeName: 'gpr-demo-1a2b3c4d-bcdfg',
        phase: 'Terminating',
      }),
      machine('gpr-demo-1a2b3c4d-xzzzz', { phase: 'Pending' }),
    ]);
    expect(lines[0]).toMatch(/^NAME\s+REQUEST\s+PROVIDER\s+TYPE\s+CAPACITY\s+ZONE\s+PRICE\/H\s+INSTANCE\s+NODE\s+PHASE$/);
    for (const line of lines) expect(width(line)).toBeLessThanOrEqual(TERMINAL_WIDTH);
    expect(lines[1]).toMatch(/^…\S*-bcdfg .* on-demand .* \$16\.47 +sim-0000000a .*Terminating$/);
    expect(lines[1]).toContain('a-req');
    expect(lines[2]).toMatch(/^…\S*-xzzzz .*<none>.*Pending$/);
  });

  it('sizes columns to what they hold when that fits', () => {
    const t = Table.of([{ header: 'A' }, { header: 'LONGER' }], [['abc', 'x']]);
    expect(t.render([['abc', 'x']])).toEqual(['A   LONGER', 'abc x']);
  });
});

describe('the summary figures', () => {
  const hour = 3_600_000;
  const launchedAt = '2026-01-01T00:00:00.000Z';
  const t0 = Date.parse(launchedAt);

  it('counts spot savings as the on-demand price less the spot price over the run time', () => {
    const spot = machine('a', { capacityType: 'spot', pricePerHour: '4', onDemandPricePerHour: '10', launchedAt, terminatedAt: new Date(t0 + hour / 2).toISOString() });
    const running = machine('b', { capacityType: 'spot', pricePerHour: '1', onDemandPricePerHour: '3', launchedAt });
    const onDemand = machine('c', { capacityType: 'on-demand', pricePerHour: '10', onDemandPricePerHour: '10', launchedAt });
    expect(spotSaving(spot, t0 + 5 * hour)).toBeCloseTo(3);
    expect(spotSaving(running, t0 + 2 * hour)).toBeCloseTo(4);
    expect(spotSaving(onDemand, t0 + hour)).toBe(0);
  });

  it('finds billed instances no GpuMachine holds', () => {
    const inst = (id: string, state: Instance['state']) => ({ id, state }) as Instance;
    const held = machine('a', { instanceId: 'sim-1' });
    expect(unaccounted([inst('sim-1', 'running'), inst('sim-2', 'terminating'), inst('sim-3', 'terminated')], [held]).map((i) => i.id)).toEqual(['sim-2']);
  });

  it('wraps text at spaces within the width', () => {
    expect(wrap('one two three four', 11, '  ')).toEqual(['  one two', '  three', '  four']);
    expect(wrap('abcdefghij', 6)).toEqual(['abcdef', 'ghij']);
  });
});
