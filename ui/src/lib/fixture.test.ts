import { describe, expect, it } from "vitest";
import { fixtureRows } from "./fixture";
import { filterRows, sortRows, virtualWindow } from "./table";

describe("the 10,000-row fixture", () => {
  it("is deterministic and well-formed", () => {
    const a = fixtureRows(10_000);
    const b = fixtureRows(10_000);
    expect(a).toEqual(b);
    expect(new Set(a.map((r) => r.id)).size).toBe(10_000);
    for (const r of a.slice(0, 500)) {
      expect(r.monthly_cost_usd).toMatch(/^\d+\.\d\d$/);
      expect(r.p50_ms!).toBeLessThanOrEqual(r.p99_ms!);
    }
  });

  it("sorts, filters and windows 10,000 rows within a frame budget", () => {
    const rows = fixtureRows(10_000);
    const text = (r: (typeof rows)[number]) => `${r.name} ${r.region} ${r.architecture}`;
    const t0 = performance.now();
    const sorted = sortRows(rows, { value: (r) => r.monthly_cost_usd, decimal: true }, "desc");
    const t1 = performance.now();
    const byFloat = rows.slice().sort((x, y) => Number(y.monthly_cost_usd) - Number(x.monthly_cost_usd));
    const t2 = performance.now();
    const filtered = filterRows(sorted, "checkout arm64", text);
    const t3 = performance.now();
    for (let top = 0; top < 340_000; top += 600) virtualWindow(rows.length, 34, top, 560);
    const t4 = performance.now();
    console.log(
      `10,000 rows: exact decimal sort ${(t1 - t0).toFixed(1)} ms (baseline float sort ${(t2 - t1).toFixed(1)} ms), ` +
        `filter ${(t3 - t2).toFixed(1)} ms, 567 window computations ${(t4 - t3).toFixed(2)} ms`,
    );
    expect(sorted.map((r) => r.monthly_cost_usd)).toEqual(byFloat.map((r) => r.monthly_cost_usd));
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.every((r) => r.name.includes("checkout") && r.architecture === "arm64")).toBe(true);
    expect(t1 - t0).toBeLessThan(1000);
  });
});
