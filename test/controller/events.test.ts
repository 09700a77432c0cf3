import { PendingEvents, recordEvent } from '../../src/controller/events.js';
import type { ClusterPort, EventRecord, KubeObject } from '../../src/kube/types.js';

/** A cluster whose Event writes finish only when the test lets them. */
function slowEvents() {
  const written: EventRecord[] = [];
  const release: (() => void)[] = [];
  const cluster = {
    recordEvent: (e: EventRecord) =>
      new Promise<void>((resolve) =>
        release.push(() => {
          written.push(e);
          resolve();
        }),
      ),
  } as unknown as ClusterPort;
  return { cluster, written, release };
}

const machine: KubeObject = { apiVersion: 'gpu-provisioner.dev/v1alpha1', kind: 'GpuMachine', metadata: { name: 'm', namespace: 'ml', uid: 'u1' } };
const tick = () => new Promise((r) => setImmediate(r));

describe('recordEvent', () => {
  it('waits for the write outside a reconcile that collects its Events', async () => {
    const { cluster, written, release } = slowEvents();
    let done = false;
    const sent = recordEvent({ cluster }, machine, 'Normal', 'Launched', 'Launched i-1').then(() => (done = true));
    await tick();
    expect(done).toBe(false);
    release.shift()!();
    await sent;
    expect(written.map((e) => e.reason)).toEqual(['Launched']);
  });

  it('within one returns at once, and settle waits for every Event sent, also those sent while it waits', async () => {
    const { cluster, written, release } = slowEvents();
    const events = new PendingEvents();
    await recordEvent({ cluster, events }, machine, 'Normal', 'Launched', 'Launched i-1');
    await recordEvent({ cluster, events }, machine, 'Normal', 'Registered', 'Node n1 registered');
    expect(written).toEqual([]);
    let settled = false;
    const settling = events.settle().then(() => (settled = true));
    release.shift()!();
    await tick();
    await recordEvent({ cluster, events }, machine, 'Normal', 'NodeReady', 'Node n1 is Ready');
    release.shift()!();
    await tick();
    expect(settled).toBe(false);
    release.shift()!();
    await settling;
    expect(written.map((e) => e.reason)).toEqual(['Launched', 'Registered', 'NodeReady']);
    expect(written[0]!.involved).toEqual({ apiVersion: 'gpu-provisioner.dev/v1alpha1', kind: 'GpuMachine', name: 'm', namespace: 'ml', uid: 'u1' });
  });
});
