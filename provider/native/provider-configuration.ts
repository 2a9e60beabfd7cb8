import { resolveCredentials, resolveEndpoint } from "../ovh";
import { checkSettings, clientOptionsFrom } from "../resources/provider-config";
import { providerSettingNames, type ProviderSettingName, type SettingTexts } from "../resources/provider-settings";
import { UNKNOWN, type PropertyMap } from "./wire";

/**
 * The `ovh-office365` provider's configuration as the engine sends it (stack config `ovh-office365:<name>` for the
 * default provider, a `Provider` resource's inputs for an explicit one), read into the provider's settings.
 */

/**
 * Each setting as text: the default provider gets strings, an SDK may send numbers, and a list (`allowDeletes`) as a
 * list or as JSON text. `version` and names the provider does not know are left out; CheckConfig reports the latter.
 */
export function settingTextsOf(given: PropertyMap): SettingTexts {
  const texts: SettingTexts = {};
  for (const name of providerSettingNames) {
    const value = given[name];
    if (value === undefined || value === null || value === "" || value === UNKNOWN) continue;
    texts[name] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return texts;
}

export interface ConfigFailure {
  property: string;
  reason: string;
}

/**
 * What is wrong with a configuration, one failure per setting, before anything is configured: unknown names, values
 * the provider cannot use, and credentials given in part. Credentials given nowhere are not a failure here: they may
 * come from the `OVH_*` environment variables when the provider runs, and a preview needs none.
 */
export function configFailures(given: PropertyMap, env: NodeJS.ProcessEnv): ConfigFailure[] {
  const failures: ConfigFailure[] = [];
  const known = new Set<string>([...providerSettingNames, "version"]);
  for (const name of Object.keys(given)) {
    if (!known.has(name)) failures.push({ property: name, reason: `is not a setting of the ovh-office365 provider: it takes ${providerSettingNames.join(", ")}` });
  }
  const texts = settingTextsOf(given);
  for (const name of Object.keys(texts) as ProviderSettingName[]) {
    const reason = problemOf(() => checkSettings({ [name]: texts[name] }, {}));
    if (reason) failures.push({ property: name, reason });
  }
  if (texts.endpoint !== undefined) {
    const reason = problemOf(() => resolveEndpoint(texts.endpoint as string));
    if (reason) failures.push({ property: "endpoint", reason });
  }
  const credentials = credentialNames.filter((name) => texts[name] !== undefined);
  if (credentials.length > 0) {
    const given: SettingTexts = Object.fromEntries(credentials.map((name) => [name, texts[name]]));
    const reason = problemOf(() => resolveCredentials(clientOptionsFrom(given, env), env));
    if (reason) failures.push({ property: credentials[0], reason });
  }
  return failures;
}

const credentialNames: readonly ProviderSettingName[] = ["applicationKey", "applicationSecret", "consumerKey", "clientId", "clientSecret", "accessToken"];

/** The settings whose values differ between two configurations. */
export function configChanges(olds: PropertyMap, news: PropertyMap): string[] {
  const before = settingTextsOf(olds);
  const after = settingTextsOf(news);
  return providerSettingNames.filter((name) => before[name] !== after[name]);
}

function problemOf(check: () => unknown): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
