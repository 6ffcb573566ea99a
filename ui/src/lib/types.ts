// Wire types of the desktop commands. Every type that crosses the IPC boundary is generated from
// the Rust type it mirrors (./generated/, written by `scripts/gen-types.sh`; never edit those
// files). Money and decimals cross the wire as exact decimal strings: format them with
// ./format.ts, never do arithmetic on them here. Only narrowings the views add live below.

import type { Chart, EstimateInput, EstimateView } from "./generated";

export type * from "./generated";

/** A field of the estimate form that the back end can reject by name. */
export type InputField = Exclude<keyof EstimateInput, "free_tier">;

/** breakeven-desktop error::CommandError (a breakeven::app::ErrorPayload plus the field at fault) */
export interface CommandError {
  code: string;
  message: string;
  field?: InputField | "profiles" | "days";
}

/** breakeven::store::status::AccountStatus */
export interface AccountStatus {
  key: string;
  name: string;
  source: string;
  regions: string[];
  functions: number;
  metric_series: number;
  metric_points: number;
  /** Unix seconds. */
  metrics_from: number | null;
  metrics_to: number | null;
  cost_rows: number;
  costs_from: string | null;
  costs_to: string | null;
}

/** breakeven::store::sync_runs::RunRow */
export interface RunRow {
  id: number;
  source: string;
  scope: string;
  /** Unix seconds. */
  started_at: number;
  finished_at: number | null;
  status: "running" | "ok" | "failed" | "cancelled";
  rows_written: number;
  error: string | null;
}

/** breakeven::app::db::DbStatus */
export interface DbStatus {
  path: string | null;
  schema_version: number;
  file_bytes: number | null;
  accounts: AccountStatus[];
  last_sync: RunRow[];
}

/** breakeven-desktop commands::account::AccountOverview */
export interface AccountOverview {
  db_path: string;
  status: DbStatus;
  demo_only: boolean;
  demo_loaded: boolean;
}

/** breakeven::app::profiles::ProfileName */
export interface ProfileName {
  name: string;
  in_config: boolean;
  in_credentials: boolean;
}

/** breakeven-desktop commands::account::SyncInput */
export interface SyncInput {
  profiles: string[];
  days: string;
  costs: boolean;
}

/** breakeven::ingest::Step */
export interface Step {
  stage: string;
  label: string;
  done: number;
  total: number;
}

/** breakeven::app::sync::ProgressEvent */
export type ProgressEvent = ({ kind: "step" } & Step) | { kind: "note"; message: string };

/** breakeven::app::sync::SyncReport */
export interface SyncReport {
  run_id: number;
  source: string;
  status: string;
  rows_written: number;
  requests: Record<string, number>;
  http_attempts: Record<string, number>;
  notes: string[];
}

/** breakeven::app::inventory::Window (Unix seconds, [from, to)) */
export interface Window {
  from: number;
  to: number;
}

/** breakeven::app::inventory::FunctionUsage (the store's FunctionRow flattened in) */
export interface FunctionUsage {
  id: number;
  account_key: string;
  region: string;
  name: string;
  arn: string;
  runtime: string | null;
  memory_mb: number;
  architecture: string;
  timeout_s: number;
  ephemeral_storage_mb: number;
  package_type: string;
  provisioned_concurrency: number;
  last_modified: string | null;
  invocations: number;
  errors: number;
  throttles: number;
  avg_duration_ms: number | null;
  p50_ms: number | null;
  p99_ms: number | null;
  peak_concurrency: number | null;
  monthly_requests: number;
  /** Exact decimal, USD per month on AWS Lambda. */
  monthly_cost_usd: string | null;
}

/** breakeven-desktop commands::functions::FunctionTable */
export interface FunctionTable {
  window: Window | null;
  rows: FunctionUsage[];
}

/** breakeven-desktop commands::functions::CostOn */
export interface CostOn {
  id: number;
  total_usd: string | null;
  error: CommandError | null;
}

