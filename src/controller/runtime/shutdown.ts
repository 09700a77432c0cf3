/**
 * Graceful shutdown on SIGTERM/SIGINT: the first signal runs `fn` (stop the
 * controllers, release the Lease) and then exits; a second signal exits at once, for
 * the operator who does not want to wait. Kubernetes sends SIGTERM and, after the
 * grace period, SIGKILL, so `fn` should finish well within that period.
 */

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
type ShutdownSignal = (typeof SIGNALS)[number];

/** The part of `process` used here; tests pass a fake. */
export interface SignalTarget {
  on(signal: ShutdownSignal, handler: (signal: ShutdownSignal) => void): unknown;
  off(signal: ShutdownSignal, handler: (signal: ShutdownSignal) => void): unknown;
  exit(code?: number): void;
}

export interface ShutdownOptions {
  target?: SignalTarget;
  /** Where a failure of `fn` is reported; the console by default. */
  onError?: (err: unknown) => void;
}

/** Exit code of a process ended by a signal: 128 + its number. */
const SIGNAL_EXIT_CODE: Record<ShutdownSignal, number> = { SIGINT: 130, SIGTERM: 143 };

/** Installs the handlers; returns a function that removes them. */
export function onShutdownSignals(fn: () => Promise<void> | void, opts: ShutdownOptions = {}): () => void {
  const target: SignalTarget = opts.target ?? (process as unknown as SignalTarget);
  const onError =
    opts.onError ?? ((err: unknown) => console.error(`shutdown failed: ${err instanceof Error ? err.message : String(err)}`));
  let shuttingDown = false;
  const handler = (signal: ShutdownSignal) => {
    if (shuttingDown) {
      target.exit(SIGNAL_EXIT_CODE[signal]);
      return;
    }
    shuttingDown = true;
    Promise.resolve()
      .then(fn)
      .then(
        () => target.exit(0),
        (err: unknown) => {
          onError(err);
          target.exit(1);
        },
      );
  };
  for (const s of SIGNALS) target.on(s, handler);
  return () => {
    for (const s of SIGNALS) target.off(s, handler);
  };
}
