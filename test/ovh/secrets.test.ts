import { inspect } from "node:util";
import { createOvhClient, getSharedOvhClient, OvhApiError, OvhConfigError, OvhNetworkError, OvhTlsError, resolveCredentials, type OvhClientOptions } from "../../provider/ovh";
import { selfSignedCertificate, sendJson, startTestServer, withAuthTime, type TestServer } from "./test-server";

const SECRETS = {
  applicationSecret: "SECRET-AS-7f3a9c",
  consumerKey: "SECRET-CK-1b2c3d",
  clientSecret: "SECRET-CS-9d8e7f",
  accessToken: "SECRET-AT-5a6b7c",
  mintedToken: "SECRET-MINTED-4e4e4e",
};

const KINDS: Array<[string, Partial<OvhClientOptions>]> = [
  ["application key", { applicationKey: "visible-app-key", applicationSecret: SECRETS.applicationSecret, consumerKey: SECRETS.consumerKey }],
  ["OAuth2", { clientId: "visible-client-id", clientSecret: SECRETS.clientSecret }],
  ["access token", { accessToken: SECRETS.accessToken }],
];

/** Every way an error commonly ends up in a log. */
function renderings(error: unknown): string[] {
  const err = error as Error;
  return [String(err), err.message, err.stack ?? "", JSON.stringify(err), inspect(err, { depth: 10 }), inspect(err, { depth: 10, showHidden: true })];
}

function expectNoSecret(error: unknown): void {
  for (const text of renderings(error)) {
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
  }
}

/**
 * A server that echoes every request header back in its error messages, as a badly behaved proxy might, so
 * the client's scrubbing is exercised too. It issues OAuth2 tokens and serves /auth/time.
 */
async function echoingServer(status: number): Promise<TestServer> {
  return startTestServer(
    withAuthTime((req, res) => {
      if (req.url === "/auth/oauth2/token") {
        sendJson(res, 200, { access_token: SECRETS.mintedToken, token_type: "Bearer", expires_in: 3600 });
        return;
      }
      sendJson(res, status, { class: "Client::BadRequest", message: `refused ${JSON.stringify(req.headers)}`, details: { headers: req.headers } }, { "X-Ovh-Queryid": "EU.q-secret" });
    }),
  );
}

describe.each(KINDS)("no secret in errors (%s)", (_kind, credentials) => {
  let server: TestServer | undefined;
  afterEach(() => server?.close());

  it("API errors, even when the server echoes the request headers", async () => {
    server = await echoingServer(400);
    const error = await createOvhClient({ endpoint: server.baseUrl, env: {}, ...credentials })
      .request({ method: "POST", path: "/saas/csp2/t/subscription", body: { quantity: 1 } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OvhApiError);
    expect((error as OvhApiError).ovhMessage).toContain("***");
    expectNoSecret(error);
  });

  it("network errors: reset and timeout", async () => {
    server = await startTestServer(
      withAuthTime((req, res) => {
        if (req.url === "/auth/oauth2/token") {
          sendJson(res, 200, { access_token: SECRETS.mintedToken, expires_in: 3600 });
          return;
        }
        if (req.method === "POST") res.socket?.destroy();
      }),
    );
    const client = createOvhClient({ endpoint: server.baseUrl, env: {}, requestTimeoutMs: 100, maxRetries: 0, ...credentials });
    const resetError = await client.request({ method: "POST", path: "/order/cart", body: {} }).catch((e: unknown) => e);
    expect(resetError).toBeInstanceOf(OvhNetworkError);
    expectNoSecret(resetError);
    const timeoutError = await client.request({ method: "GET", path: "/me" }).catch((e: unknown) => e);
    expect(timeoutError).toBeInstanceOf(OvhNetworkError);
    expectNoSecret(timeoutError);
  });

  it("TLS errors", async () => {
    server = await startTestServer(withAuthTime((_req, res) => sendJson(res, 200, {})), await selfSignedCertificate());
    const error = await createOvhClient({ endpoint: server.baseUrl, env: {}, ...credentials })
      .request({ method: "GET", path: "/me" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OvhTlsError);
    expectNoSecret(error);
  });

  it("configuration errors: a second method, a partial set, a bad endpoint", () => {
    const attempts: Array<() => unknown> = [
      () => createOvhClient({ env: {}, ...credentials, accessToken: SECRETS.accessToken, clientSecret: SECRETS.clientSecret }),
      () => createOvhClient({ env: { OVH_APPLICATION_SECRET: SECRETS.applicationSecret, OVH_CONSUMER_KEY: SECRETS.consumerKey } }),
      () => createOvhClient({ env: {}, ...credentials, endpoint: "http://198.51.100.7/1.0" }),
      () => createOvhClient({ env: {}, ...credentials, maxRetries: -1 }),
    ];
    for (const attempt of attempts) {
      let caught: unknown;
      try {
        attempt();
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(OvhConfigError);
      expectNoSecret(caught);
    }
  });

  it("the client and the resolved credentials print without secrets", () => {
    const client = getSharedOvhClient({ endpoint: "ovh-eu", env: {}, ...credentials });
    const resolved = resolveCredentials({ endpoint: "ovh-eu", ...credentials }, {});
    const texts = [inspect(client, { depth: 10, showHidden: true }), JSON.stringify(client), String(client), inspect(resolved, { depth: 10 }), JSON.stringify(resolved), JSON.stringify({ ...resolved.credentials })];
    for (const text of texts) for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
    expect(inspect(client)).toContain("https://eu.api.ovh.com/1.0");
  });
});
