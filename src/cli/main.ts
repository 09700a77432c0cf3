/**
 * The `gpu-provisioner` command line. `run` takes its arguments and every dependency,
 * so tests drive it whole; `main` supplies the real ones (bin/gpu-provisioner.js).
 */
import { ClientNodeCluster } from '../kube/client-node-cluster.js';
import { loadKubeConfig } from '../kube/kubeconfig.js';
import { RealClock } from '../util/clock.js';
import { createLogger } from '../util/logger.js';
import { COST_HELP, COST_USAGE, HELP, OFFERS_HELP, OFFERS_USAGE, parseCostArgs, parseOffersArgs } from './args.js';
import { runCost } from './cost-command.js';
import { runOffers, type OffersDeps } from './offers-command.js';

export const USAGE = `usage: gpu-provisioner <command> [flags]

Commands:
  offers    list the GPU offers of the configured providers, cheapest first
  cost      what the GPU machines of the cluster cost, per namespace, request and provider

Run 'gpu-provisioner <command> --help' for its flags.`;

/** Exit code for a command line that cannot be understood. */
export const EXIT_USAGE = 2;

export async function run(argv: readonly string[], deps: OffersDeps): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
      deps.err(USAGE);
      return EXIT_USAGE;
    case 'help':
    case '--help':
    case '-h':
      deps.out(USAGE);
      return 0;
    case 'offers': {
      const parsed = parseOffersArgs(rest);
      if (!parsed.ok) {
        deps.err(`error: ${parsed.error}`);
        deps.err(OFFERS_USAGE);
        return EXIT_USAGE;
      }
      if (parsed.value === HELP) {
        deps.out(OFFERS_HELP);
        return 0;
      }
      return runOffers(parsed.value, deps);
    }
    case 'cost': {
      const parsed = parseCostArgs(rest);
      if (!parsed.ok) {
        deps.err(`error: ${parsed.error}`);
        deps.err(COST_USAGE);
        return EXIT_USAGE;
      }
      if (parsed.value === HELP) {
        deps.out(COST_HELP);
        return 0;
      }
      return runCost(parsed.value, deps);
    }
    default:
      deps.err(`error: unknown command ${command}`);
      deps.err(USAGE);
      return EXIT_USAGE;
  }
}

/** Real clock, environment and terminal; logs at warn and above go to stderr. */
export function defaultDeps(env: NodeJS.ProcessEnv = process.env): OffersDeps {
  const clock = new RealClock();
  const logger = createLogger({ format: 'text', level: 'warn' });
  return {
    env,
    clock,
    logger,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    connectCluster: (kubeconfig) => {
      const { kc } = loadKubeConfig({ env: kubeconfig ? { KUBECONFIG: kubeconfig } : env });
      return new ClientNodeCluster(kc, { clock, logger, requestTimeoutMs: 15_000 });
    },
  };
}

export function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  return run(argv, defaultDeps());
}
