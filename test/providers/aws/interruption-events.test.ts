import { DetailTypes, SPOT_NOTICE_MS, parseInterruptionEvent } from '../../../src/providers/aws/interruption-events.js';
import { eventBody, eventWith as withDetail } from './event-fixtures.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const ID = 'i-0a1b2c3d4e5f60718';

describe('parseInterruptionEvent on recorded EventBridge events', () => {
  it.each([
    ['spot-interruption', 'spot-interruption', '2026-01-01T00:10:00Z', Date.parse('2026-01-01T00:10:00Z') + SPOT_NOTICE_MS],
    ['rebalance-recommendation', 'rebalance', '2026-01-01T00:05:00Z', undefined],
    [
      'capacity-reservation-interruption',
      'capacity-reservation-interruption',
      '2026-01-01T00:30:00Z',
      Date.parse('2026-01-01T00:32:00Z'),
    ],
    ['state-change-stopping', 'stopped', '2026-01-01T00:20:00Z', undefined],
    ['state-change-stopped', 'stopped', '2026-01-01T00:20:00Z', undefined],
    ['state-change-shutting-down', 'terminated', '2026-01-01T00:20:00Z', undefined],
    ['state-change-terminated', 'terminated', '2026-01-01T00:20:00Z', undefined],
  ])('%s -> one %s notice', (fixture, kind, time, deadline) => {
    const res = parseInterruptionEvent(eventBody(fixture), NOW);
    expect(res.parsed).toBe(true);
    if (!res.parsed) return;
    expect(res.notices).toEqual([
      {
        instanceId: ID,
        kind,
        receivedAt: Date.parse(time),
        region: 'us-east-1',
        ...(deadline !== undefined ? { deadline } : {}),
      },
    ]);
  });

  it('gives the spot notice a deadline two minutes after the event time', () => {
    const res = parseInterruptionEvent(eventBody('spot-interruption'), NOW);
    expect(res.parsed && res.notices[0]?.deadline).toBe(Date.parse('2026-01-01T00:12:00Z'));
  });

  it('gives a capacity-reservation warning without a termination time the documented two minutes', () => {
    const body = withDetail('capacity-reservation-interruption', (e) => {
      delete (e.detail as Record<string, unknown>)['instance-termination-time'];
    });
    const res = parseInterruptionEvent(body, NOW);
    expect(res.parsed && res.notices[0]).toMatchObject({ kind: 'capacity-reservation-interruption', deadline: Date.parse('2026-01-01T00:32:00Z') });
  });

  it('reads every detail-type the Karpenter queue template routes, each from a recorded event', () => {
    const recorded: Record<string, string> = {
      [DetailTypes.spotInterruption]: 'spot-interruption',
      [DetailTypes.capacityReservationInterruption]: 'capacity-reservation-interruption',
      [DetailTypes.rebalance]: 'rebalance-recommendation',
      [DetailTypes.stateChange]: 'state-change-terminated',
      [DetailTypes.health]: 'health-scheduled-change',
    };
    expect(Object.keys(recorded).sort()).toEqual(Object.values(DetailTypes).sort());
    for (const [detailType, fixture] of Object.entries(recorded)) {
      const res = parseInterruptionEvent(eventBody(fixture), NOW);
      expect(res).toMatchObject({ parsed: true, detailType });
      expect(res.parsed && res.notices.length).toBeGreaterThan(0);
    }
  });

  it.each(['state-change-pending', 'state-change-running'])('%s is read but needs no action', (fixture) => {
    const res = parseInterruptionEvent(eventBody(fixture), NOW);
    expect(res).toMatchObject({ parsed: true, detailType: 'EC2 Instance State-change Notification', notices: [] });
  });

  it('makes one scheduled-maintenance notice per affected instance, due at the health start time', () => {
    const res = parseInterruptionEvent(eventBody('health-scheduled-change'), NOW);
    expect(res.parsed).toBe(true);
    if (!res.parsed) return;
    const deadline = Date.parse('2026-01-07T09:00:00Z');
    expect(res.notices).toEqual([
      { instanceId: ID, kind: 'scheduled-maintenance', deadline, receivedAt: Date.parse('2026-01-01T01:00:00Z'), region: 'us-east-1' },
      {
        instanceId: 'i-0fedcba9876543210',
        kind: 'scheduled-maintenance',
        deadline,
        receivedAt: Date.parse('2026-01-01T01:00:00Z'),
        region: 'us-east-1',
      },
    ]);
  });

  it('leaves the deadline out of a health event without a start time', () => {
    const body = withDetail('health-scheduled-change', (e) => {
      delete (e.detail as Record<string, unknown>).startTime;
    });
    const res = parseInterruptionEvent(body, NOW);
    expect(res.parsed && res.notices.map((n) => n.deadline)).toEqual([undefined, undefined]);
  });

  it('uses the time it was read when the event time is missing', () => {
    const body = withDetail('rebalance-recommendation', (e) => {
      delete e.time;
    });
    const res = parseInterruptionEvent(body, NOW);
    expect(res.parsed && res.notices[0]?.receivedAt).toBe(NOW);
  });
});

describe('parseInterruptionEvent ignores, with a reason, what it cannot act on', () => {
  it.each([
    ['an empty body', '', /empty/],
    ['malformed JSON', '{"detail-type": "EC2 Spot Instance', /not JSON/],
    ['a JSON array', '[1, 2]', /not a JSON object/],
    ['a plain SQS test message', '{"Event":"s3:TestEvent"}', /not an EventBridge event/],
    ['another EC2 event type', eventBody('ami-state-change'), /EC2 AMI State Change is not an interruption event/],
    ['a health issue for another service', eventBody('health-issue-rds'), /service RDS/],
    [
      'an EC2 health event that is not a scheduled change',
      withDetail('health-scheduled-change', (e) => {
        (e.detail as Record<string, unknown>).eventTypeCategory = 'issue';
      }),
      /category issue/,
    ],
    [
      'a health event naming no instance',
      withDetail('health-scheduled-change', (e) => {
        (e.detail as Record<string, unknown>).affectedEntities = [{ entityValue: 'vol-0123456789abcdef0' }];
      }),
      /names no EC2 instance/,
    ],
    [
      'a spot warning without an instance id',
      withDetail('spot-interruption', (e) => {
        e.detail = { 'instance-action': 'terminate' };
      }),
      /instance-id/,
    ],
    [
      'a spot warning with a garbled instance id',
      withDetail('spot-interruption', (e) => {
        e.detail = { 'instance-id': 'arn:aws:ec2:us-east-1a:instance/i-0a1b2c3d4e5f60718' };
      }),
      /instance-id/,
    ],
    [
      'a state change without a state',
      withDetail('state-change-stopped', (e) => {
        delete (e.detail as Record<string, unknown>).state;
      }),
      /detail.state/,
    ],
    [
      'an EC2 detail-type from a foreign source',
      withDetail('spot-interruption', (e) => {
        e.source = 'custom.chaos';
      }),
      /unexpected source custom.chaos/,
    ],
    [
      'an event without detail',
      withDetail('rebalance-recommendation', (e) => {
        delete e.detail;
      }),
      /without a detail object/,
    ],
  ])('%s', (_what, body, reason) => {
    const res = parseInterruptionEvent(body, NOW);
    expect(res.parsed).toBe(false);
    if (res.parsed) return;
    expect(res.reason).toMatch(reason);
  });

  it('keeps the event id of an ignored event for the log', () => {
    const res = parseInterruptionEvent(eventBody('ami-state-change'), NOW);
    expect(res).toMatchObject({ parsed: false, eventId: '9a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9' });
  });
});
