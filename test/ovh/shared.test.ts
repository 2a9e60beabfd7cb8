import { createOvhClient, getSharedOvhClient, type OvhRequestEvent } from "../../provider/ovh";
import { sendJson, startTestServer, withAuthTime, type TestServer } from "./test-server";

describe("shared clients", () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer(
      withAuthTime((req, res) => {
        if (req.url === "/auth/oauth2/token") {
          sendJson(res, 200, { access_token: `minted-${server.requests.length}`, expires_in: 3600 });
          return;
        }
        sendJson(res, 200, { ok: true });
      }),
    );
  });
  afterEach(() => server.close());

  const count = (url: string) => server.requests.filter((r) => r.url === url).length;

  it("share the time offset across calls with the same credentials, as the provider builds one per operation", async () => {
    const env = { OVH_ENDPOINT: server.baseUrl, OVH_APPLICATION_KEY: "ak-shared", OVH_APPLICATION_SECRET: "as-shared", OVH_CONSUMER_KEY: "ck-shared" };
    for (let i = 0; i < 4; i++) await getSharedOvhClient({ env }).request({ method: "GET", path: "/me" });
    expect(count("/1.0/auth/time")).toBe(1);
    expect(count("/1.0/me")).toBe(4);
  });

  it("share one OAuth2 token", async () => {
    const options = { endpoint: server.baseUrl, clientId: "shared-id", clientSecret: "shared-secret", env: {} };
    await Promise.all(Array.from({ length: 5 }, () => getSharedOvhClient(options).request({ method: "GET", path: "/me" })));
    expect(count("/auth/oauth2/token")).toBe(1);
  });

  it("keep their own request hooks", async () => {
    const options = { endpoint: server.baseUrl, accessToken: "shared-hooks", env: {} };
    const first: OvhRequestEvent[] = [];
    const second: OvhRequestEvent[] = [];
    await getSharedOvhClient({ ...options, onRequest: (e) => first.push(e) }).request({ method: "GET", path: "/first" });
    await getSharedOvhClient({ ...options, onRequest: (e) => second.push(e) }).request({ method: "GET", path: "/second" });
    expect(first.map((e) => e.path)).toEqual(["/first"]);
    expect(second.map((e) => e.path)).toEqual(["/second"]);
  });

  it("do not share with other credentials, nor with clients made by createOvhClient", async () => {
    const base = { endpoint: server.baseUrl, applicationKey: "ak", applicationSecret: "as", env: {} };
    await getSharedOvhClient({ ...base, consumerKey: "ck-one" }).request({ method: "GET", path: "/me" });
    await getSharedOvhClient({ ...base, consumerKey: "ck-two" }).request({ method: "GET", path: "/me" });
    await createOvhClient({ ...base, consumerKey: "ck-one" }).request({ method: "GET", path: "/me" });
    expect(count("/1.0/auth/time")).toBe(3);
  });
});
