/**
 * Validation and defaulting of GpuRequests and GpuProviders exactly as the API
 * server does it from the CRDs: the OpenAPI schema (with ajv) and every CEL
 * `x-kubernetes-validations` rule (with @bufbuild/cel) at its schema location.
 * The in-memory cluster calls this so that the demo and the tests refuse the same
 * manifests a real cluster would, with the same kind of message.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { celEnv, isCelError, parse as parseCel, plan, type CelInput, type CelResult } from '@bufbuild/cel';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../kube/types.js';

export interface ValidationIssue {
  /** Path of the offending field, e.g. `spec.gpu.count` or `spec.regions[1]`. */
  field: string;
  message: string;
}

/** The subset of a JSONSchemaProps this module reads. */
export interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
  default?: unknown;
  'x-kubernetes-validations'?: CelRule[];
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  [keyword: string]: unknown;
}

export interface CelRule {
  rule: string;
  message?: string;
  fieldPath?: string;
  reason?: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
}

export interface CrdVersionInfo {
  group: string;
  kind: string;
  version: string;
  schema: SchemaNode;
}

export const CRD_FILES = ['gpu-provisioner.dev_gpurequests.yaml', 'gpu-provisioner.dev_gpumachines.yaml', 'gpu-provisioner.dev_gpubudgets.yaml', 'gpu-provisioner.dev_gpuproviders.yaml'];

type CelProgram = (bindings: Record<string, CelInput>) => CelResult;

// ajv-formats is CommonJS; its default export arrives wrapped under NodeNext.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Validators for a set of CRDs, compiled once. */
export class CrdValidator {
  private readonly byKind = new Map<string, { info: CrdVersionInfo; ajv: ValidateFunction }>();
  private readonly programs = new Map<string, CelProgram>();
  private readonly env = celEnv();

  constructor(crds: readonly CrdVersionInfo[]) {
    const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
    addFormats(ajv);
    for (const info of crds) {
      this.byKind.set(`${info.group}/${info.kind}`, { info, ajv: ajv.compile(closeObjects(info.schema)) });
    }
  }

  /** Reads the storage version of every CRD in `dir` (default: the package's crds/). */
  static load(dir = findCrdDir()): CrdValidator {
    return new CrdValidator(CRD_FILES.map((f) => crdVersionInfo(parseYaml(readFileSync(join(dir, f), 'utf8')))));
  }

  /** The CRD schema for `kind` in `group`, if this validator knows it. */
  schemaFor(group: string, kind: string): CrdVersionInfo | undefined {
    return this.byKind.get(`${group}/${kind}`)?.info;
  }

