import { allowDeletesConfigKey } from "./deletion-intent";

/**
 * The provider's settings, one definition for both ways the resources are served: the dynamic resources read them
 * from the stack config under the keys of `stackConfigKeys` (`ovh:endpoint`, `ovh-office365:allowDeletes`, …); the
 * native plugin takes them as the `ovh-office365` provider's configuration (`ovh-office365:endpoint` in stack config,
 * or the inputs of a `Provider` resource). The package schema's config is generated from this interface
 * (scripts/generate-package-schema.js): its doc comments are what a generated SDK's users read.
 */
export interface ProviderSettings {
  /**
   * The OVH API endpoint: `ovh-eu` (the default), `ovh-ca`, `ovh-us`, `kimsufi-eu`, `kimsufi-ca`, `soyoustart-eu`,
   * `soyoustart-ca`, or a base URL ending in `/1.0` (`http://` only to loopback). Falls back on `OVH_ENDPOINT`.
   */
  endpoint?: string;
  /** Application key, with `applicationSecret` and `consumerKey`. Falls back on `OVH_APPLICATION_KEY`. */
  applicationKey?: string;
  /** Application secret. Falls back on `OVH_APPLICATION_SECRET`. @secret */
  applicationSecret?: string;
  /** Consumer key. Falls back on `OVH_CONSUMER_KEY`. @secret */
  consumerKey?: string;
  /** OAuth2 service account id, with `clientSecret`. Falls back on `OVH_CLIENT_ID`. */
  clientId?: string;
  /** OAuth2 service account secret. Falls back on `OVH_CLIENT_SECRET`. @secret */
  clientSecret?: string;
  /** A bearer access token. Falls back on `OVH_ACCESS_TOKEN`. @secret */
  accessToken?: string;
  /** Most requests per second sent to OVH (default 10). Falls back on `OVH_MAX_REQUESTS_PER_SECOND`. */
  maxRequestsPerSecond?: number;
  /** Most requests in flight at once (default 8). Falls back on `OVH_MAX_CONCURRENT_REQUESTS`. */
  maxConcurrentRequests?: number;
  /**
   * What this run may delete at OVH: `*`, licence group serviceNames (their subscriptions, and the group itself with
   * `terminateOnDelete`), or subscription ids `<serviceName>/<subscriptionId>`. Default: nothing.
   */
  allowDeletes?: string[];
  /**
   * How long, in seconds, to read again when OVH says a change has ended but does not show it yet (default 60; never
   * longer than the resource's `taskTimeoutMinutes`). Falls back on `OVH_READ_SETTLE_SECONDS`.
   */
  readSettleSeconds?: number;
  /**
   * How long, in minutes, after an order whose subscription has not shown up no other order of it is sent (default
   * 60). Falls back on `OVH_ORDER_LISTING_GRACE_MINUTES`.
   */
  orderListingGraceMinutes?: number;
  /**
   * Whether subscriptions read their group's billing period and peak (the `billingPeriod` output, and the preview's
   * line on what a seat change does to the peak): one more call per group per run (default true). false keeps a
   * refresh to one list call per group. Falls back on `OVH_READ_BILLING_PERIOD`.
   */
  readBillingPeriod?: boolean;
}

export type ProviderSettingName = keyof ProviderSettings;

/** Where the dynamic resources read each setting in the stack config: OVH's own keys for the endpoint and credentials. */
export const stackConfigKeys: Readonly<Record<ProviderSettingName, string>> = {
  endpoint: "ovh:endpoint",
  applicationKey: "ovh:applicationKey",
  applicationSecret: "ovh:applicationSecret",
  consumerKey: "ovh:consumerKey",
  clientId: "ovh:clientId",
  clientSecret: "ovh:clientSecret",
  accessToken: "ovh:accessToken",
  maxRequestsPerSecond: "ovh-office365:maxRequestsPerSecond",
  maxConcurrentRequests: "ovh-office365:maxConcurrentRequests",
  allowDeletes: allowDeletesConfigKey,
  readSettleSeconds: "ovh-office365:readSettleSeconds",
  orderListingGraceMinutes: "ovh-office365:orderListingGraceMinutes",
  readBillingPeriod: "ovh-office365:readBillingPeriod",
};

export const providerSettingNames = Object.keys(stackConfigKeys) as ProviderSettingName[];

/** The settings as the provider keeps them: each one's text as configured (a list as JSON text). */
export type SettingTexts = Partial<Record<ProviderSettingName, string>>;
