import { declareLicenseGroup, declareLicenses } from "./resources/license-file-declaration";
import type { DeclareLicensesOptions, DeclaredLicenseGroup } from "./resources/license-file-declaration";
import { LicenseFileError } from "./resources/license-file-messages";
import type { LicenseFileProblem } from "./resources/license-file-messages";
import { loadLicenseFile, parseLicenseFile } from "./resources/license-file-parsing";
import type { LicenseFile, LicenseGroupDeclaration } from "./resources/license-file-parsing";

export {
  Subscription,
  subscriptionProvider,
  type SubscriptionArgs,
  type SubscriptionInputs,
  type SubscriptionOutputs,
  type BillingPeriod,
  type SeatPrice,
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

export { loadLicenseFile, parseLicenseFile, type LicenseFile, type LicenseGroupDeclaration };
export type { SubscriptionDeclaration } from "./resources/license-file-parsing";
export { LicenseFileError, type LicenseFileProblem };
export { declareLicenseGroup, declareLicenses, type DeclareLicensesOptions, type DeclaredLicenseGroup };
export type { DeclaredSubscription } from "./resources/license-file-declaration";

// The earlier "licence" spellings of the names above, so programs written with them keep compiling and running.
/** @deprecated Use loadLicenseFile. */
export const loadLicenceFile = loadLicenseFile;
/** @deprecated Use parseLicenseFile. */
export const parseLicenceFile = parseLicenseFile;
/** @deprecated Use declareLicenses. */
export const declareLicences = declareLicenses;
/** @deprecated Use declareLicenseGroup. */
export const declareLicenceGroup = declareLicenseGroup;
/** @deprecated Use LicenseFileError. */
export const LicenceFileError = LicenseFileError;
/** @deprecated Use LicenseFileError. */
export type LicenceFileError = LicenseFileError;
/** @deprecated Use LicenseFileProblem. */
export type LicenceFileProblem = LicenseFileProblem;
/** @deprecated Use LicenseFile. */
export type LicenceFile = LicenseFile;
/** @deprecated Use LicenseGroupDeclaration. */
export type LicenceGroupDeclaration = LicenseGroupDeclaration;
/** @deprecated Use DeclareLicensesOptions. */
export type DeclareLicencesOptions = DeclareLicensesOptions;
/** @deprecated Use DeclaredLicenseGroup. */
export type DeclaredLicenceGroup = DeclaredLicenseGroup;
