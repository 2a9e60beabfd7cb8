import { inspect } from "node:util";
import { DEFAULT_OVH_ENDPOINT, resolveEndpoint, type ResolvedEndpoint } from "./endpoints";
import { OvhConfigError } from "./errors";

/** Endpoint and credentials as options; anything left out is read from the `OVH_*` environment variables. */
export interface OvhCredentialOptions {
  /** Endpoint name (`ovh-eu`, `ovh-ca`, `ovh-us`, kimsufi/soyoustart eu/ca) or base URL. Env: OVH_ENDPOINT. */
  endpoint?: string;
  applicationKey?: string;
  applicationSecret?: string;
  consumerKey?: string;
  /** OAuth2 service account id (client credentials). */
  clientId?: string;
  clientSecret?: string;
  accessToken?: string;
}

export type OvhEnvironment = Record<string, string | undefined>;

type CredentialField = Exclude<keyof OvhCredentialOptions, "endpoint">;

const ENV_NAMES: Record<CredentialField | "endpoint", string> = {
  endpoint: "OVH_ENDPOINT",
  applicationKey: "OVH_APPLICATION_KEY",
  applicationSecret: "OVH_APPLICATION_SECRET",
  consumerKey: "OVH_CONSUMER_KEY",
  clientId: "OVH_CLIENT_ID",
  clientSecret: "OVH_CLIENT_SECRET",
  accessToken: "OVH_ACCESS_TOKEN",
};

/** The environment variables the endpoint and the credentials are read from. */
export const CREDENTIAL_ENVIRONMENT_VARIABLES: readonly string[] = Object.values(ENV_NAMES);

interface AuthMethod {
  kind: OvhAuthKind;
  label: string;
  fields: CredentialField[];
}

const AUTH_METHODS: AuthMethod[] = [
  { kind: "applicationKey", label: "application key", fields: ["applicationKey", "applicationSecret", "consumerKey"] },
  { kind: "oauth2", label: "OAuth2 service account", fields: ["clientId", "clientSecret"] },
  { kind: "accessToken", label: "access token", fields: ["accessToken"] },
];

export type OvhAuthKind = "applicationKey" | "oauth2" | "accessToken";

/**
 * Credential holders keep their values in private fields and print as `[kind, redacted]`, so logging or
 * serializing one (console.log, JSON.stringify, util.inspect, spreading) never shows a secret.
 */
abstract class RedactedCredentials {
  abstract readonly kind: OvhAuthKind;
  /** Every secret value this credential holds, for keying shared state and scrubbing server text. */
  abstract secretValues(): string[];
  toJSON(): { kind: OvhAuthKind; redacted: true } {
    return { kind: this.kind, redacted: true };
  }
  [inspect.custom](): string {
    return `OvhCredentials { kind: '${this.kind}', redacted }`;
  }
  toString(): string {
    return `[OvhCredentials ${this.kind}]`;
  }
}

