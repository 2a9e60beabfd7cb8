import {
  encodeListFilters,
  listAll,
  listModeSupported,
  listObjects,
  matchesFilter,
  refineListed,
  type ListFilter,
} from "../../provider/ovh/list-mode";
import { OvhApiError } from "../../provider/ovh/errors";
import type { OvhRequest, OvhRequester, OvhResponse } from "../../provider/ovh/types";

type Item = { id: number; status: string; quantity: number };

/** How the scripted gateway treats list mode. */
interface GatewayBehaviour {
  mode: "honoured" | "ignored" | "noFilter" | "noPaging" | "refused";
  /** Its own page size when it ignores the asked one. */
  ownPageSize?: number;
  sendTotal?: boolean;
  sendSize?: boolean;
  /** Always answers page 1. */
  ignorePageNumber?: boolean;
  /** Called before answering page `number` of a listing, e.g. to add an object meanwhile. */
  beforePage?: (number: number) => void;
}

/**
 * A gateway scripted in a few lines: a list route answering the ids of `items`, and list mode as `behaviour` says.
 * Its filter reading covers `eq` and `in` only, written here on its own (not with the code under test).
 */
class ScriptedGateway implements OvhRequester {
  readonly calls: OvhRequest[] = [];
  readonly endpointKey?: string;

  constructor(
    public items: Item[],
    private readonly behaviour: GatewayBehaviour,
    endpointKey?: string,
  ) {
    this.endpointKey = endpointKey;
  }

  async request<T>(req: OvhRequest): Promise<T> {
    return (await this.requestWithResponse<T>(req)).body;
  }

  async requestWithResponse<T>(req: OvhRequest): Promise<OvhResponse<T>> {
    this.calls.push(structuredClone(req));
    const list = req.path.match(/^\/list$/);
    const one = req.path.match(/^\/list\/(\d+)$/);
    if (one) {
      const item = this.items.find((i) => i.id === Number(one[1]));
      if (!item) throw new OvhApiError({ status: 404, method: "GET", path: req.path, body: { class: "Client::NotFound", message: "not found" } });
      return { status: 200, headers: {}, body: structuredClone(item) as T };
    }
    if (!list) throw new OvhApiError({ status: 404, method: "GET", path: req.path, body: { class: "Client::NotFound", message: "Got an invalid (or empty) URL" } });
    const headers = req.headers ?? {};
    const ids = this.items.map((i) => i.id);
    if (headers["X-Pagination-Mode"] !== "CachedObjectList-Pages" || this.behaviour.mode === "ignored") return { status: 200, headers: {}, body: ids as T };
    if (this.behaviour.mode === "refused") throw new OvhApiError({ status: 400, method: "GET", path: req.path, body: { class: "Client::BadRequest", message: "Invalid pagination" } });
    const number = this.behaviour.ignorePageNumber ? 1 : Number(headers["X-Pagination-Number"]);
    this.behaviour.beforePage?.(number);
    let selected = this.items;
    if (this.behaviour.mode !== "noFilter" && headers["X-Pagination-Filter"]) {
      for (const part of headers["X-Pagination-Filter"].split("&")) {
        const [, field, op, raw] = /^([^:]+):(eq|in)=(.*)$/.exec(part) as RegExpExecArray;
        const wanted = raw.split(",").map(decodeURIComponent);
        selected = selected.filter((i) => wanted.includes(String(i[decodeURIComponent(field) as keyof Item])) && (op === "in" || wanted.length === 1));
      }
    }
    const size = this.behaviour.mode === "noPaging" ? (this.behaviour.ownPageSize ?? 10) : Number(headers["X-Pagination-Size"]);
    const page = selected.slice((number - 1) * size, number * size);
    const answerHeaders: Record<string, string> = { "x-pagination-number": String(number) };
    if (this.behaviour.sendTotal ?? true) answerHeaders["x-pagination-elements"] = String(selected.length);
    if (this.behaviour.sendSize ?? true) answerHeaders["x-pagination-size"] = String(size);
    return { status: 200, headers: answerHeaders, body: structuredClone(page) as T };
  }

  get listCalls(): OvhRequest[] {
    return this.calls.filter((c) => c.path === "/list");
  }
}

const items = (count: number, statusOf: (id: number) => string = (id) => (id % 3 === 0 ? "todo" : "done")): Item[] =>
  Array.from({ length: count }, (_, index) => ({ id: index + 1, status: statusOf(index + 1), quantity: (index + 1) * 2 }));
