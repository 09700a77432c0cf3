/**
 * Objects a ClusterPort hands out are shared, not copied: the in-memory cluster's store
 * and the informer cache give every reader the same frozen object, as controller-runtime's
 * cache does (its readers must DeepCopy before changing anything). A reader that wants to
 * change one builds a new object or copies first; a write that slips through throws in
 * strict mode instead of corrupting the store for every other reader.
 */

/**
 * Freezes `value` and everything reachable from it; subtrees already frozen are taken as
 * frozen throughout. With `share`, every string value not yet frozen in is replaced by
 * what `share` gives for it first.
 */
export function deepFreeze<T>(value: T, share?: (s: string) => string): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const v = record[key];
    if (typeof v === 'string') {
      if (share) record[key] = share(v);
    } else deepFreeze(v, share);
  }
  return Object.freeze(value);
}

/**
 * A frozen copy of a JSON value. Subtrees already frozen (taken from a store) are shared
 * rather than copied, and so are strings, which a structured clone would duplicate; keys
 * holding `undefined` are left out, as JSON leaves them out.
 */
export function frozenCopy<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  if (Array.isArray(value)) return Object.freeze(value.map(frozenCopy)) as T;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = frozenCopy(v);
  }
  return Object.freeze(out) as T;
}

/** Strings kept for sharing; past this many the pool starts afresh (what was shared stays shared). */
const POOL_LIMIT = 100_000;
/** Longer strings (messages, payloads) are rarely repeated and are left as they are. */
const MAX_POOLED_LENGTH = 128;
let pool = new Map<string, string>();

function pooled(s: string): string {
  if (s.length > MAX_POOLED_LENGTH) return s;
  const known = pool.get(s);
  if (known !== undefined) return known;
  if (pool.size >= POOL_LIMIT) pool = new Map();
  pool.set(s, s);
  return s;
}

/**
 * Freezes an object parsed from the API server's JSON (a watch event, a write's answer),
 * first replacing its string values with one shared copy each. Parsing makes a new
 * string for every value, so every cached object would otherwise hold its own copies of
 * the apiVersion, namespace, label values, condition reasons, instance types and
 * timestamps it has in common with thousands of others.
 */
export function freezeShared<T>(value: T): T {
  return deepFreeze(value, pooled);
}