  /**
   * What the API server would refuse in `obj` after defaulting it. `old`, on updates,
   * enables the transition rules (those that mention oldSelf, such as immutability).
   * Objects of other API groups have nothing to check here.
   */
  validate(obj: KubeObject, old?: KubeObject): ValidationIssue[] {
    const [group, version] = splitApiVersion(obj.apiVersion);
    const entry = this.byKind.get(`${group}/${obj.kind}`);
    if (!entry) return [];
    if (version !== entry.info.version) {
      return [{ field: 'apiVersion', message: `Unsupported value: ${render(obj.apiVersion)}: supported values: "${group}/${entry.info.version}"` }];
    }
    const issues: ValidationIssue[] = [];
    const name = obj.metadata?.name;
    if (!name) issues.push({ field: 'metadata.name', message: 'Required value: name or generateName is required' });
    else if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
      issues.push({
        field: 'metadata.name',
        message: `Invalid value: ${render(name)}: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
      });
    }

    const defaulted = this.applyDefaults(obj);
    const oldDefaulted = old ? this.applyDefaults(old) : undefined;
    const structural = entry.ajv(defaulted) ? [] : (entry.ajv.errors ?? []);
    const failedPaths = new Set(structural.map((e) => e.instancePath));
    issues.push(...structural.map(toIssue));

    const walk = new CelWalk(this, failedPaths);
    walk.node(entry.info.schema, defaulted, '', '', oldDefaulted);
    issues.push(...walk.issues);
    return issues;
  }

  /** A copy of `obj` with every CRD default filled in, as the API server stores it. */
  applyDefaults<T extends KubeObject>(obj: T): T {
    const copy = structuredClone(obj);
    const [group] = splitApiVersion(obj.apiVersion);
    const entry = this.byKind.get(`${group}/${obj.kind}`);
    if (entry) fillDefaults(entry.info.schema, copy);
    return copy;
  }

  /** Compiles each distinct rule once; the same rule text is shared across paths. */
  program(rule: string): CelProgram {
    let p = this.programs.get(rule);
    if (!p) {
      p = plan(this.env, parseCel(rule)) as CelProgram;
      this.programs.set(rule, p);
    }
    return p;
  }
}

/** Evaluates the CEL rules of one object, collecting issues. */
class CelWalk {
  readonly issues: ValidationIssue[] = [];

  constructor(
    private readonly validator: CrdValidator,
    private readonly failedPaths: Set<string>,
  ) {}

  /** `pointer` is the JSON pointer of the value, to match ajv's instancePath. */
  node(schema: SchemaNode, value: unknown, path: string, pointer: string, old: unknown): void {
    if (value === undefined || value === null || !hasType(schema, value)) return;
    if (!this.failedPaths.has(pointer)) this.rules(schema, value, path, old);

    if (Array.isArray(value)) {
      if (schema.items) {
        value.forEach((item, i) =>
          this.node(schema.items!, item, `${path}[${i}]`, `${pointer}/${i}`, correlate(schema, item, old)),
        );
      }
      this.uniqueness(schema, value, path);
      return;
    }
    if (typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    const oldRecord = isRecord(old) ? old : undefined;
    for (const [key, sub] of Object.entries(schema.properties ?? {})) {
      this.node(sub, record[key], join2(path, key), `${pointer}/${escapePointer(key)}`, oldRecord?.[key]);
    }
    if (typeof schema.additionalProperties === 'object') {
      for (const [key, v] of Object.entries(record)) {
        const sub = schema.additionalProperties;
        this.node(sub, v, `${path}[${key}]`, `${pointer}/${escapePointer(key)}`, oldRecord?.[key]);
      }
    }
  }

  private rules(schema: SchemaNode, value: unknown, path: string, old: unknown): void {
    for (const r of schema['x-kubernetes-validations'] ?? []) {
      const transition = /\boldSelf\b/.test(r.rule);
      if (transition && old === undefined) continue;
      const bindings: Record<string, CelInput> = { self: toCel(value, schema) };
      if (transition) bindings.oldSelf = toCel(old, schema);
      const result = this.validator.program(r.rule)(bindings);
      const field = r.fieldPath ? join2(path, r.fieldPath.replace(/^\./, '')) : path;
      if (isCelError(result)) {
        this.issues.push({ field, message: `Invalid value: ${render(value)}: rule evaluation error: ${result.message}` });
      } else if (result !== true) {
        this.issues.push({ field, message: ruleMessage(r, value) });
      }
    }
  }

  /** x-kubernetes-list-type set and map: the API server refuses repeated entries. */
  private uniqueness(schema: SchemaNode, list: unknown[], path: string): void {
    const listType = schema['x-kubernetes-list-type'];
    if (listType !== 'set' && listType !== 'map') return;
    const keys = schema['x-kubernetes-list-map-keys'] ?? [];
    const seen = new Set<string>();
    list.forEach((item, i) => {
      const identity =
        listType === 'set' ? JSON.stringify(item) : JSON.stringify(keys.map((k) => (isRecord(item) ? item[k] : undefined)));
      if (seen.has(identity)) {
        const shown = listType === 'set' ? render(item) : render(isRecord(item) ? item[keys[0]!] : item);
        this.issues.push({ field: `${path}[${i}]`, message: `Duplicate value: ${shown}` });
      }
      seen.add(identity);
    });
  }
}

function ruleMessage(r: CelRule, value: unknown): string {
  const msg = r.message ?? `failed rule: ${r.rule}`;
  switch (r.reason) {
    case 'FieldValueRequired':
      return `Required value: ${msg}`;
    case 'FieldValueForbidden':
      return `Forbidden: ${msg}`;
    case 'FieldValueDuplicate':
      return `Duplicate value: ${render(value)}: ${msg}`;
    default:
      return `Invalid value: ${render(value)}: ${msg}`;
  }
}

/** For items of a map-type list, the old item with the same keys (how transition rules see lists). */
function correlate(schema: SchemaNode, item: unknown, old: unknown): unknown {
  if (schema['x-kubernetes-list-type'] !== 'map' || !Array.isArray(old) || !isRecord(item)) return undefined;
  const keys = schema['x-kubernetes-list-map-keys'] ?? [];
  return old.find((o) => isRecord(o) && keys.every((k) => o[k] === item[k]));
}

/** The value as CEL sees it: integer fields are CEL ints, objects are maps. */
function toCel(value: unknown, schema: SchemaNode | undefined): CelInput {
  if (Array.isArray(value)) return value.map((v) => toCel(v, schema?.items));
  if (isRecord(value)) {
    const map = new Map<string, CelInput>();
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      const sub =
        schema?.properties?.[k] ?? (typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      map.set(k, toCel(v, sub));
    }
    return map;
  }
  if (typeof value === 'number' && schema?.type === 'integer' && Number.isInteger(value)) return BigInt(value);
  return value as CelInput;
}

function fillDefaults(schema: SchemaNode, value: unknown): void {
  if (Array.isArray(value)) {
    if (schema.items) for (const item of value) fillDefaults(schema.items, item);
    return;
  }
  if (!isRecord(value)) return;
  for (const [key, sub] of Object.entries(schema.properties ?? {})) {
    if (value[key] === undefined && sub.default !== undefined) value[key] = structuredClone(sub.default);
    if (value[key] !== undefined) fillDefaults(sub, value[key]);
  }
  if (typeof schema.additionalProperties === 'object') {
    for (const v of Object.values(value)) fillDefaults(schema.additionalProperties, v);
  }
}

/**
 * A copy of the schema in which objects with declared properties refuse unknown
 * ones: kubectl's strict field validation reports them instead of dropping them.
 */
function closeObjects(schema: SchemaNode): SchemaNode {
  const out: SchemaNode = { ...schema };
  if (schema.properties) {
    out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, closeObjects(v)]));
    if (schema.additionalProperties === undefined) out.additionalProperties = false;
  }
  if (schema.items) out.items = closeObjects(schema.items);
  if (typeof schema.additionalProperties === 'object') out.additionalProperties = closeObjects(schema.additionalProperties);
  return out;
}

function toIssue(e: ErrorObject): ValidationIssue {
  const path = pointerToPath(e.instancePath);
  const p = e.params as Record<string, unknown>;
  const shown = render(e.data);
  switch (e.keyword) {
    case 'required':
      return { field: join2(path, String(p.missingProperty)), message: 'Required value' };
    case 'additionalProperties':
      return { field: join2(path, String(p.additionalProperty)), message: 'Unknown field: not declared in the schema' };
    case 'enum':
      return {
        field: path,
        message: `Unsupported value: ${shown}: supported values: ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'type':
      return { field: path, message: `Invalid value: ${render(jsonType(e.data))}: ${path} in body must be of type ${String(p.type)}: ${render(jsonType(e.data))}` };
    case 'pattern':
      return { field: path, message: `Invalid value: ${shown}: ${path} in body should match '${String(p.pattern)}'` };
    case 'maximum':
      return { field: path, message: `Invalid value: ${shown}: ${path} in body should be less than or equal to ${String(p.limit)}` };
    case 'minimum':
      return { field: path, message: `Invalid value: ${shown}: ${path} in body should be greater than or equal to ${String(p.limit)}` };
    case 'maxItems':
    case 'maxProperties':
      return { field: path, message: `Too many: ${count(e.data)}: must have at most ${String(p.limit)} items` };
    case 'minItems':
      return { field: path, message: `Invalid value: ${count(e.data)}: ${path} in body should have at least ${String(p.limit)} items` };
    case 'maxLength':
      return { field: path, message: `Too long: may not be more than ${String(p.limit)} bytes` };
    case 'minLength':
      return { field: path, message: `Invalid value: ${shown}: ${path} in body should be at least ${String(p.limit)} chars long` };
    case 'format':
      return { field: path, message: `Invalid value: ${shown}: ${path} in body must be of type ${String(p.format)}: ${shown}` };
    default:
      return { field: path, message: `Invalid value: ${shown}: ${e.message ?? e.keyword}` };
  }
}

/** `GpuRequest.gpu-provisioner.dev "x" is invalid: spec.gpu.count: ...`, as the API server words it. */
export function formatInvalid(obj: KubeObject, issues: readonly ValidationIssue[]): string {
  const [group] = splitApiVersion(obj.apiVersion);
  const what = group ? `${obj.kind}.${group}` : obj.kind;
  const details = issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message));
  const list = details.length === 1 ? details[0] : `[${details.join(', ')}]`;
  return `${what} ${JSON.stringify(obj.metadata?.name ?? '')} is invalid: ${list}`;
}

