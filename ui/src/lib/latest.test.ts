import { describe, expect, it, vi } from "vitest";
import { latest, type LatestOutcome } from "./latest";

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((res) => (resolve = res));
  return { promise, resolve };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe("latest", () => {
  it("runs at once when idle and reports the answer", async () => {
    const seen: LatestOutcome<number>[] = [];
    const l = latest(async (n: number) => n * 2, (o) => seen.push(o));
    l.push(4);
    await flush();
    expect(seen.map((o) => o.value)).toEqual([8]);
    expect(l.busy()).toBe(false);
  });

  it("keeps one request in flight and runs only the newest edit after it", async () => {
    const gates = [deferred<string>(), deferred<string>()];
    const calls: string[] = [];
    const seen: (string | undefined)[] = [];
    const l = latest(
      (s: string) => {
        calls.push(s);
        return gates[calls.length - 1].promise;
      },
      (o) => seen.push(o.value),
    );
    l.push("a");
    l.push("b");
    l.push("c");
    expect(calls).toEqual(["a"]);
    expect(l.busy()).toBe(true);
    gates[0].resolve("A");
    await flush();
    // "a" was overtaken by "c" (which replaced "b"): its answer is not shown.
    expect(calls).toEqual(["a", "c"]);
    expect(seen).toEqual([]);
    gates[1].resolve("C");
    await flush();
    expect(seen).toEqual(["C"]);
  });

  it("never shows a slow exact run's answer after a newer edit", async () => {
    const gates = [deferred<string>(), deferred<string>()];
    const calls: string[] = [];
    const seen: (string | undefined)[] = [];
    const l = latest(
      (i: { s: string; exact: boolean }) => {
        calls.push(`${i.s}${i.exact ? "!" : ""}`);
        return gates[calls.length - 1].promise;
      },
      (o) => seen.push(o.value),
    );
    l.push({ s: "a", exact: true });
    l.push({ s: "b", exact: false });
    gates[0].resolve("exact a");
    await flush();
    expect(seen).toEqual([]);
    expect(calls).toEqual(["a!", "b"]);
    gates[1].resolve("live b");
    await flush();
    expect(seen).toEqual(["live b"]);
    expect(l.busy()).toBe(false);
  });

  it("reports failures and the elapsed time", async () => {
    let t = 100;
    const seen: LatestOutcome<never>[] = [];
    const l = latest(
      async () => {
        t += 42;
        throw { code: "E_SCENARIO" };
      },
      (o) => seen.push(o),
      0,
      () => t,
    );
    l.push(1);
    await flush();
    expect(seen[0].ok).toBe(false);
    expect(seen[0].error).toEqual({ code: "E_SCENARIO" });
    expect(seen[0].elapsedMs).toBe(42);
    expect(seen[0].startedAt).toBe(100);
  });

  it("waits for a quiet period when asked, and ignores everything after dispose", async () => {
    vi.useFakeTimers();
    const run = vi.fn(async (n: number) => n);
    const seen: number[] = [];
    const l = latest(run, (o) => seen.push(o.value!), 50);
    l.push(1);
    l.push(2);
    await vi.advanceTimersByTimeAsync(49);
    expect(run).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(run).toHaveBeenCalledWith(2);
    l.dispose();
    l.push(3);
    await vi.advanceTimersByTimeAsync(100);
    expect(run).toHaveBeenCalledTimes(1);
    expect(seen).toEqual([2]);
    vi.useRealTimers();
  });
});
