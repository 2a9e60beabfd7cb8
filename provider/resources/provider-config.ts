import type * as pulumi from "@pulumi/pulumi";
import { clientEnvironment, getSharedOvhClient, type OvhClient, type OvhClientOptions } from "../ovh";
import { type DeletionAllowance, parseDeletionAllowance } from "./deletion-intent";
import type { OperationContext } from "./operation-context";
import { providerSettingNames, stackConfigKeys, type ProviderSettingName, type SettingTexts } from "./provider-settings";

/**
 * The provider's settings as the engine handed them over (`configure`): the stack config for the dynamic resources,
 * the provider's configuration for the native plugin. Kept in this module, never in the provider object, so nothing
 * here is serialized into `__provider` or state.
 */
let stackConfig: SettingTexts = {};

export async function configureFromStack(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  const next: SettingTexts = {};
  for (const name of providerSettingNames) {
    const value = req.config.get(stackConfigKeys[name]);
    if (value !== undefined && value !== "") next[name] = value;
  }
  configureSettings(next);
}

/**
 * Takes the settings for the operations that follow. A malformed one fails the run before anything is called, not at
 * the first delete or the first wait.
 */
export function configureSettings(settings: SettingTexts): void {
  checkSettings(settings, process.env);
  stackConfig = { ...settings };
}

/** Throws, naming the setting and the fix, when a setting cannot be used. */
export function checkSettings(settings: SettingTexts, env: NodeJS.ProcessEnv): void {
  parseDeletionAllowance(settings.allowDeletes);
  waitSettings(settings, env);
  billingReadSetting(settings, env);
  clientOptionsFrom(settings, env);
}

/**
 * What one operation works with: the OVH client built from the stack config, progress lines for the user, and how
 * long to wait for OVH's reads to show a change (stack config, else `OVH_READ_SETTLE_SECONDS` and
 * `OVH_ORDER_LISTING_GRACE_MINUTES`).
 */
export function operationContext(): OperationContext {
  return { requester: ovhClient(), tell, ...configuredWaits(), ...billingReadSetting(stackConfig, process.env) };
}

/** Whether this run reads billing figures, without building a client (a preview may have no credentials). */
export function billingPeriodRead(): boolean {
  return billingReadSetting(stackConfig, process.env).readBillingPeriod ?? true;
}

const billingReadVariable = "OVH_READ_BILLING_PERIOD";

/** `readBillingPeriod` from the stack config, else the environment: true or false; unset, the default (true). */
export function billingReadSetting(config: SettingTexts, env: NodeJS.ProcessEnv): Pick<OperationContext, "readBillingPeriod"> {
  const fromConfig = config.readBillingPeriod;
  const raw = fromConfig ?? env[billingReadVariable];
  if (raw === undefined || raw.trim() === "") return {};
  const text = raw.trim().toLowerCase();
  if (text !== "true" && text !== "false") {
    const where = fromConfig !== undefined ? `Stack config ${stackConfigKeys.readBillingPeriod}` : `Environment variable ${billingReadVariable}`;
    throw new Error(`${where} must be true or false, got "${raw}": fix it with \`pulumi config set ${stackConfigKeys.readBillingPeriod} false\` (or true).`);
  }
  return { readBillingPeriod: text === "true" };
}

/** The wait settings this run was configured with, without building a client (a preview may have no credentials). */
export function configuredWaits(): Pick<OperationContext, "settleMs" | "orderListingGraceMs"> {
  return waitSettings(stackConfig, process.env);
}

/** Environment variables the wait settings fall back on. */
const waitSettingVariables = { readSettleSeconds: "OVH_READ_SETTLE_SECONDS", orderListingGraceMinutes: "OVH_ORDER_LISTING_GRACE_MINUTES" } as const;