let packaged: CrdValidator | undefined;

/** The validator for the CRDs shipped in this package, read on first use. */
export function crdValidator(): CrdValidator {
  packaged ??= CrdValidator.load();
  return packaged;
}

/** What the API server would refuse in `obj` (see {@link CrdValidator.validate}). */
export function validateObject(obj: KubeObject, old?: KubeObject): ValidationIssue[] {
  return crdValidator().validate(obj, old);
}

/** A copy of `obj` with the CRD defaults filled in. */
export function applyDefaults<T extends KubeObject>(obj: T): T {
  return crdValidator().applyDefaults(obj);
}

/** The crds/ folder at the package root, found from this file whether run from src/ or dist/. */
export function findCrdDir(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'crds');
    if (existsSync(join(candidate, CRD_FILES[0]!))) return candidate;
    if (dirname(dir) === dir) throw new Error(`crds/ not found above ${from}`);
  }
}

export function crdVersionInfo(crd: unknown): CrdVersionInfo {
  const spec = (crd as { spec?: CrdSpec }).spec;
  const version = spec?.versions.find((v) => v.storage);
  if (!spec || !version) throw new Error('not a CustomResourceDefinition with a storage version');
  return { group: spec.group, kind: spec.names.kind, version: version.name, schema: version.schema.openAPIV3Schema };
}

interface CrdSpec {
  group: string;
  names: { kind: string };
  versions: { name: string; storage: boolean; schema: { openAPIV3Schema: SchemaNode } }[];
}

function splitApiVersion(apiVersion: string | undefined): [string, string] {
  const v = apiVersion ?? '';
  const slash = v.indexOf('/');
  return slash < 0 ? ['', v] : [v.slice(0, slash), v.slice(slash + 1)];
}

function hasType(schema: SchemaNode, value: unknown): boolean {
  switch (schema.type) {
    case 'object':
      return isRecord(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return true;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Values in messages as the API server shows them: strings quoted, objects by kind. */
function render(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return '"array"';
  if (isRecord(v)) return '"object"';
  return String(v);
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function count(v: unknown): number {
  if (Array.isArray(v)) return v.length;
  return isRecord(v) ? Object.keys(v).length : 0;
}

function join2(path: string, name: string): string {
  if (!path) return name;
  return name.startsWith('[') ? `${path}${name}` : `${path}.${name}`;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function pointerToPath(pointer: string): string {
  let path = '';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path = /^\d+$/.test(seg) ? `${path}[${seg}]` : join2(path, seg);
  }
  return path;
}
