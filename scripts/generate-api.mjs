// Generates src/api/generated/*.ts from the CRDs in crds/, so the YAML stays the one
// source of truth for the API types. `node scripts/generate-api.mjs [--out <dir>]`;
// the drift test generates into a temporary directory and compares.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import process from 'node:process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from 'json-schema-to-typescript';
import { parse } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Which schema locations become named types. Paths: property names joined by dots,
 * `[]` for array items. Everything unnamed is inlined into its parent.
 */
const CRDS = [
  {
    file: 'crds/gpu-provisioner.dev_gpurequests.yaml',
    out: 'gpu-request.ts',
    names: {
      spec: 'GpuRequestSpec',
      'spec.gpu': 'GpuSpec',
      'spec.capacityTypes[]': 'CapacityTypeName',
      'spec.aws': 'GpuRequestAwsSpec',
      'spec.talos': 'GpuRequestTalosSpec',
      'spec.talos.configSecretRef': 'SecretKeyRef',
      'spec.talos.nodeTaints[]': 'TaintSpec',
      'spec.lifetime': 'LifetimeSpec',
      'spec.interruption': 'InterruptionSpec',
      status: 'GpuRequestStatus',
      'status.phase': 'Phase',
      'status.conditions[]': 'Condition',
      'status.interruptions[]': 'InterruptionRecord',
    },
    // The model list grows with src/api/gpu-models.ts; code handles models as strings
    // and the API server (enum) refuses unknown ones.
    tsTypes: { 'spec.gpu.model': 'string' },
  },
  {
    file: 'crds/gpu-provisioner.dev_gpumachines.yaml',
    out: 'gpu-machine.ts',
    names: {
      spec: 'GpuMachineSpec',
      'spec.gpu': 'GpuSpec',
      'spec.capacityTypes[]': 'CapacityTypeName',
      'spec.aws': 'GpuRequestAwsSpec',
      'spec.talos': 'GpuRequestTalosSpec',
      'spec.talos.configSecretRef': 'SecretKeyRef',
      'spec.talos.nodeTaints[]': 'TaintSpec',
      'spec.interruption': 'InterruptionSpec',
      status: 'GpuMachineStatus',
      'status.phase': 'MachinePhase',
      'status.conditions[]': 'Condition',
      'status.launching': 'LaunchIntent',
      'status.capacityType': 'CapacityTypeName',
      'status.interruption': 'MachineInterruption',
      'status.offers[]': 'OfferSummary',
      'status.offers[].capacityType': 'CapacityTypeName',
    },
    tsTypes: { 'spec.gpu.model': 'string' },
  },
  {
    file: 'crds/gpu-provisioner.dev_gpubudgets.yaml',
    out: 'gpu-budget.ts',
    names: {
      spec: 'GpuBudgetSpec',
      'spec.period': 'BudgetPeriod',
      status: 'GpuBudgetStatus',
      'status.conditions[]': 'Condition',
    },
    tsTypes: {},
  },
  {
    file: 'crds/gpu-provisioner.dev_gpuproviders.yaml',
    out: 'gpu-provider.ts',
    names: {
      spec: 'GpuProviderSpec',
      'spec.type': 'ProviderTypeName',
      'spec.credentialsSecretRef': 'SecretKeyRef',
      'spec.rateLimit': 'RateLimitSpec',
      'spec.talos': 'GpuProviderTalosSpec',
      'spec.talos.configSecretRef': 'SecretKeyRef',
      'spec.aws': 'GpuProviderAwsSpec',
      'spec.lambda': 'GpuProviderLambdaSpec',
      'spec.paperspace': 'GpuProviderPaperspaceSpec',
      'spec.runpod': 'GpuProviderRunPodSpec',
      'spec.paperspace.priceOverrides[]': 'PriceOverride',
      'spec.sim': 'GpuProviderSimSpec',
      status: 'GpuProviderStatus',
      'status.conditions[]': 'Condition',
    },
    tsTypes: {},
  },
];

/** Types used in more than one place get a description of their own. */
const SHARED_DOCS = {
  SecretKeyRef: 'A reference to one key of a Secret.',
  Condition: 'One aspect of an object\'s state, shaped like metav1.Condition.',
  CapacityTypeName: 'spot (cheaper, can be interrupted) or on-demand.',
};

const COMMON_OUT = 'common.ts';

