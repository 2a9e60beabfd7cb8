import * as fs from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { OVH_SCHEMA_FILE } from "../support/ovh-schema";

interface Source {
  label: string;
  description: Record<string, unknown>;
}
type Excerpt = Record<string, unknown> & { note: string };
interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  today: () => string;
}

const refresher = require("../../scripts/refresh-schema.js") as {
  refreshExcerpt(current: Excerpt, sources: Source[], options: { date: string; endpoint?: string }): { excerpt: Excerpt; summary: string[] };
  referencedModelNames(type: string): string[];
  formatExcerpt(excerpt: Excerpt): string;
  main(argv: string[], io: Io): Promise<number>;
  USAGE: string;
};

const prop = (type: string) => ({ canBeNull: false, fullType: type, readOnly: false, required: false, type });
const operation = (httpMethod: string, responseType: string, parameters: Record<string, unknown>[] = []) => ({
  apiStatus: { description: "Stable production version", value: "PRODUCTION" },
  description: `${httpMethod} it`,
  httpMethod,
  noAuthentication: false,
  parameters,
  responseType,
});
const pathParam = (name: string, dataType: string) => ({ dataType, fullType: dataType, name, paramType: "path", required: true });

/** The excerpt as the repository keeps it: two sections, the first with its published header fields. */
function currentExcerpt(): Excerpt {
  return {
    note: "Excerpts of the public OVHcloud API v1 schema (2024).",
    saasCsp2: {
      apiVersion: "1.0",
      apis: [{ description: "Operations about the CSP2 service", operations: [operation("GET", "saas.csp2.OfficeTenant", [pathParam("serviceName", "string")])], path: "/saas/csp2/{serviceName}" }],
      basePath: "https://eu.api.ovh.com/1.0",
      models: { "saas.csp2.OfficeTenant": { id: "OfficeTenant", namespace: "saas.csp2", properties: { displayName: prop("string") } } },
      resourcePath: "/saas/csp2",
    },
    orderCart: {
      apis: [
        {
          description: "Missing description",
          operations: [operation("GET", "order.cart.ConfigurationRequirements[]", [pathParam("cartId", "string"), pathParam("itemId", "long")])],
          path: "/order/cart/{cartId}/item/{itemId}/requiredConfiguration",
        },
      ],
      models: {},
    },
  };
}

/** saas/csp2.json as OVH publishes it: a new method on a kept path, a path the excerpt does not use, unused models. */
function publishedCsp2(): Record<string, unknown> {
  return {
    apiVersion: "1.0",
    apis: [
      {
        description: "Operations about the CSP2 service",
        operations: [
          operation("GET", "saas.csp2.OfficeTenant", [pathParam("serviceName", "string")]),
          operation("PUT", "void", [pathParam("serviceName", "string"), { dataType: "saas.csp2.OfficeTenant", fullType: "saas.csp2.OfficeTenant", paramType: "body", required: true }]),
        ],
        path: "/saas/csp2/{serviceName}",
      },
      { description: "Not used", operations: [operation("GET", "saas.csp2.Unused")], path: "/saas/csp2/{serviceName}/newThing" },
    ],
    basePath: "https://eu.api.ovh.com/1.0",
    models: {
      "complexType.SafeKeyValue<T>": { generics: ["T"], id: "SafeKeyValue", namespace: "complexType", properties: { key: prop("string"), value: prop("T") } },
      "saas.csp2.OfficeTenant": {
        id: "OfficeTenant",
        namespace: "saas.csp2",
        properties: {
          displayName: prop("string"),
          labels: prop("complexType.SafeKeyValue<saas.csp2.Label>[]"),
          status: prop("saas.csp2.ServiceStateEnum"),
          usage: prop("map[string][]saas.csp2.UsageLine"),
        },
      },
      "saas.csp2.Label": { id: "Label", namespace: "saas.csp2", properties: { text: prop("string") } },
      "saas.csp2.ServiceStateEnum": { enum: ["ok", "suspended"], enumType: "string", id: "ServiceStateEnum", namespace: "saas.csp2" },
      "saas.csp2.UsageLine": { id: "UsageLine", namespace: "saas.csp2", properties: { seats: prop("long") } },
      "saas.csp2.Unused": { id: "Unused", namespace: "saas.csp2", properties: { x: prop("string") } },
    },
    resourcePath: "/saas/csp2",
  };
}

