/** The /saas/csp2 model: its views, its changes and its statistics. */
export {
  addonSubscriptionIds,
  availableAddonLicenseIds,
  licenseView,
  orderableLicenseIds,
  requireShownGroup,
  serviceInfosView,
  activeServiceNames,
  serviceNames,
  subscriptionIds,
  subscriptionView,
  taskIds,
  taskView,
  taskViewById,
  tenantView,
} from "./csp2-views";
export { changeQuantity, createSubscription, deleteSubscription, orderAddon, updateServiceInfos, updateTenant } from "./csp2-changes";
export { billingPeriodPeaks, usageStatistics } from "./usage-statistics";
