/**
 * Routes an interruption notice to its GpuMachine, found by its status.instanceId (an
 * index of the cluster's cache, not a map of this process's own), and records it there:
 * the notice in status and the Interrupted condition, written before the notice is
 * acknowledged. What follows (fence, replace, drain) is done by the controllers from
 * that record, so a crash at any point loses nothing.
 */
import { ConditionTypes, Labels, Reasons } from '../../api/constants.js';
import { setCondition } from '../../api/conditions.js';
import type { GpuMachine, MachineInterruption } from '../../api/types.js';
import { isConflict } from '../../kube/errors.js';
import { Kinds } from '../../kube/types.js';
import { offerKey, type InterruptionNotice } from '../../providers/types.js';
import type { ControllerContext } from '../context.js';
import { recordEvent } from '../events.js';
import { writeStatus } from '../status-write.js';
import type { NoticeOutcome } from './poller.js';

const CONFLICT_RETRIES = 5;
const iso = (ms: number) => new Date(ms).toISOString();


export class InterruptionRouter {
  constructor(
    private readonly ctx: ControllerContext,
    private readonly wake: (machineKey: string, requestKey: string | undefined) => void,
  ) {}

  async deliver(notice: InterruptionNotice): Promise<NoticeOutcome> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.record(notice);
      } catch (e) {
        if (!isConflict(e) || attempt >= CONFLICT_RETRIES) throw e;
      }
    }
  }

  private async record(notice: InterruptionNotice): Promise<NoticeOutcome> {
    const { ctx } = this;
    const [m] = (await ctx.cluster.list<GpuMachine>(Kinds.GpuMachine, { fieldSelector: { 'status.instanceId': notice.instanceId } })).filter(
      (x) => x.status?.provider === notice.provider,
    );
    if (!m) {
      ctx.logger.debug('interruption notice for an instance no GpuMachine holds', { provider: notice.provider, instanceId: notice.instanceId });
      return 'unknown-instance';
    }
    const s = m.status!;
    const previous = s.interruption;
    // A rebalance hint followed by the real notice upgrades the record; anything else seen twice is one notice.
    if (previous && !(previous.kind === 'rebalance' && notice.kind !== 'rebalance')) return 'duplicate';
    if (notice.kind === 'rebalance' && m.spec.interruption?.rebalance !== true) {
      await recordEvent(ctx, m, 'Normal', Reasons.Interrupted, `Rebalance recommendation for ${notice.instanceId} ignored: spec.interruption.rebalance is false`);
      return 'ignored';
    }
    const record: MachineInterruption = {
      kind: notice.kind,
      noticeAt: previous?.noticeAt ?? iso(notice.receivedAt),
      deadline: notice.deadline ? iso(notice.deadline) : undefined,
    };
    const conditions = setCondition(
      s.conditions,
      { type: ConditionTypes.Interrupted, status: 'True', reason: Reasons.Interrupted, message: `${notice.kind} notice${record.deadline ? `; gone by ${record.deadline}` : ''}` },
      ctx.clock.now(),
      m.metadata.generation,
    );
    await writeStatus(ctx.cluster, Kinds.GpuMachine, m, { ...s, interruption: record, conditions, phase: 'Interrupted' });

    const labels = { provider: s.provider ?? notice.provider, region: s.region ?? '', kind: notice.kind };
    ctx.metrics.noticed(labels);
    ctx.unavailable.mark(
      offerKey({ provider: s.provider ?? '', region: s.region ?? '', zone: s.zone, instanceType: s.instanceType ?? '', capacityType: s.capacityType ?? 'on-demand' }),
      `${Reasons.Interrupted}: ${notice.kind}`,
      ctx.options.unavailableTtlMs,
    );
    const replace = m.spec.interruption?.replace !== false;
    await recordEvent(
      ctx,
      m,
      'Warning',
      Reasons.Interrupted,
      `${notice.kind} notice for ${notice.instanceId}${s.nodeName ? ` (${s.nodeName})` : ''}${record.deadline ? `; gone by ${record.deadline}` : ''}; ${
        notice.kind === 'rebalance' ? 'launching a replacement before draining' : replace ? 'draining it and launching a replacement' : 'draining it; spec.interruption.replace is false'
      }`,
    );
    const request = m.metadata.labels?.[Labels.requestName];
    this.wake(`${m.metadata.namespace}/${m.metadata.name}`, request ? `${m.metadata.namespace}/${request}` : undefined);
    return 'recorded';
  }
}
