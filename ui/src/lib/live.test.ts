import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { live, type LiveOutcome } from "./live";

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("live", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("runs once after edits pause, with the last input", async () => {
    const run = vi.fn(async (n: number) => n * 2);
    const seen: LiveOutcome<number>[] = [];
    const l = live(run, (o) => seen.push(o), 150);
    l.push(1);
    await vi.advanceTimersByTimeAsync(100);
    l.push(2);
    await vi.advanceTimersByTimeAsync(100);
    l.push(3);
    expect(run).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(150);
    expect(run).toHaveBeenCalledTimes(1);
    expect(run).toHaveBeenCalledWith(3);
    expect(seen.map((o) => o.value)).toEqual([6]);
  });

  it("ignores a slow answer to an older input", async () => {
    const first = deferred<string>();
    const second = deferred<string>();
    const answers = [first.promise, second.promise];
    const seen: (string | undefined)[] = [];
    const l = live(() => answers.shift()!, (o) => seen.push(o.value), 10);
    l.flush("a");
    l.flush("b");
    second.resolve("B");
    await vi.advanceTimersByTimeAsync(0);
    first.resolve("A");
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual(["B"]);
  });

  it("reports errors and the round trip time", async () => {
    let t = 0;
    const l = live(
      async () => {
        t += 7;
        throw { code: "E_BAD_INPUT", message: "no" };
      },
      (o) => {
        expect(o.ok).toBe(false);
        expect(o.error).toEqual({ code: "E_BAD_INPUT", message: "no" });
        expect(o.elapsedMs).toBe(7);
        t = -1;
      },
      10,
      () => t,
    );
    l.flush(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(t).toBe(-1);
  });

  it("does nothing after dispose", async () => {
    const run = vi.fn(async () => 1);
    const l = live(run, () => {}, 10);
    l.push(0);
    l.dispose();
    await vi.advanceTimersByTimeAsync(50);
    expect(run).not.toHaveBeenCalled();
  });
});
