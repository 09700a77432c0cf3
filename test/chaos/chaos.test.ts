/**
 * The first seeds of the fault-injection suite, on every `npm test`; the whole range
 * runs with `npm run chaos -- --seeds 0-199`.
 */
import { runScenario } from './scenario.js';

const SEEDS = Array.from({ length: 20 }, (_, i) => i);

describe('chaos', () => {
  test(
    `seeds ${SEEDS[0]}-${SEEDS[SEEDS.length - 1]} keep every invariant`,
    async () => {
      const violations: string[] = [];
      for (const seed of SEEDS) {
        const result = await runScenario(seed);
        for (const v of result.violations) violations.push(`seed ${seed} ${result.label}: ${v}`);
      }
      expect(violations).toEqual([]);
    },
    5 * 60_000,
  );
});
