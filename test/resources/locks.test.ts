import { withLock } from "../../provider/resources/locks";

describe("withLock", () => {
  it("runs work on one key one at a time, in order, and goes on after a failure", async () => {
    const events: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = withLock("k", async () => {
      events.push("first:start");
      await gate;
      events.push("first:end");
      throw new Error("boom");
    });
    const second = withLock("k", async () => {
      events.push("second");
      return 2;
    });
    const other = withLock("other", async () => {
      events.push("other");
    });
    await other;
    expect(events).toEqual(["first:start", "other"]);
    release();
    await expect(first).rejects.toThrow("boom");
    await expect(second).resolves.toBe(2);
    expect(events).toEqual(["first:start", "other", "first:end", "second"]);
  });
});
