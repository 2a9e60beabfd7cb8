import { readFileSync } from "fs";
import * as path from "path";

const generator = require("../../scripts/generate-models.js") as {
  generateModels(schema: unknown): string;
  DEFAULT_SCHEMA: string;
  DEFAULT_OUT: string;
};

const committedFile = path.join(__dirname, "..", "..", "provider", "csp2", "models.ts");

interface TinyApi {
  path: string;
  operations: { httpMethod: string; parameters: Record<string, unknown>[]; responseType: string; description: string }[];
}

function section(models: Record<string, unknown>, apis: TinyApi[] = []) {
  return { apis, models };
}

/** A schema with the four wrapped sections, the given models and one operation returning `responseType`. */
function tinySchema(models: Record<string, unknown>, responseType: string, body?: string) {
  const parameters: Record<string, unknown>[] = [{ name: "serviceName", paramType: "path", dataType: "string", required: true }];
  if (body) parameters.push({ name: "", paramType: "body", dataType: body, required: true });
  const api: TinyApi = { path: "/saas/csp2/{serviceName}", operations: [{ httpMethod: body ? "PUT" : "GET", parameters, responseType, description: "Get it" }] };
  return { saasCsp2: section(models, [api]), orderCart: section({}), meOrder: section({}), services: section({}) };
}

const prop = (type: string, extra: Record<string, unknown> = {}) => ({ type, fullType: type, canBeNull: false, readOnly: true, required: false, ...extra });

describe("generated models", () => {
  it("provider/csp2/models.ts is exactly what the schema generates (run `node scripts/generate-models.js`)", () => {
    const schema = JSON.parse(readFileSync(generator.DEFAULT_SCHEMA, "utf8"));
    expect(path.resolve(generator.DEFAULT_OUT)).toBe(path.resolve(committedFile));
    expect(generator.generateModels(schema)).toBe(readFileSync(committedFile, "utf8"));
  });

  it("maps long to number, dates to string, canBeNull to | null, enums to unions, with the schema's descriptions", () => {
    const text = generator.generateModels(
      tinySchema(
        {
          "saas.csp2.Thing": {
            description: "A thing",
            properties: {
              count: prop("long", { description: "How many" }),
              seen: prop("datetime", { canBeNull: true }),
              day: prop("date"),
              state: prop("saas.csp2.StateEnum"),
              tags: prop("string[]"),
            },
          },
          "saas.csp2.StateEnum": { description: "States", enum: ["on", "off"], enumType: "string" },
        },
        "saas.csp2.Thing",
      ),
    );
    expect(text).toContain("/** A thing (`saas.csp2.Thing`) */\nexport interface Thing {");
    expect(text).toContain("  /** How many */\n  count: number;");
    expect(text).toContain("  seen: string | null;");
    expect(text).toContain("  day: string;");
    expect(text).toContain("  state: StateEnum;");
    expect(text).toContain("  tags: string[];");
    expect(text).toContain('export type StateEnum = "on" | "off";');
    expect(text).toContain('export const StateEnumValues: readonly StateEnum[] = ["on", "off"];');
    expect(text).toContain('  "GET /saas/csp2/{serviceName}": {\n    path: { serviceName: string };\n    response: Thing;\n  };');
  });

  it("gives a body-only model optional non-required properties, and a Writable type without read-only ones", () => {
    const text = generator.generateModels(
      tinySchema(
        {
          "saas.csp2.Input": {
            properties: {
              name: prop("string", { readOnly: false, required: true }),
              note: prop("string", { readOnly: false }),
              id: prop("long"),
            },
          },
        },
        "void",
        "saas.csp2.Input",
      ),
    );
    expect(text).toContain("export interface Input {\n  id?: number;\n  name: string;\n  note?: string;\n}");
    expect(text).toContain("export interface InputWritable {\n  name: string;\n  note?: string;\n}");
    expect(text).toContain('export const InputWritableKeys: readonly (keyof InputWritable)[] = ["name", "note"];');
    expect(text).toContain("    body: InputWritable;\n    response: void;");
  });

  it("qualifies names that would clash, and leaves models no call uses out", () => {
    const text = generator.generateModels(
      tinySchema(
        {
          "saas.csp2.Holder": { properties: { a: prop("order.Price"), b: prop("order.cart.Price") } },
          "order.Price": { properties: { value: prop("double") } },
          "order.cart.Price": { properties: { label: prop("string") } },
          "saas.csp2.Unused": { properties: { x: prop("string") } },
        },
        "saas.csp2.Holder",
      ),
    );
    expect(text).toContain("  a: OrderPrice;\n  b: CartPrice;");
    expect(text).toContain("export interface OrderPrice {");
    expect(text).toContain("export interface CartPrice {");
    expect(text).not.toContain("Unused");
  });

  it("refuses a schema type it has no mapping for, naming it", () => {
    const schema = tinySchema({ "saas.csp2.Odd": { properties: { x: prop("quaternion") } } }, "saas.csp2.Odd");
    expect(() => generator.generateModels(schema)).toThrow('no TypeScript mapping for schema type "quaternion"');
  });

  it("refuses an operation whose path template and path parameters disagree", () => {
    const schema = tinySchema({}, "void");
    schema.saasCsp2.apis[0].operations[0].parameters = [];
    expect(() => generator.generateModels(schema)).toThrow("GET /saas/csp2/{serviceName}: path placeholders serviceName, path parameters none");
  });
});
