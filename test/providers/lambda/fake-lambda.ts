/**
 * A small stateful Lambda Cloud for the provider contract. Prism serves the spec's
 * examples but keeps no state, so launch-then-get cannot be checked against it; this
 * fake keeps instances in memory and speaks Lambda's JSON. Every request body it gets
 * and every answer it gives is validated with ajv against the schemas of the vendor's
 * own spec (openapi/lambda.openapi.json); failures are collected in `violations`, which
 * the tests require to be empty.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { startScriptedServer, type RecordedRequest, type ScriptedResponse, type ScriptedServer } from '../../support/scripted-server.js';

export interface FakeInstanceType {
  name: string;
  description: string;
  gpu_description: string;
  price_cents_per_hour: number;
  specs: { vcpus: number; memory_gib: number; storage_gib: number; gpus: number };
  regions: string[];
}

export const FAKE_CATALOG: FakeInstanceType[] = [
  {
    name: 'gpu_1x_a10',
    description: '1x A10 (24 GB PCIe)',
    gpu_description: 'A10 (24 GB PCIe)',
    price_cents_per_hour: 75,
    specs: { vcpus: 30, memory_gib: 200, storage_gib: 1400, gpus: 1 },
    regions: ['us-east-1', 'us-west-1'],
  },
  {
    name: 'gpu_8x_h100_sxm5',
    description: '8x H100 (80 GB SXM5)',
    gpu_description: 'H100 (80 GB SXM5)',
    price_cents_per_hour: 2392,
    specs: { vcpus: 208, memory_gib: 1800, storage_gib: 24780, gpus: 8 },
    regions: ['us-south-1'],
  },
  {
    name: 'gpu_1x_rtx6000',
    description: '1x RTX 6000 (24 GB)',
    gpu_description: 'RTX 6000 (24 GB)',
    price_cents_per_hour: 50,
    specs: { vcpus: 14, memory_gib: 46, storage_gib: 512, gpus: 1 },
    regions: ['us-west-1'],
  },
  {
    name: 'gpu_1x_a100',
    description: '1x A100 (40 GB PCIe)',
    gpu_description: 'A100 (40 GB PCIe)',
    price_cents_per_hour: 129,
    specs: { vcpus: 30, memory_gib: 200, storage_gib: 512, gpus: 1 },
    regions: [],
  },
];

const REGION_DESCRIPTIONS: Record<string, string> = {
  'us-east-1': 'Virginia, USA',
  'us-west-1': 'California, USA',
  'us-south-1': 'Texas, USA',
};

type Json = Record<string, unknown>;

const SPEC_ID = 'lambda.openapi.json';

function pointer(...parts: string[]): string {
  return parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

/** ajv validators for the request and response bodies of the spec's operations. */
class SpecValidator {
  private readonly ajv: Ajv2020;
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(specPath: string) {
    const spec = JSON.parse(readFileSync(specPath, 'utf8')) as Json;
    // OpenAPI 3.1 schemas are JSON Schema 2020-12; the document's other keys
    // (paths, info ...) are not schema keywords, hence strict: false.
    this.ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
    this.ajv.addFormat('password', true);
    this.ajv.addSchema({ ...spec, $id: SPEC_ID });
  }

  check(ref: string, value: unknown): string | undefined {
    let v = this.cache.get(ref);
    if (!v) {
      v = this.ajv.compile({ $ref: `${SPEC_ID}#/${ref}` });
      this.cache.set(ref, v);
    }
    if (v(value)) return undefined;
    return this.ajv.errorsText(v.errors);
  }

  request(path: string, method: string, body: unknown): string | undefined {
    return this.check(pointer('paths', path, method, 'requestBody', 'content', 'application/json', 'schema'), body);
  }

  response(path: string, method: string, status: number, body: unknown): string | undefined {
    return this.check(pointer('paths', path, method, 'responses', String(status), 'content', 'application/json', 'schema'), body);
  }
}

function apiError(status: number, code: string, message: string, suggestion?: string): ScriptedResponse {
  return { status, body: { error: { code, message, ...(suggestion ? { suggestion } : {}) } } };
}

export class FakeLambda {
  readonly violations: string[] = [];
  readonly instances = new Map<string, Json>();
  launches = 0;
  private nextId = 1;
  private server!: ScriptedServer;
  private readonly validator: SpecValidator;

  private constructor(
    private readonly apiKey: string,
    private readonly catalog: FakeInstanceType[],
  ) {
    this.validator = new SpecValidator(join(process.cwd(), 'openapi/lambda.openapi.json'));
  }

  static async start(apiKey: string, catalog: FakeInstanceType[] = FAKE_CATALOG): Promise<FakeLambda> {
    const fake = new FakeLambda(apiKey, catalog);
    fake.server = await startScriptedServer((req) => fake.handle(req));
    return fake;
  }

  get baseUrl(): string {
    return this.server.baseUrl;
  }

