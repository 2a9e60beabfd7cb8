import { createOvhClient, OvhNetworkError, OvhTlsError } from "../../provider/ovh";
import { expectedSignature, selfSignedCertificate, sendJson, startTestServer, withAuthTime, type TestServer } from "./test-server";

describe("TLS", () => {
  let pems: { key: string; cert: string };
  let server: TestServer;
  beforeAll(async () => {
    pems = await selfSignedCertificate();
  });
  beforeEach(async () => {
    server = await startTestServer(withAuthTime((_req, res) => sendJson(res, 200, { secure: true })), pems);
  });
  afterEach(() => server.close());

  it("talks HTTPS to a server whose CA is given with the ca option, signing the https URL", async () => {
    const client = createOvhClient({ endpoint: server.baseUrl, applicationKey: "ak", applicationSecret: "as", consumerKey: "ck", env: {}, ca: pems.cert });
    await expect(client.get("/me")).resolves.toEqual({ secure: true });
    expect(server.requests.map((r) => r.url)).toEqual(["/1.0/auth/time", "/1.0/me"]);
    expect(server.origin).toMatch(/^https:/);
    expect(server.requests[1].headers["x-ovh-signature"]).toBe(expectedSignature("as", "ck", server.requests[1], server.origin));
  });

  it("refuses a certificate it does not trust, without retrying, and says how to trust a private CA", async () => {
    const client = createOvhClient({ endpoint: server.baseUrl, accessToken: "token", env: {}, sleep: async () => undefined });
    const error = await client.get("/me").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OvhTlsError);
    expect(error).toBeInstanceOf(OvhNetworkError);
    expect((error as OvhTlsError).code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
    expect((error as Error).message).toContain("NODE_EXTRA_CA_CERTS");
    expect((error as Error).message).toContain(`127.0.0.1:${server.port}`);
    expect(server.requests).toHaveLength(0);
  });

  it("refuses a certificate signed by another CA than the one given", async () => {
    const client = createOvhClient({ endpoint: server.baseUrl, accessToken: "token", env: {}, ca: (await selfSignedCertificate()).cert });
    await expect(client.get("/me")).rejects.toBeInstanceOf(OvhTlsError);
  });

  it("refuses a trusted certificate issued for another host name", async () => {
    const otherName = await selfSignedCertificate([{ type: 2, value: "api.example.test" }]);
    const other = await startTestServer((_req, res) => sendJson(res, 200, {}), otherName);
    try {
      const client = createOvhClient({ endpoint: other.baseUrl, accessToken: "token", env: {}, ca: otherName.cert });
      const error = await client.get("/me").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OvhTlsError);
      expect((error as OvhTlsError).code).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
    } finally {
      await other.close();
    }
  });
});
