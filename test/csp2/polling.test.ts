import { Csp2InputError, defaultPollSchedule, nextPollDelay, pollUntil } from "../../provider/csp2";
import { FakeClock } from "./fakes";

/**
 * Replays the schedule against a task that ends `durationMs` after the wait starts, each poll taking `rttMs`:
 * how many polls see it, and how late the last one is.
 */
function replay(durationMs: number, rttMs = 20): { polls: number; lateMs: number } {
  let sentAt = 0;
  for (let attempt = 0; ; attempt++) {
    sentAt += Math.max(rttMs, nextPollDelay(attempt, attempt === 0 ? 0 : sentAt + rttMs));
    if (sentAt >= durationMs) return { polls: attempt + 1, lateMs: sentAt + rttMs - durationMs };
  }
}

describe("nextPollDelay", () => {
  it("waits just under a second before the first poll", () => {
    expect(nextPollDelay(0, 0)).toBe(950);
    expect(nextPollDelay(0, 0, { initialDelayMs: 0 })).toBe(0);
  });

  it("keeps a floor early, grows with the time waited, and stops at the cap", () => {
    expect(nextPollDelay(1, 1000)).toBe(950);
    expect(nextPollDelay(5, 20_000)).toBe(Math.round(20_000 * defaultPollSchedule.growth));
    expect(nextPollDelay(30, 600_000)).toBe(10_000);
    expect(nextPollDelay(30, 600_000, { maxDelayMs: 5000 })).toBe(5000);
    expect(nextPollDelay(2, 4000, { growth: 0.5, minDelayMs: 100 })).toBe(2000);
  });

  it("never shrinks as time passes", () => {
    let previous = 0;
    for (let elapsed = 0; elapsed < 300_000; elapsed += 700) {
      const delay = nextPollDelay(1, elapsed);
      expect(delay).toBeGreaterThanOrEqual(previous);
      previous = delay;
    }
  });

  it.each([2, 10, 60])("meets the task-latency goal for a %i s task: late ≤ max(1 s, 25%%), polls ≤ 1 + 3·log2(s)", (seconds) => {
    const { polls, lateMs } = replay(seconds * 1000);
    expect(lateMs).toBeLessThanOrEqual(Math.max(1000, 0.25 * seconds * 1000));
    expect(polls).toBeLessThanOrEqual(1 + 3 * Math.log2(seconds));
  });

  it("is never later than max(1 s, 25%) of the task for any duration up to an hour, with 20 ms requests", () => {
    for (let ms = 50; ms <= 3_600_000; ms = Math.ceil(ms * 1.005)) {
      expect(replay(ms).lateMs).toBeLessThanOrEqual(Math.max(1000, 0.25 * ms));
    }
  });

  it("rejects unusable settings, naming them", () => {
    expect(() => nextPollDelay(1, 0, { growth: -1 })).toThrow(Csp2InputError);
    expect(() => nextPollDelay(1, 0, { growth: -1 })).toThrow("growth: -1");
    expect(() => nextPollDelay(1, 0, { minDelayMs: 5000, maxDelayMs: 1000 })).toThrow("maxDelayMs: 1000 is below minDelayMs (5000)");
  });
});

describe("pollUntil", () => {
  it("polls on the schedule until the probe answers, without real waiting", async () => {
    const clock = new FakeClock();
    const seen: number[] = [];
    const result = await pollUntil(
      async ({ polls, elapsedMs }) => {
        seen.push(elapsedMs);
        return polls === 4 ? "ready" : undefined;
      },
      () => new Error("timed out"),
      { now: clock.now, sleep: clock.sleep },
      60_000,
    );
    expect(result).toBe("ready");
    expect(clock.sleeps).toEqual([950, 950, 950, 950]);
    expect(seen).toEqual([950, 1900, 2850, 3800]);
  });

  it("makes its last poll at the deadline, then throws the timeout error", async () => {
    const clock = new FakeClock();
    let polls = 0;
    const waiting = pollUntil(
      async () => {
        polls += 1;
        return undefined;
      },
      ({ elapsedMs, polls: made }) => new Error(`gave up after ${elapsedMs} ms and ${made} polls`),
      { now: clock.now, sleep: clock.sleep, timeoutMs: 2500 },
      60_000,
    );
    await expect(waiting).rejects.toThrow("gave up after 2500 ms and 3 polls");
    expect(clock.sleeps).toEqual([950, 950, 600]);
    expect(polls).toBe(3);
  });

  it("spaces polls from when each was sent, so a slow answer does not delay the next one", async () => {
    const clock = new FakeClock();
    const sentAt: number[] = [];
    await pollUntil(
      async ({ polls }) => {
        sentAt.push(clock.now());
        clock.advance(400);
        return polls === 3 ? true : undefined;
      },
      () => new Error("timed out"),
      { now: clock.now, sleep: clock.sleep },
      60_000,
    );
    expect(sentAt).toEqual([950, 1900, 2850]);
  });

  it("still polls once with a zero timeout", async () => {
    const clock = new FakeClock();
    const result = await pollUntil(async () => 42, () => new Error("timed out"), { now: clock.now, sleep: clock.sleep, timeoutMs: 0 }, 1000);
    expect(result).toBe(42);
    expect(clock.sleeps).toEqual([]);
  });

  it("rejects a negative timeout before polling", async () => {
    const probe = jest.fn(async () => 1);
    await expect(pollUntil(probe, () => new Error("x"), { timeoutMs: -5 }, 1000)).rejects.toThrow("timeoutMs: -5");
    expect(probe).not.toHaveBeenCalled();
  });
});
