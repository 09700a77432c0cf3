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
