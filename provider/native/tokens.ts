/** The package and type tokens of the native provider, as programs in every language and `pulumi import` name them. */

export const packageName = "ovh-office365";
export const subscriptionToken = `${packageName}:index:Subscription`;
export const licenseGroupToken = `${packageName}:index:LicenseGroup`;
/** The type of the provider resources (`new ovhoffice365.Provider(...)`), one per OVH account. */
export const providerToken = `pulumi:providers:${packageName}`;
