import { computeSignature, createOvhClient } from "../../provider/ovh";
import { expectedSignature, sendJson, startTestServer, withAuthTime, type TestServer } from "./test-server";

const AS = "EgWIz07P0HYwtQDs";
const CK = "MtSwSrPpNjqfVSmJhLbPyr2i45lSwPU1";

describe("computeSignature known answers", () => {
  // Expected values computed outside this code base, with:
  // python3 -c 'import hashlib; print("$1$"+hashlib.sha1("+".join([AS, CK, METHOD, URL, BODY, "1457018875"]).encode()).hexdigest())'
  it("signs a GET with a query string and no body", () => {
    expect(
      computeSignature({
        applicationSecret: AS,
        consumerKey: CK,
        method: "GET",
        url: "https://eu.api.ovh.com/1.0/saas/csp2?licenseId=1234",
        body: "",
        timestamp: 1457018875,
      }),
    ).toBe("$1$26bc930d490ebca0a5113a2f81b04e21d91978cf");
  });

  it("signs a POST with its JSON body", () => {
    expect(
      computeSignature({
        applicationSecret: AS,
        consumerKey: CK,
        method: "POST",
        url: "https://eu.api.ovh.com/1.0/saas/csp2/office-tenant-1/subscription/42/changeQuantity",
        body: '{"quantity":12}',
        timestamp: 1457018875,
      }),
    ).toBe("$1$82d38615ec8e185e131bc8b95d661c1f5340389e");
  });

  it("signs a PUT whose body has escaped non-ASCII characters", () => {
    expect(
      computeSignature({
        applicationSecret: AS,
        consumerKey: CK,
        method: "PUT",
        url: "https://eu.api.ovh.com/1.0/saas/csp2/office-tenant-1",
        body: '{"displayName":"Soci\\u00e9t\\u00e9"}',
        timestamp: 1457018875,
      }),
    ).toBe("$1$44bbb322c0aecac203abda2f82c6f8e5f1587c8e");
  });
});

describe("signed requests on the wire", () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer(withAuthTime((_req, res) => sendJson(res, 200, { ok: true })));
  });
  afterEach(() => server.close());

  function client() {
    return createOvhClient({ endpoint: server.baseUrl, applicationKey: "app-key-1", applicationSecret: AS, consumerKey: CK, env: {} });
  }

  it("sends the OVH headers, signing the full URL with its query string", async () => {
    await client().request({ method: "GET", path: "/saas/csp2/office-tenant-1/subscription", query: { licenseId: 1234, status: "ok and done" } });
    const request = server.requests.find((r) => r.url.startsWith("/1.0/saas"));
    expect(request?.url).toBe("/1.0/saas/csp2/office-tenant-1/subscription?licenseId=1234&status=ok%20and%20done");
    expect(request?.headers["x-ovh-application"]).toBe("app-key-1");
    expect(request?.headers["x-ovh-consumer"]).toBe(CK);
    expect(request?.headers["x-ovh-signature"]).toBe(expectedSignature(AS, CK, request!, server.origin));
  });

  it("signs the exact body sent, non-ASCII escaped as the official client does", async () => {
    await client().request({ method: "PUT", path: "/saas/csp2/office-tenant-1", body: { displayName: "Société" } });
    const request = server.requests.find((r) => r.method === "PUT");
    expect(request?.body).toBe('{"displayName":"Soci\\u00e9t\\u00e9"}');
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(request?.headers["x-ovh-signature"]).toBe(expectedSignature(AS, CK, request!, server.origin));
  });

  it('signs a request without body with "" as the body', async () => {
    await client().request({ method: "POST", path: "/order/cart/abc/checkout" });
    const request = server.requests.find((r) => r.method === "POST");
    expect(request?.body).toBe("");
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(request?.headers["x-ovh-signature"]).toBe(expectedSignature(AS, CK, request!, server.origin));
  });

  it("does not authenticate noAuth requests", async () => {
    await client().request({ method: "GET", path: "/order/catalog/public/csp2", noAuth: true });
    const request = server.requests.find((r) => r.url.startsWith("/1.0/order"));
    expect(request?.headers["x-ovh-signature"]).toBeUndefined();
    expect(request?.headers["x-ovh-consumer"]).toBeUndefined();
    expect(request?.headers["authorization"]).toBeUndefined();
  });
});
