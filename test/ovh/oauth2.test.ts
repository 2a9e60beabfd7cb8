import { createOvhClient, OvhApiError, OvhConfigError, type OvhClientOptions } from "../../provider/ovh";
import { sendJson, startTestServer, type SeenRequest, type TestServer } from "./test-server";

const CLIENT_ID = "sa-client-id";
const CLIENT_SECRET = "sa-client-secret:with/odd(chars)!";

interface TokenServer {
  server: TestServer;
  tokenRequests: () => SeenRequest[];
  apiRequests: () => SeenRequest[];
  /** Tokens the API accepts; the token endpoint mints token-1, token-2, … */
  accepted: Set<string>;
}

async function tokenServer(options: { expiresIn?: number; tokenDelayMs?: number } = {}): Promise<TokenServer> {
  let minted = 0;
  const accepted = new Set<string>();
  const server = await startTestServer(async (req, res) => {
    if (req.url === "/auth/oauth2/token") {
      if (options.tokenDelayMs) await new Promise((resolve) => setTimeout(resolve, options.tokenDelayMs));
      const expected = "Basic " + Buffer.from(`${encodeURIComponent(CLIENT_ID)}:${formEncoded(CLIENT_SECRET)}`).toString("base64");
      if (req.headers.authorization !== expected) {
        sendJson(res, 401, { error: "invalid_client", error_description: "Invalid client credentials" });
        return;
      }
      minted += 1;
      const token = `token-${minted}`;
      accepted.add(token);
      sendJson(res, 200, { access_token: token, token_type: "Bearer", expires_in: options.expiresIn ?? 3600, scope: "all" });
      return;
    }
    const token = String(req.headers.authorization ?? "").replace(/^Bearer /, "");
    if (!accepted.has(token)) {
      sendJson(res, 401, { class: "Client::Unauthorized", message: "This credential is not valid" });
      return;
    }
    sendJson(res, 200, { token });
  });
  return {
    server,
    accepted,
    tokenRequests: () => server.requests.filter((r) => r.url === "/auth/oauth2/token"),
    apiRequests: () => server.requests.filter((r) => r.url !== "/auth/oauth2/token"),
  };
}

/** RFC 6749 form encoding, written out independently of the client's. */
function formEncoded(value: string): string {
  return encodeURIComponent(value).replace(/!/g, "%21").replace(/\(/g, "%28").replace(/\)/g, "%29");
}

function oauthClient(server: TestServer, extra: Partial<OvhClientOptions> = {}) {
  return createOvhClient({ endpoint: server.baseUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, env: {}, ...extra });
}

