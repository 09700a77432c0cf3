/**
 * The alert rules of the chart's PrometheusRule as Prometheus reads them: the plain YAML
 * between its "rules begin" and "rules end" comments, with the Helm escapes of the
 * alert templates ({{`{{ $labels.x }}`}}) undone.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findCrdDir } from '../../src/api/validate.js';

export const ROOT = dirname(findCrdDir());

export function alertRulesYaml(): string {
  const template = readFileSync(join(ROOT, 'charts/gpu-provisioner/templates/prometheusrule.yaml'), 'utf8');
  const body = /# rules begin\n([\s\S]*?)\n\s*# rules end/.exec(template)?.[1];
  if (!body) throw new Error('prometheusrule.yaml: no "# rules begin" ... "# rules end" block');
  const unescaped = body.replace(/\{\{`([\s\S]*?)`\}\}/g, '$1');
  if (unescaped.includes('{{ .') || unescaped.includes('{{-')) throw new Error('prometheusrule.yaml: template actions inside the rules block');
  return unescaped.split('\n').map((l) => l.replace(/^ {2}/, '')).join('\n') + '\n';
}
