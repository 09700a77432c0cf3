/**
 * The seeded fault-injection suite: `npm run chaos -- --seeds 0-199` (or `--seeds 17`,
 * `--seeds 3,17,40-45`; `--verbose` prints each scenario's timeline; `--late-creates`
 * adds creates that land after the client gave up, see RunOptions). One line per
 * violation, naming its seed and scenario so that `--seeds N` replays it; the last line
 * is always `chaos: N scenarios, M violations`.
 */
import { runScenario } from './scenario.js';

export function parseSeeds(spec: string): number[] {
  const seeds: number[] = [];
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new Error(`--seeds: "${part}" is not a seed or a range like 0-199`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) throw new Error(`--seeds: range ${part} runs backwards`);
    for (let s = lo; s <= hi; s++) seeds.push(s);
  }
  return seeds;
}

async function main(argv: string[]): Promise<number> {
  let spec = '0-19';
  let verbose = false;
  let lateCreates = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--seeds') spec = argv[++i] ?? '';
    else if (a.startsWith('--seeds=')) spec = a.slice('--seeds='.length);
    else if (a === '--verbose' || a === '-v') verbose = true;
    else if (a === '--late-creates') lateCreates = true;
    else throw new Error(`unknown argument ${a}; use --seeds 0-199 [--verbose] [--late-creates]`);
  }
  const seeds = parseSeeds(spec);
  const started = performance.now();
  let violations = 0;
  for (const seed of seeds) {
    const began = performance.now();
    const result = await runScenario(seed, verbose ? (line) => console.log(`  ${line}`) : undefined, { lateCreates });
    violations += result.violations.length;
    for (const v of result.violations) console.log(`violation: seed ${seed} ${result.label}: ${v}`);
    if (verbose) {
      console.log(`seed ${seed}: ${result.violations.length} violation(s), ${result.restarts} restart(s), ${Math.round(result.fakeMs / 60_000)} min fake time, ${((performance.now() - began) / 1000).toFixed(1)} s`);
    }
  }
  console.log(`chaos: ${seeds.length} seeds in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log(`chaos: ${seeds.length} scenarios, ${violations} violations`);
  return violations === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    console.log('chaos: 0 scenarios, 1 violations');
    process.exit(2);
  },
);
