"use strict";
/**
 * Runs a Pulumi program under `pulumi.runtime.setMocks`, in a plain node process (jest replaces the module system,
 * which breaks the SDK's provider serialization), and prints what it did as one JSON line on stdout.
 *
 * Usage: node run-program.js '<json>' with
 *   projectDir   directory of the program's Pulumi.yaml; the working directory, as under `pulumi up`
 *   program      file or directory to load (default: Pulumi.yaml's `main`, else the project directory); relative
 *                paths are relative to the runner's working directory, `main` to the project directory
 *   typescript   load TypeScript the way the SDK's language host does (ts-node, the project's tsconfig.json)
 *   stack        stack name (default "test")
 *   config       stack config without the project prefix, e.g. {"serviceName": "csp2-1"}; namespaced keys as-is
 *
 * Like the Pulumi CLI, it applies the defaults declared under `config:` in Pulumi.yaml, checks declared types, and
 * refuses to run when a declared key without a default is not set.
 *
 * Output: {resources: [{type, name, urn, parent, dependencies, protect, custom, inputs, provider}], outputs}, where `provider`
 * summarizes the serialized `__provider` (length and the modules it requires), or {error: {name, message, runError}}.
 */
const fs = require("node:fs");
const path = require("node:path");
const YAML = require("yaml");

const spec = JSON.parse(process.argv[2]);
const stack = spec.stack ?? "test";

function fail(error) {
  const runError = Boolean(error && error.__pulumiRunError);
  process.stdout.write(`${JSON.stringify({ error: { name: error.name, message: error.message, runError } })}\n`);
  process.exit(1);
}

function projectConfig(projectDir) {
  const project = YAML.parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8"));
  const values = {};
  const given = spec.config ?? {};
  const qualify = (key) => (key.includes(":") ? key : `${project.name}:${key}`);
  for (const [key, value] of Object.entries(given)) values[qualify(key)] = String(value);
  for (const [key, declaration] of Object.entries(project.config ?? {})) {
    const name = qualify(key);
    if (values[name] === undefined) {
      if (declaration.default === undefined) throw new Error(`Stack '${stack}' is missing configuration value '${key}'`);
      values[name] = typeof declaration.default === "string" ? declaration.default : JSON.stringify(declaration.default);
    }
    const value = values[name];
    const typeOk =
      declaration.type === "integer" ? /^-?\d+$/.test(value) : declaration.type === "boolean" ? /^(true|false)$/.test(value) : true;
    if (!typeOk) throw new Error(`Stack '${stack}' with configuration key '${key}' must be of type '${declaration.type}'`);
  }
  return { project, values };
}

/** Registers TypeScript the way @pulumi/pulumi's cmd/run does (same ts-node, compiler, tsconfig lookup and defaults). */
function registerTypeScript() {
  const tsutils = require("@pulumi/pulumi/tsutils");
  const tsConfigPath = "tsconfig.json";
  const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
  const [major, minor] = require(typescriptRequire).version.split(".").map(Number);
  const useNodeNext = major > 4 || (major === 4 && minor >= 7);
  require(tsnodeRequire).register({
    compiler: typescriptRequire,
    transpileOnly: tsutils.loadTypeScriptCompilerOptions(tsConfigPath).noCheck,
    project: tsConfigPath,
    skipProject: !fs.existsSync(tsConfigPath),
    compilerOptions: {
      target: "ES2020",
      module: useNodeNext ? "nodenext" : "commonjs",
      moduleResolution: useNodeNext ? "nodenext" : "node",
      sourceMap: "true",
      ...tsutils.loadTypeScriptCompilerOptions(tsConfigPath),
    },
  });
}

function summarizeProvider(text) {
  if (typeof text !== "string") return undefined;
  return { length: text.length, requires: [...new Set([...text.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]))].sort() };
}

/** Outputs a real provider would return, so the program's exports resolve. */
let nextSubscriptionId = 9000001;
function mockOutputs(type, inputs) {
  if (type.endsWith(":LicenseGroup")) {
    return {
      id: inputs.serviceName,
      state: {
        adopted: true,
        status: "ok",
        microsoftAdminPortalUrl: "https://admin.microsoft.com/",
        tutorialUrl: "https://docs.ovh.com/",
        tenant: { displayName: inputs.displayName ?? inputs.serviceName },
        pendingTasks: [],
      },
    };
  }
  if (type.endsWith(":Subscription")) {
    const subscriptionId = inputs.subscriptionId ?? nextSubscriptionId++;
    return {
      id: `${inputs.serviceName}/${subscriptionId}`,
      state: {
        subscriptionId,
        adopted: inputs.subscriptionId !== undefined,
        licenseName: inputs.license,
        status: "ok",
        taskPendingId: 0,
        pendingTasks: [],
      },
    };
  }
  return { id: undefined, state: {} };
}

async function main() {
  const projectDir = path.resolve(spec.projectDir);
  const explicitProgram = spec.program === undefined ? undefined : path.resolve(spec.program);
  process.chdir(projectDir);
  const { project, values } = projectConfig(projectDir);
  // Read by the SDK's config module, as the language host passes it.
  process.env.PULUMI_CONFIG = JSON.stringify(values);

  const pulumi = require("@pulumi/pulumi");
  const settings = require("@pulumi/pulumi/runtime/settings");
  const registrations = new Map();
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const { __provider: provider, ...inputs } = args.inputs;
        const result = mockOutputs(args.type, inputs);
        registrations.set(`${args.type}::${args.name}`, {
          type: args.type,
          name: args.name,
          custom: args.custom,
          inputs,
          provider: summarizeProvider(provider),
        });
        return { id: result.id, state: { ...inputs, ...result.state } };
      },
      call(args) {
        throw new Error(`unexpected call of ${args.token}`);
      },
    },
    project.name,
    stack,
    false,
  );

  // The mock API does not pass parents and dependencies to newResource: read them from the requests.
  const monitor = settings.getMonitor();
  const register = monitor.registerResource.bind(monitor);
  const requests = [];
  monitor.registerResource = (request, callback) => {
    requests.push({
      key: `${request.getType()}::${request.getName()}`,
      parent: request.getParent(),
      dependencies: request.getDependenciesList(),
      protect: request.getProtect() ?? false,
    });
    return register(request, callback);
  };

  if (spec.typescript) registerTypeScript();
  const program = explicitProgram ?? path.resolve(project.main ?? ".");
  const outputs = await pulumi.runtime.runInPulumiStack(async () => {
    const exported = require(fs.statSync(program).isDirectory() ? `${program}${path.sep}` : program);
    return exported instanceof Function ? exported() : exported;
  });
  await settings.waitForRPCs();

  // A mock URN is urn:pulumi:<stack>::<project>::<parent types $ type>::<name>.
  const urns = [...monitor.getRegisteredResources().keys()];
  const urnOf = ({ type, name }) => urns.find((urn) => urn.endsWith(`::${name}`) && urn.split("::")[2].split("$").pop() === type);
  const resources = requests.map(({ key, parent, dependencies, protect }) => {
    const registration = registrations.get(key);
    return { ...registration, urn: urnOf(registration), parent: parent || undefined, dependencies, protect };
  });
  process.stdout.write(`${JSON.stringify({ resources, outputs })}\n`);
}

main().catch(fail);
