import { startSimulator, type RunningSimulator } from "../../simulator";
import { ovhCall, ovhOk, QUERY_ID_FORMAT, rawRequest } from "./support/ovh-http";

let sim: RunningSimulator;
let serviceName: string;
let subscriptionId: number;

beforeAll(async () => {
  sim = await startSimulator({ taskDurationMs: 100 });
  serviceName = sim.admin.licenceGroups()[0];
  subscriptionId = sim.admin.subscriptions(serviceName)[0].id;
});
afterAll(() => sim.close());

describe("errors in OVH's shapes", () => {
  it("answers an unknown path with 404 Client::NotFound and a query id", async () => {
    const answer = await ovhCall(sim, { path: "/saas/csp3" });
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ class: "Client::NotFound", message: "Got an invalid (or empty) URL" });
    expect(answer.headers["x-ovh-queryid"]).toMatch(QUERY_ID_FORMAT);
  });

  it("answers paths outside /1.0 and with empty segments as invalid URLs", async () => {
    expect((await rawRequest(`${sim.origin}/2.0/saas/csp2`)).status).toBe(404);
    expect((await ovhCall(sim, { path: `/saas/csp2//subscription` })).status).toBe(404);
    expect((await ovhCall(sim, { path: `/saas/csp2/${serviceName}/subscription/` })).status).toBe(404);
  });

  it("answers a wrong method with 405 naming the allowed ones", async () => {
    const answer = await ovhCall(sim, { method: "DELETE", path: `/saas/csp2/${serviceName}` });
    expect(answer.status).toBe(405);
    expect(answer.body).toMatchObject({ class: "Client::MethodNotAllowed" });
    expect((answer.body as { message: string }).message).toContain("GET or PUT");
    expect(answer.headers.allow).toBe("GET, PUT");
    expect(answer.headers["x-ovh-queryid"]).toMatch(QUERY_ID_FORMAT);
  });

  it("refuses a path id that is not a long, naming the parameter", async () => {
    const answer = await ovhCall(sim, { path: `/saas/csp2/${serviceName}/subscription/12abc` });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ class: "Client::BadRequest", message: "[id] Given data (12abc) is not valid for type long" });
  });

  it("refuses a quantity that is not an integer", async () => {
    for (const quantity of [1.5, "3", true]) {
      const answer = await ovhCall(sim, { method: "POST", path: `/saas/csp2/${serviceName}/subscription/${subscriptionId}/changeQuantity`, body: { quantity } });
      expect(answer.status).toBe(400);
      expect((answer.body as { message: string }).message).toBe(`[quantity] Given data (${String(quantity)}) is not valid for type long`);
    }
  });

  it("refuses a missing body field and a missing required query parameter", async () => {
    const missing = await ovhCall(sim, { method: "POST", path: `/saas/csp2/${serviceName}/subscription`, body: { quantity: 2 } });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ class: "Client::BadRequest", message: "[licenseId] Property is mandatory (type long)" });
    const noPeriod = await ovhCall(sim, { path: `/saas/csp2/${serviceName}/usageStatistics` });
    expect(noPeriod.status).toBe(400);
    expect((noPeriod.body as { message: string }).message).toContain("[timePeriod]");
  });

  it("refuses an unknown enumeration value, listing the allowed ones", async () => {
    const answer = await ovhCall(sim, { path: `/saas/csp2/${serviceName}/usageStatistics?timePeriod=lastDecade` });
    expect(answer.status).toBe(400);
    expect((answer.body as { message: string }).message).toBe(
      "[timePeriod] Given data (lastDecade) does not belong to the msServices.LicensePeriodEnum enumeration (allowed: lastMonth, lastQuarter, lastWeek, lastYear)",
    );
  });

  it("refuses parameters the schema does not describe, in the body and in the query", async () => {
    const body = await ovhCall(sim, { method: "POST", path: `/saas/csp2/${serviceName}/subscription`, body: { licenseId: 10470, quantity: 2, seats: 2 } });
    expect(body.status).toBe(400);
    expect((body.body as { message: string }).message).toContain("Received not described parameters: (seats)");
    const query = await ovhCall(sim, { path: `/saas/csp2/${serviceName}/subscription?page=2` });
    expect(query.status).toBe(400);
    expect((query.body as { message: string }).message).toContain("(page)");
  });

  it("refuses a body that is not JSON", async () => {
    const answer = await rawRequest(`${sim.endpoint}/order/cart`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{ovhSubsidiary:" });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ class: "Client::BadRequest", message: "The input that you provided isn't valid JSON or not well formatted" });
  });

  it("checks types of writable fields, ignores read-only ones, refuses null where the schema forbids it", async () => {
    const tenant = await ovhOk<Record<string, unknown>>(sim, { path: `/saas/csp2/${serviceName}` });
    const { iam: _iam, ...writableAndReadOnly } = tenant;
    const roundTrip = await ovhCall(sim, { method: "PUT", path: `/saas/csp2/${serviceName}`, body: { ...writableAndReadOnly, status: "suspended", displayName: "Renamed" } });
    expect(roundTrip.status).toBe(200);
    expect(roundTrip.body).toBeNull();
    const after = await ovhOk<Record<string, unknown>>(sim, { path: `/saas/csp2/${serviceName}` });
    expect(after).toMatchObject({ displayName: "Renamed", status: tenant.status });

    const badPhone = await ovhCall(sim, { method: "PUT", path: `/saas/csp2/${serviceName}`, body: { phone: "01 23 45 67 89" } });
    expect(badPhone.status).toBe(400);
    expect((badPhone.body as { message: string }).message).toContain("[phone]");
    const nullName = await ovhCall(sim, { method: "PUT", path: `/saas/csp2/${serviceName}`, body: { displayName: null } });
    expect(nullName.status).toBe(400);
    expect((nullName.body as { message: string }).message).toContain("[displayName] Null value not allowed");
  });

  it("answers an unknown object with OVH's not-found message", async () => {
    const group = await ovhCall(sim, { path: "/saas/csp2/csp2-00000000" });
    expect(group.status).toBe(404);
    expect(group.body).toEqual({ class: "Client::NotFound", message: "The requested object (serviceName = csp2-00000000) does not exist" });
    const subscription = await ovhCall(sim, { path: `/saas/csp2/${serviceName}/subscription/1` });
    expect(subscription.body).toEqual({ class: "Client::NotFound", message: "The requested object (id = 1) does not exist" });
  });

  it("decodes percent-encoded path parameters before looking them up", async () => {
    const answer = await ovhCall(sim, { path: `/saas/csp2/${encodeURIComponent("a/../b")}` });
    expect(answer.status).toBe(404);
    expect((answer.body as { message: string }).message).toContain("(serviceName = a/../b)");
  });

  it("puts a query id on successful answers too, different for each request", async () => {
    const first = await ovhCall(sim, { path: "/auth/time", anonymous: true });
    const second = await ovhCall(sim, { path: "/auth/time", anonymous: true });
    expect(first.status).toBe(200);
    expect(first.headers["x-ovh-queryid"]).toMatch(QUERY_ID_FORMAT);
    expect(second.headers["x-ovh-queryid"]).not.toBe(first.headers["x-ovh-queryid"]);
  });
});
