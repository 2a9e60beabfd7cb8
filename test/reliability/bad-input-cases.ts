import type { ResourceState, PropertyMap } from "../../pulumi-host";

/**
 * The bad-input corpus: what a reseller can get wrong on each surface that takes input (the two resources, the CLI,
 * licences.yaml). Each case names the field its error must name and a phrase of the fix it must give. A wrong type
 * is fixed by the type ("must be a string"); a value of the right type but wrong content needs a pointer to what is
 * right (a range, a suggestion, the command that lists valid values).
 */

/** Licences of the simulator's catalogue, picked by their rules, never by a hard-coded name. */
export interface Catalogue {
  /** Orderable, not an add-on, no seat limit needed. */
  orderable: string;
  /** A second orderable licence that is not an add-on. */
  another: string;
  /** Orderable, with a seat limit. */
  limited: { name: string; limit: number };
  /** No longer sold for new subscriptions. */
  retired: string;
  /** An add-on licence. */
  addon: string;
}

export interface World {
  /** A licence group without subscriptions that offers the whole catalogue. */
  serviceName: string;
  catalogue: Catalogue;
  /** A subscription adopted through the host (reads only), for updates that a guard rail must stop. */
  adopted: ResourceState;
}

interface CaseBase {
  name: string;
  /** What the error must name: the input, check-failure property, option, variable or file path. */
  field: string;
  /** A phrase of the fix the error must give. */
  fix: string;
}

export interface ResourceCase extends CaseBase {
  surface: "resources";
  resource: "Subscription" | "LicenseGroup";
  /**
   * `check` refuses what the inputs alone show wrong; `catalogue`, check again, after reading the group's orderable
   * licences (reads only); `create`, what only OVH's answers to other reads can show.
   */
  /** "configure": the stack config, refused when the run starts, before any resource call. */
  refusedBy: "configure" | "check" | "catalogue" | "create";
  inputs(world: World): PropertyMap;
  /** Stack config over the simulator's endpoint and credentials: the case runs in a host configured with it. */
  config?: Record<string, string>;
  /** The resource's state from an earlier `pulumi up`: the case is an update of it. */
  previous?(world: World): ResourceState;
}

export interface CliCase extends CaseBase {
  surface: "CLI";
  args: string[];
  /** Changes to the environment that points the CLI at the simulator; undefined unsets a variable. */
  env?: Record<string, string | undefined>;
}

/** What a licence file case is written against. */
export interface FileContext {
  /** A licence group of the simulator kept for this case alone. */
  group: string;
  catalogue: Catalogue;
  /** The subscriptions the group held before the file was applied (see `holds`). */
  held: { id: number; license: string; seats: number }[];
}

export interface LicenseFileCase extends CaseBase {
  surface: "licences.yaml";
  /**
   * `loader`: loadLicenseFile refuses the file; `catalogue`: a resource declareLicenses registered is refused at check,
   * from the group's orderable licences; `create`: it is refused by OVH's answers.
   */
  refusedBy: "loader" | "catalogue" | "create";
  /** Subscriptions the case's licence group holds before the file is applied, add-ons under their base. */
  holds?(catalogue: Catalogue): { license: string; seats: number; addons?: { license: string; seats: number }[] }[];
  text(file: FileContext): string;
}

export type BadInput = ResourceCase | CliCase | LicenseFileCase;

const subscription = (world: World, changes: PropertyMap): PropertyMap => ({
  serviceName: world.serviceName,
  license: world.catalogue.orderable,
  seats: 5,
  ...changes,
});

const licenseGroup = (world: World, changes: PropertyMap): PropertyMap => ({ serviceName: world.serviceName, ...changes });

const order = { ovhSubsidiary: "FR", planCode: "csp2-office365-reseller" };
const ordering = (changes: PropertyMap): PropertyMap => ({ order, displayName: "New customer", ...changes });

function subscriptionCase(name: string, field: string, fix: string, refusedBy: ResourceCase["refusedBy"], changes: (world: World) => PropertyMap): ResourceCase {
  return { surface: "resources", resource: "Subscription", name: `Subscription ${name}`, field, fix, refusedBy, inputs: (world) => subscription(world, changes(world)) };
}

