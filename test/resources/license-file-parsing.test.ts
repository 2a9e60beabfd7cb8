import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { LicenseFileError, type LicenseFileProblem } from "../../provider/resources/license-file-messages";
import { loadLicenseFile, otherSpellingOf, parseLicenseFile } from "../../provider/resources/license-file-parsing";
import { REPO_ROOT, makeProgramDir, removeDir } from "../support/paths";

const FILE = "licences.yaml";
const BASIC = "Microsoft 365 Business Basic";
const BASIC_SEATS = `groups.acme-1234.licences."${BASIC}".seats`;

/** A file with one group and one licence whose settings are `settings` (indented under the licence). */
function oneLicense(settings: string, serviceName = "acme-1234"): string {
  return `groups:\n  ${serviceName}:\n    licences:\n      ${BASIC}:\n${settings
    .split("\n")
    .map((line) => `        ${line}`)
    .join("\n")}\n`;
}

function problemsOf(text: string): LicenseFileError {
  try {
    parseLicenseFile(text, FILE);
  } catch (error) {
    if (error instanceof LicenseFileError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

interface BadInput {
  name: string;
  text: string;
  /** The path the problem is reported at. */
  path: string;
  /** Fragments the message must contain: the bad value and the fix. */
  mentions: string[];
  line?: number;
  column?: number;
}

const badInputs: BadInput[] = [
  { name: "fractional seats", text: oneLicense("seats: 2.5"), path: BASIC_SEATS, mentions: ["is 2.5", "write 2 or 3"], line: 5, column: 16 },
  { name: "zero seats", text: oneLicense("seats: 0"), path: BASIC_SEATS, mentions: ["is 0", "at least 1 seat", "delete its entry"] },
  { name: "negative seats", text: oneLicense("seats: -4"), path: BASIC_SEATS, mentions: ["is -4", "at least 1 seat"] },
  { name: "huge seats", text: oneLicense("seats: 99999999999999"), path: BASIC_SEATS, mentions: ["99999999999999", "more than 1000000", "typo"] },
  { name: "infinite seats", text: oneLicense("seats: .inf"), path: BASIC_SEATS, mentions: ["Infinity", "whole number from 1 to 1000000"] },
  { name: "quoted seats", text: oneLicense('seats: "10"'), path: BASIC_SEATS, mentions: ['the text "10"', "remove the quotes (10)"] },
  { name: "seats in words", text: oneLicense("seats: ten"), path: BASIC_SEATS, mentions: ['is "ten"', "whole number from 1 to 1000000"] },
  { name: "seats as a boolean", text: oneLicense("seats: true"), path: BASIC_SEATS, mentions: ["is true", "e.g. 5"] },
  { name: "seats without a value", text: oneLicense("seats:"), path: BASIC_SEATS, mentions: ["has no value", "whole number"] },
  { name: "seats missing", text: oneLicense("subscriptionId: 3001201"), path: BASIC_SEATS, mentions: ["is missing", "add it"] },
  { name: "licence given as a bare number", text: `groups:\n  acme-1234:\n    licences:\n      ${BASIC}: 5\n`, path: `groups.acme-1234.licences."${BASIC}"`, mentions: ["is 5", "`seats: 5`"] },
  { name: "typo in seats", text: oneLicense("seat: 3"), path: `groups.acme-1234.licences."${BASIC}".seat`, mentions: ['did you mean "seats"'], line: 5, column: 9 },
  { name: "both spellings of licences in one group", text: `groups:\n  acme-1234:\n    licences: {}\n    licenses:\n      ${BASIC}: {seats: 3}\n`, path: "groups.acme-1234.licenses", mentions: ['and "licences" are two spellings of the same key', "keep one"], line: 4, column: 5 },
  { name: "misspelt licenses", text: `groups:\n  acme-1234:\n    lisenses:\n      ${BASIC}: {seats: 3}\n`, path: "groups.acme-1234.lisenses", mentions: ['did you mean "licenses"'] },
  { name: "typo in a guard rail", text: oneLicense("seats: 3\nmaxSeatsChange: 5"), path: `groups.acme-1234.licences."${BASIC}".maxSeatsChange`, mentions: ['did you mean "maxSeatChange"'] },
  { name: "typo in a top-level key", text: `group:\n  acme-1234:\n    licences: {}\n`, path: "group", mentions: ['did you mean "groups"'] },
  { name: "licence setting at group level", text: `groups:\n  acme-1234:\n    subscriptionId: 12\n    licences: {}\n`, path: "groups.acme-1234.subscriptionId", mentions: ["is a licence setting", "move it there"] },
  { name: "licence written directly under the group", text: `groups:\n  acme-1234:\n    licences: {}\n    ${BASIC}: {seats: 2}\n`, path: `groups.acme-1234."${BASIC}"`, mentions: ["looks like a licence", "licences:"] },
  { name: "YAML merge key", text: `groups:\n  acme-1234:\n    <<: {maxSeatChange: 2}\n    licences: {}\n`, path: 'groups.acme-1234."<<"', mentions: ["merge keys are not supported", "defaults:"] },
  { name: "add-on of an add-on", text: oneLicense(`seats: 3\naddons:\n  Microsoft 365 Audio Conferencing:\n    seats: 1\n    addons: {}`), path: `groups.acme-1234.licences."${BASIC}".addons."Microsoft 365 Audio Conferencing".addons`, mentions: ["cannot have add-ons of its own"] },
  { name: "serviceName with a slash", text: oneLicense("seats: 1", "acme/1234"), path: 'groups."acme/1234"', mentions: ['no "/"', "ovh-office365 groups"], line: 2, column: 3 },
  { name: "serviceName with ..", text: oneLicense("seats: 1", "acme..1234"), path: 'groups."acme..1234"', mentions: ['".."', "ovh-office365 groups"] },
  { name: "serviceName with %2F", text: oneLicense("seats: 1", "acme%2F1234"), path: 'groups."acme%2F1234"', mentions: ['"%"', "ovh-office365 groups"] },
  { name: "serviceName with a space", text: oneLicense("seats: 1", '"acme 1234"'), path: 'groups."acme 1234"', mentions: ["spaces", "ovh-office365 groups"] },
  { name: "serviceName with a control character", text: oneLicense("seats: 1", '"acme\\a1234"'), path: 'groups."acme\\u00071234"', mentions: ["control characters"] },
  { name: "serviceName with unicode", text: oneLicense("seats: 1", "acmé-1234"), path: 'groups."acmé-1234"', mentions: ["letters, digits", "ovh-office365 groups"] },
  { name: "empty serviceName", text: oneLicense("seats: 1", '""'), path: 'groups.""', mentions: ["must not be empty", "ovh-office365 groups"] },
  { name: "empty licence name", text: `groups:\n  acme-1234:\n    licences:\n      "": {seats: 1}\n`, path: 'groups.acme-1234.licences.""', mentions: ["must not be empty", "ovh-office365 licences"] },
  { name: "licences as a list", text: `groups:\n  acme-1234:\n    licences:\n      - name: ${BASIC}\n        seats: 2\n`, path: "groups.acme-1234.licences", mentions: ["is a list", "one key per licence name"] },
  { name: "group without licences", text: `groups:\n  acme-1234:\n    displayName: Acme\n`, path: "groups.acme-1234.licences", mentions: ["is missing", "`licences: {}`"] },
  { name: "group without a value", text: `groups:\n  acme-1234:\n`, path: "groups.acme-1234", mentions: ["has no value", "licences:"] },
  { name: "empty displayName", text: `groups:\n  acme-1234:\n    displayName: ""\n    licences: {}\n`, path: "groups.acme-1234.displayName", mentions: ["must not be empty"] },
  { name: "fractional subscriptionId", text: oneLicense("seats: 1\nsubscriptionId: 12.5"), path: `groups.acme-1234.licences."${BASIC}".subscriptionId`, mentions: ["is 12.5", "write 12 or 13"] },
  { name: "task timeout over a day", text: `defaults:\n  taskTimeoutMinutes: 2000\ngroups: {}\n`, path: "defaults.taskTimeoutMinutes", mentions: ["is 2000", "more than 1440"] },
  { name: "zero maxSeatChange", text: `groups:\n  acme-1234:\n    maxSeatChange: 0\n    licences: {}\n`, path: "groups.acme-1234.maxSeatChange", mentions: ["is 0", "less than 1"] },
  { name: "the same licence twice", text: `groups:\n  acme-1234:\n    licences:\n      Office 365 E1: {seats: 1}\n      office 365  E1: {seats: 2}\n`, path: 'groups.acme-1234.licences."office 365  E1"', mentions: ['"Office 365 E1"', "name the same licence", "keep one entry"] },
  { name: "two licences with one resource name", text: `groups:\n  acme-1234:\n    licences:\n      Office 365 E1 (x): {seats: 1}\n      Office 365 E1 x: {seats: 1}\n`, path: 'groups.acme-1234.licences."Office 365 E1 x"', mentions: ['"Office 365 E1 (x)"', 'suffix "office-365-e1-x"', "new Subscription"] },
  {
    name: "an add-on also declared as a licence of the group",
    text: `groups:\n  acme-1234:\n    licences:\n      ${BASIC}:\n        seats: 3\n        addons:\n          Microsoft 365 Audio Conferencing: {seats: 1}\n      microsoft 365 audio  conferencing: {seats: 1, subscriptionId: 9}\n`,
    path: 'groups.acme-1234.licences."microsoft 365 audio  conferencing"',
    mentions: [`also declared as an add-on, at groups.acme-1234.licences."${BASIC}".addons."Microsoft 365 Audio Conferencing"`, "keep one of the two entries", "ADDON"],
    line: 8,
    column: 7,
  },
  { name: "one subscription adopted twice", text: `groups:\n  a-1:\n    licences:\n      Office 365 E1: {seats: 1, subscriptionId: 77}\n  b-2:\n    licences:\n      Office 365 E3: {seats: 1, subscriptionId: 77}\n`, path: 'groups.b-2.licences."Office 365 E3".subscriptionId', mentions: ["adopts subscription 77", 'groups.a-1.licences."Office 365 E1".subscriptionId'] },
  { name: "a YAML syntax error", text: `groups:\n  acme-1234: {licences: {}\n  other: 1\n`, path: "", mentions: ["YAML syntax error", "near"], line: 3 },
  { name: "a duplicated key", text: `groups:\n  acme-1234:\n    licences: {}\n  acme-1234:\n    licences: {}\n`, path: "", mentions: ["YAML syntax error", "unique"], line: 4, column: 3 },
  { name: "an unknown YAML tag", text: oneLicense("seats: !secret 5"), path: "", mentions: ["YAML warning", "!secret"] },
  { name: "an empty file", text: "# nothing yet\n", path: "", mentions: ["the file is empty", "groups:"] },
  { name: "a list instead of a mapping", text: "- acme-1234\n", path: "", mentions: ["the file is a list", "`groups:`"] },
  { name: "prices without a currency", text: `defaults:\n  prices:\n    ${BASIC}: 5.60\ngroups: {}\n`, path: "defaults.prices", mentions: ["without a currency", "`currency:`", "EUR"], line: 2, column: 3 },
  { name: "a currency symbol", text: `defaults:\n  currency: €\n  prices: {}\ngroups: {}\n`, path: "defaults.currency", mentions: ['"€"', "not a currency code", "ISO 4217"] },
  { name: "a negative price", text: `defaults:\n  currency: EUR\n  prices:\n    ${BASIC}: -5\ngroups: {}\n`, path: `defaults.prices."${BASIC}"`, mentions: ["is -5", "less than 0", "monthly price of one seat"] },
  { name: "a price in words", text: `defaults:\n  currency: EUR\n  prices:\n    ${BASIC}: five\ngroups: {}\n`, path: `defaults.prices."${BASIC}"`, mentions: ['"five"', "not a number", "5.60"] },
  { name: "a guard rail in money without a price", text: `defaults:\n  maxMonthlyIncrease: 100\n${oneLicense("seats: 3")}`, path: `groups.acme-1234.licences."${BASIC}"`, mentions: ["maxMonthlyIncrease", "no price", "under defaults.prices", "or remove maxMonthlyIncrease"] },
  { name: "a typo in maxMonthlyIncrease", text: oneLicense("seats: 3\nmaxMonthlyIncreas: 5"), path: `groups.acme-1234.licences."${BASIC}".maxMonthlyIncreas`, mentions: ['did you mean "maxMonthlyIncrease"'] },
  { name: "prices under a group", text: `groups:\n  acme-1234:\n    prices: {}\n    licences: {}\n`, path: "groups.acme-1234.prices", mentions: ["is a default", "move it there"] },
];

describe("parseLicenseFile: bad input", () => {
  const rejected: string[] = [];
  afterAll(() => {
    console.log(`licences.yaml bad-input corpus: ${badInputs.length} cases tried, ${rejected.length} rejected naming the field, the value and the fix`);
  });

  it("has a corpus of at least 40 cases", () => {
    expect(badInputs.length).toBeGreaterThanOrEqual(40);
    expect(new Set(badInputs.map((input) => input.name)).size).toBe(badInputs.length);
  });

  it.each(badInputs)("rejects $name, naming the field, the value and the fix", ({ name, text, path: where, mentions, line, column }) => {
    const error = problemsOf(text);
    const problem = error.problems.find((candidate) => candidate.path === where);
    if (problem === undefined) {
      throw new Error(`no problem reported at ${JSON.stringify(where)}; got:\n${error.message}`);
    }
    for (const fragment of mentions) expect(problem.message).toContain(fragment);
    if (line !== undefined) expect(problem.line).toBe(line);
    if (column !== undefined) expect(problem.column).toBe(column);
    const position = problem.line === undefined ? "" : `:${problem.line}:${problem.column}`;
    expect(error.message).toContain(`${FILE}${position}:${where === "" ? "" : ` ${where}`} ${problem.message}`);
    rejected.push(name);
  });

  it("reports every problem of a file at once, in file order", () => {
    const error = problemsOf(
      [
        "groups:",
        "  acme/1234:",
        "    licences: {}",
        "  fine-1:",
        "    displayname: Fine",
        "    licences:",
        `      ${BASIC}: {seats: 0}`,
        "      Office 365 E3: {seats: 1.5}",
        "",
      ].join("\n"),
    );
    expect(error.problems.map((problem) => [problem.line, problem.path])).toEqual([
      [2, 'groups."acme/1234"'],
      [5, "groups.fine-1.displayname"],
      [7, `groups.fine-1.licences."${BASIC}".seats`],
      [8, 'groups.fine-1.licences."Office 365 E3".seats'],
    ]);
    expect(error.message.split("\n")[0]).toBe(`${FILE} has 4 problems:`);
  });

  it("reports a typo once, not also as the missing key it stands for", () => {
    const error = problemsOf(oneLicense("seat: 3"));
    expect(error.problems.map((problem) => problem.path)).toEqual([`groups.acme-1234.licences."${BASIC}".seat`]);
  });

  it("is a RunError, so Pulumi prints the problems without a stack trace", () => {
    const error = problemsOf(oneLicense("seats: 0"));
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    expect(error.name).toBe("LicenseFileError");
    expect(error.fileName).toBe(FILE);
  });
});

const VALID_FILE = `
defaults:
  maxSeatChange: 20
  taskTimeoutMinutes: 30
groups:
  csp2-1f4a7c92:
    displayName: Acme Corp
    maxSeatChange: 10
    licences:
      ${BASIC}:
        seats: 25
        subscriptionId: 3001201
        addons:
          Microsoft Defender for Office 365 (Plan 1): {seats: 25, maxSeatChange: 3}
      Exchange Online (Plan 1): {seats: 3, taskTimeoutMinutes: 45}
  csp2-8d03b5e6:
    licences: {}
`;

describe("parseLicenseFile: valid files", () => {
  it("resolves groups, licences and add-ons in file order, with inherited guard rails", () => {
    expect(parseLicenseFile(VALID_FILE, FILE)).toEqual({
      groups: [
        {
          serviceName: "csp2-1f4a7c92",
          displayName: "Acme Corp",
          maxSeatChange: 10,
          taskTimeoutMinutes: 30,
          subscriptions: [
            {
              license: BASIC,
              seats: 25,
              subscriptionId: 3001201,
              maxSeatChange: 10,
              taskTimeoutMinutes: 30,
              resourceName: "csp2-1f4a7c92/microsoft-365-business-basic",
            },
            {
              license: "Microsoft Defender for Office 365 (Plan 1)",
              seats: 25,
              addonOf: BASIC,
              maxSeatChange: 3,
              taskTimeoutMinutes: 30,
              resourceName: "csp2-1f4a7c92/microsoft-365-business-basic/microsoft-defender-for-office-365-plan-1",
            },
            {
              license: "Exchange Online (Plan 1)",
              seats: 3,
              maxSeatChange: 10,
              taskTimeoutMinutes: 45,
              resourceName: "csp2-1f4a7c92/exchange-online-plan-1",
            },
          ],
        },
        { serviceName: "csp2-8d03b5e6", maxSeatChange: 20, taskTimeoutMinutes: 30, subscriptions: [] },
      ],
    });
  });

  it("keeps resource names when a licence name only changes case or spacing", () => {
    const names = (license: string) =>
      parseLicenseFile(`groups:\n  g-1:\n    licences:\n      ${license}: {seats: 1}\n`, FILE).groups[0].subscriptions[0].resourceName;
    expect(names("Office 365 E3")).toBe("g-1/office-365-e3");
    expect(names("office 365   E3")).toBe("g-1/office-365-e3");
  });

  it("accepts numbers YAML writes differently, and leaves guard rails unset when nothing sets them", () => {
    const [group] = parseLicenseFile(`groups:\n  g-1:\n    licences:\n      Office 365 E1: {seats: 1e2}\n`, FILE).groups;
    expect(group).toEqual({
      serviceName: "g-1",
      subscriptions: [{ license: "Office 365 E1", seats: 100, resourceName: "g-1/office-365-e1" }],
    });
  });
});

describe("parseLicenseFile: prices and the guard rail in money", () => {
  const text = [
    "defaults:",
    "  maxMonthlyIncrease: 200",
    "  currency: EUR",
    "  prices:",
    `    ${BASIC}: 5.60`,
    "    microsoft defender for office 365 (plan 1): 2.5",
    "    Office 365 E3: 20",
    "groups:",
    "  acme-1234:",
    "    maxMonthlyIncrease: 50",
    "    licences:",
    `      ${BASIC}:`,
    "        seats: 25",
    "        addons:",
    "          Microsoft Defender for Office 365 (Plan 1): {seats: 25, maxMonthlyIncrease: 20}",
    "      Office 365 E3: {seats: 4, maxSeatChange: 2}",
    "",
  ].join("\n");

  it("gives each subscription its licence's price (name matched without case or spacing) and the rail it inherits", () => {
    const file = parseLicenseFile(text, FILE);
    expect(file.prices).toEqual({ currency: "EUR", monthly: { [BASIC]: 5.6, "microsoft defender for office 365 (plan 1)": 2.5, "Office 365 E3": 20 } });
    const [group] = file.groups;
    expect(group.maxMonthlyIncrease).toBe(50);
    expect(group.subscriptions.map(({ license, seatPrice, maxMonthlyIncrease }) => ({ license, seatPrice, maxMonthlyIncrease }))).toEqual([
      { license: BASIC, seatPrice: { monthly: 5.6, currency: "EUR" }, maxMonthlyIncrease: 50 },
      { license: "Microsoft Defender for Office 365 (Plan 1)", seatPrice: { monthly: 2.5, currency: "EUR" }, maxMonthlyIncrease: 20 },
      { license: "Office 365 E3", seatPrice: { monthly: 20, currency: "EUR" }, maxMonthlyIncrease: 50 },
    ]);
  });

  it("is only prices, for the CLI, with an empty groups mapping", () => {
    const file = parseLicenseFile(`defaults:\n  currency: GBP\n  prices:\n    ${BASIC}: 4.9\ngroups: {}\n`, FILE);
    expect(file).toEqual({ groups: [], prices: { currency: "GBP", monthly: { [BASIC]: 4.9 } } });
  });
});

describe("parseLicenseFile: `licenses:` as well as `licences:`", () => {
  /** The text with every group's list key spelt `licenses:`. */
  const withLicenses = (text: string) => text.replace(/^( *)licences:/gm, "$1licenses:");
  /** A problem as it reads for a file written with `licenses:`: its path and the keys it quotes in that spelling. */
  const inLicensesSpelling = (problem: LicenseFileProblem): LicenseFileProblem => ({
    ...problem,
    path: problem.path.replace(/\.licences(?=\.|$)/, ".licenses"),
    message: problem.message
      .replace(/\.licences\./g, ".licenses.")
      .replace(/`licences:/g, "`licenses:")
      .replace(/taskTimeoutMinutes, licences$/, "taskTimeoutMinutes, licenses"),
  });

  it("declares the same groups, licences and add-ons from either spelling, mixed in one file too", () => {
    const expected = parseLicenseFile(VALID_FILE, FILE);
    expect(parseLicenseFile(withLicenses(VALID_FILE), FILE)).toEqual(expected);
    const mixed = VALID_FILE.replace("    licences:\n      Microsoft", "    licenses:\n      Microsoft");
    expect(mixed).not.toBe(VALID_FILE);
    expect(parseLicenseFile(mixed, FILE)).toEqual(expected);
  });

  const written = badInputs.filter(({ text }) => /^ *licences:/m.test(text) && !/^ *licenses:/m.test(text));

  it.each(written)("reports $name the same way, quoting the file's own spelling", ({ text }) => {
    const expected = problemsOf(text).problems.map(inLicensesSpelling);
    expect(problemsOf(withLicenses(text)).problems).toEqual(expected);
  });

  it("covers most of the corpus that way", () => {
    expect(written.length).toBeGreaterThanOrEqual(30);
  });

  it("tells a group that lacks the key to add it in the spelling the file uses", () => {
    const error = problemsOf(`groups:\n  a-1:\n    licenses: {}\n  b-2:\n    displayName: B\n`);
    expect(error.problems).toEqual([
      {
        path: "groups.b-2.licenses",
        line: 5,
        column: 5,
        message:
          "is missing: write one key per licence name with its settings under it, e.g. `Microsoft 365 Business Basic: {seats: 5}`; " +
          "write `licenses: {}` for a group without subscriptions",
      },
    ]);
  });

  it("recognises a misplaced or mistyped list key in either spelling", () => {
    const message = (text: string) => problemsOf(text).problems.map((problem) => `${problem.path} ${problem.message}`);
    expect(message("acme-1234:\n  licenses: {}\ngroups: {}\n")).toEqual([
      "acme-1234 is not a top-level key: it looks like a licence group; indent it under `groups:`",
    ]);
    expect(message(oneLicense("seats: 1\nlicenses: {}"))).toEqual([
      `groups.acme-1234.licences."${BASIC}".licenses is not a licence setting: "licenses" is a group setting; move it there`,
    ]);
    expect(message(`groups:\n  acme-1234:\n    licence: {}\n`)).toEqual(['groups.acme-1234.licence is not a group setting: did you mean "licences"?']);
  });
});

describe("loadLicenseFile", () => {
  let dir: string;
  beforeAll(() => {
    dir = makeProgramDir("licence-file");
  });
  afterAll(() => removeDir(dir));

  it("names the path it was given in every problem", () => {
    const file = path.join(dir, "customers.yaml");
    fs.writeFileSync(file, oneLicense("seats: -1"));
    expect(() => loadLicenseFile(file)).toThrow(`${file}:5:16: ${BASIC_SEATS} is -1`);
  });

  it("says when the file cannot be read", () => {
    const missing = path.join(dir, "absent.yaml");
    expect(() => loadLicenseFile(missing)).toThrow(`${missing}: the file cannot be read (no such file)`);
    expect(() => loadLicenseFile(dir)).toThrow("(it is a directory)");
  });

  it("points to the file in the other spelling when the one named does not exist", () => {
    const written = path.join(dir, "licenses.yaml");
    fs.writeFileSync(written, oneLicense("seats: 2"));
    const named = path.join(dir, "licences.yaml");
    expect(() => loadLicenseFile(named)).toThrow(`${named}: the file cannot be read (no such file): check the path; did you mean ${written}?`);
    expect(loadLicenseFile(written).groups[0].subscriptions[0].seats).toBe(2);
  });

  it("accepts the licence files shipped with the examples", () => {
    for (const example of ["gitops/licences.yaml", "multi-tenant/customers.yaml"]) {
      const file = loadLicenseFile(path.join(REPO_ROOT, "examples", example));
      expect(file.groups.length).toBeGreaterThanOrEqual(3);
    }
  });
});

describe("otherSpellingOf", () => {
  it.each([
    ["licences.yaml", "licenses.yaml"],
    ["./config/Licenses.yml", "./config/Licences.yml"],
    ["/srv/licences/customer-licences.yaml", "/srv/licences/customer-licenses.yaml"],
  ])("spells the file name of %s the other way: %s", (given, other) => {
    expect(otherSpellingOf(given)).toBe(other);
  });

  it("has nothing to offer for a file name without the word", () => {
    expect(otherSpellingOf("/srv/licences/customers.yaml")).toBeUndefined();
  });
});

describe("the gitops README", () => {
  const readme = fs.readFileSync(path.join(REPO_ROOT, "examples", "gitops", "README.md"), "utf8");

  it("shows a file format that parses", () => {
    const [, example] = /## The file\n\n```yaml\n([\s\S]*?)```/.exec(readme) ?? [];
    expect(parseLicenseFile(example, FILE).groups[0].subscriptions.map((entry) => entry.license)).toEqual([
      BASIC,
      "Microsoft 365 Business Standard",
      "Microsoft Defender for Office 365 (Plan 1)",
    ]);
  });

  it("shows the problems parseLicenseFile reports for its bad file, word for word", () => {
    const [, badFile, shown] = /```yaml\n([^`]*)```\n\nstops `pulumi preview`[^\n]*\n\n```\n([\s\S]*?)\n```/.exec(readme) ?? [];
    expect(problemsOf(badFile).message).toBe(shown);
  });
});
