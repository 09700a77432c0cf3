import { readFileSync } from 'node:fs';

const DIR = 'test/providers/aws/fixtures/events';

/** The recorded EventBridge event `name` (fixtures/events/<name>.json) as an SQS body. */
export function eventBody(name: string): string {
  return readFileSync(`${DIR}/${name}.json`, 'utf8');
}

/** The recorded event with some fields changed, re-serialised. */
export function eventWith(name: string, patch: (e: Record<string, unknown>) => void): string {
  const event = JSON.parse(eventBody(name)) as Record<string, unknown>;
  patch(event);
  return JSON.stringify(event);
}