export class ApplicationKeyCredentials extends RedactedCredentials {
  readonly kind = "applicationKey" as const;
  readonly #applicationKey: string;
  readonly #applicationSecret: string;
  readonly #consumerKey: string;
  constructor(applicationKey: string, applicationSecret: string, consumerKey: string) {
    super();
    this.#applicationKey = applicationKey;
    this.#applicationSecret = applicationSecret;
    this.#consumerKey = consumerKey;
  }
  get applicationKey(): string {
    return this.#applicationKey;
  }
  get applicationSecret(): string {
    return this.#applicationSecret;
  }
  get consumerKey(): string {
    return this.#consumerKey;
  }
  secretValues(): string[] {
    return [this.#applicationKey, this.#applicationSecret, this.#consumerKey];
  }
}

export class OAuth2ClientCredentials extends RedactedCredentials {
  readonly kind = "oauth2" as const;
  readonly #clientId: string;
  readonly #clientSecret: string;
  constructor(clientId: string, clientSecret: string) {
    super();
    this.#clientId = clientId;
    this.#clientSecret = clientSecret;
  }
  get clientId(): string {
    return this.#clientId;
  }
  get clientSecret(): string {
    return this.#clientSecret;
  }
  secretValues(): string[] {
    return [this.#clientId, this.#clientSecret];
  }
}

export class AccessTokenCredentials extends RedactedCredentials {
  readonly kind = "accessToken" as const;
  readonly #accessToken: string;
  constructor(accessToken: string) {
    super();
    this.#accessToken = accessToken;
  }
  get accessToken(): string {
    return this.#accessToken;
  }
  secretValues(): string[] {
    return [this.#accessToken];
  }
}

export type OvhCredentials = ApplicationKeyCredentials | OAuth2ClientCredentials | AccessTokenCredentials;

export interface ResolvedOvhConfig {
  endpoint: ResolvedEndpoint;
  credentials: OvhCredentials;
  /** Where the credentials came from: explicit options, or the environment. */
  credentialSource: "options" | "environment";
}

/**
 * Resolves the endpoint and exactly one authentication method. Credentials come from the options when any
 * credential option is given (as a whole set, never mixed with the environment), otherwise from `OVH_*`
 * variables; the endpoint from the option, else OVH_ENDPOINT, else `ovh-eu`. Errors name the settings involved,
 * never their values.
 */
export function resolveCredentials(options: OvhCredentialOptions, env: OvhEnvironment): ResolvedOvhConfig {
  const endpointOption = readSetting(options, env, "endpoint", "options") ?? readSetting(options, env, "endpoint", "environment");
  const endpoint = resolveEndpoint(endpointOption ?? DEFAULT_OVH_ENDPOINT);

  const fromOptions = AUTH_METHODS.some((method) => method.fields.some((field) => readSetting(options, env, field, "options") !== undefined));
  const source = fromOptions ? "options" : "environment";
  const read = (field: CredentialField): string | undefined => readSetting(options, env, field, source);
  const name = (field: CredentialField): string => settingName(field, source);

  const configured = AUTH_METHODS.filter((method) => method.fields.some((field) => read(field) !== undefined));
  if (configured.length === 0) {
    throw new OvhConfigError(
      "No OVH credentials found. Configure exactly one authentication method: " +
        "OVH_APPLICATION_KEY + OVH_APPLICATION_SECRET + OVH_CONSUMER_KEY (application key), " +
        "OVH_CLIENT_ID + OVH_CLIENT_SECRET (OAuth2 service account), or OVH_ACCESS_TOKEN; " +
        "or the matching options (applicationKey, applicationSecret, consumerKey, clientId, clientSecret, accessToken).",
    );
  }
  if (configured.length > 1) {
    const described = configured.map((method) => `${method.label} (${method.fields.filter((field) => read(field) !== undefined).map(name).join(", ")})`);
    throw new OvhConfigError(
      `More than one OVH authentication method is configured in the ${source}: ${described.join(" and ")}. ` +
        "Keep exactly one and unset the others.",
    );
  }
  const method = configured[0];
  const missing = method.fields.filter((field) => read(field) === undefined);
  if (missing.length > 0) {
    const present = method.fields.filter((field) => read(field) !== undefined);
    throw new OvhConfigError(
      `Incomplete OVH ${method.label} credentials in the ${source}: ${present.map(name).join(", ")} ${present.length === 1 ? "is" : "are"} set ` +
        `but ${missing.map(name).join(", ")} ${missing.length === 1 ? "is" : "are"} missing. Set ${missing.length === 1 ? "it" : "them"}, ` +
        `or unset ${present.map(name).join(", ")} to use another method.`,
    );
  }
  const value = (field: CredentialField): string => read(field) as string;

  switch (method.kind) {
    case "applicationKey":
      return {
        endpoint,
        credentialSource: source,
        credentials: new ApplicationKeyCredentials(value("applicationKey"), value("applicationSecret"), value("consumerKey")),
      };
    case "oauth2":
      if (!endpoint.oauth2TokenUrl) {
        throw new OvhConfigError(
          `The ${endpoint.name} endpoint does not support OAuth2 service accounts (${name("clientId")}, ${name("clientSecret")}): ` +
            "use an application key (OVH_APPLICATION_KEY, OVH_APPLICATION_SECRET, OVH_CONSUMER_KEY) instead.",
        );
      }
      return { endpoint, credentialSource: source, credentials: new OAuth2ClientCredentials(value("clientId"), value("clientSecret")) };
    case "accessToken":
      return { endpoint, credentialSource: source, credentials: new AccessTokenCredentials(value("accessToken")) };
  }
}

function settingName(field: CredentialField | "endpoint", source: "options" | "environment"): string {
  return source === "options" ? `option ${field}` : ENV_NAMES[field];
}

/** Reads one setting; empty strings count as unset (an exported empty variable is common in CI). */
function readSetting(
  options: OvhCredentialOptions,
  env: OvhEnvironment,
  field: CredentialField | "endpoint",
  source: "options" | "environment",
): string | undefined {
  const raw: unknown = source === "options" ? options[field] : env[ENV_NAMES[field]];
  if (raw === undefined || raw === null || raw === "") return undefined;
  const name = settingName(field, source);
  if (typeof raw !== "string") {
    throw new OvhConfigError(`${name} must be a string, got ${typeof raw}: pass the value as text.`);
  }
  // Credentials go into HTTP headers: a stray newline (e.g. from `$(cat file)`) would break every request.
  if (field !== "endpoint" && !/^[\x21-\x7e]+$/.test(raw)) {
    throw new OvhConfigError(
      `${name} contains spaces, control characters or non-ASCII characters (a trailing newline from a file?): remove them.`,
    );
  }
  return raw;
}
