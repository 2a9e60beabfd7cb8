import { allowDeleteAdvice, deletionAdvice, isDeletionAllowed, noDeletionAllowed, parseDeletionAllowance } from "../../provider/resources/deletion-intent";

describe("parseDeletionAllowance", () => {
  it("reads nothing as no delete allowed", () => {
    expect(parseDeletionAllowance(undefined)).toBe(noDeletionAllowed);
    expect(parseDeletionAllowance("  ")).toBe(noDeletionAllowed);
  });

  it("reads a YAML list (handed over as JSON), and names separated by commas or spaces", () => {
    const fromList = parseDeletionAllowance('["csp2-1f4a7c92","csp2-8d03b5e6/123"]');
    const fromText = parseDeletionAllowance("csp2-1f4a7c92, csp2-8d03b5e6/123");
    for (const allowance of [fromList, fromText]) {
      expect([...allowance.entries].sort()).toEqual(["csp2-1f4a7c92", "csp2-8d03b5e6/123"]);
      expect(allowance.everything).toBe(false);
    }
    expect(parseDeletionAllowance("*").everything).toBe(true);
  });

  it.each(['{"a":1}', "[1,2]", "[not json", "csp2-x/abc", "../etc", "a b/c/d"])("refuses %s, naming the key and the forms", (raw) => {
    expect(() => parseDeletionAllowance(raw)).toThrow(/Stack config ovh-office365:allowDeletes is .* give "\*", licence group serviceNames, or subscription ids/);
  });
});

describe("isDeletionAllowed", () => {
  const allowance = parseDeletionAllowance("csp2-a, csp2-b/7");
  it.each([
    ["csp2-a", undefined, true],
    ["csp2-a", 3, true],
    ["csp2-b", 7, true],
    ["csp2-b", 8, false],
    ["csp2-b", undefined, false],
    ["csp2-c", 1, false],
  ] as const)("%s/%s → %s", (serviceName, subscriptionId, allowed) => {
    expect(isDeletionAllowed(allowance, serviceName, subscriptionId)).toBe(allowed);
  });

  it("allows everything with *, nothing by default", () => {
    expect(isDeletionAllowed(parseDeletionAllowance("*"), "csp2-z", 1)).toBe(true);
    expect(isDeletionAllowed(noDeletionAllowed, "csp2-z", 1)).toBe(false);
  });
});

describe("deletionAdvice", () => {
  it("names the command that allows this delete and the ways to stop managing without deleting", () => {
    const advice = deletionAdvice("csp2-a", 7);
    expect(advice).toContain("pulumi config set ovh-office365:allowDeletes csp2-a/7");
    expect(advice).toContain("or the whole group, csp2-a");
    expect(advice).toContain("retainOnDelete: true");
    expect(advice).toContain("pulumi state delete");
    expect(deletionAdvice("csp2-a")).toContain("pulumi config set ovh-office365:allowDeletes csp2-a`");
  });

  it("starts with the one sentence that allows the delete, which a refused replacement gives too", () => {
    expect(deletionAdvice("csp2-a", 7).startsWith(`${allowDeleteAdvice("delete", "csp2-a", 7)} `)).toBe(true);
    expect(allowDeleteAdvice("replace", "csp2-a", 7)).toBe(
      'To replace it, allow the delete in the same change: `pulumi config set ovh-office365:allowDeletes csp2-a/7` (or the whole group, csp2-a; "*" allows every delete).',
    );
    expect(allowDeleteAdvice("delete", "csp2-a")).toBe(
      'To delete it, allow the delete in the same change: `pulumi config set ovh-office365:allowDeletes csp2-a` ("*" allows every delete).',
    );
  });
});
