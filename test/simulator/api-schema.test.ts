import { API_ROUTES, BODY_MODELS, REQUEST_ENUMS } from "../../simulator/api-schema";
import { API_HANDLERS } from "../../simulator/handlers";
import { readOvhSchema } from "../support/ovh-schema";

const { models, operations: located } = readOvhSchema();
const operations = located.map(({ path, operation }) => ({ path, op: operation }));

const key = (method: string, path: string) => `${method} ${path}`;

describe("the simulator's route table", () => {
  it("serves exactly the schema's paths and methods", () => {
    const fromSchema = operations.map(({ path, op }) => key(op.httpMethod, path)).sort();
    const fromSimulator = API_ROUTES.map((r) => key(r.method, r.path)).sort();
    expect(fromSimulator).toEqual(fromSchema);
    expect(fromSimulator).toContain("POST /saas/csp2/{serviceName}/subscription/{id}/changeQuantity");
    expect(fromSimulator).toContain("POST /order/cart/{cartId}/checkout");
  });

  it.each(operations.map(({ path, op }) => [key(op.httpMethod, path), path, op] as const))("%s has the schema's parameters", (_, path, op) => {
    const route = API_ROUTES.find((r) => r.method === op.httpMethod && r.path === path);
    expect(route).toBeDefined();
    expect(route?.noAuthentication).toBe(op.noAuthentication === true);
    expect(route?.responseType).toBe(op.responseType);
    const named = op.parameters
      .filter((p) => p.name !== undefined)
      .map((p) => ({ name: p.name, in: p.paramType, type: p.dataType, required: p.required === true }))
      .sort((a, b) => `${a.in}${a.name}`.localeCompare(`${b.in}${b.name}`));
    const simulated = [...(route?.params ?? [])].sort((a, b) => `${a.in}${a.name}`.localeCompare(`${b.in}${b.name}`));
    expect(simulated).toEqual(named);
    const wholeBody = op.parameters.find((p) => p.paramType === "body" && p.name === undefined);
    expect(route?.body).toBe(wholeBody?.dataType);
  });

  it("describes every body model (and the models nested in them) as the schema does", () => {
    const bodyModels = new Set(API_ROUTES.flatMap((r) => (r.body ? [r.body] : [])));
    for (const name of bodyModels) expect(BODY_MODELS[name]).toBeDefined();
    for (const [name, fields] of Object.entries(BODY_MODELS)) {
      const properties = models[name]?.properties;
      expect(properties).toBeDefined();
      const expected = Object.entries(properties ?? {})
        .map(([field, p]) => ({ name: field, type: p.type, required: p.required === true, canBeNull: p.canBeNull === true, readOnly: p.readOnly === true }))
        .sort((a, b) => a.name.localeCompare(b.name));
      expect([...fields].sort((a, b) => a.name.localeCompare(b.name))).toEqual(expected);
      for (const field of fields) {
        const nested = models[field.type];
        if (!field.readOnly && nested?.properties) expect(BODY_MODELS[field.type]).toBeDefined();
        if (!field.readOnly && nested?.enum) expect(REQUEST_ENUMS[field.type]).toBeDefined();
      }
    }
  });

  it("knows every enumeration a request can carry, with the schema's values", () => {
    const requestEnums = new Set<string>();
    for (const { op } of operations) for (const p of op.parameters) if (models[p.dataType]?.enum) requestEnums.add(p.dataType);
    for (const fields of Object.values(BODY_MODELS)) for (const f of fields) if (!f.readOnly && models[f.type]?.enum) requestEnums.add(f.type);
    expect(Object.keys(REQUEST_ENUMS).sort()).toEqual([...requestEnums].sort());
    for (const [name, values] of Object.entries(REQUEST_ENUMS)) expect(values).toEqual(models[name].enum);
  });

  it("has one handler per route and none for anything else", () => {
    expect(Object.keys(API_HANDLERS).sort()).toEqual(API_ROUTES.map((r) => key(r.method, r.path)).sort());
  });
});
