import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import {
  MachineConfigValidator,
  NVIDIA_KERNEL_MODULES,
  TemplateError,
  renderWorkerConfig,
  type NodePatch,
} from '../../src/talos/render.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const template = fixture('worker.yaml');

/** Every fake secret in the fixture; none may ever appear in an error. */
const FIXTURE_SECRETS = [
  'FAKEMACHINETOKEN.abcdef0123456789',
  'FAKECLUSTERSECRETxyz987',
  'fakebt.FAKEBOOTSTRAPTOKEN0',
  'RkFLRS1DTFVTVEVSLUlE',
];

const goldenPatch: NodePatch = {
  hostname: 'gpu-7f3a-0-0',
  nodeLabels: { 'gpu-provisioner.dev/request-name': 'train', 'gpu-provisioner.dev/request-uid': '7f3a' },
  nodeTaints: [
    { key: 'nvidia.com/gpu', effect: 'NoSchedule' },
    { key: 'team', value: 'research', effect: 'NoExecute' },
  ],
  providerId: 'lambda://us-east-1/inst-1',
};

interface MainDoc {
  machine: {
    token: string;
    nodeLabels: Record<string, string>;
    nodeTaints: Record<string, string>;
    features: { kubePrism: unknown };
    kernel: { modules: { name: string }[] };
    sysctls: Record<string, string>;
    kubelet: { extraArgs?: Record<string, string> };
  };
  cluster: { controlPlane: { endpoint: string }; discovery: { enabled: boolean } };
}

function docsOf(yaml: string): Record<string, unknown>[] {
  const docs = parseAllDocuments(yaml);
  return (Array.isArray(docs) ? docs : []).map((d) => d.toJS() as Record<string, unknown>);
}

function mainOf(yaml: string): MainDoc {
  return docsOf(yaml)[0] as unknown as MainDoc;
}

describe('renderWorkerConfig', () => {
  const validator = new MachineConfigValidator();

  it('matches the golden rendering of the fixture template', () => {
    expect(renderWorkerConfig(template, goldenPatch)).toBe(fixture('worker.rendered.yaml'));
  });

  it('keeps the template: comments, secrets, other labels and settings survive', () => {
    const out = renderWorkerConfig(template, goldenPatch);
    expect(out).toContain('# Shaped like the worker.yaml');
    const main = mainOf(out);
    expect(main.machine.token).toBe('FAKEMACHINETOKEN.abcdef0123456789');
    expect(main.machine.nodeLabels['example.com/team']).toBe('research');
    expect(main.machine.features.kubePrism).toEqual({ enabled: true, port: 7445 });
    expect(main.cluster.controlPlane.endpoint).toBe('https://cp.example.internal:6443');
  });

  it('writes taints as Talos reads them: value:Effect, or the bare effect', () => {
    const main = mainOf(renderWorkerConfig(template, goldenPatch));
    expect(main.machine.nodeTaints).toEqual({ 'nvidia.com/gpu': 'NoSchedule', team: 'research:NoExecute' });
  });

  it('adds the NVIDIA modules once, even when the template already lists some', () => {
    const withOne = template.replace('  nodeLabels:\n', '  kernel:\n    modules:\n      - name: nvidia\n  nodeLabels:\n');
    const main = mainOf(renderWorkerConfig(withOne, goldenPatch));
    expect(main.machine.kernel.modules.map((m) => m.name)).toEqual([...NVIDIA_KERNEL_MODULES]);
    expect(main.machine.sysctls['net.core.bpf_jit_harden']).toBe('1');
  });

  it('sets a static hostname in the HostnameConfig document, dropping auto, and turns KubeSpan on', () => {
    const docs = docsOf(renderWorkerConfig(template, goldenPatch));
    const hostname = docs.find((d) => d.kind === 'HostnameConfig');
    expect(hostname).toEqual({ apiVersion: 'v1alpha1', kind: 'HostnameConfig', hostname: 'gpu-7f3a-0-0' });
    expect(docs.find((d) => d.kind === 'KubeSpanConfig')).toMatchObject({ enabled: true });
    expect((docs[0] as unknown as MainDoc).cluster.discovery.enabled).toBe(true);
  });

  it('appends a HostnameConfig when the template has none, and updates an existing KubeSpanConfig', () => {
    const single = template.split('\n---\n')[0]! + '\n---\napiVersion: v1alpha1\nkind: KubeSpanConfig\nenabled: false\nmtu: 1380\n';
    const docs = docsOf(renderWorkerConfig(single, { ...goldenPatch, providerId: undefined }));
    expect(docs.filter((d) => d.kind === 'HostnameConfig')).toEqual([
      { apiVersion: 'v1alpha1', kind: 'HostnameConfig', hostname: 'gpu-7f3a-0-0' },
    ]);
    expect(docs.filter((d) => d.kind === 'KubeSpanConfig')).toEqual([
      { apiVersion: 'v1alpha1', kind: 'KubeSpanConfig', enabled: true, mtu: 1380 },
    ]);
    expect((docs[0] as unknown as MainDoc).machine.kubelet.extraArgs).toBeUndefined();
  });

  it('renders a config that Talos v1.13 schema accepts', () => {
    expect(validator.validate(renderWorkerConfig(template, goldenPatch))).toEqual([]);
  });

  it('refuses a controlplane template and a template with no machine config', () => {
    expect(() => renderWorkerConfig(template.replace('type: worker', 'type: controlplane'), goldenPatch)).toThrow(
      /machine.type must be worker/,
    );
    expect(() => renderWorkerConfig('apiVersion: v1alpha1\nkind: HostnameConfig\n', goldenPatch)).toThrow(
      /no v1alpha1 machine config/,
    );
  });
});