function groupCase(name: string, field: string, fix: string, refusedBy: "configure" | "check" | "create", inputs: (world: World) => PropertyMap): ResourceCase {
  return { surface: "resources", resource: "LicenseGroup", name: `LicenseGroup ${name}`, field, fix, refusedBy, inputs };
}

/** serviceName values that are no licence group's name, each with why. */
const malformedServiceNames: [string, string][] = [
  ["with a slash", "csp2/1f4a7c92"],
  ["with ..", "csp2..1f4a7c92"],
  ["with %2F", "csp2%2F1f4a7c92"],
  ["with a space", "csp2 1f4a7c92"],
  ["with unicode", "csp2-1f4a7c9é"],
  ["with a control character", "csp2-\u00071f4a7c92"],
  ["with a newline", "csp2-1f4a7c92\n"],
  ["that is empty", ""],
];

const groupsCommand = "ovh-office365 groups";
const licensesCommand = "ovh-office365 licences";

export const resourceCases: ResourceCase[] = [
  subscriptionCase("seats as a float", "seats", "round it to 3", "check", () => ({ seats: 2.5 })),
  subscriptionCase("zero seats", "seats", "must be from 1 to 1000000", "check", () => ({ seats: 0 })),
  subscriptionCase("negative seats", "seats", "must be from 1 to 1000000", "check", () => ({ seats: -3 })),
  subscriptionCase("huge seats", "seats", "must be from 1 to 1000000", "check", () => ({ seats: 1e12 })),
  subscriptionCase("seats as text", "seats", "a whole number from 1 to 1000000", "check", () => ({ seats: "10" })),
  subscriptionCase("seats as a boolean", "seats", "a whole number from 1 to 1000000", "check", () => ({ seats: true })),
  subscriptionCase("seats null", "seats", "a whole number from 1 to 1000000", "check", () => ({ seats: null })),
  subscriptionCase("seats missing", "seats", "is required: the number of seats", "check", () => ({ seats: undefined })),
  subscriptionCase("seats above the licence's limit", "seats", "or fewer", "catalogue", (world) => ({
    license: world.catalogue.limited.name,
    seats: world.catalogue.limited.limit + 1,
  })),
  subscriptionCase("unknown licence name", "license", "use one of", "catalogue", () => ({ license: "Microsoft 365 Business Platinum" })),
  subscriptionCase("misspelt licence name", "license", "did you mean", "catalogue", (world) => ({ license: world.catalogue.orderable.slice(0, -2) })),
  subscriptionCase("licence no longer sold", "license", "pick another licence", "catalogue", (world) => ({ license: world.catalogue.retired })),
  subscriptionCase("add-on without the subscription it extends", "license", "set parentSubscriptionId", "create", (world) => ({
    license: world.catalogue.addon,
  })),
  subscriptionCase("licence name missing", "license", licensesCommand, "check", () => ({ license: undefined })),
  subscriptionCase("licence name empty", "license", licensesCommand, "check", () => ({ license: "" })),
  subscriptionCase("licence name with a control character", "license", licensesCommand, "check", (world) => ({
    license: world.catalogue.orderable.replace(" ", "\u0007"),
  })),
  subscriptionCase("licence name as a number", "license", "must be a string", "check", () => ({ license: 42 })),
  subscriptionCase("licence given by name and by id", "license", "keep one", "check", () => ({ licenseId: 1 })),
  subscriptionCase("unknown licenseId", "licenseId", "use one of", "catalogue", () => ({ license: undefined, licenseId: 999_999 })),
  subscriptionCase("licenseId as a float", "licenseId", "round it to 2", "check", () => ({ license: undefined, licenseId: 1.5 })),
  subscriptionCase("licenseId as text", "licenseId", "a whole number from 1 to", "check", () => ({ license: undefined, licenseId: "1" })),
  ...malformedServiceNames.map(([name, serviceName]) =>
    subscriptionCase(`serviceName ${name}`, "serviceName", groupsCommand, "check", () => ({ serviceName })),
  ),
  subscriptionCase("serviceName of 101 characters", "serviceName", "at most 100 characters", "check", () => ({ serviceName: "c".repeat(101) })),
  subscriptionCase("serviceName missing", "serviceName", groupsCommand, "check", () => ({ serviceName: undefined })),
  subscriptionCase("serviceName as a number", "serviceName", "must be a string", "check", () => ({ serviceName: 42 })),
  subscriptionCase("serviceName of no licence group", "serviceName", groupsCommand, "create", () => ({ serviceName: "csp2-00000000" })),
  subscriptionCase("misspelt input (seat)", "seat", 'did you mean "seats"', "check", () => ({ seats: undefined, seat: 5 })),
  subscriptionCase("OVH's name for seats (quantity)", "quantity", 'use "seats" instead', "check", () => ({ quantity: 5 })),
  subscriptionCase("zero maxSeatChange", "maxSeatChange", "must be from 1 to 1000000", "check", () => ({ maxSeatChange: 0 })),
  subscriptionCase("maxSeatChange as a float", "maxSeatChange", "round it to 3", "check", () => ({ maxSeatChange: 2.5 })),
  subscriptionCase("task timeout over a day", "taskTimeoutMinutes", "must be from 1 to 1440", "check", () => ({ taskTimeoutMinutes: 100_000 })),
  subscriptionCase("negative subscriptionId", "subscriptionId", "must be from 1 to", "check", () => ({ subscriptionId: -7 })),
  subscriptionCase("subscriptionId of no subscription", "subscriptionId", "ovh-office365 subscriptions", "catalogue", () => ({ subscriptionId: 987_654_321 })),
  subscriptionCase("parentSubscriptionId as text", "parentSubscriptionId", "a whole number from 1 to", "check", (world) => ({
    license: world.catalogue.addon,
    parentSubscriptionId: "12",
  })),
  subscriptionCase("parentSubscriptionId of no subscription", "parentSubscriptionId", "ovh-office365 status", "create", (world) => ({
    license: world.catalogue.addon,
    parentSubscriptionId: 987_654_321,
  })),
  {
    surface: "resources",
    resource: "Subscription",
    name: "Subscription seat change beyond maxSeatChange",
    field: "seats",
    fix: "change the seats in smaller steps",
    refusedBy: "check",
    previous: (world) => world.adopted,
    inputs: (world) => ({ ...world.adopted.inputs, seats: (world.adopted.inputs.seats as number) + 500, maxSeatChange: 10 }),
  },
  {
    surface: "resources",
    resource: "Subscription",
    name: "Subscription with stack config ovh:endpoint http:// to a non-loopback address",
    field: "ovh:endpoint",
    fix: "Use https://",
    refusedBy: "create",
    config: { "ovh:endpoint": "http://10.20.30.40:8080/1.0" },
    inputs: (world) => subscription(world, {}),
  },

  ...malformedServiceNames.map(([name, serviceName]) =>
    groupCase(`serviceName ${name}`, "serviceName", groupsCommand, "check", (world) => licenseGroup(world, { serviceName })),
  ),
  groupCase("serviceName as a number", "serviceName", "must be a string", "check", (world) => licenseGroup(world, { serviceName: 42 })),
  groupCase("without serviceName or order", "serviceName", groupsCommand, "check", () => ({ displayName: "Acme" })),
  groupCase("with serviceName and order", "order", "keep serviceName to adopt", "check", (world) => licenseGroup(world, { order, displayName: "Acme" })),
  groupCase("serviceName of no licence group", "serviceName", groupsCommand, "create", () => ({ serviceName: "csp2-00000000" })),
  groupCase("order with a subsidiary written out", "order.ovhSubsidiary", "two capital letters", "check", () => ordering({ order: { ...order, ovhSubsidiary: "France" } })),
  groupCase("order without planCode", "order.planCode", "GET /order/cart/{cartId}/csp2", "check", () => ordering({ order: { ovhSubsidiary: "FR" } })),
  groupCase("order duration in words", "order.duration", 'such as "P1M"', "check", () => ordering({ order: { ...order, duration: "1 month" } })),
  groupCase("order as text", "order", "must be an object", "check", () => ordering({ order: "FR" })),
  groupCase("order with a misspelt field", "order.autopay", 'did you mean "autoPay"', "check", () => ordering({ order: { ...order, autopay: true } })),
  groupCase("order with a zero delivery timeout", "order.deliveryTimeoutMinutes", "must be from 1 to 10080", "check", () =>
    ordering({ order: { ...order, deliveryTimeoutMinutes: 0 } }),
  ),
  groupCase("order without displayName", "displayName", "is required when ordering", "check", () => ordering({ displayName: undefined })),
  groupCase("displayName of 101 characters", "displayName", "at most 100 characters", "check", (world) => licenseGroup(world, { displayName: "A".repeat(101) })),
  groupCase("displayName with a newline", "displayName", "must not contain control characters", "check", (world) => licenseGroup(world, { displayName: "Acme\nCorp" })),
  groupCase("contact e-mail without @", "contact.email", "must be an e-mail address", "check", (world) => licenseGroup(world, { contact: { email: "it.acme.example" } })),
  groupCase("contact phone in words", "contact.phone", 'such as "+33.123456789"', "check", (world) => licenseGroup(world, { contact: { phone: "call the office" } })),
  groupCase("contact as text", "contact", "must be an object", "check", (world) => licenseGroup(world, { contact: "it@acme.example" })),
  groupCase("contact with a misspelt field", "contact.mail", 'did you mean "email"', "check", (world) => licenseGroup(world, { contact: { mail: "it@acme.example" } })),
  groupCase("terminateOnDelete as text", "terminateOnDelete", "must be true or false", "check", (world) => licenseGroup(world, { terminateOnDelete: "yes" })),
  groupCase("misspelt input (terminateOnDestroy)", "terminateOnDestroy", 'did you mean "terminateOnDelete"', "check", (world) =>
    licenseGroup(world, { terminateOnDestroy: true }),
  ),
  {
    ...groupCase("with stack config ovh:endpoint http:// to a non-loopback host", "ovh:endpoint", "Use https://", "create", (world) => licenseGroup(world, {})),
    config: { "ovh:endpoint": "http://api.example.com/1.0" },
  },
  {
    ...groupCase("with stack config maxRequestsPerSecond in words", "ovh-office365:maxRequestsPerSecond", "pulumi config set ovh-office365:maxRequestsPerSecond", "configure", (world) =>
      licenseGroup(world, {}),
    ),
    config: { "ovh-office365:maxRequestsPerSecond": "fast" },
  },
];

