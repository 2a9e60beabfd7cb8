import { startSimulator, type RunningSimulator } from "../../simulator";
import { ovhCall, rawRequest, sign } from "./support/ovh-http";

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ timestampWindowSeconds: 60 });
});
afterAll(() => sim.close());
afterEach(() => sim.admin.setClockSkew(0));

function tokenRequest(body: string, headers: Record<string, string> = {}) {
  return rawRequest(sim.tokenUrl, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers }, body });
}

describe("application key signatures", () => {
  it("accepts a request signed over the URL as sent, and over the URL without the port", async () => {
    expect((await ovhCall(sim, { path: "/saas/csp2" })).status).toBe(200);
    const withoutPort = `${sim.endpoint.replace(`:${sim.port}`, "")}/saas/csp2`;
    const answer = await ovhCall(sim, { path: "/saas/csp2", signedUrl: withoutPort });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(sim.admin.licenceGroups());
  });

  it("signs the body and the query string too", async () => {
    const serviceName = sim.admin.licenceGroups()[0];
    expect((await ovhCall(sim, { path: `/saas/csp2/${serviceName}/usageStatistics?timePeriod=lastWeek` })).status).toBe(200);
    const signedWithoutQuery = `${sim.endpoint}/saas/csp2/${serviceName}/usageStatistics`;
    const answer = await ovhCall(sim, { path: `/saas/csp2/${serviceName}/usageStatistics?timePeriod=lastWeek`, signedUrl: signedWithoutQuery });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ errorCode: "INVALID_SIGNATURE", httpCode: "400 Bad Request", message: "Invalid signature" });
  });

  it("refuses a signature made with another secret, and one signed for another scheme", async () => {
    const wrongSecret = await ovhCall(sim, { path: "/saas/csp2", credentials: { applicationSecret: "not-the-secret" } });
    expect(wrongSecret.status).toBe(400);
    expect(wrongSecret.body).toEqual({ errorCode: "INVALID_SIGNATURE", httpCode: "400 Bad Request", message: "Invalid signature" });
    const otherScheme = await ovhCall(sim, { path: "/saas/csp2", signedUrl: `${sim.endpoint.replace("http:", "https:")}/saas/csp2` });
    expect(otherScheme.status).toBe(400);
  });

  it("refuses a timestamp outside the window with QUERY_TIME_OUT", async () => {
    const answer = await ovhCall(sim, { path: "/saas/csp2", timestamp: Math.round(Date.now() / 1000) - 600 });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ errorCode: "QUERY_TIME_OUT", httpCode: "400 Bad Request", message: "Query out of time" });
  });

  it("follows its own clock: with a skew, /auth/time moves and the window follows it", async () => {
    sim.admin.setClockSkew(-600);
    const time = await ovhCall(sim, { path: "/auth/time", anonymous: true });
    const serverTime = time.body as number;
    expect(Math.abs(serverTime - (Math.round(Date.now() / 1000) - 600))).toBeLessThanOrEqual(5);
    expect((await ovhCall(sim, { path: "/saas/csp2" })).status).toBe(400);
    expect((await ovhCall(sim, { path: "/saas/csp2", timestamp: serverTime })).status).toBe(200);
  });

  it("refuses an unknown application key and an unknown consumer key", async () => {
    const key = await ovhCall(sim, { path: "/saas/csp2", credentials: { applicationKey: "unknownAppKey000" } });
    expect(key.status).toBe(403);
    expect(key.body).toEqual({ errorCode: "INVALID_KEY", httpCode: "403 Forbidden", message: "This application key is invalid" });
    const consumer = await ovhCall(sim, { path: "/saas/csp2", credentials: { consumerKey: "unknownConsumerKey0000000000000" } });
    expect(consumer.status).toBe(403);
    expect(consumer.body).toEqual({ errorCode: "INVALID_CREDENTIAL", httpCode: "403 Forbidden", message: "This credential does not exist" });
  });

  it("refuses a consumer key that was never validated, and calls outside a key's access rules", async () => {
    const pending = sim.admin.addConsumerKey({ status: "pendingValidation" });
    const notValidated = await ovhCall(sim, { path: "/saas/csp2", credentials: { consumerKey: pending.consumerKey } });
    expect(notValidated.status).toBe(403);
    expect((notValidated.body as { errorCode: string }).errorCode).toBe("INVALID_CREDENTIAL");

    const readOnly = sim.admin.addConsumerKey({ rules: [{ method: "GET", path: "/saas/csp2*" }] });
    const serviceName = sim.admin.licenceGroups()[0];
    expect((await ovhCall(sim, { path: `/saas/csp2/${serviceName}`, credentials: { consumerKey: readOnly.consumerKey } })).status).toBe(200);
    const put = await ovhCall(sim, { method: "PUT", path: `/saas/csp2/${serviceName}`, body: { city: "Lille" }, credentials: { consumerKey: readOnly.consumerKey } });
    expect(put.status).toBe(403);
    expect(put.body).toEqual({ errorCode: "NOT_GRANTED_CALL", httpCode: "403 Forbidden", message: "This call has not been granted" });
  });

  it("asks for authentication on protected routes and serves noAuthentication routes anonymously", async () => {
    const anonymous = await ovhCall(sim, { path: "/saas/csp2", anonymous: true });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({ errorCode: "NOT_AUTHENTICATED", httpCode: "401 Unauthorized", message: "You must login first" });
    expect((await ovhCall(sim, { path: "/auth/time", anonymous: true })).status).toBe(200);
    const cart = await ovhCall(sim, { method: "POST", path: "/order/cart", body: { ovhSubsidiary: "FR" }, anonymous: true });
    expect(cart.status).toBe(200);
    const assign = await ovhCall(sim, { method: "POST", path: `/order/cart/${(cart.body as { cartId: string }).cartId}/assign`, anonymous: true });
    expect(assign.status).toBe(401);
  });

  it("identifies the caller in the request log by ids, never by key", async () => {
    sim.requestLog.clear();
    await ovhCall(sim, { path: "/auth/currentCredential" });
    const [entry] = sim.requestLog.entries({ apiPath: "/auth/currentCredential" });
    expect(entry.identity).toEqual({ method: "signature", applicationId: expect.any(Number), credentialId: expect.any(Number) });
    const serialized = JSON.stringify(sim.requestLog.entries());
    const { applicationKey, applicationSecret, consumerKey, clientSecret, accessToken } = sim.credentials;
    for (const secret of [applicationKey, applicationSecret, consumerKey, clientSecret, accessToken]) expect(serialized).not.toContain(secret);
  });
});

