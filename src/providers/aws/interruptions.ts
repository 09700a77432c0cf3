/**
 * How this cluster learns that EC2 takes a machine back. With
 * spec.aws.interruptionQueueUrl: one long poll of the EventBridge queue Karpenter's
 * template sets up (interruption-queue.ts). Without it: the state of this cluster's
 * instances, reporting those that stopped or went away without this adapter deleting
 * them. Each notice once.
 */
import type { Instance as Ec2Instance } from '@aws-sdk/client-ec2';
import { Labels } from '../../api/constants.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import { TtlCache } from '../../util/ttl-cache.js';
import type { InterruptionKind, InterruptionNotice } from '../types.js';
import { errorText, type AwsApi } from './api.js';
import { STATE_MEMORY_MS, type AwsInstances } from './instances.js';
import { InterruptionQueue, queueRegion } from './interruption-queue.js';

const STOPPED_STATES = ['stopping', 'stopped', 'shutting-down', 'terminated'];
/** StateReason codes EC2 gives an instance it takes back from the spot market. */
const SPOT_REASONS = new Set(['Server.SpotInstanceTermination', 'Server.SpotInstanceShutdown']);

export interface InterruptionOptions {
  queueUrl?: string;
  /** Long-poll wait of the interruption queue in seconds (default and maximum 20). */
  waitSeconds?: number;
}

export class AwsInterruptions {
  private queue: InterruptionQueue | undefined;
  /** `<instance>/<kind>` already reported by state polling. */
  private readonly reported: TtlCache<string, true>;

  constructor(
    private readonly provider: string,
    private readonly clusterName: string,
    private readonly api: AwsApi,
    private readonly instances: AwsInstances,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: InterruptionOptions = {},
  ) {
    this.reported = new TtlCache({ clock, ttlMs: STATE_MEMORY_MS });
  }

  poll(signal?: AbortSignal): Promise<InterruptionNotice[]> {
    const queue = this.interruptionQueue();
    return queue ? queue.poll(signal) : this.pollInstanceStates(signal);
  }

  private interruptionQueue(): InterruptionQueue | undefined {
    const queueUrl = this.options.queueUrl;
    if (!queueUrl) return undefined;
    this.queue ??= new InterruptionQueue({
      provider: this.provider,
      queueUrl,
      client: this.api.sqs(queueRegion(queueUrl) ?? this.instances.requireRegions()[0]!),
      clock: this.clock,
      logger: this.logger,
      secrets: this.api.secrets,
      ownedAmong: (refs, s) => this.instances.ownedAmong(refs, s),
      ...(this.options.waitSeconds !== undefined ? { waitTimeSeconds: this.options.waitSeconds } : {}),
    });
    return this.queue;
  }

  private async pollInstanceStates(signal?: AbortSignal): Promise<InterruptionNotice[]> {
    const now = this.clock.now();
    const regions = this.instances.requireRegions();
    const results = await Promise.allSettled(
      regions.map((region) =>
        this.api.describeInstances(
          region,
          {
            Filters: [
              { Name: `tag:${Labels.cluster}`, Values: [this.clusterName] },
              { Name: 'instance-state-name', Values: STOPPED_STATES },
            ],
          },
          signal,
        ),
      ),
    );
    const notices: InterruptionNotice[] = [];
    const failures: unknown[] = [];
    results.forEach((res, i) => {
      if (res.status === 'rejected') {
        failures.push(res.reason);
        this.logger.warn('polling instance states failed in one region', { region: regions[i], error: errorText(res.reason) });
        return;
      }
      for (const raw of res.value) {
        if (this.instances.terminatedHere(raw)) continue;
        const kind = stateKind(raw);
        if (!kind) continue;
        const key = `${raw.InstanceId}/${kind}`;
        if (this.reported.has(key)) continue;
        this.reported.set(key, true);
        notices.push({ provider: this.provider, instanceId: raw.InstanceId, kind, receivedAt: now });
      }
    });
    if (failures.length === regions.length) throw failures[0];
    return notices;
  }
}

function stateKind(raw: Ec2Instance): InterruptionKind | undefined {
  const state = raw.State?.Name;
  if (state === undefined || !STOPPED_STATES.includes(state)) return undefined;
  if (SPOT_REASONS.has(raw.StateReason?.Code ?? '')) return 'spot-interruption';
  return state === 'stopping' || state === 'stopped' ? 'stopped' : 'terminated';
}
