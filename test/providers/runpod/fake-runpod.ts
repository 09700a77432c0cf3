/**
 * A small stateful RunPod for the contract and the adapter's behaviour tests. Prism keeps
 * no state, so create-then-get cannot be checked against it; this fake keeps pods in
 * memory and speaks RunPod's JSON on the same paths as the real services (v1 REST under
 * /v1, the v2 catalog under /v2, GraphQL at /graphql). Every pod request body, and every
 * pod and catalog answer, is validated with ajv against the vendor's own specs; failures
 * go to `violations`, which the tests require to be empty.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { startScriptedServer, type RecordedRequest, type ScriptedResponse, type ScriptedServer } from '../../support/scripted-server.js';

type Json = Record<string, unknown>;

export interface FakeGpuType {
  id: string;
  name: string;
  memory: number;
  secure: boolean;
  community: boolean;
  price: { secure: number; community: number };
  maxCount: { secure: number; community: number };
  /** Data centre -> stock level. */
  dataCenters: Record<string, 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH'>;
  /** Spot bid per GPU, answered over GraphQL. */
  minimumBidPrice?: number;
}

export const FAKE_GPUS: FakeGpuType[] = [
  {
    id: 'NVIDIA H100 80GB HBM3',
    name: 'H100 SXM',
    memory: 80,
    secure: true,
    community: false,
    price: { secure: 2.69, community: 0 },
    maxCount: { secure: 8, community: 0 },
    dataCenters: { 'US-KS-2': 'HIGH', 'EU-RO-1': 'NONE' },
    minimumBidPrice: 1.75,
  },
  {
    id: 'NVIDIA GeForce RTX 4090',
    name: 'RTX 4090',
    memory: 24,
    secure: true,
    community: true,
    price: { secure: 0.69, community: 0.34 },
    maxCount: { secure: 2, community: 4 },
    dataCenters: { 'US-TX-3': 'MEDIUM' },
    minimumBidPrice: 0.35,
  },
  {
    // Not in the normalised model table: never offered.
    id: 'NVIDIA A40',
    name: 'A40',
    memory: 48,
    secure: true,
    community: true,
    price: { secure: 0.4, community: 0.35 },
    maxCount: { secure: 8, community: 8 },
    dataCenters: { 'US-KS-2': 'HIGH' },
  },
  {
    // Community cloud only: not offered from the secure cloud.
    id: 'NVIDIA L4',
    name: 'L4',
    memory: 24,
    secure: false,
    community: true,
    price: { secure: 0, community: 0.43 },
    maxCount: { secure: 0, community: 4 },
    dataCenters: { 'EU-SE-1': 'LOW' },
  },
];