const pending: ListFilter = { field: "status", operator: "in", value: ["todo", "doing"] };
// What is learnt is kept per endpoint, or per requester without one: each test's fresh gateway starts knowing nothing.
const route = "/list";

describe("listObjects against a gateway that honours list mode", () => {
  it("gets every object in one call, with the mode, page, filter and no-cache headers", async () => {
    const gateway = new ScriptedGateway(items(30), { mode: "honoured" });
    const outcome = await listObjects<Item>(gateway, { path: "/list", route, filters: [pending] });
    expect(outcome).toEqual({ kind: "objects", items: items(30).filter((i) => i.status === "todo") });
    expect(gateway.calls).toHaveLength(1);
    expect(gateway.calls[0].headers).toEqual({
      "X-Pagination-Mode": "CachedObjectList-Pages",
      "X-Pagination-Size": "5000",
      "X-Pagination-Number": "1",
      "X-Pagination-Filter": "status:in=todo,doing",
      Pragma: "no-cache",
    });
    expect(listModeSupported(gateway, route)).toBe(true);
  });

  it("reads the pages the total announces when it pages by the size asked", async () => {
    const gateway = new ScriptedGateway(items(25), { mode: "honoured" });
    const outcome = await listObjects<Item>(gateway, { path: "/list", route, pageSize: 10 });
    expect(outcome.kind === "objects" && outcome.items.map((i) => i.id)).toEqual(items(25).map((i) => i.id));
    expect(gateway.calls.map((c) => c.headers?.["X-Pagination-Number"]).sort()).toEqual(["1", "2", "3"]);
  });

  it("sends sorting and leaves Pragma out when asked to use the gateway's cache", async () => {
    const gateway = new ScriptedGateway(items(3), { mode: "honoured" });
    await listObjects<Item>(gateway, { path: "/list", route, sort: { field: "quantity", order: "DESC" }, noCache: false });
    expect(gateway.calls[0].headers).toMatchObject({ "X-Pagination-Sort": "quantity", "X-Pagination-Sort-Order": "DESC" });
    expect(gateway.calls[0].headers).not.toHaveProperty("Pragma");
  });
});

describe("listObjects when the gateway honours list mode only in part", () => {
  it("filters on this side when the filter is ignored", async () => {
    const gateway = new ScriptedGateway(items(12), { mode: "noFilter" });
    const outcome = await listObjects<Item>(gateway, { path: "/list", route, filters: [pending] });
    expect(outcome).toEqual({ kind: "objects", items: [3, 6, 9, 12].map((id) => expect.objectContaining({ id, status: "todo" })) });
    expect(gateway.calls).toHaveLength(1);
    expect(listModeSupported(gateway, route)).toBe(true);
  });

  it("reads the gateway's own smaller pages when the page size is ignored", async () => {
    const gateway = new ScriptedGateway(items(27), { mode: "noPaging", ownPageSize: 10 });
    const outcome = await listObjects<Item>(gateway, { path: "/list", route });
    expect(outcome.kind === "objects" && outcome.items.map((i) => i.id)).toEqual(items(27).map((i) => i.id));
    expect(gateway.calls).toHaveLength(3);
    expect(listModeSupported(gateway, route)).toBe(true);
  });

  it("pages by the count of the first page when the gateway gives no page size, and filters its pages", async () => {
    const gateway = new ScriptedGateway(items(25), { mode: "noPaging", ownPageSize: 10, sendSize: false });
    const outcome = await listObjects<Item>(gateway, { path: "/list", route, filters: [{ field: "status", operator: "eq", value: "done" }] });
    expect(outcome.kind === "objects" && outcome.items.map((i) => i.id)).toEqual(items(25).filter((i) => i.status === "done").map((i) => i.id));
    expect(gateway.calls).toHaveLength(2);
  });

  it("reads on until a shorter page when the gateway gives no total", async () => {
    const gateway = new ScriptedGateway(items(20), { mode: "noPaging", ownPageSize: 10, sendTotal: false, sendSize: false });
    const outcome = await listObjects<Item>(gateway, { path: "/list", route });
    expect(outcome.kind === "objects" && outcome.items).toHaveLength(20);
    expect(gateway.calls.map((c) => c.headers?.["X-Pagination-Number"])).toEqual(["1", "2", "3"]);
  });

  it("reads the listing again when an object was added between its pages", async () => {
    const gateway = new ScriptedGateway(items(15), {
      mode: "noPaging",
      ownPageSize: 10,
      beforePage: (number) => {
        if (number === 2 && gateway.items.length === 15) gateway.items = [{ id: 0, status: "todo", quantity: 1 }, ...gateway.items];
      },
    });
    const outcome = await listObjects<Item>(gateway, { path: "/list", route });
    expect(outcome.kind === "objects" && outcome.items.map((i) => i.id).sort((a, b) => a - b)).toEqual([0, ...items(15).map((i) => i.id)]);
    expect(gateway.calls).toHaveLength(4);
  });

  it("falls back to the plain ids when the gateway repeats the first page whatever the page number", async () => {
    const gateway = new ScriptedGateway(items(25), { mode: "noPaging", ownPageSize: 10, ignorePageNumber: true });
    const outcome = await listObjects<Item>(gateway, { path: "/list", route });
    expect(outcome).toEqual({ kind: "ids", ids: items(25).map((i) => i.id) });
    const plain = gateway.calls.filter((c) => c.headers === undefined);
    expect(plain).toHaveLength(1);
    expect(listModeSupported(gateway, route)).toBe(true);
  });
});