function cliCase(name: string, args: string[], field: string, fix: string, env?: CliCase["env"]): CliCase {
  return { surface: "CLI", name, args, field, fix, env };
}

export const cliCases: CliCase[] = [
  cliCase("status serviceName with a slash", ["status", "csp2/1f4a7c92"], "serviceName", groupsCommand),
  cliCase("licences serviceName with ..", ["licences", ".."], "serviceName", groupsCommand),
  cliCase("tasks serviceName with %2F", ["tasks", "csp2%2F1f4a7c92"], "serviceName", groupsCommand),
  cliCase("status serviceName with a space", ["status", "csp2 1f4a7c92"], "serviceName", groupsCommand),
  cliCase("licences serviceName with unicode", ["licences", "csp2-1f4a7c9é"], "serviceName", groupsCommand),
  cliCase("tasks serviceName with a control character", ["tasks", "csp2-\u00071f4a7c92"], "serviceName", groupsCommand),
  cliCase("status serviceName empty", ["status", ""], "serviceName", groupsCommand),
  cliCase("licences serviceName of 101 characters", ["licences", "c".repeat(101)], "serviceName", "at most 100 characters"),
  cliCase("licenses serviceName with a slash", ["licenses", "csp2/1f4a7c92"], "serviceName", groupsCommand),
  cliCase("status --json serviceName with a slash", ["status", "--json", "a/b"], "serviceName", groupsCommand),
  cliCase("status without serviceName", ["status"], "serviceName", "ovh-office365 status --help"),
  cliCase("status with a second argument", ["status", "csp2-1f4a7c92", "csp2-8d03b5e6"], "too many arguments", "Expected 1 argument but got 2"),
  cliCase("tasks with an unknown option", ["tasks", "csp2-1f4a7c92", "--seats", "3"], "--seats", "ovh-office365 tasks --help"),
  cliCase("OVH_ENDPOINT http:// to a non-loopback host", ["groups"], "OVH_ENDPOINT", "Use https://", { OVH_ENDPOINT: "http://api.example.com/1.0" }),
  cliCase("--endpoint http:// to a non-loopback address", ["groups", "--endpoint", "http://192.168.10.20/1.0"], "--endpoint", "Use https://"),
  cliCase("--endpoint empty", ["groups", "--endpoint", ""], "--endpoint", "give an endpoint name"),
  cliCase("OVH_ENDPOINT an unknown name", ["groups"], "OVH_ENDPOINT", "use one of ovh-eu", { OVH_ENDPOINT: "ovh-mars" }),
  cliCase("OVH_ENDPOINT with a password in the URL", ["groups"], "OVH_ENDPOINT", "remove it", { OVH_ENDPOINT: "https://reseller:hunter2@eu.api.ovh.com/1.0" }),
  cliCase("OVH_ENDPOINT with ftp://", ["groups"], "OVH_ENDPOINT", "use https://", { OVH_ENDPOINT: "ftp://127.0.0.1/1.0" }),
  cliCase("OVH_ENDPOINT without the API base path", ["groups"], "OVH_ENDPOINT", "add it, e.g. https://eu.api.ovh.com/1.0", { OVH_ENDPOINT: "https://eu.api.ovh.com" }),
  cliCase("OVH_MAX_REQUESTS_PER_SECOND zero", ["groups"], "OVH_MAX_REQUESTS_PER_SECOND", "unset it for the default", { OVH_MAX_REQUESTS_PER_SECOND: "0" }),
  cliCase("application key with a trailing newline", ["groups"], "OVH_APPLICATION_KEY", "remove them", { OVH_APPLICATION_KEY: "ak-with-newline\n" }),
  cliCase("application secret missing", ["groups"], "OVH_APPLICATION_SECRET", "Set it", { OVH_APPLICATION_SECRET: undefined }),
  cliCase("simulator --port out of range", ["simulator", "--port", "70000"], "--port", "whole number from 0 to 65535"),
  cliCase("demo --task-duration negative", ["demo", "--task-duration", "-5"], "--task-duration", "whole number of milliseconds"),
];