function pointer(...parts: string[]): string {
  return parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

/** ajv over one spec document; refs are JSON pointers into it. */
class SpecValidator {
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(
    private readonly ajv: Ajv | Ajv2020,
    private readonly id: string,
    specPath: string,
  ) {
    const spec = JSON.parse(readFileSync(specPath, 'utf8')) as Json;
    this.ajv.addSchema({ ...spec, $id: id });
  }

  check(ref: string, value: unknown): string | undefined {
    let v = this.cache.get(ref);
    if (!v) {
      v = this.ajv.compile({ $ref: `${this.id}#/${ref}` });
      this.cache.set(ref, v);
    }
    return v(value) ? undefined : this.ajv.errorsText(v.errors);
  }
}

export class FakeRunPod {
  readonly violations: string[] = [];
  readonly pods = new Map<string, Json>();
  launches = 0;
  /** The next POST /v1/pods fails with this answer instead of launching. */
  nextCreateFailure: ScriptedResponse | undefined;
  /** GraphQL answers 500 while set. */
  graphqlDown = false;
  private nextId = 1;
  private server!: ScriptedServer;
  // The v1 spec is OpenAPI 3.0 (draft-07 with `nullable`); v2 is 3.1 (2020-12).
  // strict: false because the documents carry non-schema keys (paths, info, example).
  private readonly v1 = new SpecValidator(
    new Ajv({ strict: false, allErrors: true, logger: false, validateFormats: false }),
    'runpod.openapi.json',
    join(process.cwd(), 'openapi/runpod.openapi.json'),
  );
  private readonly v2 = new SpecValidator(
    new Ajv2020({ strict: false, allErrors: true, logger: false, validateFormats: false }),
    'runpod-v2.openapi.json',
    join(process.cwd(), 'openapi/runpod-v2.openapi.json'),
  );

  private constructor(
    private readonly apiKey: string,
    private readonly gpus: FakeGpuType[],
  ) {}

  static async start(apiKey: string, gpus: FakeGpuType[] = FAKE_GPUS): Promise<FakeRunPod> {
    const fake = new FakeRunPod(apiKey, gpus);
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

  /** RunPod takes an interruptible pod back: it exits. */
  interrupt(id: string): void {
    const pod = this.pods.get(id);
    if (pod) pod.desiredStatus = 'EXITED';
  }

  /** A pod disappears from RunPod without us asking. */
  vanish(id: string): void {
    this.pods.delete(id);
  }

  private handle(req: RecordedRequest): ScriptedResponse {
    const url = new URL(req.path, 'http://fake');
    if (req.headers.authorization !== `Bearer ${this.apiKey}`) {
      return { status: 401, body: { title: 'Unauthorized', status: 401, detail: 'missing bearer token' } };
    }
    let body: unknown;
    if (req.body !== '') {
      try {
        body = JSON.parse(req.body);
      } catch {
        this.violations.push(`${req.method} ${url.pathname}: body is not JSON`);
        return { status: 400, body: { error: 'invalid JSON' } };
      }
    }
    return this.route(req.method, url, body);
  }

  private answer(specRef: string | undefined, validator: SpecValidator, status: number, body: unknown): ScriptedResponse {
    if (specRef) {
      const bad = validator.check(specRef, body);
      if (bad) this.violations.push(`answer ${specRef} breaks the spec: ${bad}`);
    }
    return { status, body };
  }

  private route(method: string, url: URL, body: unknown): ScriptedResponse {
    const path = url.pathname;
    if (method === 'GET' && path === '/v2/catalog/gpus') return this.catalog(url);
    if (method === 'POST' && path === '/graphql') return this.graphql(body);
    if (method === 'GET' && path === '/v1/pods') {
      const name = url.searchParams.get('name');
      const pods = [...this.pods.values()].filter((p) => name === null || p.name === name);
      return this.answer(pointer('components', 'schemas', 'Pods'), this.v1, 200, pods);
    }
    if (method === 'POST' && path === '/v1/pods') return this.createPod(body);
    const one = /^\/v1\/pods\/([^/]+)$/.exec(path);
    if (one) {
      const id = decodeURIComponent(one[1]!);
      const pod = this.pods.get(id);
      if (method === 'GET') {
        return pod ? this.answer(pointer('components', 'schemas', 'Pod'), this.v1, 200, pod) : { status: 404, body: { error: 'pod not found' } };
      }
      if (method === 'DELETE') {
        // The spec declares 400 "Invalid Pod ID." for delete; the adapter must still treat it as done.
        if (!pod) return { status: 400, body: { error: 'Invalid Pod ID.' } };
        this.pods.delete(id);
        return { status: 204 };
      }
    }
    return { status: 404, body: { error: `no fake route for ${method} ${path}` } };
  }

  private catalog(url: URL): ScriptedResponse {
    const q = url.searchParams;
    const problems: string[] = [];
    if (q.get('include') !== 'AVAILABILITY') problems.push('include=AVAILABILITY missing');
    if (q.get('product') !== 'POD') problems.push('product=POD missing');
    const cloud = q.get('cloud') ?? 'SECURE';
    if (cloud !== 'SECURE' && cloud !== 'COMMUNITY') problems.push(`bad cloud ${cloud}`);
    const count = Number(q.get('count') ?? '1');
    if (!Number.isInteger(count) || count < 1) problems.push(`bad count ${q.get('count')}`);
    if (problems.length > 0) {
      this.violations.push(`GET /v2/catalog/gpus: ${problems.join(', ')}`);
      return { status: 400, body: { title: 'Bad Request', status: 400, detail: problems.join(', ') } };
    }
    const key = cloud === 'SECURE' ? 'secure' : 'community';
    const gpus = this.gpus.map((g) => {
      const fits = g[key] && count <= g.maxCount[key];
      const dcs = Object.entries(g.dataCenters).map(([id, availability]) => ({ id, name: id, availability: fits ? availability : 'NONE' }));
      return {
        id: g.id,
        name: g.name,
        pool: null,
        manufacturer: 'NVIDIA',
        memory: g.memory,
        secure: g.secure,
        community: g.community,
        price: g.price,
        maxCount: g.maxCount,
        availability: dcs.some((d) => d.availability !== 'NONE') ? 'HIGH' : 'NONE',
        ...(fits ? { dataCenters: dcs } : {}),
      };
    });
    return this.answer(pointer('components', 'schemas', 'ListGpuTypesResponse'), this.v2, 200, { gpus });
  }

  private graphql(body: unknown): ScriptedResponse {
    if (this.graphqlDown) return { status: 500, body: 'upstream error' };
    const query = typeof body === 'object' && body !== null ? (body as Json).query : undefined;
    if (typeof query !== 'string' || !/gpuTypes\s*\{/.test(query)) {
      return { status: 200, body: { errors: [{ message: 'Syntax Error: expected gpuTypes' }] } };
    }
    const aliases = [...query.matchAll(/(n\d+): lowestPrice\(input: \{gpuCount: (\d+)/g)].map((m) => ({ alias: m[1]!, n: Number(m[2]) }));
    const gpuTypes = this.gpus.map((g) => ({
      id: g.id,
      ...Object.fromEntries(
        aliases.map(({ alias, n }) => [
          alias,
          { minimumBidPrice: g.minimumBidPrice !== undefined && n <= g.maxCount.secure ? g.minimumBidPrice : null, uninterruptablePrice: g.price.secure },
        ]),
      ),
    }));
    return { status: 200, body: { data: { gpuTypes } } };
  }

  private createPod(body: unknown): ScriptedResponse {
    const bad = this.v1.check(pointer('paths', '/pods', 'post', 'requestBody', 'content', 'application/json', 'schema'), body);
    if (bad) {
      this.violations.push(`POST /pods request breaks the spec: ${bad}`);
      return { status: 400, body: { error: bad } };
    }
    if (this.nextCreateFailure) {
      const failure = this.nextCreateFailure;
      this.nextCreateFailure = undefined;
      return failure;
    }
    const input = body as Json;
    const gpuTypeId = (input.gpuTypeIds as string[] | undefined)?.[0] ?? '';
    const gpu = this.gpus.find((g) => g.id === gpuTypeId);
    const count = Number(input.gpuCount ?? 1);
    const spot = input.interruptible === true;
    const perGpu = gpu ? (spot ? (gpu.minimumBidPrice ?? gpu.price.secure) : gpu.price.secure) : 1;
    const id = `pod${String(this.nextId++).padStart(10, '0')}`;
    const pod: Json = {
      id,
      name: input.name,
      desiredStatus: 'RUNNING',
      interruptible: spot,
      image: input.imageName,
      env: input.env ?? {},
      costPerHr: Math.round(perGpu * count * 100) / 100,
      gpu: { id: gpuTypeId, count, displayName: gpu?.name ?? gpuTypeId },
      machine: { gpuTypeId, dataCenterId: (input.dataCenterIds as string[] | undefined)?.[0] ?? 'US-KS-2' },
      vcpuCount: Number(input.minVCPUPerGPU ?? 2) * count,
      memoryInGb: Number(input.minRAMPerGPU ?? 8) * count,
      lastStartedAt: '2026-01-01T00:00:00.000Z',
    };
    this.pods.set(id, pod);
    this.launches++;
    return this.answer(pointer('components', 'schemas', 'Pod'), this.v1, 201, pod);
  }
}
