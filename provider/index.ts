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
  loadLicenceFile,
  parseLicenceFile,
  type LicenceFile,
  type LicenceGroupDeclaration,
  type SubscriptionDeclaration,
} from "./resources/license-file-parsing";
export { LicenceFileError, type LicenceFileProblem } from "./resources/license-file-messages";
export {
  declareLicenceGroup,
  declareLicences,
  type DeclareLicencesOptions,
  type DeclaredLicenceGroup,
  type DeclaredSubscription,
} from "./resources/license-file-declaration";
