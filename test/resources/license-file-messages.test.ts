import { LicenseFileError, formatPath, numberProblem, unreadableFileMessage, type NumberRule } from "../../provider/resources/license-file-messages";

const BASIC = "Microsoft 365 Business Basic";

describe("formatPath", () => {
  it("quotes segments that are not plain names", () => {
    expect(formatPath(["groups", "acme-1234", "licences", BASIC, "seats"])).toBe(`groups.acme-1234.licences."${BASIC}".seats`);
    expect(formatPath(["groups", "a.b"])).toBe('groups."a.b"');
    expect(formatPath([])).toBe("");
  });
});

describe("numberProblem", () => {
  const rule: NumberRule = { min: 1, max: 50, what: "the number of seats", example: 5, belowMin: "delete its entry instead" };

  it("accepts a whole number within the rule", () => {
    expect(numberProblem(1, rule)).toBeUndefined();
    expect(numberProblem(50, rule)).toBeUndefined();
  });

  it.each([
    [undefined, "is missing: add it, e.g. 5 (the number of seats)"],
    [null, "has no value: write the number of seats as a whole number from 1 to 50 (e.g. 5)"],
    ["12", 'is the text "12", not a number: remove the quotes (12)'],
    [2.5, "is 2.5, not a whole number: write 2 or 3 (the number of seats)"],
    [0, "is 0, less than 1: delete its entry instead"],
    [51, "is 51, more than 50 (the number of seats): check for a typo and write a smaller number"],
  ])("says what is wrong with %p and the fix", (value, message) => {
    expect(numberProblem(value, rule)).toBe(message);
  });
});

describe("unreadableFileMessage", () => {
  it("says why the file cannot be read, and where a relative path was looked for", () => {
    const missing = Object.assign(new Error("ENOENT: no such file or directory"), { code: "ENOENT" });
    expect(unreadableFileMessage(missing, "/srv/stack")).toBe("the file cannot be read (no such file): check the path (relative to /srv/stack)");
    expect(unreadableFileMessage(Object.assign(new Error("EISDIR"), { code: "EISDIR" }))).toBe(
      "the file cannot be read (it is a directory): check the path",
    );
  });
});

describe("LicenseFileError", () => {
  it("lists one problem on one line, several under a heading, each with its position when known", () => {
    expect(new LicenseFileError("l.yaml", [{ path: "groups", line: 2, column: 3, message: "is a list" }]).message).toBe("l.yaml:2:3: groups is a list");
    const several = new LicenseFileError("l.yaml", [
      { path: "", message: "the file is empty" },
      { path: "defaults.maxSeatChange", line: 2, column: 18, message: "is 0" },
    ]);
    expect(several.message).toBe("l.yaml has 2 problems:\n  l.yaml: the file is empty\n  l.yaml:2:18: defaults.maxSeatChange is 0");
  });
});