describe("OAuth2 client credentials", () => {
  let ts: TokenServer;
  afterEach(() => ts.server.close());

  it("asks for a token as the official client does, then sends it as a Bearer token", async () => {
    ts = await tokenServer();
    await expect(oauthClient(ts.server).request({ method: "GET", path: "/me" })).resolves.toEqual({ token: "token-1" });
    const [tokenRequest] = ts.tokenRequests();
    expect(tokenRequest.method).toBe("POST");
    expect(tokenRequest.body).toBe("grant_type=client_credentials&scope=all");
    expect(tokenRequest.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(ts.apiRequests()[0].headers.authorization).toBe("Bearer token-1");
    expect(ts.apiRequests()[0].headers["x-ovh-signature"]).toBeUndefined();
  });

  it("sends the same token request as @ovhcloud/node-ovh", async () => {
    ts = await tokenServer();
    await oauthClient(ts.server).request({ method: "GET", path: "/me" });
    const ours = ts.tokenRequests()[0];
    // The official client, pointed at this server's token URL; its own API call afterwards is not needed.
    const ovh = require("@ovhcloud/node-ovh") as (params: Record<string, unknown>) => { requestPromised: (m: string, p: string) => Promise<unknown> };
    const official = ovh({ clientID: CLIENT_ID, clientSecret: CLIENT_SECRET, tokenURL: `${ts.server.origin}/auth/`, host: "127.0.0.1", port: ts.server.port });
    await official.requestPromised("GET", "/me").catch(() => undefined);
    const theirs = ts.tokenRequests()[1];
    expect(theirs).toBeDefined();
    expect(ours.method).toBe(theirs.method);
    expect(ours.body).toBe(theirs.body);
    expect(ours.headers.authorization).toBe(theirs.headers.authorization);
    expect(ours.headers["content-type"]).toBe(theirs.headers["content-type"]);
  });

  it("reuses the token, and concurrent first requests share one token request", async () => {
    ts = await tokenServer({ tokenDelayMs: 50 });
    const client = oauthClient(ts.server);
    await Promise.all(Array.from({ length: 8 }, () => client.request({ method: "GET", path: "/me" })));
    await client.request({ method: "GET", path: "/me" });
    expect(ts.tokenRequests()).toHaveLength(1);
    expect(ts.apiRequests()).toHaveLength(9);
  });

  it("renews the token shortly before it expires, not earlier", async () => {
    ts = await tokenServer({ expiresIn: 3600 });
    let now = Date.parse("2025-01-01T00:00:00Z");
    const client = oauthClient(ts.server, { now: () => now });
    await client.request({ method: "GET", path: "/me" });
    now += 3000_000;
    await expect(client.request({ method: "GET", path: "/me" })).resolves.toEqual({ token: "token-1" });
    now += 560_000;
    await expect(client.request({ method: "GET", path: "/me" })).resolves.toEqual({ token: "token-2" });
    expect(ts.tokenRequests()).toHaveLength(2);
  });

  it("fetches a new token once when the API refuses the cached one", async () => {
    ts = await tokenServer();
    const client = oauthClient(ts.server);
    await client.request({ method: "GET", path: "/me" });
    ts.accepted.clear();
    await expect(client.request({ method: "POST", path: "/me/task", body: { a: 1 } })).resolves.toEqual({ token: "token-2" });
    expect(ts.tokenRequests()).toHaveLength(2);
  });

  it("explains a refused client secret without sending the API request", async () => {
    ts = await tokenServer();
    const error = await oauthClient(ts.server, { clientSecret: "wrong-secret-value" })
      .request({ method: "GET", path: "/me" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OvhApiError);
    const apiError = error as OvhApiError;
    expect(apiError.status).toBe(401);
    expect(apiError.errorCode).toBe("invalid_client");
    expect(apiError.message).toContain("Invalid client credentials");
    expect(apiError.message).toContain("OVH_CLIENT_ID and OVH_CLIENT_SECRET");
    expect(apiError.message).not.toContain("wrong-secret-value");
    expect(ts.apiRequests()).toHaveLength(0);
  });

  it("does not cache a failed token request", async () => {
    ts = await tokenServer();
    const client = oauthClient(ts.server, { clientSecret: "wrong" });
    await expect(client.request({ method: "GET", path: "/me" })).rejects.toBeInstanceOf(OvhApiError);
    await expect(client.request({ method: "GET", path: "/me" })).rejects.toBeInstanceOf(OvhApiError);
    expect(ts.tokenRequests()).toHaveLength(2);
  });

  it("refuses a token answer without access_token", async () => {
    const server = await startTestServer((_req, res) => sendJson(res, 200, { token_type: "Bearer" }));
    ts = { server, tokenRequests: () => [], apiRequests: () => [], accepted: new Set() };
    const error = await oauthClient(server).request({ method: "GET", path: "/me" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OvhApiError);
    expect((error as Error).message).toContain("no access_token");
  });
});

describe("access token", () => {
  it("sends OVH_ACCESS_TOKEN as a Bearer token without asking for another", async () => {
    const server = await startTestServer((req, res) => sendJson(res, 200, { auth: req.headers.authorization }));
    try {
      const client = createOvhClient({ env: { OVH_ENDPOINT: server.baseUrl, OVH_ACCESS_TOKEN: "eyJ.access.token" } });
      await expect(client.request({ method: "GET", path: "/me" })).resolves.toEqual({ auth: "Bearer eyJ.access.token" });
      expect(server.requests.map((r) => r.url)).toEqual(["/1.0/me"]);
    } finally {
      await server.close();
    }
  });

  it("is exclusive with other methods", () => {
    expect(() => createOvhClient({ env: { OVH_ACCESS_TOKEN: "t", OVH_CLIENT_ID: "c", OVH_CLIENT_SECRET: "s" } })).toThrow(OvhConfigError);
  });
});
