// Wire types of the desktop commands. Every type that crosses the IPC boundary is generated from
// the Rust type it mirrors (./generated/, written by `scripts/gen-types.sh`; never edit those
// files). Money and decimals cross the wire as exact decimal strings: format them with
// ./format.ts, never do arithmetic on them here. Only narrowings the views add live below.

import type { Chart, EstimateInput } from "./generated";

export type * from "./generated";

/** A field of the estimate form that the back end can reject by name. */
export type InputField = Exclude<keyof EstimateInput, "free_tier">;

/** breakeven-desktop error::CommandError (a breakeven::app::ErrorPayload plus the field at fault) */
export interface CommandError {
  code: string;
  message: string;
  field?: InputField | "profiles" | "days";
}

/** breakeven-desktop commands::functions::CostOn */
export interface CostOn {
  id: number;
  total_usd: string | null;
  error: CommandError | null;
}

// ---- The dashboard: breakeven::app::dashboard, the figures of `analyse` (money: exact decimal
// strings; days YYYY-MM-DD).

/** breakeven::app::analyse::model::CostSplit */
export interface CostSplit {
  requests_usd: string;
  compute_usd: string;
  provisioned_usd: string;
  init_usd: string;
  storage_usd: string;
  total_usd: string;
}


/** breakeven-desktop commands::extract::FunctionTuning: cost and latency per memory size. */
export interface FunctionTuning {
  tune: {
    scenario: string;
    platforms: {
      label: string;
      id: string;
      rows: { memory_mb: number; monthly_usd: string; mean_ms: number; p50_ms: number; p95_ms: number; p99_ms: number }[];
      /** Memory of the cheapest row, MB. */
      cheapest_mb: number;
    }[];
    skipped: string[];
    simulated_requests: number;
  };
  chart: Chart;
  /** Time the simulations took, ms. */
  engine_ms: number;
}

/** breakeven::report::Format */
export type ReportFormat = "html" | "csv" | "json" | "md";