/** order.json: the requiredConfiguration path among others. */
function publishedOrder(): Record<string, unknown> {
  const excerpt = currentExcerpt().orderCart as { apis: unknown[] };
  return {
    apiVersion: "1.0",
    apis: [{ description: "Catalog", operations: [operation("GET", "order.catalog.Catalog")], path: "/order/catalog/public/csp2" }, ...excerpt.apis],
    basePath: "https://eu.api.ovh.com/1.0",
    models: {
      "order.cart.ConfigurationRequirements": {
        id: "ConfigurationRequirements",
        namespace: "order.cart",
        properties: { allowedValues: prop("string[]"), label: prop("string"), required: prop("boolean"), type: prop("string") },
      },
      "order.catalog.Catalog": { id: "Catalog", namespace: "order.catalog", properties: { plans: prop("string[]") } },
    },
    resourcePath: "/order",
  };
}

const sources = (): Source[] => [
  { label: "https://eu.api.ovh.com/1.0/saas/csp2.json", description: publishedCsp2() },
  { label: "https://eu.api.ovh.com/1.0/order.json", description: publishedOrder() },
];

type Section = { apis: { path: string; operations: { httpMethod: string }[] }[]; models: Record<string, unknown> } & Record<string, unknown>;
const section = (excerpt: Excerpt, name: string) => excerpt[name] as Section;
const operationKeys = (part: Section) => part.apis.flatMap((api) => api.operations.map((op) => `${op.httpMethod} ${api.path}`));

