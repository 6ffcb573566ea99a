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

// ---- The dashboard: breakeven::app::dashboard (money: exact decimal strings; days YYYY-MM-DD).

/** breakeven::app::dashboard::ServiceCost */
export interface ServiceCost {
  service: string;
  cost_usd: string;
  days: number;
}

/** breakeven::app::dashboard::FunctionCost: Lambda cost from metrics over the range. */
export interface FunctionCost {
  id: number;
  name: string;
  requests_usd: string;
  compute_usd: string;
  provisioned_usd: string;
  init_usd: string;
  total_usd: string;
  this_week_usd: string;
  previous_week_usd: string;
  change_usd: string;
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
  usage_usd: string;
  mtd_from: string;
  billed_mtd_usd: string;
  usage_mtd_usd: string;
  lambda_billed_usd: string;
  lambda_usage_usd: string;
  /** Percent, exact decimal; null without a Lambda bill. */
  lambda_gap_pct: string | null;
  by_service: ServiceCost[];
  functions: FunctionCost[];
  top_movers: FunctionCost[];
  days: DayTotals[];
  last_sync: RunRow | null;
  charts: Chart[];
}

/** breakeven-desktop commands::functions::FunctionScenario: a function's traffic as a scenario. */
export interface FunctionScenario {
  /** The scenario file's text (the CLI's TOML format). */
  toml: string;
  /** Days of traffic it replays. */
  days: number;
}

/** breakeven-desktop commands::functions::FunctionTune: the memory tuning curve of a function. */
export interface FunctionTune {
  chart: Chart;
  /** Memory of the cheapest size, MB, and of the fastest within 10 % of it. */
  cheapest_mb: number;
  fastest_within_10pct_mb: number;
  /** The function's configured memory, MB. */
  current_mb: number;
  /** Days of measured traffic replayed. */
  days: number;
  /** Wall-clock time of the tuning run, ms. */
  wall_ms: number;
}
