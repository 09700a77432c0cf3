import { PassThrough } from 'node:stream';
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
  SQSServiceException,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { type InstanceRef, InterruptionQueue, queueRegion } from '../../../src/providers/aws/interruption-queue.js';
import { AuthError, InvalidRequestError, RateLimitedError, TransientError } from '../../../src/providers/errors.js';
import { FakeClock } from '../../../src/util/clock.js';
import { createLogger } from '../../../src/util/logger.js';
import { eventBody, eventWith } from './event-fixtures.js';

const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/prod-east-interruptions';
const MINE = 'i-0a1b2c3d4e5f60718';
const THEIRS = 'i-0fedcba9876543210';

const sqs = mockClient(SQSClient);
let clock: FakeClock;
let logs: string[];
let ownerQuestions: InstanceRef[][];
let ownerFailure: Error | undefined;

function message(body: string, n: number): Message {
  return { MessageId: `m-${n}`, ReceiptHandle: `rh-${n}`, Body: body };
}

function queue(overrides: Partial<ConstructorParameters<typeof InterruptionQueue>[0]> = {}): InterruptionQueue {
  const stream = new PassThrough();
  stream.on('data', (c: Buffer) => logs.push(c.toString('utf8')));
  return new InterruptionQueue({
    provider: 'aws-main',
    queueUrl: QUEUE_URL,
    client: new SQSClient({ region: 'us-east-1' }),
    clock,
    logger: createLogger({ stream, format: 'json', level: 'debug' }),
    ownedAmong: (refs) => {
      ownerQuestions.push([...refs]);
      if (ownerFailure) return Promise.reject(ownerFailure);
      return Promise.resolve(new Set(refs.map((r) => r.instanceId).filter((id) => id === MINE)));
    },
    ...overrides,
  });
}

function deletedHandles(): string[] {
  return sqs
    .commandCalls(DeleteMessageBatchCommand)
    .flatMap((c) => c.args[0].input.Entries ?? [])
    .map((e) => e.ReceiptHandle ?? '');
}

function sqsError(name: string, status: number): SQSServiceException {
  return new SQSServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message: `${name} (scripted)`,
  });
}

beforeEach(() => {
  sqs.reset();
  sqs.on(DeleteMessageBatchCommand).callsFake((input: { Entries?: { Id?: string }[] }) => ({
    Successful: (input.Entries ?? []).map((e) => ({ Id: e.Id })),
    Failed: [],
  }));
  clock = new FakeClock();
  logs = [];
  ownerQuestions = [];
  ownerFailure = undefined;
});

afterAll(() => sqs.restore());

