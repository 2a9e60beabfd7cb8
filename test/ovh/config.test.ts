import { createOvhClient, OvhConfigError, resolveCredentials, resolveEndpoint } from "../../provider/ovh";
import { resolveClientLimits } from "../../provider/ovh/options";

const APP = { OVH_APPLICATION_KEY: "ak-1", OVH_APPLICATION_SECRET: "as-1", OVH_CONSUMER_KEY: "ck-1" };
const OAUTH = { OVH_CLIENT_ID: "client-1", OVH_CLIENT_SECRET: "client-secret-1" };

function configError(run: () => unknown): OvhConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(OvhConfigError);
    return error as OvhConfigError;
  }
  throw new Error("expected an OvhConfigError");
}

describe("resolveEndpoint", () => {
  it.each([
    ["ovh-eu", "https://eu.api.ovh.com/1.0", "https://www.ovh.com/auth/oauth2/token"],
    ["ovh-ca", "https://ca.api.ovh.com/1.0", "https://ca.ovh.com/auth/oauth2/token"],
    ["ovh-us", "https://api.us.ovhcloud.com/1.0", "https://us.ovhcloud.com/auth/oauth2/token"],
    ["kimsufi-eu", "https://eu.api.kimsufi.com/1.0", undefined],
    ["kimsufi-ca", "https://ca.api.kimsufi.com/1.0", undefined],
    ["soyoustart-eu", "https://eu.api.soyoustart.com/1.0", undefined],
    ["soyoustart-ca", "https://ca.api.soyoustart.com/1.0", undefined],
  ])("resolves %s", (name, baseUrl, tokenUrl) => {
    expect(resolveEndpoint(name)).toEqual({ name, baseUrl, oauth2TokenUrl: tokenUrl });
  });

  it("accepts a URL, keeps its port and path, and derives the token URL from its origin", () => {
    expect(resolveEndpoint("http://127.0.0.1:43121/1.0/")).toEqual({
      baseUrl: "http://127.0.0.1:43121/1.0",
      oauth2TokenUrl: "http://127.0.0.1:43121/auth/oauth2/token",
    });
    expect(resolveEndpoint("https://api.example.test/1.0").baseUrl).toBe("https://api.example.test/1.0");
  });

  it.each(["http://localhost:8080/1.0", "http://127.0.0.1/1.0", "http://127.4.5.6:1/1.0", "http://[::1]:9/1.0"])("allows plain http to loopback %s", (url) => {
    expect(resolveEndpoint(url).baseUrl).toBe(url);
  });

  it.each(["http://eu.api.ovh.com/1.0", "http://10.0.0.1/1.0", "http://128.0.0.1/1.0", "http://localhost.example.com/1.0", "http://[::2]/1.0"])(
    "refuses plain http to %s, naming the setting and the fix",
    (url) => {
      const error = configError(() => resolveEndpoint(url));
      expect(error.message).toContain("OVH_ENDPOINT");
      expect(error.message).toContain("endpoint option");
      expect(error.message).toContain("https://");
      expect(error.message).toContain(url);
    },
  );

  it("lists the valid names for an unknown one", () => {
    const error = configError(() => resolveEndpoint("ovh-europe"));
    expect(error.message).toContain('"ovh-europe"');
    for (const name of ["ovh-eu", "ovh-ca", "ovh-us", "kimsufi-eu", "kimsufi-ca", "soyoustart-eu", "soyoustart-ca"]) {
      expect(error.message).toContain(name);
    }
  });

  it("refuses credentials in the URL without echoing them", () => {
    const error = configError(() => resolveEndpoint("https://user:hunter2@eu.api.ovh.com/1.0"));
    expect(error.message).not.toContain("hunter2");
    expect(error.message).toContain("user name or password");
  });

  it.each([
    ["ftp://eu.api.ovh.com/1.0", "protocol"],
    ["https://eu.api.ovh.com", "base path"],
    ["https://eu.api.ovh.com/1.0?x=1", "query string"],
    ["", "empty"],
  ])("refuses %j (%s)", (value, fragment) => {
    expect(configError(() => resolveEndpoint(value)).message).toContain(fragment);
  });
});

