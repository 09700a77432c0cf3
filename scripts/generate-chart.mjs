// Generates the Helm chart's CRD templates from crds/ (the one source of truth) and
// README.md's configuration reference from the chart's values.yaml comments.
// `node scripts/generate-chart.mjs [--out <dir>]`: with --out, writes
// <dir>/crds/*.yaml and <dir>/README.md instead, for the drift test to compare.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { isMap, parseDocument } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const chart = join(root, 'charts/gpu-provisioner');
const outIdx = process.argv.indexOf('--out');
const out = outIdx > 0 ? resolve(process.argv[outIdx + 1]) : undefined;

const crdOut = out ? join(out, 'crds') : join(chart, 'templates/crds');
rmSync(crdOut, { recursive: true, force: true });
mkdirSync(crdOut, { recursive: true });
for (const file of readdirSync(join(root, 'crds')).filter((f) => f.endsWith('.yaml')).sort()) {
  const text = readFileSync(join(root, 'crds', file), 'utf8');
  if (text.includes('{{')) throw new Error(`crds/${file} contains "{{", which Helm would read as a template`);
  // Kept on uninstall: deleting a CRD deletes every object of it, finalizers or not.
  const annotated = text.replace(/^metadata:\n( {2}name: .+\n)/m, 'metadata:\n$1  annotations:\n    helm.sh/resource-policy: keep\n');
  if (annotated === text) throw new Error(`crds/${file}: no "metadata:" followed by "  name:" to annotate`);
  writeFileSync(
    join(crdOut, file),
    `{{- /* Generated from crds/${file} by scripts/generate-chart.mjs (npm run generate); edit that file, not this one. */}}\n` +
      `{{- if .Values.crds.install }}\n${annotated.endsWith('\n') ? annotated : `${annotated}\n`}{{- end }}\n`,
  );
}

// --- configuration reference ---

/** `# -- text` comments document a key; a map with one is a single entry, not expanded. */
function docOf(comment) {
  if (!comment) return undefined;
  const at = comment.lastIndexOf(' -- ');
  return at < 0 ? undefined : comment.slice(at + 4).replace(/\n\s*/g, ' ').trim();
}

const rows = [];
function walk(map, prefix) {
  map.items.forEach((pair, i) => {
    const key = `${prefix}${pair.key.value}`;
    const doc = docOf(pair.key.commentBefore ?? (i === 0 ? map.commentBefore : undefined));
    if (isMap(pair.value) && doc === undefined) return walk(pair.value, `${key}.`);
    if (doc === undefined) throw new Error(`values.yaml: ${key} has no "# -- " comment`);
    const value = pair.value.toJSON();
    const shown = JSON.stringify(value);
    rows.push(`| \`${key}\` | \`${shown}\` | ${doc.replaceAll('|', '\\|')} |`);
  });
}
const values = parseDocument(readFileSync(join(chart, 'values.yaml'), 'utf8'));
walk(values.contents, '');

const START = '<!-- values:start (generated from charts/gpu-provisioner/values.yaml by npm run generate) -->';
const END = '<!-- values:end -->';
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const from = readme.indexOf(START);
const to = readme.indexOf(END);
if (from < 0 || to < from) throw new Error(`README.md needs the markers ${START} and ${END}`);
const table = ['| key | default | meaning |', '|---|---|---|', ...rows].join('\n');
const next = `${readme.slice(0, from + START.length)}\n${table}\n${readme.slice(to)}`;
writeFileSync(out ? join(out, 'README.md') : join(root, 'README.md'), next);
