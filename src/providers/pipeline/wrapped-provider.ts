/**
 * A provider around another one, every method routed through one `around` step: the
 * shape each stage of the pipeline (limits, metrics) shares, written once.
 */
import type { CloudProvider, Instance, InterruptionNotice, LaunchRequest, Offer } from '../types.js';

export const PROVIDER_METHODS = ['listOffers', 'create', 'get', 'list', 'delete', 'checkCredentials', 'pollInterruptions'] as const;
export type ProviderMethod = (typeof PROVIDER_METHODS)[number];

export abstract class WrappedProvider implements CloudProvider {
  readonly pollInterruptions?: (signal?: AbortSignal) => Promise<InterruptionNotice[]>;

  constructor(protected readonly inner: CloudProvider) {
    // Only where the inner provider polls: its absence is how callers know it cannot.
    if (inner.pollInterruptions) {
      const poll = inner.pollInterruptions.bind(inner);
      this.pollInterruptions = (signal) => this.around('pollInterruptions', signal, (s) => poll(s));
    }
  }

  /** Runs one call of `method`; `call` takes the signal the inner provider should see. */
  protected abstract around<T>(
    method: ProviderMethod,
    signal: AbortSignal | undefined,
    call: (signal: AbortSignal | undefined) => Promise<T>,
  ): Promise<T>;

  get name(): string {
    return this.inner.name;
  }

  get type() {
    return this.inner.type;
  }

  get capabilities() {
    return this.inner.capabilities;
  }

  listOffers(signal?: AbortSignal): Promise<Offer[]> {
    return this.around('listOffers', signal, (s) => this.inner.listOffers(s));
  }

  create(req: LaunchRequest, signal?: AbortSignal): Promise<Instance> {
    return this.around('create', signal, (s) => this.inner.create(req, s));
  }

  get(id: string, signal?: AbortSignal): Promise<Instance> {
    return this.around('get', signal, (s) => this.inner.get(id, s));
  }

  list(signal?: AbortSignal): Promise<Instance[]> {
    return this.around('list', signal, (s) => this.inner.list(s));
  }

  delete(id: string, signal?: AbortSignal): Promise<void> {
    return this.around('delete', signal, (s) => this.inner.delete(id, s));
  }

  checkCredentials(signal?: AbortSignal): Promise<void> {
    return this.around('checkCredentials', signal, (s) => this.inner.checkCredentials(s));
  }
}