describe('MachineConfigValidator', () => {
  const validator = new MachineConfigValidator();

  it('names the field of each problem', () => {
    const broken = template
      .replace('type: worker', 'type: wrker')
      .replace('    disableManifestsDirectory: true\n', '    disableManifestsDirectory: true\n    bogus: 1\n');
    expect(validator.validate(broken)).toEqual([
      'v1alpha1 config: machine.type: must be one of controlplane, worker',
      'v1alpha1 config: machine.kubelet.bogus: is not a known field',
    ]);
  });

  it('checks the other documents by kind, and refuses unknown kinds', () => {
    const problems = validator.validate(`${template}---\napiVersion: v1alpha1\nkind: KubeSpanConfig\nenabled: "yes"\n---\napiVersion: v1alpha1\nkind: NoSuchConfig\n`);
    expect(problems).toEqual(['KubeSpanConfig document: enabled: must be boolean', 'NoSuchConfig document: unknown kind for Talos v1.13']);
  });

  it('never echoes secret values, whatever breaks', () => {
    const broken = [
      // The secret sits on the line the YAML parser fails on.
      template.replace('token: FAKEMACHINETOKEN.abcdef0123456789', 'token: FAKEMACHINETOKEN.abcdef0123456789: [x'),
      // The secret is the wrongly typed value.
      template.replace('token: FAKEMACHINETOKEN.abcdef0123456789', 'token: [FAKEMACHINETOKEN.abcdef0123456789]'),
      // The secret is under a field the schema does not know.
      template.replace('  secret: FAKECLUSTERSECRETxyz987', '  secret: FAKECLUSTERSECRETxyz987\n  sekret: { value: FAKECLUSTERSECRETxyz987 }'),
      template.replace('type: worker', 'type: fakebt.FAKEBOOTSTRAPTOKEN0'),
    ];
    for (const yaml of broken) {
      const problems = validator.validate(yaml);
      expect(problems.length).toBeGreaterThan(0);
      let thrown = '';
      try {
        renderWorkerConfig(yaml, goldenPatch);
      } catch (e) {
        thrown = (e as Error).message;
      }
      for (const secret of FIXTURE_SECRETS) {
        expect(problems.join('\n')).not.toContain(secret);
        expect(thrown).not.toContain(secret);
      }
    }
  });

  it('reports a YAML syntax error by position only', () => {
    const bad = template.replace('token: FAKEMACHINETOKEN.abcdef0123456789', 'token: FAKEMACHINETOKEN.abcdef0123456789: [x');
    expect(() => renderWorkerConfig(bad, goldenPatch)).toThrow(TemplateError);
    expect(() => renderWorkerConfig(bad, goldenPatch)).toThrow(/^template is not valid YAML at line \d+, column \d+ \(\w+\)$/);
  });
});