const OPTIONS = {
  bannerComment: '',
  additionalProperties: false,
  ignoreMinAndMaxItems: true,
  declareExternallyReferenced: true,
  unknownAny: true,
  format: true,
  style: { singleQuote: true, printWidth: 120 },
};

function openApiSchema(file) {
  const crd = parse(readFileSync(join(root, file), 'utf8'));
  const version = crd.spec.versions.find((v) => v.storage);
  return version.schema.openAPIV3Schema;
}

/**
 * Copies `schema` (at `path`) for json-schema-to-typescript: Kubernetes keywords and
 * defaults dropped, named descendants replaced by a reference to their type.
 */
function prepare(schema, path, crd, refs, isRoot) {
  if (!isRoot && crd.names[path]) {
    refs.add(crd.names[path]);
    return withDescription({ tsType: crd.names[path] }, schema);
  }
  if (crd.tsTypes[path]) return withDescription({ tsType: crd.tsTypes[path] }, schema);
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-kubernetes-') || key === 'default') continue;
    if (key === 'properties') {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, sub]) => [name, prepare(sub, join2(path, name), crd, refs, false)]),
      );
    } else if (key === 'items') {
      out.items = prepare(value, `${path}[]`, crd, refs, false);
    } else if (key === 'additionalProperties' && typeof value === 'object') {
      out.additionalProperties = prepare(value, `${path}{}`, crd, refs, false);
    } else {
      out[key] = value;
    }
  }
  return out;
}

function withDescription(target, schema) {
  return schema.description ? { ...target, description: schema.description } : target;
}

function join2(path, name) {
  return path ? `${path}.${name}` : name;
}

function at(schema, path) {
  let node = schema;
  for (const part of path.split('.')) {
    const [name, ...items] = part.split('[]');
    node = node.properties[name];
    for (let i = 0; i < items.length; i++) node = node.items;
    if (!node) throw new Error(`no schema at ${path}`);
  }
  return node;
}

function stripComments(code) {
  return code.replace(/\/\*\*[\s\S]*?\*\//g, '').replace(/\s+/g, ' ');
}

async function generate(outDir) {
  const decls = new Map(); // name -> { code, files: Set, refs }
  for (const crd of CRDS) {
    const schema = openApiSchema(crd.file);
    for (const [path, name] of Object.entries(crd.names)) {
      const refs = new Set();
      const prepared = prepare(at(schema, path), path, crd, refs, true);
      if (SHARED_DOCS[name]) prepared.description = SHARED_DOCS[name];
      const code = (await compile(prepared, name, OPTIONS)).trim();
      const seen = decls.get(name);
      if (seen) {
        if (stripComments(seen.code) !== stripComments(code)) {
          throw new Error(`${name} is defined differently in ${crd.file}; make the schemas match`);
        }
        seen.files.add(crd.out);
        continue;
      }
      decls.set(name, { code, files: new Set([crd.out]), refs });
    }
  }

  const fileOf = (name) => {
    const d = decls.get(name);
    return d.files.size > 1 ? COMMON_OUT : [...d.files][0];
  };
  const outputs = new Map([[COMMON_OUT, []], ...CRDS.map((c) => [c.out, []])]);
  for (const name of decls.keys()) outputs.get(fileOf(name)).push(name);

  mkdirSync(outDir, { recursive: true });
  for (const [file, names] of outputs) {
    const sources = file === COMMON_OUT ? CRDS.map((c) => c.file) : [CRDS.find((c) => c.out === file).file];
    const imports = new Map();
    for (const name of names) {
      for (const ref of decls.get(name).refs) {
        const from = fileOf(ref);
        if (from === file) continue;
        if (!imports.has(from)) imports.set(from, new Set());
        imports.get(from).add(ref);
      }
    }
    const lines = [
      `// Generated by scripts/generate-api.mjs from ${sources.join(', ')}.`,
      '// Do not edit: change the CRD and run `npm run generate`.',
      '',
    ];
    for (const [from, refs] of [...imports].sort()) {
      lines.push(`import type { ${[...refs].sort().join(', ')} } from './${from.replace(/\.ts$/, '.js')}';`, '');
    }
    lines.push(names.map((n) => decls.get(n).code).join('\n\n'), '');
    writeFileSync(join(outDir, file), lines.join('\n'));
  }
}

const outFlag = process.argv.indexOf('--out');
const outDir = outFlag >= 0 ? resolve(process.argv[outFlag + 1]) : join(root, 'src/api/generated');
await generate(outDir);
