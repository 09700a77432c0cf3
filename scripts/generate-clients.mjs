// Generates the typed HTTP clients' types from the vendor specs in openapi/ with
// openapi-typescript. The output is committed; test/providers/generated.test.ts
// regenerates into a temporary directory and fails when the committed files drift.
//
//   node scripts/generate-clients.mjs               writes under src/providers/
//   node scripts/generate-clients.mjs --out <dir>   writes the same tree under <dir>
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { parse as parseYaml } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** spec in openapi/ -> file under src/providers/ */
export const CLIENTS = [
  { spec: 'lambda.openapi.json', out: 'lambda/generated/lambda.ts' },
  { spec: 'runpod.openapi.json', out: 'runpod/generated/runpod.ts' },
  { spec: 'runpod-v2.openapi.json', out: 'runpod/generated/runpod-v2.ts' },
  { spec: 'paperspace.openapi.yaml', out: 'paperspace/generated/paperspace.ts' },
];

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * openapi-typescript refuses specs that reuse an operationId (RunPod's does, for the
 * PATCH and POST forms of each update). The spec file stays as the vendor ships it; the
 * later duplicates are renamed in memory (`UpdatePod` -> `UpdatePod_post`) and the
 * renames are listed in the generated file's header.
 */
function dedupeOperationIds(doc) {
  const seen = new Set();
  const renamed = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item?.[method];
      if (!op?.operationId) continue;
      if (seen.has(op.operationId)) {
        let id = `${op.operationId}_${method}`;
        for (let n = 2; seen.has(id); n++) id = `${op.operationId}_${method}${n}`;
        renamed.push(`${method.toUpperCase()} ${path}: ${op.operationId} -> ${id}`);
        op.operationId = id;
      }
      seen.add(op.operationId);
    }
  }
  return renamed;
}

function header(spec, renamed) {
  // No timestamp or tool version in the header: the drift test compares bytes.
  const lines = [
    '/**',
    ` * Generated from openapi/${spec} by scripts/generate-clients.mjs (openapi-typescript).`,
    ' * Do not edit by hand: change the spec and run `npm run generate`.',
    ' * Only the adapter in this folder may import these types.',
  ];
  if (renamed.length > 0) {
    lines.push(' *', ' * Duplicate operationIds in the spec, renamed here:');
    for (const r of renamed) lines.push(` *   ${r}`);
  }
  lines.push(' */', '', '');
  return lines.join('\n');
}

async function loadSpec(file) {
  const text = await readFile(file, 'utf8');
  return file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
}

export async function generateClients(outRoot = join(root, 'src/providers')) {
  const written = [];
  for (const { spec, out } of CLIENTS) {
    const doc = await loadSpec(join(root, 'openapi', spec));
    const renamed = dedupeOperationIds(doc);
    // The specs hold only internal $refs, so the parsed object is the whole document.
    const ast = await openapiTS(doc, { silent: true, cwd: pathToFileURL(join(root, 'openapi') + '/') });
    const target = join(outRoot, out);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, header(spec, renamed) + astToString(ast));
    written.push(target);
  }
  return written;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--out');
  const outRoot = i >= 0 && process.argv[i + 1] ? resolve(process.argv[i + 1]) : undefined;
  for (const file of await generateClients(outRoot)) process.stdout.write(`wrote ${file}\n`);
}
