import { createHash } from "node:crypto";
import type { HttpMethod } from "./types";

export interface SignatureInput {
  applicationSecret: string;
  consumerKey: string;
  method: HttpMethod;
  /** The full URL exactly as sent, query string included. */
  url: string;
  /** The exact body sent, or "" when there is none. */
  body: string;
  /** Unix time in seconds, as sent in X-Ovh-Timestamp. */
  timestamp: number;
}

/** OVH's request signature: `"$1$" + sha1hex(AS+"+"+CK+"+"+METHOD+"+"+URL+"+"+BODY+"+"+TIMESTAMP)`. */
export function computeSignature(input: SignatureInput): string {
  const material = [input.applicationSecret, input.consumerKey, input.method, input.url, input.body, String(input.timestamp)].join("+");
  return "$1$" + createHash("sha1").update(material, "utf8").digest("hex");
}

/**
 * The offset between the local clock and OVH's, from the unauthenticated `GET /auth/time`. Fetched once and
 * kept; re-synchronised when OVH answers QUERY_TIME_OUT. Concurrent callers share one fetch.
 */
export class OvhTimeSync {
  #offsetSeconds: number | undefined;
  #generation = 0;
  #inFlight: Promise<void> | undefined;

  constructor(private readonly now: () => number) {}

  /** Bumped on every successful sync, so a request can tell whether the offset changed since it signed. */
  get generation(): number {
    return this.#generation;
  }

  /** Makes sure an offset is known, fetching the server time if not. */
  async ensure(fetchServerTime: () => Promise<number>): Promise<void> {
    if (this.#offsetSeconds === undefined) await this.sync(fetchServerTime);
  }

  /**
   * Re-synchronises, unless another request already did so after `seenGeneration` (then its offset is used).
   */
  async resync(seenGeneration: number, fetchServerTime: () => Promise<number>): Promise<void> {
    if (this.#generation !== seenGeneration) return;
    await this.sync(fetchServerTime);
  }

  /** OVH time now, in Unix seconds. Only valid after `ensure`. */
  timestamp(): number {
    if (this.#offsetSeconds === undefined) throw new Error("OVH time offset read before it was synchronised");
    return Math.round(this.now() / 1000) + this.#offsetSeconds;
  }

  private sync(fetchServerTime: () => Promise<number>): Promise<void> {
    this.#inFlight ??= (async () => {
      try {
        const serverTime = await fetchServerTime();
        this.#offsetSeconds = serverTime - Math.round(this.now() / 1000);
        this.#generation += 1;
      } finally {
        this.#inFlight = undefined;
      }
    })();
    return this.#inFlight;
  }
}
