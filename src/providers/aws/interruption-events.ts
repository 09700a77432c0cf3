/**
 * Parsers for the EventBridge events an interruption queue receives: every detail-type
 * Karpenter's queue template routes (DetailTypes). Each SQS message
 * body is one whole EventBridge envelope (version, id, detail-type, source, account,
 * time, region, resources, detail). Plain functions over strings: nothing here throws,
 * because a message that cannot be read still has to be deleted from the queue, or it
 * would come back forever.
 */
import type { InterruptionKind } from '../types.js';

/**
 * EC2 gives a spot instance, and an instance in an interruptible Capacity Reservation,
 * two minutes between the warning and the interruption.
 */
export const SPOT_NOTICE_MS = 2 * 60_000;

/** Every detail-type the rules of Karpenter's interruption-queue template route to the queue. */
export const DetailTypes = {
  spotInterruption: 'EC2 Spot Instance Interruption Warning',
  capacityReservationInterruption: 'EC2 Capacity Reservation Instance Interruption Warning',
  rebalance: 'EC2 Instance Rebalance Recommendation',
  stateChange: 'EC2 Instance State-change Notification',
  health: 'AWS Health Event',
} as const;

/** One instance named by an event, before anyone has checked whose instance it is. */
export interface ParsedNotice {
  instanceId: string;
  kind: InterruptionKind;
  /** epoch ms by which the machine will be gone, when the event says. */
  deadline?: number;
  /** epoch ms of the event (its `time`). */
  receivedAt: number;
  /** The region the event came from, so the owner check asks the right one. */
  region?: string;
}

export type EventParseResult =
  | { parsed: true; eventId?: string; detailType: string; notices: ParsedNotice[] }
  | { parsed: false; eventId?: string; detailType?: string; reason: string };

type Json = Record<string, unknown>;

const STATE_KINDS: Readonly<Record<string, InterruptionKind>> = {
  stopping: 'stopped',
  stopped: 'stopped',
  'shutting-down': 'terminated',
  terminated: 'terminated',
};

const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;

/**
 * Reads one SQS message body. `now` stands in for the event time when the envelope has
 * none that parses.
 */
export function parseInterruptionEvent(body: string | undefined, now: number): EventParseResult {
  if (body === undefined || body.trim() === '') return { parsed: false, reason: 'empty message body' };
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return { parsed: false, reason: 'message body is not JSON' };
  }
  if (!isObject(raw)) return { parsed: false, reason: 'message body is not a JSON object' };

  const eventId = str(raw.id);
  const detailType = str(raw['detail-type']);
  const source = str(raw.source);
  const ids = { ...(eventId ? { eventId } : {}), ...(detailType ? { detailType } : {}) };
  if (!detailType || !source) {
    return { parsed: false, ...ids, reason: 'not an EventBridge event (no detail-type or source)' };
  }
  const detail = raw.detail;
  if (!isObject(detail)) return { parsed: false, ...ids, reason: `${detailType} without a detail object` };

  const time = Date.parse(str(raw.time) ?? '');
  const at = Number.isNaN(time) ? now : time;
  const region = str(raw.region);
  const base = region ? { receivedAt: at, region } : { receivedAt: at };
  const ok = (notices: ParsedNotice[]): EventParseResult => ({ parsed: true, ...ids, detailType, notices });
  const fail = (reason: string): EventParseResult => ({ parsed: false, ...ids, reason });

  switch (detailType) {
    case DetailTypes.spotInterruption: {
      if (source !== 'aws.ec2') return fail(`unexpected source ${source}`);
      const id = instanceId(detail['instance-id']);
      if (!id) return fail('no valid detail.instance-id');
      return ok([{ ...base, instanceId: id, kind: 'spot-interruption', deadline: at + SPOT_NOTICE_MS }]);
    }
    case DetailTypes.capacityReservationInterruption: {
      if (source !== 'aws.ec2') return fail(`unexpected source ${source}`);
      const id = instanceId(detail['instance-id']);
      if (!id) return fail('no valid detail.instance-id');
      // The event says when; without a time that parses, the documented two minutes.
      const when = Date.parse(str(detail['instance-termination-time']) ?? '');
      const deadline = Number.isNaN(when) ? at + SPOT_NOTICE_MS : when;
      return ok([{ ...base, instanceId: id, kind: 'capacity-reservation-interruption', deadline }]);
    }
    case DetailTypes.rebalance: {
      if (source !== 'aws.ec2') return fail(`unexpected source ${source}`);
      const id = instanceId(detail['instance-id']);
      if (!id) return fail('no valid detail.instance-id');
      return ok([{ ...base, instanceId: id, kind: 'rebalance' }]);
    }
    case DetailTypes.stateChange: {
      if (source !== 'aws.ec2') return fail(`unexpected source ${source}`);
      const id = instanceId(detail['instance-id']);
      if (!id) return fail('no valid detail.instance-id');
      const state = str(detail.state)?.toLowerCase();
      if (!state) return fail('no detail.state');
      const kind = STATE_KINDS[state];
      // pending and running are the normal life of an instance, not an interruption.
      return ok(kind ? [{ ...base, instanceId: id, kind }] : []);
    }
    case DetailTypes.health:
      return parseHealth(detail, source, base, ok, fail);
    default:
      return fail(`detail-type ${detailType} is not an interruption event`);
  }
}

function parseHealth(
  detail: Json,
  source: string,
  base: Pick<ParsedNotice, 'receivedAt' | 'region'>,
  ok: (n: ParsedNotice[]) => EventParseResult,
  fail: (reason: string) => EventParseResult,
): EventParseResult {
  if (source !== 'aws.health') return fail(`unexpected source ${source}`);
  const service = str(detail.service);
  if (service !== 'EC2') return fail(`health event for service ${service ?? '(none)'}, not EC2`);
  const category = str(detail.eventTypeCategory);
  if (category !== 'scheduledChange') return fail(`health event category ${category ?? '(none)'} is not scheduledChange`);
  const entities = Array.isArray(detail.affectedEntities) ? detail.affectedEntities : [];
  // Health events can name volumes or hosts too; only instances are ours to act on.
  const ids = [...new Set(entities.map((e) => (isObject(e) ? instanceId(e.entityValue) : undefined)))].filter(
    (id): id is string => id !== undefined,
  );
  if (ids.length === 0) return fail('health event names no EC2 instance');
  // Health writes startTime as an RFC 1123 date ("Sat, 05 Jun 2021 22:00:00 GMT").
  const start = Date.parse(str(detail.startTime) ?? '');
  const deadline = Number.isNaN(start) ? undefined : start;
  return ok(
    ids.map((id) => ({
      ...base,
      instanceId: id,
      kind: 'scheduled-maintenance' as const,
      ...(deadline !== undefined ? { deadline } : {}),
    })),
  );
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function instanceId(v: unknown): string | undefined {
  const s = str(v);
  return s && INSTANCE_ID.test(s) ? s : undefined;
}
