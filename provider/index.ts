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
export {
  declareLicenceGroup,
  declareLicences,
  loadLicenceFile,
  parseLicenceFile,
  LicenceFileError,
  type DeclareLicencesOptions,
  type DeclaredLicenceGroup,
  type DeclaredSubscription,
  type LicenceFile,
  type LicenceFileProblem,
  type LicenceGroupDeclaration,
  type SubscriptionDeclaration,
} from "./resources/licence-file";
