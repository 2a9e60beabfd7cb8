export {
  Subscription,
  subscriptionProvider,
  type SubscriptionArgs,
  type SubscriptionInputs,
  type SubscriptionOutputs,
} from "./resources/subscription";
export {
  LicenseGroup,
  licenseGroupProvider,
  type LicenseGroupArgs,
  type LicenseGroupInputs,
  type LicenseGroupOutputs,
  type LicenseGroupOrder,
  type LicenseGroupContact,
  type LicenseGroupServiceInfo,
  type LicenseGroupTenant,
} from "./resources/license-group";
export type { PendingTask } from "./resources/pending-tasks";
