/**
 * Flags of `gpu-provisioner offers`, parsed with node:util parseArgs. Parsing is pure:
 * it returns either the options or a message naming the flag that is wrong, and the
 * caller decides how to print it and which exit code to use.
 */
import { parseArgs } from 'node:util';
import { PROVIDER_TYPES, type CapacityType } from '../providers/types.js';

export interface OffersOptions {
  /** Provider types or, with `fromCluster`, GpuProvider names. Empty means every one found. */
  providers: string[];
  gpu?: string;
  count?: number;
  capacityType?: CapacityType;
  regions: string[];
  maxPrice?: number;
  /** Show offers without capacity too. */
  all: boolean;
  json: boolean;
  limit?: number;
  fromCluster: boolean;
  kubeconfig?: string;
  /** Namespace of credential Secrets that a GpuProvider names without one. */
  namespace?: string;
  awsRegions: string[];
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export const OFFERS_USAGE =
  `usage: gpu-provisioner offers [--provider ${PROVIDER_TYPES.join('|')}|<GpuProvider>]... [--gpu MODEL] ` +
  '[--count N] [--spot | --on-demand] [--region R]... [--max-price USD] [--all] [--json] [--limit N] ' +
  '[--aws-region R]... [--from-cluster [--kubeconfig PATH] [--namespace NS]]';

export const OFFERS_HELP = `${OFFERS_USAGE}

Lists the GPU offers the providers sell right now, cheapest first.

Where the providers come from:
  --provider sim          the simulated cloud; needs no credentials
  --provider lambda       LAMBDA_API_KEY
  --provider runpod       RUNPOD_API_KEY
  --provider paperspace   PAPERSPACE_API_KEY
  --provider aws          AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or the default AWS chain,
                          in --aws-region (else --region, else AWS_REGION)
  --from-cluster          the GpuProviders in the cluster (KUBECONFIG or --kubeconfig) and
                          their credential Secrets; --provider then also takes their names
With no --provider, every provider whose credentials are in the environment.

Filters:
  --gpu MODEL             H100, A100-80GB, L40S, ... (case does not matter)
  --count N               GPUs per node
  --spot, --on-demand     one capacity type only
  --region R              only these regions (repeatable)
  --max-price USD         at most this much per node-hour
  --all                   include offers without capacity right now
  --limit N               show the N cheapest
  --json                  print the offers as JSON`;

const KNOWN_FLAGS = {
  provider: { type: 'string', multiple: true },
  gpu: { type: 'string' },
  count: { type: 'string' },
  spot: { type: 'boolean' },
  'on-demand': { type: 'boolean' },
  region: { type: 'string', multiple: true },
  'max-price': { type: 'string' },
  all: { type: 'boolean' },
  json: { type: 'boolean' },
  limit: { type: 'string' },
  'from-cluster': { type: 'boolean' },
  kubeconfig: { type: 'string' },
  namespace: { type: 'string' },
  'aws-region': { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Returned instead of options when the user asked for help. */
export const HELP = Symbol('help');

/** Flags after `offers`. */
export function parseOffersArgs(argv: readonly string[]): Parsed<OffersOptions | typeof HELP> {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: KNOWN_FLAGS, strict: true, allowPositionals: false }));
  } catch (e) {
    return { ok: false, error: parseArgsMessage(e) };
  }
  if (values.help) return { ok: true, value: HELP };

  const count = positiveInteger('--count', values.count);
  if (typeof count === 'string') return fail(count);
  const limit = positiveInteger('--limit', values.limit);
  if (typeof limit === 'string') return fail(limit);
  const maxPrice = positiveNumber('--max-price', values['max-price']);
  if (typeof maxPrice === 'string') return fail(maxPrice);
  if (values.spot && values['on-demand']) return fail('--spot and --on-demand cannot be used together');

  const gpu = values.gpu?.trim();
  if (values.gpu !== undefined && !gpu) return fail('--gpu needs a model, such as H100');
  const providers = (values.provider ?? []).map((p) => p.trim());
  if (providers.some((p) => p === '')) return fail('--provider needs a value, such as sim');
  const regions = nonEmpty(values.region);
  if (typeof regions === 'string') return fail(`--region ${regions}`);
  const awsRegions = nonEmpty(values['aws-region']);
  if (typeof awsRegions === 'string') return fail(`--aws-region ${awsRegions}`);
  const fromCluster = values['from-cluster'] ?? false;
  if (!fromCluster) {
    if (values.kubeconfig !== undefined) return fail('--kubeconfig needs --from-cluster');
    if (values.namespace !== undefined) return fail('--namespace needs --from-cluster');
    const unknown = providers.find((p) => !isProviderTypeName(p));
    if (unknown !== undefined) {
      return fail(
        `--provider ${unknown}: not one of ${PROVIDER_TYPES.join(', ')}; GpuProvider names need --from-cluster`,
      );
    }
  }

  const options: OffersOptions = {
    providers: [...new Set(providers)],
    regions,
    all: values.all ?? false,
    json: values.json ?? false,
    fromCluster,
    awsRegions,
  };
  if (gpu) options.gpu = gpu;
  if (count !== undefined) options.count = count;
  if (limit !== undefined) options.limit = limit;
  if (maxPrice !== undefined) options.maxPrice = maxPrice;
  if (values.spot) options.capacityType = 'spot';
  if (values['on-demand']) options.capacityType = 'on-demand';
  if (values.kubeconfig !== undefined) options.kubeconfig = values.kubeconfig;
  if (values.namespace !== undefined) options.namespace = values.namespace;
  return { ok: true, value: options };
}

