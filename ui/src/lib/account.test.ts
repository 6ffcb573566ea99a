import { describe, expect, it } from "vitest";
import { account, applyProgress, stepFraction } from "./account.svelte";

describe("sync progress", () => {
  it("keeps the latest step, the notes and the Cost Explorer plan", () => {
    account.notes = [];
    account.plannedCostRequests = null;
    applyProgress({ kind: "step", stage: "inventory", label: "us-east-1", done: 1, total: 2 });
    expect(account.step).toEqual({ stage: "inventory", label: "us-east-1", done: 1, total: 2 });
    expect(account.plannedCostRequests).toBeNull();
    applyProgress({ kind: "note", message: "Cost Explorer: 3 request(s) ($0.03)" });
    applyProgress({ kind: "step", stage: "costs", label: "30 day(s) to fetch", done: 0, total: 3 });
    expect(account.notes).toEqual(["Cost Explorer: 3 request(s) ($0.03)"]);
    expect(account.plannedCostRequests).toBe(3);
  });

  it("turns a step into a bar width, unknown totals into null", () => {
    expect(stepFraction(null)).toBeNull();
    expect(stepFraction({ stage: "metrics", label: "", done: 0, total: 0 })).toBeNull();
    expect(stepFraction({ stage: "metrics", label: "", done: 3, total: 4 })).toBe(0.75);
    expect(stepFraction({ stage: "metrics", label: "", done: 9, total: 4 })).toBe(1);
  });
});