/** A licence file declaring one licence with `settings` (YAML lines) in `serviceName`, listed under `listKey`. */
function oneLicense(serviceName: string, license: string, settings: string[], listKey = "licences"): string {
  return ["groups:", `  ${JSON.stringify(serviceName)}:`, `    ${listKey}:`, `      ${JSON.stringify(license)}:`, ...settings.map((line) => `        ${line}`), ""].join("\n");
}

function fileCase(name: string, field: string, fix: string, settings: string[]): LicenseFileCase {
  return { surface: "licences.yaml", name, field, fix, refusedBy: "loader", text: (file) => oneLicense(file.group, file.catalogue.orderable, settings) };
}

function serviceNameKeyCase(name: string, serviceName: string): LicenseFileCase {
  return {
    surface: "licences.yaml",
    name: `group key ${name}`,
    field: `groups.${JSON.stringify(serviceName)}`,
    fix: groupsCommand,
    refusedBy: "loader",
    text: (file) => oneLicense(serviceName, file.catalogue.orderable, ["seats: 1"]),
  };
}

export const licenseFileCases: LicenseFileCase[] = [
  fileCase("seats as a float", "seats", "write 2 or 3", ["seats: 2.5"]),
  fileCase("zero seats", "seats", "delete its entry from the file", ["seats: 0"]),
  fileCase("negative seats", "seats", "a subscription has at least 1 seat", ["seats: -4"]),
  fileCase("huge seats", "seats", "check for a typo and write a smaller number", ["seats: 99999999999999"]),
  fileCase("seats quoted", "seats", "remove the quotes (10)", ['seats: "10"']),
  fileCase("seats in words", "seats", "whole number from 1 to 1000000", ["seats: ten"]),
  fileCase("seats as a boolean", "seats", "e.g. 5", ["seats: true"]),
  fileCase("seats without a value", "seats", "write the number of seats", ["seats:"]),
  fileCase("seats missing", "seats", "add it, e.g. 5", ["maxSeatChange: 3"]),
  fileCase("misspelt seats (seat)", "seat", 'did you mean "seats"', ["seat: 3"]),
  fileCase("subscriptionId as a float", "subscriptionId", "write 12 or 13", ["seats: 1", "subscriptionId: 12.5"]),
  fileCase("zero maxSeatChange", "maxSeatChange", "write the largest seat change one run may make", ["seats: 1", "maxSeatChange: 0"]),
  fileCase("task timeout over a day", "taskTimeoutMinutes", "write a smaller number", ["seats: 1", "taskTimeoutMinutes: 2000"]),
  {
    surface: "licences.yaml",
    name: "seats as a float, under the licenses key",
    field: "seats",
    fix: "write 2 or 3",
    refusedBy: "loader",
    text: (file) => oneLicense(file.group, file.catalogue.orderable, ["seats: 2.5"], "licenses"),
  },
  {
    surface: "licences.yaml",
    name: "both licences: and licenses: in one group",
    field: "licenses",
    fix: 'and "licences" are two spellings of the same key: keep one',
    refusedBy: "loader",
    text: (file) => ["groups:", `  ${file.group}:`, "    licences: {}", "    licenses:", `      ${JSON.stringify(file.catalogue.orderable)}: {seats: 1}`, ""].join("\n"),
  },
  serviceNameKeyCase("with a slash", "csp2/1f4a7c92"),
  serviceNameKeyCase("with ..", "csp2..1f4a7c92"),
  serviceNameKeyCase("with %2F", "csp2%2F1f4a7c92"),
  serviceNameKeyCase("with a space", "csp2 1f4a7c92"),
  serviceNameKeyCase("with unicode", "csp2-1f4a7c9é"),
  serviceNameKeyCase("with a control character", "csp2-\u00071f4a7c92"),
  serviceNameKeyCase("empty", ""),
  {
    surface: "licences.yaml",
    name: "licence name empty",
    field: "licences.\"\"",
    fix: licensesCommand,
    refusedBy: "loader",
    text: (file) => oneLicense(file.group, "", ["seats: 1"]),
  },
  {
    surface: "licences.yaml",
    name: "group without licences",
    field: "licences",
    fix: "write `licences: {}` for a group without subscriptions",
    refusedBy: "loader",
    text: (file) => ["groups:", `  ${file.group}:`, "    displayName: Acme", ""].join("\n"),
  },
  {
    surface: "licences.yaml",
    name: "group setting unknown (colour)",
    field: "colour",
    fix: "known keys here are displayName, maxSeatChange, taskTimeoutMinutes, maxMonthlyIncrease, licences",
    refusedBy: "loader",
    text: (file) => ["groups:", `  ${file.group}:`, "    colour: blue", "    licences: {}", ""].join("\n"),
  },
  {
    surface: "licences.yaml",
    name: "displayName of 101 characters",
    field: "displayName",
    fix: "must be at most 100 characters",
    refusedBy: "loader",
    text: (file) => ["groups:", `  ${file.group}:`, `    displayName: ${"A".repeat(101)}`, "    licences: {}", ""].join("\n"),
  },
  {
    surface: "licences.yaml",
    name: "the same licence twice",
    field: 'licences."office 365  E1"',
    fix: "keep one entry",
    refusedBy: "loader",
    text: (file) => ["groups:", `  ${file.group}:`, "    licences:", "      Office 365 E1: {seats: 1}", "      office 365  E1: {seats: 2}", ""].join("\n"),
  },
  {
    surface: "licences.yaml",
    name: "an add-on also declared as a licence of the group",
    field: 'licences."Microsoft 365 Audio Conferencing"',
    fix: "keep one of the two entries",
    refusedBy: "loader",
    text: (file) =>
      [
        "groups:",
        `  ${file.group}:`,
        "    licences:",
        "      Office 365 E1:",
        "        seats: 2",
        "        addons:",
        "          Microsoft 365 Audio Conferencing: {seats: 1}",
        "      Microsoft 365 Audio Conferencing: {seats: 1}",
        "",
      ].join("\n"),
  },
  {
    surface: "licences.yaml",
    name: "unknown licence name",
    field: "license",
    fix: "use one of",
    refusedBy: "catalogue",
    text: (file) => oneLicense(file.group, "Microsoft 365 Business Platinum", ["seats: 3"]),
  },
  {
    surface: "licences.yaml",
    name: "misspelt licence name",
    field: "license",
    fix: "did you mean",
    refusedBy: "catalogue",
    text: (file) => oneLicense(file.group, file.catalogue.orderable.slice(0, -2), ["seats: 3"]),
  },
  {
    surface: "licences.yaml",
    name: "seats above the licence's limit",
    field: "seats",
    fix: "or fewer",
    refusedBy: "catalogue",
    text: (file) => oneLicense(file.group, file.catalogue.limited.name, [`seats: ${file.catalogue.limited.limit + 1}`]),
  },
  {
    surface: "licences.yaml",
    name: "licence no longer sold",
    field: "license",
    fix: "pick another licence",
    refusedBy: "catalogue",
    text: (file) => oneLicense(file.group, file.catalogue.retired, ["seats: 3"]),
  },
  {
    surface: "licences.yaml",
    name: "add-on declared as a licence",
    field: "license",
    fix: "addons",
    refusedBy: "create",
    text: (file) => oneLicense(file.group, file.catalogue.addon, ["seats: 3"]),
  },
  {
    surface: "licences.yaml",
    name: "licence declared as an add-on",
    field: "parentSubscriptionId",
    fix: "addons",
    refusedBy: "create",
    holds: (catalogue) => [{ license: catalogue.orderable, seats: 4 }],
    text: (file) =>
      oneLicense(file.group, file.held[0].license, [
        `seats: ${file.held[0].seats}`,
        `subscriptionId: ${file.held[0].id}`,
        "addons:",
        `  ${JSON.stringify(file.catalogue.another)}: {seats: 2}`,
      ]),
  },
  {
    surface: "licences.yaml",
    name: "adopting a subscription that does not exist",
    field: "subscriptionId",
    fix: "ovh-office365 subscriptions",
    refusedBy: "catalogue",
    text: (file) => oneLicense(file.group, file.catalogue.orderable, ["seats: 3", "subscriptionId: 987654321"]),
  },
  {
    surface: "licences.yaml",
    name: "adopting a subscription of another licence",
    field: "subscriptionId",
    fix: "to adopt this one",
    refusedBy: "catalogue",
    holds: (catalogue) => [{ license: catalogue.orderable, seats: 3 }],
    text: (file) => oneLicense(file.group, file.catalogue.another, ["seats: 3", `subscriptionId: ${file.held[0].id}`]),
  },
  {
    surface: "licences.yaml",
    name: "adopting an add-on as a licence of its own",
    field: "parentSubscriptionId",
    fix: "list it under `addons:`",
    refusedBy: "catalogue",
    holds: (catalogue) => [{ license: catalogue.orderable, seats: 3, addons: [{ license: catalogue.addon, seats: 2 }] }],
    text: (file) => oneLicense(file.group, file.catalogue.addon, ["seats: 2", `subscriptionId: ${file.held[1].id}`]),
  },
  {
    surface: "licences.yaml",
    name: "group key of no licence group",
    field: "serviceName",
    fix: groupsCommand,
    refusedBy: "create",
    text: (file) => oneLicense(`${file.group}-gone`, file.catalogue.orderable, ["seats: 3"]),
  },
];

export const badInputs: BadInput[] = [...resourceCases, ...cliCases, ...licenseFileCases];
