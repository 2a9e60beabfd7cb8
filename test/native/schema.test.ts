import * as fs from "node:fs";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { licenseGroupInputNames } from "../../provider/resources/license-group-rules";
import { providerSettingNames } from "../../provider/resources/provider-settings";
import { subscriptionInputNames } from "../../provider/resources/subscription-rules";
import { REPO_ROOT } from "../support/paths";

/**
 * The package schema the plugin serves: generated from the TypeScript types (never edited by hand), valid against
 * Pulumi's metaschema, and in step with what the lifecycle reads and writes.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
const generator = require(path.join(REPO_ROOT, "scripts", "generate-package-schema.js")) as { render(): string; OUT: string };
const schema = JSON.parse(fs.readFileSync(generator.OUT, "utf8")) as {
  version: string;
  config: { variables: Record<string, { secret?: boolean }> };
  provider: { inputProperties: Record<string, unknown> };
  resources: Record<string, { inputProperties: Record<string, unknown>; properties: Record<string, unknown>; required: string[]; requiredInputs?: string[] }>;
};
const SUBSCRIPTION = "ovh-office365:index:Subscription";
const LICENSE_GROUP = "ovh-office365:index:LicenseGroup";

it("is what scripts/generate-package-schema.js makes of the types today", () => {
  expect(fs.readFileSync(generator.OUT, "utf8")).toBe(generator.render());
});

it("validates against Pulumi's package metaschema (vendored from pulumi/pulumi v3.248.0)", () => {
  const metaschema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "schema", "pulumi", "pulumi-package-metaschema.json"), "utf8"));
  const ajv = new Ajv2020({ allowUnionTypes: true });
  addFormats(ajv);
  const validate = ajv.compile(metaschema);
  expect(validate(schema) ? [] : validate.errors).toEqual([]);
  // The validator is not lenient: a type token Pulumi does not accept, or a type that does not exist, fails it.
  expect(validate({ ...schema, resources: { "ovh office365 Subscription": schema.resources[SUBSCRIPTION] } })).toBe(false);
  const seats = { type: "int", description: "seats" };
  expect(validate({ ...schema, resources: { [SUBSCRIPTION]: { ...schema.resources[SUBSCRIPTION], inputProperties: { seats } } } })).toBe(false);
});

it("carries the package's version, which SDK generation requires", () => {
  expect(schema.version).toBe(require("../../package.json").version);
});

it("configures exactly the provider's settings, the credentials secret", () => {
  expect(Object.keys(schema.config.variables).sort()).toEqual([...providerSettingNames].sort());
  expect(Object.keys(schema.provider.inputProperties).sort()).toEqual([...providerSettingNames].sort());
  const secret = Object.entries(schema.config.variables).filter(([, spec]) => spec.secret).map(([name]) => name);
  expect(secret.sort()).toEqual(["accessToken", "applicationSecret", "clientSecret", "consumerKey"]);
});

it("gives each resource exactly the inputs its rules check", () => {
  expect(Object.keys(schema.resources[SUBSCRIPTION].inputProperties).sort()).toEqual([...subscriptionInputNames].sort());
  expect(schema.resources[SUBSCRIPTION].requiredInputs).toEqual(["serviceName", "seats"]);
  expect(Object.keys(schema.resources[LICENSE_GROUP].inputProperties).sort()).toEqual([...licenseGroupInputNames].sort());
  for (const resource of Object.values(schema.resources)) {
    // Every input is also an output: the state holds what was declared.
    expect(Object.keys(resource.inputProperties).filter((name) => !(name in resource.properties))).toEqual([]);
  }
});