describe("resolveCredentials", () => {
  it("reads the application key method from the environment, with ovh-eu by default", () => {
    const config = resolveCredentials({}, APP);
    expect(config.endpoint.name).toBe("ovh-eu");
    expect(config.credentialSource).toBe("environment");
    expect(config.credentials.kind).toBe("applicationKey");
    if (config.credentials.kind !== "applicationKey") throw new Error("unreachable");
    expect([config.credentials.applicationKey, config.credentials.applicationSecret, config.credentials.consumerKey]).toEqual(["ak-1", "as-1", "ck-1"]);
  });

  it("reads OAuth2 and access token methods and the endpoint from the environment", () => {
    expect(resolveCredentials({}, { ...OAUTH, OVH_ENDPOINT: "ovh-ca" }).credentials.kind).toBe("oauth2");
    expect(resolveCredentials({}, { ...OAUTH, OVH_ENDPOINT: "ovh-ca" }).endpoint.name).toBe("ovh-ca");
    expect(resolveCredentials({}, { OVH_ACCESS_TOKEN: "tok" }).credentials.kind).toBe("accessToken");
  });

  it("takes credentials from the options as a whole set, ignoring the environment's", () => {
    const config = resolveCredentials({ accessToken: "option-token" }, APP);
    expect(config.credentialSource).toBe("options");
    expect(config.credentials.kind).toBe("accessToken");
  });

  it("takes the endpoint option over OVH_ENDPOINT", () => {
    expect(resolveCredentials({ endpoint: "ovh-us" }, { ...APP, OVH_ENDPOINT: "ovh-ca" }).endpoint.name).toBe("ovh-us");
  });

  it("treats empty variables as unset", () => {
    expect(resolveCredentials({}, { ...APP, OVH_ACCESS_TOKEN: "", OVH_ENDPOINT: "" }).credentials.kind).toBe("applicationKey");
  });

  it("names every variable when nothing is configured", () => {
    const message = configError(() => resolveCredentials({}, {})).message;
    for (const name of ["OVH_APPLICATION_KEY", "OVH_APPLICATION_SECRET", "OVH_CONSUMER_KEY", "OVH_CLIENT_ID", "OVH_CLIENT_SECRET", "OVH_ACCESS_TOKEN"]) {
      expect(message).toContain(name);
    }
  });

  it("refuses two methods at once, naming the variables set but not their values", () => {
    const message = configError(() => resolveCredentials({}, { ...APP, OVH_ACCESS_TOKEN: "tok-secret" })).message;
    expect(message).toContain("More than one");
    expect(message).toContain("OVH_ACCESS_TOKEN");
    expect(message).toContain("OVH_APPLICATION_KEY");
    expect(message).not.toContain("tok-secret");
    expect(message).not.toContain("as-1");
  });

  it("refuses a partial application key set, naming what is missing", () => {
    const message = configError(() => resolveCredentials({}, { OVH_APPLICATION_KEY: "ak-1", OVH_APPLICATION_SECRET: "as-1" })).message;
    expect(message).toContain("OVH_CONSUMER_KEY is missing");
    expect(message).toContain("OVH_APPLICATION_KEY, OVH_APPLICATION_SECRET are set");
    expect(message).not.toContain("as-1");
  });

  it("refuses a partial OAuth2 set given as options, naming the options", () => {
    const message = configError(() => resolveCredentials({ clientSecret: "cs-1" }, {})).message;
    expect(message).toContain("option clientId is missing");
    expect(message).not.toContain("cs-1");
  });

  it("refuses OAuth2 on an endpoint without a token URL", () => {
    const message = configError(() => resolveCredentials({ endpoint: "kimsufi-eu" }, OAUTH)).message;
    expect(message).toContain("kimsufi-eu");
    expect(message).toContain("OVH_APPLICATION_KEY");
  });

  it("refuses a credential with a trailing newline without printing it", () => {
    const message = configError(() => resolveCredentials({}, { ...APP, OVH_CONSUMER_KEY: "ck-secret\n" })).message;
    expect(message).toContain("OVH_CONSUMER_KEY");
    expect(message).toContain("newline");
    expect(message).not.toContain("ck-secret");
  });

  it("refuses a credential option that is not a string", () => {
    expect(configError(() => resolveCredentials({ accessToken: 42 as unknown as string }, {})).message).toContain("option accessToken must be a string");
  });

  it("reports a bad endpoint from the environment through the client factory", () => {
    expect(configError(() => createOvhClient({ env: { ...APP, OVH_ENDPOINT: "http://api.example.test/1.0" } })).message).toContain("OVH_ENDPOINT");
  });
});

