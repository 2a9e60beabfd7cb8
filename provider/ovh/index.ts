export { OvhClient, clientEnvironment, createOvhClient, getSharedOvhClient, USER_AGENT } from "./client";
export type { OvhClientOptions, OvhRequestEvent, OvhRetryEvent } from "./options";
export {
  resolveCredentials,
  ApplicationKeyCredentials,
  OAuth2ClientCredentials,
  AccessTokenCredentials,
  type OvhCredentials,
  type OvhCredentialOptions,
  type OvhEnvironment,
  type OvhAuthKind,
  type ResolvedOvhConfig,
} from "./credentials";
export { resolveEndpoint, isLoopbackHost, OVH_ENDPOINTS, DEFAULT_OVH_ENDPOINT, type OvhEndpointName, type ResolvedEndpoint } from "./endpoints";
export { computeSignature, type SignatureInput } from "./signature";
export { OvhTlsError, isNotTlsAnswer, isTimeoutCode } from "./failures";
export { OvhApiError, OvhConfigError, OvhNetworkError, type OvhErrorBody } from "./errors";
export type { HttpMethod, OvhRequest, OvhRequester, OvhResponse, QueryValue } from "./types";
export {
  listObjects,
  listAll,
  fetchEach,
  listModeSupported,
  encodeListFilters,
  matchesFilter,
  refineListed,
  LIST_MODE,
  MAX_PAGE_SIZE,
  type ListQuery,
  type ListFilter,
  type ListFilterOperator,
  type ListSort,
  type ListValue,
  type ListedId,
  type ListOutcome,
  type ListAllOptions,
} from "./list-mode";