describe("OAuth2 client credentials and bearer tokens", () => {
  it("issues a token for client id and secret in the form body, usable as a bearer token", async () => {
    const c = sim.credentials;
    const answer = await tokenRequest(`grant_type=client_credentials&client_id=${c.clientId}&client_secret=${c.clientSecret}&scope=all`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ access_token: expect.any(String), token_type: "Bearer", expires_in: 3600, scope: "all" });
    const token = (answer.body as { access_token: string }).access_token;
    const call = await rawRequest(`${sim.endpoint}/saas/csp2`, { headers: { Authorization: `Bearer ${token}` } });
    expect(call.status).toBe(200);
    expect(sim.requestLog.entries({ apiPath: "/saas/csp2" }).at(-1)?.identity).toEqual({ method: "oauth2", clientId: c.clientId });
  });

  it("accepts client credentials in HTTP Basic authentication", async () => {
    const c = sim.credentials;
    const basic = Buffer.from(`${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.clientSecret)}`).toString("base64");
    const answer = await tokenRequest("grant_type=client_credentials&scope=all", { Authorization: `Basic ${basic}` });
    expect(answer.status).toBe(200);
    expect((answer.body as { token_type: string }).token_type).toBe("Bearer");
  });

  it("refuses a wrong secret with a standard OAuth2 error, and other grant types", async () => {
    const c = sim.credentials;
    const wrong = await tokenRequest(`grant_type=client_credentials&client_id=${c.clientId}&client_secret=wrong`);
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: "invalid_client", error_description: expect.any(String) });
    const basic = Buffer.from(`${c.clientId}:wrong`).toString("base64");
    const wrongBasic = await tokenRequest("grant_type=client_credentials", { Authorization: `Basic ${basic}` });
    expect(wrongBasic.status).toBe(401);
    expect(wrongBasic.headers["www-authenticate"]).toContain("Basic");
    const password = await tokenRequest(`grant_type=password&client_id=${c.clientId}&client_secret=${c.clientSecret}`);
    expect(password.status).toBe(400);
    expect((password.body as { error: string }).error).toBe("unsupported_grant_type");
  });

  it("refuses forged and expired tokens", async () => {
    const c = sim.credentials;
    const issued = await tokenRequest(`grant_type=client_credentials&client_id=${c.clientId}&client_secret=${c.clientSecret}`);
    const token = (issued.body as { access_token: string }).access_token;
    const forged = `${token.slice(0, -4)}AAAA`;
    const forgedCall = await rawRequest(`${sim.endpoint}/saas/csp2`, { headers: { Authorization: `Bearer ${forged}` } });
    expect(forgedCall.status).toBe(401);
    expect((forgedCall.body as { errorCode: string }).errorCode).toBe("INVALID_CREDENTIAL");

    sim.admin.expireAccessTokens();
    expect((await rawRequest(`${sim.endpoint}/saas/csp2`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(401);
    const renewed = await tokenRequest(`grant_type=client_credentials&client_id=${c.clientId}&client_secret=${c.clientSecret}`);
    const renewedToken = (renewed.body as { access_token: string }).access_token;
    expect((await rawRequest(`${sim.endpoint}/saas/csp2`, { headers: { Authorization: `Bearer ${renewedToken}` } })).status).toBe(200);
  });

  it("accepts the static access token", async () => {
    const answer = await rawRequest(`${sim.endpoint}/saas/csp2`, { headers: { Authorization: `Bearer ${sim.credentials.accessToken}` } });
    expect(answer.status).toBe(200);
    expect(sim.requestLog.entries({ apiPath: "/saas/csp2" }).at(-1)?.identity?.method).toBe("accessToken");
  });
});

describe("custom credentials", () => {
  it("accepts the credentials it was given, and not the defaults", async () => {
    const custom = await startSimulator({ credentials: { applicationKey: "myAppKey12345678", applicationSecret: "mySecret", consumerKey: "myConsumer" } });
    try {
      expect((await ovhCall(custom, { path: "/saas/csp2" })).status).toBe(200);
      const url = `${custom.endpoint}/saas/csp2`;
      const timestamp = Math.round(Date.now() / 1000);
      const withDefaults = await rawRequest(url, {
        headers: {
          "X-Ovh-Application": sim.credentials.applicationKey,
          "X-Ovh-Consumer": sim.credentials.consumerKey,
          "X-Ovh-Timestamp": String(timestamp),
          "X-Ovh-Signature": sign(sim.credentials.applicationSecret, sim.credentials.consumerKey, "GET", url, "", timestamp),
        },
      });
      expect(withDefaults.status).toBe(403);
    } finally {
      await custom.close();
    }
  });
});
