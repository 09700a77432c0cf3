/**
 * Renders one node's Talos machine config from the cluster's worker template (the
 * worker.yaml of `talosctl gen config`) and checks it against Talos's own JSON schema.
 *
 * The template is merged into, never replaced: the yaml Document API edits it in place,
 * so the admin's comments, key order and other documents survive. Talos v1.13 has no
 * `machine.network`; the hostname and KubeSpan live in their own documents
 * (HostnameConfig, KubeSpanConfig), which are updated when present and appended otherwise.
 *
 * Nothing here ever puts template content into an error message: the template carries
 * the cluster's tokens and keys, and errors end up in events and conditions.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020Module, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { Document, LineCounter, isMap, isSeq, parseAllDocuments, type YAMLMap } from 'yaml';
import type { NodeTaint } from './types.js';

/** What one node adds to the cluster's worker template. */
export interface NodePatch {
  hostname: string;
  /** Labels that bind the Node to its GpuRequest, plus the request's extra labels. */
  nodeLabels: Record<string, string>;
  nodeTaints: NodeTaint[];
  /** kubelet --provider-id, when the platform does not supply one itself. */
  providerId?: string;
  /** The Image Factory installer carrying the NVIDIA extensions, for the install to disk. */
  installImage?: string;
}

/** Loaded as Talos's NVIDIA guide asks, so the driver is ready before the device plugin starts. */
export const NVIDIA_KERNEL_MODULES = ['nvidia', 'nvidia_uvm', 'nvidia_drm', 'nvidia_modeset'] as const;

/** From Talos's NVIDIA guide: the container toolkit needs BPF JIT hardening relaxed to 1. */
export const NVIDIA_SYSCTLS: Readonly<Record<string, string>> = { 'net.core.bpf_jit_harden': '1' };

/** A template that cannot be used; the message names the field, never a value. */
export class TemplateError extends Error {
  constructor(
    message: string,
    /** Field paths and messages, e.g. `machine.kubelet.extraArgs: must be object`. */
    readonly problems: string[] = [],
  ) {
    super(message);
    this.name = 'TemplateError';
  }
}

function parseTemplate(templateYaml: string): Document[] {
  const lines = new LineCounter();
  const docs = parseAllDocuments(templateYaml, { prettyErrors: false, lineCounter: lines });
  if (!Array.isArray(docs)) return [];
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err) {
      // The yaml library quotes the offending source line in its message; that line may
      // hold a token, so only the position and the error code are reported.
      const pos = lines.linePos(err.pos[0]);
      throw new TemplateError(`template is not valid YAML at line ${pos.line}, column ${pos.col} (${err.code})`);
    }
  }
  return docs.filter((d) => d.contents !== null);
}

function kindOf(doc: Document): string | undefined {
  const kind = doc.get('kind');
  if (typeof kind === 'string') return kind;
  return doc.get('version') === 'v1alpha1' ? 'v1alpha1' : undefined;
}

function ensureMap(doc: Document, path: string[]): YAMLMap {
  const node = doc.getIn(path, true);
  if (node === undefined || node === null) {
    doc.setIn(path, doc.createNode({}));
    return doc.getIn(path, true) as YAMLMap;
  }
  if (!isMap(node)) throw new TemplateError(`template field ${path.join('.')} must be a mapping`);
  return node;
}

function taintValue(t: NodeTaint): string {
  // Talos splits on the first ':'; a bare effect means an empty value.
  return t.value ? `${t.value}:${t.effect}` : t.effect;
}

function patchMachine(doc: Document, patch: NodePatch): void {
  const labels = ensureMap(doc, ['machine', 'nodeLabels']);
  for (const [k, v] of Object.entries(patch.nodeLabels)) labels.set(k, v);
  if (patch.nodeTaints.length > 0) {
    const taints = ensureMap(doc, ['machine', 'nodeTaints']);
    for (const t of patch.nodeTaints) taints.set(t.key, taintValue(t));
  }
  if (patch.installImage) ensureMap(doc, ['machine', 'install']).set('image', patch.installImage);
  if (patch.providerId) {
    const args = ensureMap(doc, ['machine', 'kubelet', 'extraArgs']);
    args.set('provider-id', patch.providerId);
  }
  ensureMap(doc, ['machine', 'kernel']);
  const modulesPath = ['machine', 'kernel', 'modules'];
  let modules = doc.getIn(modulesPath, true);
  if (modules === undefined || modules === null) {
    doc.setIn(modulesPath, doc.createNode([]));
    modules = doc.getIn(modulesPath, true);
  }
  if (!isSeq(modules)) throw new TemplateError('template field machine.kernel.modules must be a list');
  const present = new Set(
    modules.items.map((m) => (isMap(m) ? m.get('name') : undefined)).filter((n) => typeof n === 'string'),
  );
  for (const name of NVIDIA_KERNEL_MODULES) if (!present.has(name)) modules.add(doc.createNode({ name }));
  const sysctls = ensureMap(doc, ['machine', 'sysctls']);
  for (const [k, v] of Object.entries(NVIDIA_SYSCTLS)) sysctls.set(k, v);
  // KubeSpan finds its peers through cluster discovery; without it nodes on other clouds stay apart.
  ensureMap(doc, ['cluster', 'discovery']).set('enabled', true);
}

