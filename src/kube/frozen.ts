/**
 * Objects a ClusterPort hands out are shared, not copied: the in-memory cluster's store
 * and the informer cache give every reader the same frozen object, as controller-runtime's
 * cache does (its readers must DeepCopy before changing anything). A reader that wants to
 * change one builds a new object or copies first; a write that slips through throws in
 * strict mode instead of corrupting the store for every other reader.
 */

/** Freezes `value` and everything reachable from it; subtrees already frozen are taken as frozen throughout. */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  if (Array.isArray(value)) {
    for (const v of value) deepFreeze(v);
  } else {
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
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
