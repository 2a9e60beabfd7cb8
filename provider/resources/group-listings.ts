import DataLoader from "dataloader";
import * as csp2 from "../csp2";
import type { OfficeSubscription } from "../csp2";
import type { OvhRequester } from "../ovh/types";

/**
 * Reads of one licence group's subscriptions that arrive close together share one OVH list call (list mode): a
 * refresh of 1,000 subscriptions in 100 groups costs about 100 requests instead of 1,000. The engine sends its
 * reads one gRPC call at a time, so reads of a group rarely land in the same tick: a read joins a listing of its group
 * that is in flight, that a short window gathers, or that started less than `listingMaxAgeMs` ago. Never one that
 * started before the last change this process made to the group ended: a read then waits for a new listing.
 * Mutations never use these listings; they read live.
 */

/** How long a listing of a group may serve reads after it started. */
export const listingMaxAgeMs = 5_000;
/** How long a read waits for others of its group before the listing is sent. */
export const listingWindowMs = 10;

interface Listing {
  /** The group's subscriptions, or undefined when the endpoint does not list them in one call. */
  subscriptions: OfficeSubscription[] | undefined;
}

interface CachedListing {
  promise: Promise<Listing>;
  startedAt: number;
}

/** When the last change this process made to a group ended, by `<endpoint> <serviceName>`. */
const changesEndedAt = new Map<string, number>();
/**
 * One loader per endpoint, so the requesters of one endpoint (the provider makes one per operation) share listings;
 * it lists with the latest of them. A requester that does not name its endpoint gets a loader of its own.
 */
const loaders = new Map<string, ListingLoader>();
const ownLoaders = new WeakMap<OvhRequester, ListingLoader>();

class ListingLoader {
  readonly loader: DataLoader<string, Listing>;

  constructor(
    public requester: OvhRequester,
    endpoint: string,
  ) {
    this.loader = new DataLoader<string, Listing>(
      (serviceNames) =>
        Promise.all(serviceNames.map(async (serviceName) => ({ subscriptions: await csp2.tryFetchSubscriptions(this.requester, serviceName) }))),
      { batchScheduleFn: (send) => setTimeout(send, listingWindowMs), cacheMap: freshListings(endpoint) },
    );
  }
}

/**
 * The subscription as a read sees it: from a shared listing of its group when the endpoint lists them in one call,
 * else (or when the listing does not show it: absence from a list is no proof of deletion) from its own GET.
 * Undefined when OVH answers 404.
 */
export async function readSubscription(requester: OvhRequester, serviceName: string, subscriptionId: number): Promise<OfficeSubscription | undefined> {
  if (csp2.subscriptionsInOneCall(requester) !== false) {
    const listing = await loaderFor(requester).load(serviceName);
    const listed = listing.subscriptions?.find((subscription) => subscription.id === subscriptionId);
    if (listed) return listed;
  }
  return csp2.findSubscription(requester, serviceName, subscriptionId);
}

/** Says a change this process made to the group has ended: later reads of the group use a listing started after it. */
export function groupChanged(requester: OvhRequester, serviceName: string): void {
  changesEndedAt.set(groupKey(requester, serviceName), performance.now());
}

/** Runs a change to the group, and says it ended, however it ended. */
export async function changingGroup<T>(requester: OvhRequester, serviceName: string, change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } finally {
    groupChanged(requester, serviceName);
  }
}

function groupKey(requester: OvhRequester, serviceName: string): string {
  return `${requester.endpointKey ?? ""} ${serviceName}`;
}

function loaderFor(requester: OvhRequester): DataLoader<string, Listing> {
  const endpoint = requester.endpointKey;
  if (endpoint === undefined) {
    const own = ownLoaders.get(requester) ?? new ListingLoader(requester, "");
    ownLoaders.set(requester, own);
    return own.loader;
  }
  const shared = loaders.get(endpoint) ?? new ListingLoader(requester, endpoint);
  loaders.set(endpoint, shared);
  shared.requester = requester;
  return shared.loader;
}

/**
 * The loader's cache: a listing is served while it is younger than `listingMaxAgeMs` and started after the group's
 * last change ended; a failed one is forgotten at once, so the next read tries again.
 */
function freshListings(endpoint: string): DataLoader.CacheMap<string, Promise<Listing>> {
  const entries = new Map<string, CachedListing>();
  return {
    get(serviceName) {
      const entry = entries.get(serviceName);
      if (!entry) return undefined;
      const now = performance.now();
      const changedAt = changesEndedAt.get(`${endpoint} ${serviceName}`) ?? -Infinity;
      if (now - entry.startedAt > listingMaxAgeMs || entry.startedAt <= changedAt) {
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
