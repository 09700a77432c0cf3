/**
 * A small seeded PRNG (mulberry32): the same seed gives the same scenario and the same
 * interleaving, so a seed that finds a violation replays it exactly.
 */

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [lo, hi], both included. */
  int(lo: number, hi: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  /** A UUID-shaped string (for object uids). */
  uuid(): string;
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function seeded(seed: number): Random {
  const next = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const hex = (n: number) => Array.from({ length: n }, () => int(0, 15).toString(16)).join('');
  return {
    next,
    int,
    pick: <T>(items: readonly T[]) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[int(0, items.length - 1)]!;
    },
    chance: (p) => next() < p,
    uuid: () => `${hex(8)}-${hex(4)}-4${hex(3)}-${hex(4)}-${hex(12)}`,
  };
}

/** Independent streams from one seed, so drawing more in one never shifts the others. */
export function streams(seed: number): { plan: Random; names: Random; uids: Random; jitter: Random } {
  const root = seeded(seed * 7919 + 17);
  const sub = () => seeded(Math.floor(root.next() * 2 ** 32));
  return { plan: sub(), names: sub(), uids: sub(), jitter: sub() };
}
