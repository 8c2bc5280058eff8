import { withoutResponseObserver, type CallCounter, type RegionClients } from './client-factory';
import { toScanError } from './errors';
import { isMissingEndpoint, ServiceList } from './regions';
import type { SharedListing } from './scanners/types';

/** Label of the calls a shared listing makes (its own line in apiCalls.bySource). */
export function sharedLabel(key: string): string {
  return `shared:${key}`;
}

/** How a failed call is to be read. */
export type EndpointVerdict = { kind: 'not-offered' } | { kind: 'failed'; note?: string };

/**
 * The pages of one shared listing, kept as they arrive so that every reader, whenever it starts,
 * iterates all of them; a failure is thrown to each reader after the pages read before it.
 */
export class SharedPages<T> {
  private readonly pages: (readonly T[])[] = [];
  private state: { done: false } | { done: true; error?: unknown } = { done: false };
  private waiters: Array<() => void> = [];
  /** Set when the listing's service is not offered in the region (the listing then has no pages). */
  notOffered = false;

  push(items: readonly T[]): void {
    this.pages.push(items);
    this.wake();
  }

  finish(error?: unknown): void {
    this.state = error === undefined ? { done: true } : { done: true, error };
    this.wake();
  }

  async *read(): AsyncGenerator<readonly T[]> {
    let next = 0;
    for (;;) {
      while (next < this.pages.length) yield this.pages[next++] as readonly T[];
      if (this.state.done) {
        if ('error' in this.state) throw this.state.error;
        return;
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}

/**
 * What one audit run keeps for one region: the shared listings fetched so far and the answers
 * of the service list. Created per region by each run, so a re-audit, another region or another
 * account never reads stale pages.
 */
export class RegionScope {
  readonly services: ServiceList;
  private readonly listings = new Map<string, SharedPages<unknown>>();
  // Errors a shared listing has already judged "offered": its readers must not judge them again.
  private readonly judged = new WeakSet<object>();

  constructor(
    readonly clients: RegionClients,
    private readonly counter: CallCounter,
  ) {
    this.services = new ServiceList(clients);
  }

  /**
   * Decides whether a call that failed under `label` means "not offered": only when the service's
   * endpoint does not exist (see isMissingEndpoint), no earlier call under `label` reached a
   * service (one that did proves the endpoint exists), and the region's service list does not
   * name `service`. Every other case, the list's own failure included, is `failed`.
   */
  async judge(error: unknown, service: string | undefined, label: string): Promise<EndpointVerdict> {
    const region = this.clients.region;
    if (!service || (typeof error === 'object' && error !== null && this.judged.has(error))) return { kind: 'failed' };
    if (!isMissingEndpoint(error, region) || this.counter.answered(region, label) > 0) return { kind: 'failed' };
    try {
      return (await this.services.isListed(service)) ? { kind: 'failed' } : { kind: 'not-offered' };
    } catch (lookupError) {
      return { kind: 'failed', note: `service list unreadable (${toScanError(lookupError).code})` };
    }
  }

  /** The listing's pages: fetched on first use, under its own label; later readers share them. */
  shared<T>(listing: SharedListing<T>): SharedPages<T> {
    let pages = this.listings.get(listing.key) as SharedPages<T> | undefined;
    if (!pages) {
      const fresh = new SharedPages<T>();
      pages = fresh;
      this.listings.set(listing.key, fresh as SharedPages<unknown>);
      const label = sharedLabel(listing.key);
      // Fetched on behalf of every reader: no one scan's response observer sees its pages.
      void withoutResponseObserver(() => this.counter.run(label, () => this.fill(listing, fresh, label)));
    }
    return pages;
  }

  /** Runs the fetch; always finishes `pages` (readers would otherwise wait forever). */
  private async fill<T>(listing: SharedListing<T>, pages: SharedPages<T>, label: string): Promise<void> {
    try {
      await listing.fetch(this.clients, (items) => pages.push(items));
      pages.finish();
      return;
    } catch (error) {
      const verdict = await this.judge(error, listing.service, label).catch((): EndpointVerdict => ({ kind: 'failed' }));
      if (verdict.kind === 'not-offered') {
        pages.notOffered = true;
        pages.finish();
        return;
      }
      if (typeof error === 'object' && error !== null) this.judged.add(error);
      pages.finish(error);
    }
  }
}
