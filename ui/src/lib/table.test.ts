import { describe, expect, it } from "vitest";
import { compareDecimal, filterRows, scrollToRow, sortRows, virtualWindow } from "./table";

interface Row {
  name: string;
  cost: string | null;
  invocations: number | null;
}

const rows: Row[] = [
  { name: "api-2", cost: "10.5", invocations: 300 },
  { name: "api-10", cost: "9.99", invocations: null },
  { name: "Worker", cost: null, invocations: 20 },
  { name: "batch", cost: "100", invocations: 300 },
];

describe("sorting", () => {
  it("compares money exactly, as decimals", () => {
    expect(compareDecimal("9.99", "10.5")).toBe(-1);
    expect(compareDecimal("-0.20", "0.1")).toBe(-1);
    expect(compareDecimal("1.10", "1.1")).toBe(0);
    expect(compareDecimal("0.30000000000000000001", "0.3")).toBe(1);
  });

  it("sorts decimals numerically, missing values last in both directions", () => {
    const key = { value: (r: Row) => r.cost, decimal: true };
    expect(sortRows(rows, key, "asc").map((r) => r.name)).toEqual(["api-10", "api-2", "batch", "Worker"]);
    expect(sortRows(rows, key, "desc").map((r) => r.name)).toEqual(["batch", "api-2", "api-10", "Worker"]);
  });

  it("keeps input order on ties and sorts names naturally", () => {
    const byCalls = { value: (r: Row) => r.invocations };
    expect(sortRows(rows, byCalls, "desc").map((r) => r.name)).toEqual(["api-2", "batch", "Worker", "api-10"]);
    const byName = { value: (r: Row) => r.name };
    expect(sortRows(rows, byName, "asc").map((r) => r.name)).toEqual(["api-2", "api-10", "batch", "Worker"]);
  });

  it("does not modify its input", () => {
    const copy = rows.slice();
    sortRows(rows, { value: (r: Row) => r.name }, "desc");
    expect(rows).toEqual(copy);
  });
});

describe("filtering", () => {
  const text = (r: Row) => `${r.name} ${r.invocations ?? ""}`;
  it("matches every word, case-insensitively", () => {
    expect(filterRows(rows, "API", text).map((r) => r.name)).toEqual(["api-2", "api-10"]);
    expect(filterRows(rows, "api 300", text).map((r) => r.name)).toEqual(["api-2"]);
    expect(filterRows(rows, "  ", text)).toHaveLength(4);
    expect(filterRows(rows, "nothing", text)).toHaveLength(0);
  });
});

describe("the virtual window", () => {
  it("renders only the visible rows plus overscan", () => {
    const w = virtualWindow(10_000, 32, 0, 640, 8);
    expect(w).toEqual({ start: 0, end: 29, padTop: 0, padBottom: (10_000 - 29) * 32 });
    const mid = virtualWindow(10_000, 32, 32 * 5000 + 7, 640, 8);
    expect(mid.start).toBe(4992);
    expect(mid.end).toBe(5029);
    expect(mid.padTop + (mid.end - mid.start) * 32 + mid.padBottom).toBe(10_000 * 32);
  });

  it("clamps past the end and handles empty tables", () => {
    const w = virtualWindow(100, 32, 1e9, 640, 4);
    expect(w.end).toBe(100);
    expect(w.start).toBe(100 - 20 - 4);
    expect(virtualWindow(0, 32, 0, 640)).toEqual({ start: 0, end: 0, padTop: 0, padBottom: 0 });
    expect(virtualWindow(5, 32, 0, 640).end).toBe(5);
  });

  it("scrolls a row into view only when needed", () => {
    expect(scrollToRow(0, 32, 100, 320)).toBe(0);
    expect(scrollToRow(5, 32, 100, 320)).toBe(100);
    expect(scrollToRow(20, 32, 100, 320)).toBe(21 * 32 - 320);
  });
});
