import { settleRead } from "../../provider/resources/settling";
import type { OperationContext } from "../../provider/resources/operation-context";
import { FakeClock } from "../csp2/fakes";

/** The settle rule on its own, with a clock that moves only when slept on. */

function context(settleMs?: number): { ctx: OperationContext; clock: FakeClock; lines: string[] } {
  const clock = new FakeClock();
  const lines: string[] = [];
  return { clock, lines, ctx: { requester: undefined as never, tell: (subject, message) => lines.push(`${subject}: ${message}`), polling: { now: clock.now, sleep: clock.sleep }, settleMs } };
}

/** A read that answers the values in turn, the last one repeating, and counts its calls. */
function reads<T>(...values: T[]): { read: () => Promise<T>; count: () => number } {
  let calls = 0;
  return {
    read: async () => values[Math.min(calls++, values.length - 1)],
    count: () => calls,
  };
}

describe("settleRead", () => {
  it("returns the first read at once when it shows the outcome, saying nothing", async () => {
    const { ctx, clock, lines } = context();
    const r = reads(12);
    expect(await settleRead(ctx, { subject: "s", awaiting: "12 seats", read: r.read, shows: (v) => v === 12, timeoutMs: 60_000 })).toEqual({ value: 12, shown: true });
    expect(r.count()).toBe(1);
    expect(clock.now()).toBe(0);
    expect(lines).toEqual([]);
  });

  it("reads again with backoff until the outcome shows, and says it is waiting and for how long at most", async () => {
    const { ctx, clock, lines } = context();
    const r = reads(10, 10, 10, 12);
    expect(await settleRead(ctx, { subject: "acme/5", awaiting: "the declared 12 seats", read: r.read, shows: (v) => v === 12, timeoutMs: 30 * 60_000 })).toEqual({
      value: 12,
      shown: true,
    });
    expect(r.count()).toBe(4);
    expect(clock.sleeps.length).toBe(3);
    expect(lines).toEqual(["acme/5: OVH does not show the declared 12 seats yet: reading again for at most 1 min (its reads may lag its changes)"]);
  });

  it("gives the last read once the window has passed without the outcome, never later", async () => {
    const { ctx, clock } = context(20_000);
    const r = reads(10, 10, 11);
    const settled = await settleRead(ctx, { subject: "s", awaiting: "12 seats", read: r.read, shows: (v) => v === 12, timeoutMs: 60_000 });
    expect(settled).toEqual({ value: 11, shown: false });
    expect(clock.now()).toBe(20_000);
  });

  it("is bounded by the operation's task timeout", async () => {
    const { ctx, clock } = context(60_000);
    const settled = await settleRead(ctx, { subject: "s", awaiting: "x", read: reads(1).read, shows: () => false, timeoutMs: 5_000 });
    expect(settled.shown).toBe(false);
    expect(clock.now()).toBe(5_000);
  });

  it("decides from one read when the window is 0", async () => {
    const { ctx, clock } = context(0);
    const r = reads(10, 12);
    expect(await settleRead(ctx, { subject: "s", awaiting: "x", read: r.read, shows: (v) => v === 12, timeoutMs: 60_000 })).toEqual({ value: 10, shown: false });
    expect(r.count()).toBe(1);
    expect(clock.now()).toBe(0);
  });

  it("takes a read of nothing (a resource gone) as an outcome, and a given first read instead of reading", async () => {
    const { ctx } = context();
    const r = reads<number | undefined>(undefined);
    expect(await settleRead(ctx, { subject: "s", awaiting: "it gone", read: r.read, shows: (v) => v === undefined, timeoutMs: 60_000, first: 3 })).toEqual({
      value: undefined,
      shown: true,
    });
    expect(r.count()).toBe(1);
  });

  it("lets a read's failure through", async () => {
    const { ctx } = context();
    const failing = async (): Promise<number> => {
      throw new Error("no answer");
    };
    await expect(settleRead(ctx, { subject: "s", awaiting: "x", read: failing, shows: () => true, timeoutMs: 60_000 })).rejects.toThrow("no answer");
  });
});