/** Every object of `value` with its keys in reverse order: the same content, served differently. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.keys(value).reverse().map((key) => [key, reverseKeys((value as Record<string, unknown>)[key])]));
}

function captureIo(today = "2026-12-01"): Io & { stdout: () => string; stderr: () => string } {
  let stdout = "";
  let stderr = "";
  return {
    out: (text) => (stdout += text),
    err: (text) => (stderr += text),
    today: () => today,
    stdout: () => stdout,
    stderr: () => stderr,
  };
}

let scratch: string;
beforeEach(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "refresh-schema-"));
});
afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

function writeJson(name: string, value: unknown): string {
  const file = path.join(scratch, name);
  fs.writeFileSync(file, JSON.stringify(value));
  return file;
}

describe("refreshing the schema excerpt", () => {
  it("keeps exactly the excerpt's paths, with every method published on them, and drops the other paths", () => {
    const { excerpt } = refresher.refreshExcerpt(currentExcerpt(), sources(), { date: "2026-12-01" });
    expect(Object.keys(excerpt)).toEqual(["note", "saasCsp2", "orderCart"]);
    expect(operationKeys(section(excerpt, "saasCsp2"))).toEqual(["GET /saas/csp2/{serviceName}", "PUT /saas/csp2/{serviceName}"]);
    expect(operationKeys(section(excerpt, "orderCart"))).toEqual(["GET /order/cart/{cartId}/item/{itemId}/requiredConfiguration"]);
    expect(JSON.stringify(excerpt)).not.toContain("newThing");
    expect(JSON.stringify(excerpt)).not.toContain("/order/catalog");
    // A section keeps the header fields it had, with the published values; one without them gets none.
    expect(section(excerpt, "saasCsp2")).toMatchObject({ apiVersion: "1.0", basePath: "https://eu.api.ovh.com/1.0", resourcePath: "/saas/csp2" });
    expect(Object.keys(section(excerpt, "orderCart"))).toEqual(["apis", "models"]);
  });

  it("pulls in the models the operations reference, through properties, arrays, maps and generic instances, and no other", () => {
    const { excerpt } = refresher.refreshExcerpt(currentExcerpt(), sources(), { date: "2026-12-01" });
    expect(Object.keys(section(excerpt, "saasCsp2").models)).toEqual([
      "complexType.SafeKeyValue<saas.csp2.Label>",
      "saas.csp2.Label",
      "saas.csp2.OfficeTenant",
      "saas.csp2.ServiceStateEnum",
      "saas.csp2.UsageLine",
    ]);
    // Stored under the instance's name, as operations and properties refer to it, with the generic model's content.
    expect(section(excerpt, "saasCsp2").models["complexType.SafeKeyValue<saas.csp2.Label>"]).toEqual(
      (publishedCsp2().models as Record<string, unknown>)["complexType.SafeKeyValue<T>"],
    );
    expect(Object.keys(section(excerpt, "orderCart").models)).toEqual(["order.cart.ConfigurationRequirements"]);
  });

  it("reads model names out of type expressions", () => {
    expect(refresher.referencedModelNames("order.cart.Item[]")).toEqual(["order.cart.Item"]);
    expect(refresher.referencedModelNames("map[string][]iam.resource.TagFilter")).toEqual(["iam.resource.TagFilter"]);
    expect(refresher.referencedModelNames("complexType.SafeKeyValue<string>[]")).toEqual(["complexType.SafeKeyValue<string>"]);
    expect(refresher.referencedModelNames("complexType.SafeKeyValue<services.X>")).toEqual(["complexType.SafeKeyValue<services.X>", "services.X"]);
    expect(refresher.referencedModelNames("long[]")).toEqual([]);
    expect(refresher.referencedModelNames("T")).toEqual([]);
  });

  it("records the date and the descriptions used in the note", () => {
    const { excerpt } = refresher.refreshExcerpt(currentExcerpt(), sources(), { date: "2026-12-01" });
    expect(excerpt.note).toContain("refreshed on 2026-12-01 from https://eu.api.ovh.com/1.0/saas/csp2.json, https://eu.api.ovh.com/1.0/order.json");
    expect(excerpt.note).toContain("the 2 paths the project uses (saasCsp2, orderCart)");
    expect(excerpt.note).toContain("the 6 models");
  });

  it("writes the same bytes whatever order OVH serves the keys in, the sources are given in, or how often it runs", () => {
    const first = refresher.formatExcerpt(refresher.refreshExcerpt(currentExcerpt(), sources(), { date: "2026-12-01" }).excerpt);
    const reordered = sources()
      .reverse()
      .map((source) => ({ ...source, description: reverseKeys(source.description) as Record<string, unknown> }));
    const second = refresher.formatExcerpt(refresher.refreshExcerpt(currentExcerpt(), reordered, { date: "2026-12-01" }).excerpt);
    expect(second).toBe(first);
    const again = refresher.formatExcerpt(refresher.refreshExcerpt(JSON.parse(first) as Excerpt, sources(), { date: "2026-12-01" }).excerpt);
    expect(again).toBe(first);
    expect(first.endsWith("}\n")).toBe(true);
  });

  it("says per section what changed", () => {
    const { summary } = refresher.refreshExcerpt(currentExcerpt(), sources(), { date: "2026-12-01" });
    expect(summary[0]).toBe(
      "saasCsp2: 1 paths of 2 published, 5 models from https://eu.api.ovh.com/1.0/saas/csp2.json; " +
        "+PUT /saas/csp2/{serviceName}, +model complexType.SafeKeyValue<saas.csp2.Label>, +model saas.csp2.Label, " +
        "+model saas.csp2.ServiceStateEnum, +model saas.csp2.UsageLine, ~model saas.csp2.OfficeTenant",
    );
  });

  it("refuses a source that lacks one of the excerpt's paths, naming the path, and leaves the excerpt as it was", async () => {
    const order = publishedOrder();
    order.apis = (order.apis as { path: string }[]).filter((api) => !api.path.endsWith("requiredConfiguration"));
    const out = writeJson("excerpt.json", currentExcerpt());
    const before = fs.readFileSync(out, "utf8");
    const io = captureIo();
    const code = await refresher.main(["--out", out, writeJson("csp2.json", publishedCsp2()), writeJson("order.json", order)], io);
    expect(code).toBe(1);
    expect(io.stderr()).toContain("the sources lack paths of the excerpt, so nothing was written");
    expect(io.stderr()).toContain(
      "orderCart: /order/cart/{cartId}/item/{itemId}/requiredConfiguration (not in https://eu.api.ovh.com/1.0/order.json, the section's description)",
    );
    expect(fs.readFileSync(out, "utf8")).toBe(before);
    expect(fs.readdirSync(scratch).sort()).toEqual(["csp2.json", "excerpt.json", "order.json"]);
  });

  it("refuses when no source publishes a section, saying where OVH publishes it", () => {
    expect(() => refresher.refreshExcerpt(currentExcerpt(), [sources()[0]], { date: "2026-12-01", endpoint: "https://ca.api.ovh.com/1.0" })).toThrow(
      "orderCart: /order/cart/{cartId}/item/{itemId}/requiredConfiguration (in none of the sources; OVH publishes them at https://ca.api.ovh.com/1.0/order.json)",
    );
  });

  it("refuses a description missing a model its kept operations reference, and what is not a description at all", async () => {
    const csp2 = publishedCsp2();
    delete (csp2.models as Record<string, unknown>)["saas.csp2.UsageLine"];
    expect(() => refresher.refreshExcerpt(currentExcerpt(), [{ label: "csp2.json", description: csp2 }, sources()[1]], { date: "2026-12-01" })).toThrow(
      "csp2.json does not describe the model saas.csp2.UsageLine, which model saas.csp2.OfficeTenant refers to",
    );

    const io = captureIo();
    const out = writeJson("excerpt.json", currentExcerpt());
    expect(await refresher.main(["--out", out, writeJson("page.json", { html: "<p>Not found</p>" })], io)).toBe(1);
    expect(io.stderr()).toContain("page.json is not an OVH API description: it needs \"apis\"");
  });

  it("writes the refreshed excerpt from files, and refuses a date that does not exist", async () => {
    const out = writeJson("excerpt.json", currentExcerpt());
    const io = captureIo("2026-12-24");
    expect(await refresher.main(["--out", out, writeJson("csp2.json", publishedCsp2()), writeJson("order.json", publishedOrder())], io)).toBe(0);
    const written = JSON.parse(fs.readFileSync(out, "utf8")) as Excerpt;
    expect(written.note).toContain("refreshed on 2026-12-24");
    expect(operationKeys(section(written, "saasCsp2"))).toEqual(["GET /saas/csp2/{serviceName}", "PUT /saas/csp2/{serviceName}"]);
    expect(io.stdout()).toContain("now run: node scripts/generate-models.js");

    const refused = captureIo();
    expect(await refresher.main(["--out", out, "--date", "2026-02-30", writeJson("csp2.json", publishedCsp2())], refused)).toBe(2);
    expect(refused.stderr()).toContain("--date 2026-02-30 is not a date: give YYYY-MM-DD");
  });

  describe("from URLs", () => {
    let server: Server;
    let endpoint: string;
    const served: string[] = [];

    beforeAll(async () => {
      server = createServer((request, response) => {
        served.push(request.url ?? "");
        const body = { "/1.0/saas/csp2.json": publishedCsp2(), "/1.0/order.json": publishedOrder() }[request.url ?? ""];
        response.writeHead(body ? 200 : 404, { "content-type": "application/json" });
        response.end(JSON.stringify(body ?? { message: "not found" }));
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/1.0`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it("fetches, without sources, each section's published description from --endpoint", async () => {
      served.length = 0;
      const out = writeJson("excerpt.json", currentExcerpt());
      const io = captureIo();
      expect(await refresher.main(["--out", out, "--endpoint", endpoint], io)).toBe(0);
      expect(served).toEqual(["/1.0/saas/csp2.json", "/1.0/order.json"]);
      expect(io.stdout()).toContain(`fetching ${endpoint}/saas/csp2.json`);
      expect(operationKeys(section(JSON.parse(fs.readFileSync(out, "utf8")) as Excerpt, "orderCart"))).toEqual([
        "GET /order/cart/{cartId}/item/{itemId}/requiredConfiguration",
      ]);
    });

    it("refuses a URL that does not answer a description", async () => {
      const io = captureIo();
      expect(await refresher.main(["--out", writeJson("excerpt.json", currentExcerpt()), `${endpoint}/me.json`], io)).toBe(1);
      expect(io.stderr()).toContain(`${endpoint}/me.json answered HTTP 404`);
    });
  });

  it("documents the sources, the sections, the options and the next steps in --help", async () => {
    const io = captureIo();
    expect(await refresher.main(["--help"], io)).toBe(0);
    for (const text of [
      "https://eu.api.ovh.com/1.0/saas/csp2.json",
      "https://eu.api.ovh.com/1.0/order.json",
      "saasCsp2, orderCart, meOrder, services, auth",
      "--out <file>",
      "--endpoint <url>",
      "--date <YYYY-MM-DD>",
      "node scripts/generate-models.js",
    ]) {
      expect(io.stdout()).toContain(text);
    }
  });

  it("gives back the repository's own excerpt from descriptions publishing its sections among other paths", () => {
    const repository = JSON.parse(fs.readFileSync(OVH_SCHEMA_FILE, "utf8")) as Excerpt;
    const names = Object.keys(repository).filter((key) => key !== "note");
    expect(names).toEqual(["saasCsp2", "orderCart", "meOrder", "services", "auth"]);
    const published: Source[] = names.map((name) => {
      const { apis, models } = section(repository, name);
      const renamed = Object.fromEntries(Object.entries(models).map(([key, model]) => [key.replace(/<string>$/, "<T>"), model]));
      return {
        label: `${name}.json`,
        description: {
          ...section(repository, name),
          apis: [{ description: "elsewhere", operations: [operation("GET", "zz.Elsewhere")], path: `/zz/${name}` }, ...apis],
          models: { ...renamed, "zz.Elsewhere": { properties: {} } },
        },
      };
    });
    const { excerpt } = refresher.refreshExcerpt(repository, published.reverse(), { date: "2026-12-01" });
    expect(Object.keys(excerpt)).toEqual(["note", ...names]);
    for (const name of names) expect(operationKeys(section(excerpt, name))).toEqual(operationKeys(section(repository, name)));
    // Same content (toEqual ignores key order): the same paths, operations and models, and nothing else.
    expect({ ...excerpt, note: "" }).toEqual({ ...repository, note: "" });
  });
});
