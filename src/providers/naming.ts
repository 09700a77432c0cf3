/**
 * Instance names every provider can recognise as this cluster's. The controller's launch
 * key starts with `instanceNamePrefix`, so an adapter that can only list by name finds
 * its own machines by it.
 */

/** Lower-case, `[a-z0-9-]` only, no leading or trailing dash, at most `max` characters. */
export function dnsSafe(s: string, max: number): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
}

/** `gpr-<cluster>-`: every instance this cluster launches has a name starting with it. */
export function instanceNamePrefix(clusterName: string): string {
  return `gpr-${dnsSafe(clusterName, 20)}-`;
}