describe('InterruptionQueue.poll', () => {
  it('long-polls for up to ten messages for twenty seconds and deletes nothing when none came', async () => {
    sqs.on(ReceiveMessageCommand).resolves({});
    await expect(queue().poll()).resolves.toEqual([]);
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]!.args[0].input).toEqual({
      QueueUrl: QUEUE_URL,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 20,
    });
    expect(sqs.commandCalls(DeleteMessageBatchCommand)).toHaveLength(0);
  });

  it('returns the notices for own instances, deletes every other message at once and theirs once acknowledged', async () => {
    sqs.on(ReceiveMessageCommand).resolves({
      Messages: [
        message(eventBody('spot-interruption'), 1),
        message('{"not": "an event"', 2),
        message(eventBody('state-change-running'), 3),
        message(eventWith('rebalance-recommendation', (e) => ((e.detail as Record<string, string>)['instance-id'] = THEIRS)), 4),
        message(eventBody('ami-state-change'), 5),
        message(eventBody('health-scheduled-change'), 6),
      ],
    });
    const notices = await queue().poll();

    expect(notices.map(({ ack: _ack, ...n }) => n)).toEqual([
      {
        provider: 'aws-main',
        instanceId: MINE,
        kind: 'spot-interruption',
        receivedAt: Date.parse('2026-01-01T00:10:00Z'),
        deadline: Date.parse('2026-01-01T00:12:00Z'),
      },
      {
        provider: 'aws-main',
        instanceId: MINE,
        kind: 'scheduled-maintenance',
        receivedAt: Date.parse('2026-01-01T01:00:00Z'),
        deadline: Date.parse('2026-01-07T09:00:00Z'),
      },
    ]);
    // Until the operator has recorded them, the two messages about own instances stay queued.
    expect(deletedHandles().sort()).toEqual(['rh-2', 'rh-3', 'rh-4', 'rh-5']);
    for (const n of notices) await n.ack!();
    expect(deletedHandles().sort()).toEqual(['rh-1', 'rh-2', 'rh-3', 'rh-4', 'rh-5', 'rh-6']);
    expect(sqs.commandCalls(DeleteMessageBatchCommand)[0]!.args[0].input.QueueUrl).toBe(QUEUE_URL);
    // One question about ownership, each instance once, with the region the event came from.
    expect(ownerQuestions).toEqual([
      [
        { instanceId: MINE, region: 'us-east-1' },
        { instanceId: THEIRS, region: 'us-east-1' },
      ],
    ]);
    expect(logs.join('')).toContain('not JSON');
  });

  it('returns a notice EventBridge delivers twice only once, and again after the dedupe window', async () => {
    sqs.on(ReceiveMessageCommand).resolves({ Messages: [message(eventBody('state-change-terminated'), 1)] });
    const q = queue({ dedupeMs: 60_000 });
    const first = await q.poll();
    expect(first).toHaveLength(1);
    // Not acknowledged yet: SQS delivers it again, and the repeat is deleted at once.
    expect(deletedHandles()).toEqual([]);
    expect(await q.poll()).toEqual([]);
    expect(deletedHandles()).toEqual(['rh-1']);
    await first[0]!.ack!();
    await clock.advance(61_000);
    const again = await q.poll();
    expect(again).toMatchObject([{ instanceId: MINE, kind: 'terminated' }]);
    await again[0]!.ack!();
    expect(deletedHandles()).toEqual(['rh-1', 'rh-1', 'rh-1']);
  });

  it('leaves messages naming instances queued when ownership cannot be checked, and deletes the rest', async () => {
    ownerFailure = new TransientError('AWS DescribeInstances failed: InternalError');
    sqs.on(ReceiveMessageCommand).resolves({
      Messages: [message(eventBody('spot-interruption'), 1), message('garbage', 2), message(eventBody('state-change-pending'), 3)],
    });
    await expect(queue().poll()).rejects.toBe(ownerFailure);
    expect(deletedHandles().sort()).toEqual(['rh-2', 'rh-3']);
  });

  it('still returns the notices when deleting fails; the redelivery is recognised', async () => {
    sqs.on(DeleteMessageBatchCommand).rejects(sqsError('InternalError', 500));
    sqs.on(ReceiveMessageCommand).resolves({ Messages: [message(eventBody('spot-interruption'), 1)] });
    const q = queue();
    const [notice] = await q.poll();
    await expect(notice!.ack!()).resolves.toBeUndefined();
    expect(logs.join('')).toContain('could not delete interruption messages');
    expect(await q.poll()).toEqual([]);
  });

  it('logs entries a batch delete refuses', async () => {
    sqs.on(DeleteMessageBatchCommand).resolves({
      Successful: [],
      Failed: [{ Id: '0', Code: 'ReceiptHandleIsInvalid', SenderFault: true }],
    });
    sqs.on(ReceiveMessageCommand).resolves({ Messages: [message(eventBody('rebalance-recommendation'), 7)] });
    for (const n of await queue().poll()) await n.ack!();
    const line = logs.find((l) => l.includes('could not delete an interruption message'));
    expect(line).toContain('m-7');
    expect(line).toContain('ReceiptHandleIsInvalid');
  });

  it.each([
    ['AccessDenied', 403, AuthError],
    ['QueueDoesNotExist', 400, InvalidRequestError],
    ['RequestThrottled', 403, RateLimitedError],
  ])('maps an SQS %s to the shared errors', async (code, status, type) => {
    sqs.on(ReceiveMessageCommand).rejects(sqsError(code, status));
    const err = await queue().poll().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(type);
  });

  it("hands the caller's signal to the SDK and gives back the caller's reason when it aborts", async () => {
    const ctrl = new AbortController();
    // The SDK rejects an aborted request with its own AbortError.
    const sdkAbort = () => Object.assign(new Error('Request aborted'), { name: 'AbortError' });
    sqs.on(ReceiveMessageCommand).callsFake(() =>
        new Promise((_, reject) => {
          if (ctrl.signal.aborted) reject(sdkAbort());
          else ctrl.signal.addEventListener('abort', () => reject(sdkAbort()));
        }));
    const pending = queue().poll(ctrl.signal).catch((e: unknown) => e);
    const reason = new Error('shutting down');
    ctrl.abort(reason);
    expect(await pending).toBe(reason);
    const options = (sqs.commandCalls(ReceiveMessageCommand)[0]!.args as unknown[])[1] as { abortSignal?: AbortSignal };
    expect(options.abortSignal).toBe(ctrl.signal);
  });
});

describe('queueRegion', () => {
  it.each([
    ['https://sqs.us-east-1.amazonaws.com/123456789012/q', 'us-east-1'],
    ['https://sqs.eu-central-2.amazonaws.com/123456789012/q', 'eu-central-2'],
    ['https://sqs.us-gov-west-1.amazonaws.com/123456789012/q', 'us-gov-west-1'],
    ['https://ap-southeast-1.queue.amazonaws.com/123456789012/q', 'ap-southeast-1'],
    ['https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q', 'cn-north-1'],
    ['http://localhost:4566/000000000000/q', undefined],
  ])('%s -> %s', (url, region) => {
    expect(queueRegion(url)).toBe(region);
  });
});