/** The settle window and the order listing grace, from the stack config, else the environment; unset: the defaults. */
export function waitSettings(config: SettingTexts, env: NodeJS.ProcessEnv): Pick<OperationContext, "settleMs" | "orderListingGraceMs"> {
  const setting = (key: keyof typeof waitSettingVariables, max: number): number | undefined => {
    const fromConfig = config[key];
    const raw = fromConfig ?? env[waitSettingVariables[key]];
    if (raw === undefined || raw.trim() === "") return undefined;
    const value = Number(raw);
    if (!/^\s*\d+(\.\d+)?\s*$/.test(raw) || value > max) {
      const where = fromConfig !== undefined ? `Stack config ${stackConfigKeys[key]}` : `Environment variable ${waitSettingVariables[key]}`;
      throw new Error(`${where} must be a number from 0 to ${max}, got "${raw}": fix it with \`pulumi config set ${stackConfigKeys[key]} <n>\`.`);
    }
    return value;
  };
  const settleSeconds = setting("readSettleSeconds", maxReadSettleSeconds);
  const graceMinutes = setting("orderListingGraceMinutes", maxOrderListingGraceMinutes);
  return {
    ...(settleSeconds === undefined ? {} : { settleMs: Math.round(settleSeconds * 1000) }),
    ...(graceMinutes === undefined ? {} : { orderListingGraceMs: Math.round(graceMinutes * 60_000) }),
  };
}

/** A settle window past an hour would only hide a real failure; a grace past a week would block an order for good. */
const maxReadSettleSeconds = 3600;
const maxOrderListingGraceMinutes = 7 * 24 * 60;

/** What this run may delete at OVH, from the stack config. */
export function deletionAllowance(): DeletionAllowance {
  return parseDeletionAllowance(stackConfig.allowDeletes);
}

/** The client built for the last stack config and `OVH_*` environment seen: building one costs more than a read. */
let lastClient: { config: typeof stackConfig; environment: string; client: OvhClient } | undefined;

/** The OVH client for this call: stack config first, then `OVH_*` environment variables, read now. */
export function ovhClient(): OvhClient {
  const environment = clientEnvironment(process.env);
  if (lastClient?.config === stackConfig && lastClient.environment === environment) return lastClient.client;
  const client = getSharedOvhClient(clientOptionsFrom(stackConfig, process.env));
  lastClient = { config: stackConfig, environment, client };
  return client;
}

export function clientOptionsFrom(config: SettingTexts, env: NodeJS.ProcessEnv): OvhClientOptions {
  const credentialKeys: ProviderSettingName[] = ["applicationKey", "applicationSecret", "consumerKey", "clientId", "clientSecret", "accessToken"];
  const stackHasCredentials = credentialKeys.some((key) => config[key] !== undefined);
  const numberOption = (key: ProviderSettingName): number | undefined => {
    const raw = config[key];
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) {
      throw new Error(`Stack config ${stackConfigKeys[key]} must be a positive number, got "${raw}": fix it with \`pulumi config set ${stackConfigKeys[key]} <n>\`.`);
    }
    return value;
  };
  // With any credential in the stack config the client takes that set whole and ignores OVH_* credentials.
  const credentials = stackHasCredentials
    ? {
        applicationKey: config.applicationKey,
        applicationSecret: config.applicationSecret,
        consumerKey: config.consumerKey,
        clientId: config.clientId,
        clientSecret: config.clientSecret,
        accessToken: config.accessToken,
      }
    : {};
  return {
    ...credentials,
    env,
    endpoint: config.endpoint,
    maxRequestsPerSecond: numberOption("maxRequestsPerSecond"),
    maxConcurrentRequests: numberOption("maxConcurrentRequests"),
  };
}

/**
 * Where progress lines go: stdout for the dynamic-provider host, which forwards it to the person running Pulumi; the
 * engine's log for the native plugin, whose stdout carries its port alone.
 */
let progressSink: (line: string) => void = (line) => console.log(line);

export function setProgressSink(sink: (line: string) => void): void {
  progressSink = sink;
}

/** Progress and notices for the person running Pulumi. */
export function tell(subject: string, message: string): void {
  progressSink(`ovh-office365: ${subject}: ${message}`);
}