/** breakeven-desktop commands::functions::MetricSeries */
export interface MetricSeries {
  metric: string;
  stat: string;
  unit: string;
  /** [bucket start, Unix seconds; value] */
  points: [number, number][];
}

/** breakeven-desktop commands::functions::FunctionDetail */
export interface FunctionDetail {
  window: Window;
  usage: FunctionUsage;
  cost: EstimateView;
  /** breakeven_simulator::pricing::UsageProfile the cost was priced from (decimals as strings). */
  profile: Record<string, unknown>;
  bucket_s: number;
  series: MetricSeries[];
  daily_cost: DailyCost[];
  charts: Chart[];
}

/** breakeven::app::inventory::DailyCost */
export interface DailyCost {
  /** Start of the UTC day, Unix seconds. */
  day: number;
  /** Exact decimal, USD. */
  cost_usd: string;
}

/** breakeven-desktop commands::settings::Locations */
export interface Locations {
  db_path: string;
  override_path: string | null;
  override_exists: boolean;
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

/** breakeven::app::analyse::model::AccountCost (the split flattened in) */
export interface AccountCost extends CostSplit {
  free_tier_credit_usd: string;
  total_with_free_tier_usd: string;
}

/** breakeven::app::analyse::model::ServiceCost */
export interface ServiceCost {
  source: string;
  service: string;
  cost_usd: string;
  days: number;
}

/** breakeven::app::dashboard::FunctionCost (the split flattened in) */
export interface FunctionCost extends CostSplit {
  id: number | null;
  name: string;
  invocations: number;
  /** Percent of the usage-derived total, exact decimal. */
  share_pct: string;
}

/** breakeven::app::dashboard::MoverRow (an analyse Mover plus its function) */
export interface MoverRow {
  kind: "function" | "service";
  name: string;
  this_week_usd: string;
  previous_week_usd: string;
  change_usd: string;
  change_pct: number | null;
  function_id: number | null;
}

/** breakeven::app::dashboard::AnomalyRow (an analyse Anomaly plus its function) */
export interface AnomalyRow {
  kind: "function" | "service";
  name: string;
  day: string;
  /** USD (a statistic). */
  cost: number;
  expected: number;
  z: number;
  function_id: number | null;
}

/** breakeven::app::dashboard::ReconciliationStatus */
export interface ReconciliationStatus {
  status: "ok" | "explained" | "unexplained" | "no_bill";
  tolerance: string;
  usage_derived_usd: string;
  billed_usd: string;
  gap_usd: string;
  gap_pct: string | null;
  days_ok: number;
  days_explained: number;
  days_unexplained: number;
  days_without_bill: number;
}

/** breakeven::app::dashboard::DayTotals */
export interface DayTotals {
  day: string;
  billed_usd: string;
  usage_usd: string;
}

/** breakeven-desktop commands::dashboard::DashboardView (breakeven::app::dashboard::Dashboard) */
export interface Dashboard {
  account: string;
  account_name: string;
  from: string;
  to: string;
  billed_usd: string;
  mtd_from: string;
  billed_mtd_usd: string;
  usage: AccountCost;
  usage_mtd_usd: string;
  reconciliation: ReconciliationStatus;
  by_service: ServiceCost[];
  functions: FunctionCost[];
  top_movers: MoverRow[];
  anomaly_rule: string;
  anomalies: AnomalyRow[];
  forecast: { method: string; basis: string; total_usd: string };
  days: DayTotals[];
  last_sync: RunRow | null;
  charts: Chart[];
}

/** breakeven-desktop commands::extract::FunctionScenario: a function's traffic as a scenario. */
export interface FunctionScenario {
  /** The scenario file's text (the CLI's TOML format). */
  toml: string;
  /** Days of traffic it replays. */
  days: number;
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

/** breakeven::app::report::ReportOutcome: what an export wrote. */
export interface ReportOutcome {
  format: ReportFormat;
  /** Absolute paths of the files written (one, or one per CSV table). */
  files: string[];
  bytes: number;
  timings: { simulate_ms: number; sweep_ms: number; tune_ms: number; render_ms: number; write_ms: number };
}