describe("client limits", () => {
  it("has defaults of 8 concurrent, 10 per second, 30 s timeout, 4 retries, 500 ms base, 30 s cap", () => {
    expect(resolveClientLimits({}, {})).toEqual({
      maxConcurrentRequests: 8,
      maxRequestsPerSecond: 10,
      requestTimeoutMs: 30_000,
      maxRetries: 4,
      retryBaseDelayMs: 500,
      retryMaxDelayMs: 30_000,
    });
  });

  it("reads the environment, with options taking precedence", () => {
    const env = { OVH_MAX_CONCURRENT_REQUESTS: "3", OVH_MAX_REQUESTS_PER_SECOND: " 25 ", OVH_REQUEST_TIMEOUT_MS: "1500" };
    expect(resolveClientLimits({}, env)).toMatchObject({ maxConcurrentRequests: 3, maxRequestsPerSecond: 25, requestTimeoutMs: 1500 });
    expect(resolveClientLimits({ maxConcurrentRequests: 5 }, env).maxConcurrentRequests).toBe(5);
  });

  it.each([
    [{ OVH_MAX_CONCURRENT_REQUESTS: "0" }, "OVH_MAX_CONCURRENT_REQUESTS"],
    [{ OVH_MAX_CONCURRENT_REQUESTS: "eight" }, "OVH_MAX_CONCURRENT_REQUESTS"],
    [{ OVH_MAX_REQUESTS_PER_SECOND: "2.5" }, "OVH_MAX_REQUESTS_PER_SECOND"],
    [{ OVH_REQUEST_TIMEOUT_MS: "-1" }, "OVH_REQUEST_TIMEOUT_MS"],
  ])("refuses %j, naming the variable, the value and the range", (env, name) => {
    const message = configError(() => resolveClientLimits({}, env)).message;
    expect(message).toContain(name);
    expect(message).toContain(JSON.stringify(Object.values(env)[0]));
    expect(message).toContain("whole number from");
  });

  it("refuses bad options, and a base delay above the cap", () => {
    expect(configError(() => resolveClientLimits({ maxRetries: -1 }, {})).message).toContain("maxRetries");
    expect(configError(() => resolveClientLimits({ maxRequestsPerSecond: 0 }, {})).message).toContain("maxRequestsPerSecond");
    expect(configError(() => resolveClientLimits({ retryBaseDelayMs: 5000, retryMaxDelayMs: 100 }, {})).message).toContain("retryBaseDelayMs");
  });
});

describe("paths", () => {
  it("refuses request paths that would reach another resource, before sending anything", async () => {
    const client = createOvhClient({ env: { OVH_ACCESS_TOKEN: "tok", OVH_ENDPOINT: "http://127.0.0.1:9/1.0" } });
    for (const path of ["saas/csp2", "/saas/csp2/../../me", "/saas/%2e%2E/me", "/saas?x=1", "/saas/a b"]) {
      await expect(client.request({ method: "GET", path })).rejects.toBeInstanceOf(OvhConfigError);
    }
  });
});
