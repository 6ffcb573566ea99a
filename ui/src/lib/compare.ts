// Side-by-side comparison of scenarios: one row per platform label, one cell per scenario, with
// each figure's change against the first scenario and the best value of the row marked.

import type { WhatIfRun } from "./types";

export type Metric = "monthly" | "cold" | "p99";

export interface CompareCell {
  /** Exact decimal string, USD per month. */
  monthlyUsd: string;
  cold: number;
  p99: number;
  /** Relative change against the first scenario's cell (0.12 = +12 %), when both exist. */
  delta: Partial<Record<Metric, number>>;
  /** This cell holds the row's lowest value of the metric (lower is better for all three). */
  best: Partial<Record<Metric, boolean>>;
}

export interface CompareRow {
  label: string;
  /** One per scenario; null where the scenario has no platform of that label. */
  cells: (CompareCell | null)[];
}

const value = (c: CompareCell, m: Metric) => (m === "monthly" ? Number(c.monthlyUsd) : m === "cold" ? c.cold : c.p99);

/** Rows in the order labels first appear across the scenarios. */
export function compareRows(runs: WhatIfRun[]): CompareRow[] {
  const labels: string[] = [];
  for (const r of runs) for (const p of r.result.platforms) if (!labels.includes(p.label)) labels.push(p.label);
  return labels.map((label) => {
    const cells: (CompareCell | null)[] = runs.map((r) => {
      const p = r.result.platforms.find((x) => x.label === label);
      return p
        ? { monthlyUsd: p.cost.monthly_usd, cold: p.cold_start_probability, p99: p.latency_ms.p99, delta: {}, best: {} }
        : null;
    });
    const present = cells.filter((c): c is CompareCell => c !== null);
    for (const m of ["monthly", "cold", "p99"] as Metric[]) {
      const base = cells[0];
      const lowest = Math.min(...present.map((c) => value(c, m)));
      for (const c of present) {
        if (present.length > 1) c.best[m] = value(c, m) === lowest;
        if (base && c !== base) {
          const b = value(base, m);
          c.delta[m] = b === 0 ? (value(c, m) === 0 ? 0 : Infinity) : value(c, m) / b - 1;
        }
      }
    }
    return { label, cells };
  });
}

/** `+12%`, `−3.4%`, `±0%`, `new` (from zero). */
export function formatDelta(d: number): string {
  if (!Number.isFinite(d)) return "new";
  const pct = d * 100;
  if (Math.abs(pct) < 0.05) return "±0%";
  const mag = Math.abs(pct) >= 10 ? Math.round(Math.abs(pct)).toString() : Math.abs(pct).toFixed(1);
  return `${pct > 0 ? "+" : "\u2212"}${mag}%`;
}