  get requests(): RecordedRequest[] {
    return this.server.requests;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** Lambda takes the machine back. */
  preempt(id: string): void {
    const inst = this.instances.get(id);
    if (inst) inst.status = 'preempted';
  }

  private handle(req: RecordedRequest): ScriptedResponse {
    const path = req.path.split('?')[0] ?? req.path;
    const method = req.method.toLowerCase();
    if (req.headers.authorization !== `Bearer ${this.apiKey}`) {
      return apiError(401, 'global/invalid-api-key', 'API key was invalid, expired, or deleted.', 'Check your API key or create a new one, then try again.');
    }
    let body: unknown;
    if (req.body !== '') {
      try {
        body = JSON.parse(req.body);
      } catch {
        this.violations.push(`${req.method} ${path}: body is not JSON`);
        return apiError(400, 'global/invalid-parameters', 'Invalid request data.');
      }
    }
    const { specPath, answer } = this.route(method, path, body);
    if (specPath && answer.status !== undefined && answer.body !== undefined) {
      const bad = this.validator.response(specPath, method, answer.status, answer.body);
      if (bad) this.violations.push(`answer to ${req.method} ${path} (${answer.status}) breaks the spec: ${bad}`);
    }
    return answer;
  }

  private requestOk(specPath: string, method: string, body: unknown): string | undefined {
    const bad = this.validator.request(specPath, method, body);
    if (bad) this.violations.push(`${method.toUpperCase()} ${specPath} request breaks the spec: ${bad}`);
    return bad;
  }

  private route(method: string, path: string, body: unknown): { specPath?: string; answer: ScriptedResponse } {
    if (method === 'get' && path === '/api/v1/instance-types') {
      const data: Record<string, unknown> = {};
      for (const t of this.catalog) {
        const { regions, ...instance_type } = t;
        data[t.name] = {
          instance_type,
          regions_with_capacity_available: regions.map((name) => ({ name, description: REGION_DESCRIPTIONS[name] ?? name })),
        };
      }
      return { specPath: '/api/v1/instance-types', answer: { status: 200, body: { data } } };
    }
    if (method === 'get' && path === '/api/v1/ssh-keys') {
      return { specPath: '/api/v1/ssh-keys', answer: { status: 200, body: { data: [{ id: 'k1', name: 'ops', public_key: 'ssh-ed25519 AAAA ops' }] } } };
    }
    if (method === 'get' && path === '/api/v1/instances') {
      this.advance();
      return { specPath: '/api/v1/instances', answer: { status: 200, body: { data: [...this.instances.values()] } } };
    }
    const one = /^\/api\/v1\/instances\/([^/]+)$/.exec(path);
    if (method === 'get' && one) {
      const inst = this.instances.get(decodeURIComponent(one[1]!));
      const answer = inst ? { status: 200, body: { data: inst } } : apiError(404, 'global/object-does-not-exist', 'Specified instance does not exist.');
      return { specPath: '/api/v1/instances/{id}', answer };
    }
    if (method === 'post' && path === '/api/v1/instance-operations/launch') {
      const specPath = '/api/v1/instance-operations/launch';
      if (this.requestOk(specPath, method, body)) return { specPath, answer: apiError(400, 'global/invalid-parameters', 'Invalid request data.') };
      return { specPath, answer: this.launch(body as Json) };
    }
    if (method === 'post' && path === '/api/v1/instance-operations/terminate') {
      const specPath = '/api/v1/instance-operations/terminate';
      if (this.requestOk(specPath, method, body)) return { specPath, answer: apiError(400, 'global/invalid-parameters', 'Invalid request data.') };
      const ids = (body as { instance_ids: string[] }).instance_ids;
      const found = ids.map((id) => this.instances.get(id));
      if (found.some((i) => i === undefined)) {
        return { specPath, answer: apiError(404, 'global/object-does-not-exist', 'Specified instance does not exist.') };
      }
      for (const i of found) {
        i!.status = 'terminating';
        i!.actions = this.actions('terminating');
      }
      return { specPath, answer: { status: 200, body: { data: { terminated_instances: found } } } };
    }
    this.violations.push(`${method.toUpperCase()} ${path} is not an operation the adapter should call`);
    return { answer: { status: 404, body: { error: { code: 'global/object-does-not-exist', message: 'no such route' } } } };
  }

  private launch(body: Json): ScriptedResponse {
    const type = this.catalog.find((t) => t.name === body.instance_type_name);
    const region = String(body.region_name);
    if (!type) return apiError(400, 'global/invalid-parameters', 'Invalid instance type.');
    if (!type.regions.includes(region)) {
      return apiError(400, 'instance-operations/launch/insufficient-capacity', 'Not enough capacity to fulfill launch request.');
    }
    this.launches++;
    const id = `f${String(this.nextId++).padStart(31, '0')}`;
    const { regions: _regions, ...instance_type } = type;
    this.instances.set(id, {
      id,
      ...(typeof body.name === 'string' ? { name: body.name } : {}),
      status: 'booting',
      ssh_key_names: body.ssh_key_names,
      file_system_names: [],
      region: { name: region, description: REGION_DESCRIPTIONS[region] ?? region },
      instance_type,
      ...(typeof body.hostname === 'string' ? { hostname: body.hostname } : {}),
      actions: this.actions('booting'),
      tags: Array.isArray(body.tags) ? body.tags : [],
    });
    return { status: 200, body: { data: { instance_ids: [id] } } };
  }

  /** Time passes between list calls: booting machines come up, terminating ones go. */
  private advance(): void {
    for (const [id, inst] of this.instances) {
      if (inst.status === 'booting') {
        inst.status = 'active';
        inst.actions = this.actions('active');
      } else if (inst.status === 'terminating') {
        this.instances.delete(id);
      }
    }
  }

  private actions(status: string): Json {
    const ok = status === 'active';
    const reason = status === 'terminating' ? 'vm-is-terminating' : 'vm-has-not-launched';
    const detail = ok ? { available: true } : { available: false, reason_code: reason };
    return { migrate: detail, rebuild: detail, restart: detail, cold_reboot: detail, terminate: { available: status !== 'terminating' } };
  }
}