describe("listObjects when list mode is not available", () => {
  it("keeps the ids a gateway answered instead of objects, remembers it, and then sends plain GETs", async () => {
    const gateway = new ScriptedGateway(items(5), { mode: "ignored" });
    expect(listModeSupported(gateway, route)).toBeUndefined();
    expect(await listObjects(gateway, { path: "/list", route })).toEqual({ kind: "ids", ids: [1, 2, 3, 4, 5] });
    expect(gateway.calls).toHaveLength(1);
    expect(listModeSupported(gateway, route)).toBe(false);
    expect(listModeSupported(gateway, "/another/list")).toBeUndefined();
    await listObjects(gateway, { path: "/list", route });
    expect(gateway.calls).toHaveLength(2);
    expect(gateway.calls[1].headers).toBeUndefined();
  });

  it("falls back to a plain GET when the gateway refuses the headers with 400, and remembers it", async () => {
    const gateway = new ScriptedGateway(items(4), { mode: "refused" });
    expect(await listObjects(gateway, { path: "/list", route })).toEqual({ kind: "ids", ids: [1, 2, 3, 4] });
    expect(gateway.calls.map((c) => c.headers === undefined)).toEqual([false, true]);
    expect(listModeSupported(gateway, route)).toBe(false);
  });

  it("lets a 400 from authentication through without learning anything from it", async () => {
    const gateway = new ScriptedGateway(items(4), { mode: "honoured" });
    const refusing: OvhRequester = {
      request: (req) => gateway.request(req),
      requestWithResponse: async () => {
        throw new OvhApiError({ status: 400, method: "GET", path: "/list", body: { errorCode: "QUERY_TIME_OUT", httpCode: "400 Bad Request", message: "Query out of time" } });
      },
    };
    await expect(listObjects(refusing, { path: "/list", route })).rejects.toMatchObject({ status: 400, errorCode: "QUERY_TIME_OUT" });
    expect(listModeSupported(refusing, route)).toBeUndefined();
    expect(gateway.calls).toHaveLength(0);
  });

  it("lets other errors through: a missing group is not a reason to fall back", async () => {
    const gateway = new ScriptedGateway(items(4), { mode: "honoured" });
    const error = await listObjects(gateway, { path: "/missing", route: "/missing" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OvhApiError);
    expect((error as OvhApiError).status).toBe(404);
    expect(gateway.calls).toHaveLength(1);
    expect(listModeSupported(gateway, "/missing")).toBeUndefined();
  });

  it("sends a plain GET for a requester that cannot send headers, and says list mode is not supported", async () => {
    const gateway = new ScriptedGateway(items(3), { mode: "honoured" });
    const plain: OvhRequester = { request: (req) => gateway.request(req) };
    expect(listModeSupported(plain, route)).toBe(false);
    expect(await listObjects(plain, { path: "/list", route })).toEqual({ kind: "ids", ids: [1, 2, 3] });
    expect(gateway.calls[0].headers).toBeUndefined();
  });

  it("shares what it learnt between requesters of the same endpoint, and only them", async () => {
    const first = new ScriptedGateway(items(3), { mode: "ignored" }, "https://eu.api.ovh.com/1.0");
    const same = new ScriptedGateway(items(3), { mode: "ignored" }, "https://eu.api.ovh.com/1.0");
    const other = new ScriptedGateway(items(3), { mode: "ignored" }, "https://ca.api.ovh.com/1.0");
    await listObjects(first, { path: "/list", route });
    expect(listModeSupported(same, route)).toBe(false);
    expect(listModeSupported(other, route)).toBeUndefined();
  });
});

describe("listAll", () => {
  it("answers the objects of one list-mode call, restricted to the ids selected", async () => {
    const gateway = new ScriptedGateway(items(8), { mode: "honoured" });
    const got = await listAll<Item>(gateway, { path: "/list", route }, (id) => gateway.request({ method: "GET", path: `/list/${id}` }), { select: (id) => Number(id) > 6 });
    expect(got.map((i) => i.id)).toEqual([7, 8]);
    expect(gateway.calls).toHaveLength(1);
  });

  it("falls back to one GET per selected id, filtered and sorted here, leaving out objects deleted meanwhile", async () => {
    const gateway = new ScriptedGateway(items(9), { mode: "ignored" });
    const getOne = async (id: string | number): Promise<Item> => {
      if (id === 6) gateway.items = gateway.items.filter((i) => i.id !== 6);
      return gateway.request<Item>({ method: "GET", path: `/list/${id}` });
    };
    const got = await listAll<Item>(gateway, { path: "/list", route, filters: [pending], sort: { field: "id", order: "DESC" } }, getOne, { select: (id) => Number(id) >= 3 });
    expect(got.map((i) => i.id)).toEqual([9, 3]);
    expect(gateway.calls.map((c) => c.path)).toEqual(["/list", ...[3, 4, 5, 6, 7, 8, 9].map((id) => `/list/${id}`)]);
  });

  it("lets a failing GET other than 404 fail the listing", async () => {
    const gateway = new ScriptedGateway(items(2), { mode: "ignored" });
    const failing = async (): Promise<Item> => {
      throw new OvhApiError({ status: 403, method: "GET", path: "/list/1", body: { errorCode: "NOT_GRANTED_CALL", message: "no" } });
    };
    await expect(listAll<Item>(gateway, { path: "/list", route }, failing)).rejects.toMatchObject({ status: 403 });
  });
});

describe("filters as the gateway reads them", () => {
  it("encodes fields and values, joins `in` values with commas and filters with &", () => {
    expect(
      encodeListFilters([
        { field: "status", operator: "in", value: ["todo", "doing"] },
        { field: "name", operator: "like", value: "%Office 365 & co,%" },
        { field: "quantity", operator: "gt", value: 10 },
      ]),
    ).toBe("status:in=todo,doing&name:like=%25Office%20365%20%26%20co%2C%25&quantity:gt=10");
  });

  it("refuses several values for an operator other than in, and an empty in", () => {
    expect(() => encodeListFilters([{ field: "status", operator: "eq", value: ["a", "b"] }])).toThrow("takes one value");
    expect(() => encodeListFilters([{ field: "status", operator: "in", value: [] }])).toThrow("at least one value");
  });

  const subscription = { id: 12, quantity: 25, status: "ok", name: "Microsoft 365 Business Basic", creationDate: "2024-05-01T10:00:00+02:00", lastUpdate: null };

  it.each<[ListFilter, boolean]>([
    [{ field: "quantity", operator: "eq", value: "25" }, true],
    [{ field: "quantity", operator: "gt", value: 9 }, true],
    [{ field: "quantity", operator: "lt", value: 9 }, false],
    [{ field: "quantity", operator: "ne", value: 25 }, false],
    [{ field: "status", operator: "in", value: ["todo", "ok"] }, true],
    [{ field: "status", operator: "in", value: ["todo", "doing"] }, false],
    [{ field: "name", operator: "like", value: "Microsoft 365%" }, true],
    [{ field: "name", operator: "like", value: "%Basi_" }, true],
    [{ field: "name", operator: "like", value: "%basic" }, false],
    [{ field: "creationDate", operator: "gt", value: "2024-05-01T07:59:00Z" }, true],
    [{ field: "creationDate", operator: "lt", value: "2024-05-01T07:59:00Z" }, false],
    [{ field: "lastUpdate", operator: "eq", value: "x" }, false],
    [{ field: "lastUpdate", operator: "ne", value: "x" }, true],
    [{ field: "missing", operator: "like", value: "%" }, false],
  ])("%j holds: %s", (filter, expected) => {
    expect(matchesFilter(subscription, filter)).toBe(expected);
  });

  it("sorts numbers as numbers and puts missing values last", () => {
    const sorted = refineListed([{ n: 10 }, { n: 9 }, {}, { n: 100 }], { sort: { field: "n" } });
    expect(sorted).toEqual([{ n: 9 }, { n: 10 }, { n: 100 }, {}]);
    expect(refineListed([{ n: 10 }, { n: 9 }, { n: 100 }], { sort: { field: "n", order: "DESC" } })).toEqual([{ n: 100 }, { n: 10 }, { n: 9 }]);
  });
});
