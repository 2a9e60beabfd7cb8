import DataLoader from "dataloader";
import * as csp2 from "../csp2";
import type { OfficeSubscription, PendingTask } from "../csp2";
import type { OvhRequester } from "../ovh/types";

/**
 * Listings of one licence group shared by the operations that need them at about the same time, so that OVH sees
 * one list call per group instead of one per subscription (list mode).
 *
 * Reads (refresh): the engine sends its reads one gRPC call at a time, so reads of a group rarely land in the same
 * tick. A read joins a listing of its group that is in flight, or that started less than `listingMaxAgeMs` ago, never
 * one that started before the last change this process made to the group ended.
 *
 * Changes (create, update, delete) read live: they share only listings that a window gathers, which start after every
 * one of them asked.
 */

/** How long a listing of a group may serve reads after it started. */
export const listingMaxAgeMs = 5_000;
/** How long a change waits for others of its group before the listing is sent. */
const listingWindowMs = 10;

/** When the last change this process made to a group ended, by `<endpoint> <serviceName>`. */
const changesEndedAt = new Map<string, number>();

/**
 * One loader per endpoint and kind of listing, so the requesters of one endpoint (the provider makes one per
 * operation) share listings; it lists with the latest of them. A requester that does not name its endpoint gets
 * loaders of its own.
 */
class SharedLoaders<V> {
  private readonly byEndpoint = new Map<string, { loader: DataLoader<string, V>; requester: OvhRequester }>();
  private readonly byRequester = new WeakMap<OvhRequester, DataLoader<string, V>>();

  constructor(
    private readonly fetch: (requester: OvhRequester, serviceName: string) => Promise<V>,
    private readonly cache: (endpoint: string) => DataLoader.CacheMap<string, Promise<V>> | false,
    /** Gather the loads of a short window into one listing; without it, only those of one tick (the loader's default). */
    private readonly windowMs?: number,
  ) {}

  load(requester: OvhRequester, serviceName: string): Promise<V> {
    const endpoint = requester.endpointKey;
    if (endpoint === undefined) {
      const own = this.byRequester.get(requester) ?? this.create(() => requester, "");
      this.byRequester.set(requester, own);
      return own.load(serviceName);
    }
    let shared = this.byEndpoint.get(endpoint);
    if (!shared) {
      const holder = { requester };
      shared = Object.assign(holder, { loader: this.create(() => holder.requester, endpoint) });
      this.byEndpoint.set(endpoint, shared);
    }
    shared.requester = requester;
    return shared.loader.load(serviceName);
  }

  private create(requester: () => OvhRequester, endpoint: string): DataLoader<string, V> {
    const cacheMap = this.cache(endpoint);
    // Without a cache the loader hands a batch its keys as asked, repeats included: each group is listed once. A
    // group whose listing fails fails its own loads only (an Error in its place), not the others' of the batch.
    const listOnce = (serviceNames: readonly string[]) => {
      const listing = (serviceName: string) => this.fetch(requester(), serviceName).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
      const listed = new Map(Array.from(new Set(serviceNames), (serviceName) => [serviceName, listing(serviceName)] as const));
      return Promise.all(serviceNames.map((serviceName) => listed.get(serviceName) as Promise<V | Error>));
    };
    const windowMs = this.windowMs;
    return new DataLoader<string, V>(listOnce, {
      ...(windowMs === undefined ? {} : { batchScheduleFn: (send: () => void) => setTimeout(send, windowMs) }),
      ...(cacheMap === false ? { cache: false } : { cacheMap }),
    });
  }
}

/**
 * The group's subscriptions in one call, or undefined when the endpoint does not list them in one call. Reads need no
 * window: a read that comes while its group's listing is in flight joins it through the cache.
 */
const readListings = new SharedLoaders<OfficeSubscription[] | undefined>(csp2.tryFetchSubscriptions, freshListings);
const liveSubscriptions = new SharedLoaders<OfficeSubscription[]>((requester, serviceName) => csp2.fetchSubscriptions(requester, serviceName), () => false, listingWindowMs);
// Before a change, every task the group lists is read when OVH cannot filter them: an order still running among
// older tasks would otherwise be missed, and ordered again.
const livePendingTasks = new SharedLoaders<PendingTask[]>(
  (requester, serviceName) => csp2.fetchPendingTasks(requester, serviceName, { recentLimit: Number.POSITIVE_INFINITY }),
  () => false,
  listingWindowMs,
);

/**
 * The subscription as a read sees it: from a shared listing of its group when the endpoint lists them in one call,
 * else (or when the listing does not show it: absence from a list is no proof of deletion) from its own GET.
 * Undefined when OVH answers 404.
 */
export async function readSubscription(requester: OvhRequester, serviceName: string, subscriptionId: number): Promise<OfficeSubscription | undefined> {
  if (csp2.subscriptionsInOneCall(requester) !== false) {
    const listed = (await readListings.load(requester, serviceName))?.find((subscription) => subscription.id === subscriptionId);
    if (listed) return listed;
  }
  return csp2.findSubscription(requester, serviceName, subscriptionId);
}

/** The group's tasks still running, read live: one filtered call in list mode, else every task the group lists. */
export function groupPendingTasks(requester: OvhRequester, serviceName: string): Promise<PendingTask[]> {
  return livePendingTasks.load(requester, serviceName);
}

/**
 * The group's subscriptions, read live. `only` narrows what is read one GET at a time when the endpoint does not list
 * them in one call.
 */
export function groupSubscriptions(requester: OvhRequester, serviceName: string, only?: (subscriptionId: number) => boolean): Promise<OfficeSubscription[]> {
  if (only && csp2.subscriptionsInOneCall(requester) === false) return csp2.fetchSubscriptions(requester, serviceName, { only });
  return liveSubscriptions.load(requester, serviceName);
}

/** Says a change this process made to the group has ended: later reads of the group use a listing started after it. */
export function groupChanged(requester: OvhRequester, serviceName: string): void {
  changesEndedAt.set(`${requester.endpointKey ?? ""} ${serviceName}`, performance.now());
}

/** Runs a change to the group, and says it ended, however it ended. */
export async function changingGroup<T>(requester: OvhRequester, serviceName: string, change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } finally {
    groupChanged(requester, serviceName);
  }
}

/**
 * The read listings' cache: a listing is served while it is younger than `listingMaxAgeMs` and started after the
 * group's last change ended; a failed one is forgotten at once, so the next read tries again.
 */
function freshListings<V>(endpoint: string): DataLoader.CacheMap<string, Promise<V>> {
  const entries = new Map<string, { promise: Promise<V>; startedAt: number }>();
  return {
    get(serviceName) {
      const entry = entries.get(serviceName);
      if (!entry) return undefined;
      const changedAt = changesEndedAt.get(`${endpoint} ${serviceName}`) ?? -Infinity;
      if (performance.now() - entry.startedAt > listingMaxAgeMs || entry.startedAt <= changedAt) {
        entries.delete(serviceName);
        return undefined;
      }
      return entry.promise;
    },
    set(serviceName, promise) {
      const entry = { promise, startedAt: performance.now() };
      entries.set(serviceName, entry);
      promise.catch(() => {
        if (entries.get(serviceName) === entry) entries.delete(serviceName);
      });
    },
    delete(serviceName) {
      entries.delete(serviceName);
    },
    clear() {
      entries.clear();
    },
  };
}
