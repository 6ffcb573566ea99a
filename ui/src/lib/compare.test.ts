import { describe, expect, it } from "vitest";
import { compareRows, formatDelta } from "./compare";
import type { WhatIfRun } from "./types";

function run(platforms: [string, string, number, number][]): WhatIfRun {
  return {
    result: {
      platforms: platforms.map(([label, monthly, cold, p99]) => ({
        label,
        cost: { monthly_usd: monthly },
        cold_start_probability: cold,
        latency_ms: { p99 },
      })),
    },
  } as unknown as WhatIfRun;
}

describe("compareRows", () => {
  it("lines platforms up by label and marks changes against the first scenario", () => {
    const rows = compareRows([
      run([["aws-lambda", "100", 0.02, 800], ["aws-fargate", "50", 0, 300]]),
      run([["aws-lambda", "110", 0.01, 800], ["gcp-cloud-run", "20", 0.05, 900]]),
    ]);
    expect(rows.map((r) => r.label)).toEqual(["aws-lambda", "aws-fargate", "gcp-cloud-run"]);
    const [a, b] = rows[0].cells;
    expect(b!.delta.monthly).toBeCloseTo(0.1, 9);
    expect(b!.delta.cold).toBeCloseTo(-0.5, 9);
    expect(b!.delta.p99).toBe(0);
    expect(a!.best).toEqual({ monthly: true, cold: false, p99: true });
    expect(b!.best).toEqual({ monthly: false, cold: true, p99: true });
    expect(rows[1].cells[1]).toBeNull();
    expect(rows[2].cells[0]).toBeNull();
    // A platform only one scenario has is not "best" against nothing.
    expect(rows[2].cells[1]!.best).toEqual({});
  });

  it("formats changes", () => {
    expect(formatDelta(0.1234)).toBe("+12%");
    expect(formatDelta(-0.034)).toBe("\u22123.4%");
    expect(formatDelta(0)).toBe("±0%");
    expect(formatDelta(Infinity)).toBe("new");
  });
});