function newDocument(contents: Record<string, unknown>): Document {
  return new Document(contents);
}

/**
 * The template with this node's labels, taints, hostname, NVIDIA modules and KubeSpan
 * merged in, as multi-document YAML.
 */
export function renderWorkerConfig(templateYaml: string, patch: NodePatch): string {
  const docs = parseTemplate(templateYaml);
  const main = docs.filter((d) => kindOf(d) === 'v1alpha1');
  if (main.length !== 1) {
    throw new TemplateError(
      main.length === 0
        ? 'template has no v1alpha1 machine config document (version: v1alpha1)'
        : 'template has more than one v1alpha1 machine config document',
    );
  }
  if (main[0]!.getIn(['machine', 'type']) !== 'worker') {
    throw new TemplateError('template machine.type must be worker (use the worker.yaml of talosctl gen config)');
  }
  patchMachine(main[0]!, patch);

  const hostnameDoc = docs.find((d) => kindOf(d) === 'HostnameConfig');
  if (hostnameDoc) {
    // A static hostname and `auto` conflict; the static one ties the Node to its slot.
    hostnameDoc.delete('auto');
    hostnameDoc.set('hostname', patch.hostname);
  } else {
    docs.push(newDocument({ apiVersion: 'v1alpha1', kind: 'HostnameConfig', hostname: patch.hostname }));
  }
  const kubespan = docs.find((d) => kindOf(d) === 'KubeSpanConfig');
  if (kubespan) kubespan.set('enabled', true);
  else docs.push(newDocument({ apiVersion: 'v1alpha1', kind: 'KubeSpanConfig', enabled: true }));

  return docs
    .map((d, i) => {
      const text = d.toString({ lineWidth: 0 });
      // Documents parsed after a `---` print their own marker; appended ones need one.
      return i === 0 || text.startsWith('---') ? text : `---\n${text}`;
    })
    .join('');
}

// --- validation against Talos's JSON schema ---

/** The talos/ folder at the package root, found from this file whether run from src/ or dist/. */
function schemaPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'talos', 'config.schema.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error('talos/config.schema.json not found above the talos module');
    dir = dirname(dir);
  }
}

// ajv's 2020 entry is CommonJS; its default export arrives wrapped under NodeNext.
const Ajv2020 = ((Ajv2020Module as unknown as { default?: unknown }).default ?? Ajv2020Module) as unknown as typeof Ajv2020Module.default;

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: InstanceType<typeof Ajv2020>) => unknown;

/** Compiled validators per document kind, built once from the schema file. */
export class MachineConfigValidator {
  private readonly byKind = new Map<string, ValidateFunction>();

  constructor(schema: { $defs: Record<string, unknown>; oneOf: { $ref: string }[] } = loadSchema()) {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    const { oneOf, ...defsOnly } = schema;
    ajv.addSchema({ ...defsOnly, $id: 'talos-config' });
    for (const { $ref } of oneOf) {
      const def = $ref.replace('#/$defs/', '');
      const validate = ajv.getSchema(`talos-config${$ref}`);
      if (!validate) continue;
      // Defs are named `<group>.<Kind>V1Alpha1`; documents say `kind: <Kind>`.
      const kind = def === 'v1alpha1.Config' ? 'v1alpha1' : def.replace(/^[^.]+\./, '').replace(/V1Alpha1$/, '');
      this.byKind.set(kind, validate);
    }
  }

  /** Problems as `<document>: <field path>: <message>`; empty when the config is valid. */
  validate(configYaml: string): string[] {
    let docs: Document[];
    try {
      docs = parseTemplate(configYaml);
    } catch (e) {
      return [(e as Error).message];
    }
    const problems: string[] = [];
    docs.forEach((doc, i) => {
      const kind = kindOf(doc);
      const label = kind === 'v1alpha1' ? 'v1alpha1 config' : kind ? `${kind} document` : `document ${i + 1}`;
      if (!kind) return problems.push(`${label}: has neither kind nor version: v1alpha1`);
      const validate = this.byKind.get(kind);
      if (!validate) return problems.push(`${label}: unknown kind for Talos v1.13`);
      if (!validate(doc.toJS())) for (const e of validate.errors ?? []) problems.push(`${label}: ${describe(e)}`);
    });
    return problems;
  }
}

function loadSchema(): { $defs: Record<string, unknown>; oneOf: { $ref: string }[] } {
  return JSON.parse(readFileSync(schemaPath(), 'utf8')) as { $defs: Record<string, unknown>; oneOf: { $ref: string }[] };
}

/** A field path and message, built from the error's location and schema params, never its data. */
function describe(e: ErrorObject): string {
  const segments = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (e.keyword === 'additionalProperties') {
    segments.push(String((e.params as { additionalProperty: string }).additionalProperty));
    return `${segments.join('.')}: is not a known field`;
  }
  if (e.keyword === 'enum') {
    const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map(String).join(', ');
    return `${segments.join('.') || '(document)'}: must be one of ${allowed}`;
  }
  return `${segments.join('.') || '(document)'}: ${e.message ?? e.keyword}`;
}

/**
 * Validates every document of a rendered config; returns field paths and messages.
 * Compiling the schema takes a moment: callers that validate often keep one validator.
 */
export function validateMachineConfig(configYaml: string, validator = new MachineConfigValidator()): string[] {
  return validator.validate(configYaml);
}
