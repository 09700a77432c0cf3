/**
 * A small stateful Paperspace speaking the JSON of openapi/paperspace.openapi.yaml, for
 * the contract suite and the flows a stateless mock cannot show (idempotent create,
 * delete cleaning up the startup script). Failures can be queued per route.
 */
import {
  startScriptedServer,
  type RecordedRequest,
  type ScriptedResponse,
  type ScriptedServer,
} from '../../support/scripted-server.js';

export interface FakeMachine {
  id: string;
  name: string;
  machineType: string;
  region: string;
  state: string;
  usageRate: number;
  dtCreated: string;
  startupScriptId?: string;
}

export interface FakeScript {
  id: string;
  name: string;
  script: string;
  isRunOnce: boolean;
  isEnabled: boolean;
  assignedMachineIds: string[];
  description: null;
}

export interface FakePaperspace {
  server: ScriptedServer;
  baseUrl: string;
  machines: Map<string, FakeMachine>;
  scripts: Map<string, FakeScript>;
  launches: number;
  /** Answers the next request to `"METHOD /path-prefix"` with this instead. */
  failNext(route: string, response: ScriptedResponse): void;
  /** What the create event of the next machine ends in. */
  nextEvent: { state: 'done' | 'error' | 'in progress'; error?: string };
  stop(): Promise<void>;
}

export const FAKE_API_KEY = 'ps-test-key-0123456789abcdef';

export async function startFakePaperspace(): Promise<FakePaperspace> {
  const machines = new Map<string, FakeMachine>();
  const scripts = new Map<string, FakeScript>();
  const events = new Map<string, { id: string; machineId: string; name: string; state: string; error: string | null }>();
  const failures = new Map<string, ScriptedResponse[]>();
  let seq = 0;

  const fake: FakePaperspace = {
    server: undefined as unknown as ScriptedServer,
    baseUrl: '',
    machines,
    scripts,
    launches: 0,
    nextEvent: { state: 'done' },
    failNext(route, response) {
      failures.set(route, [...(failures.get(route) ?? []), response]);
    },
    stop: () => fake.server.stop(),
  };

  const handler = (req: RecordedRequest): ScriptedResponse => {
    if (req.headers.authorization !== `Bearer ${FAKE_API_KEY}`) {
      return { status: 401, body: { code: 'UNAUTHORIZED', message: 'Invalid API key' } };
    }
    const url = new URL(req.path, 'http://fake');
    const path = url.pathname;
    for (const [route, queue] of failures) {
      const [method, prefix] = route.split(' ');
      if (req.method === method && path.startsWith(prefix!) && queue.length > 0) {
        const next = queue.shift()!;
        if (queue.length === 0) failures.delete(route);
        return next;
      }
    }
    const q = url.searchParams;
    const body = req.body ? (JSON.parse(req.body) as Record<string, unknown>) : {};
    const segments = path.split('/').filter(Boolean);
    const id = segments[1];

    if (req.method === 'GET' && path === '/machine-availability') return { body: { available: true } };
    if (req.method === 'GET' && path === '/os-templates') {
      return { body: { hasMore: false, items: [{ id: 'tpl-ubuntu2204', name: 'Ubuntu 22.04 Server', agentType: 'LinuxHeadless' }] } };
    }
    if (path === '/machines' && req.method === 'GET') {
      const name = q.get('name');
      const items = [...machines.values()].filter((m) => !name || m.name === name);
      return { body: { hasMore: false, items } };
    }
    if (path === '/machines' && req.method === 'POST') {
      fake.launches++;
      const m: FakeMachine = {
        id: `ps${++seq}`,
        name: String(body.name),
        machineType: String(body.machineType),
        region: String(body.region),
        state: 'provisioning',
        usageRate: 3.18,
        dtCreated: new Date(Date.parse('2026-01-01T00:00:00Z') + seq * 1000).toISOString(),
        ...(typeof body.startupScriptId === 'string' ? { startupScriptId: body.startupScriptId } : {}),
      };
      machines.set(m.id, m);
      if (m.startupScriptId) scripts.get(m.startupScriptId)?.assignedMachineIds.push(m.id);
      const event = { id: `ev${seq}`, machineId: m.id, name: 'create', state: fake.nextEvent.state, error: fake.nextEvent.error ?? null };
      events.set(event.id, event);
      fake.nextEvent = { state: 'done' };
      return { body: { data: m, event } };
    }
    if (segments[0] === 'machines' && id && segments.length === 2) {
      const m = machines.get(id);
      if (!m) return { status: 404, body: { code: 'NOT_FOUND', message: 'Machine not found' } };
      if (req.method === 'GET') return { body: m };
      if (req.method === 'DELETE') {
        machines.delete(id);
        return { body: { data: m, event: { id: `ev-del-${id}`, name: 'deactivate', state: 'done' } } };
      }
    }
    if (segments[0] === 'machine-events' && id && req.method === 'GET') {
      const e = events.get(id);
      return e ? { body: e } : { status: 404, body: { code: 'NOT_FOUND', message: 'Event not found' } };
    }
    if (path === '/startup-scripts' && req.method === 'GET') {
      const name = q.get('name');
      return { body: { hasMore: false, items: [...scripts.values()].filter((s) => !name || s.name === name) } };
    }
    if (path === '/startup-scripts' && req.method === 'POST') {
      const s: FakeScript = {
        id: `sc${++seq}`,
        name: String(body.name),
        script: String(body.script),
        isRunOnce: body.isRunOnce === true,
        isEnabled: true,
        assignedMachineIds: [],
        description: null,
      };
      scripts.set(s.id, s);
      return { body: s };
    }
    if (segments[0] === 'startup-scripts' && id && req.method === 'DELETE') {
      const s = scripts.get(id);
      if (!s) return { status: 404, body: { code: 'NOT_FOUND', message: 'Startup script not found' } };
      scripts.delete(id);
      return { body: s };
    }
    return { status: 404, body: { code: 'NOT_FOUND', message: `no route ${req.method} ${path}` } };
  };

  fake.server = await startScriptedServer(handler);
  fake.baseUrl = fake.server.baseUrl;
  return fake;
}