export interface CostOptions {
  /** Only this namespace; every namespace when absent. */
  namespace?: string;
  json: boolean;
  kubeconfig?: string;
}

export const COST_USAGE = 'usage: gpu-provisioner cost [--namespace NS] [--json] [--kubeconfig PATH]';

export const COST_HELP = `${COST_USAGE}

Prints what the GPU machines of the cluster (KUBECONFIG or --kubeconfig) cost: per
GpuRequest (price per hour now and spent so far), per namespace, per provider, and each
GpuBudget's spend against its limits.

  --namespace NS          only this namespace (default: all)
  --json                  print the report as JSON`;

const COST_FLAGS = {
  namespace: { type: 'string' },
  json: { type: 'boolean' },
  kubeconfig: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Flags after `cost`. */
export function parseCostArgs(argv: readonly string[]): Parsed<CostOptions | typeof HELP> {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: COST_FLAGS, strict: true, allowPositionals: false }));
  } catch (e) {
    return { ok: false, error: parseArgsMessage(e) };
  }
  if (values.help) return { ok: true, value: HELP };
  const namespace = values.namespace?.trim();
  if (values.namespace !== undefined && !namespace) return fail('--namespace needs a namespace, such as ml');
  if (values.kubeconfig !== undefined && !values.kubeconfig.trim()) return fail('--kubeconfig needs a path');
  const options: CostOptions = { json: values.json ?? false };
  if (namespace) options.namespace = namespace;
  if (values.kubeconfig !== undefined) options.kubeconfig = values.kubeconfig;
  return { ok: true, value: options };
}

function isProviderTypeName(s: string): boolean {
  return (PROVIDER_TYPES as readonly string[]).includes(s);
}

function fail(error: string): { ok: false; error: string } {
  return { ok: false, error };
}

function positiveInteger(flag: string, raw: string | undefined): number | string | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n) || n <= 0) return `${flag} must be a whole number above 0, not "${raw}"`;
  return n;
}

function positiveNumber(flag: string, raw: string | undefined): number | string | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw.replace(/^\$/, ''));
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0) return `${flag} must be a price in USD above 0, not "${raw}"`;
  return n;
}

function nonEmpty(values: string[] | undefined): string[] | string {
  const out = (values ?? []).map((v) => v.trim());
  if (out.some((v) => v === '')) return 'needs a value';
  return [...new Set(out)];
}

/**
 * parseArgs words its errors for programmers ("Option '--x <value>' argument missing");
 * these name the flag the way a user typed it.
 */
function parseArgsMessage(e: unknown): string {
  const err = e as { code?: string; message?: string };
  const message = err.message ?? String(e);
  const flag = /'(-{1,2}[^'\s]+)/.exec(message)?.[1];
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown flag ${flag ?? message}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return message.includes('does not take')
        ? `${flag ?? 'a flag'} takes no value`
        : `${flag ?? 'a flag'} needs a value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL': {
      const arg = /'([^']+)'/.exec(message)?.[1];
      return `unexpected argument ${arg ?? ''}`.trimEnd();
    }
    default:
      return message;
  }
}
