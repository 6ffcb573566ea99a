// Wire types of the desktop commands, written by hand to mirror the Rust types they come from
// (named beside each). Money and decimals cross the wire as exact decimal strings: format them
// with ./format.ts, never do arithmetic on them here.

/** breakeven_simulator::pricing::PlatformKind */
export type PlatformKind = "faas" | "container" | "vm" | "control-plane" | "front-door";

/** breakeven::app::catalog::PlatformSummary */
export interface PlatformSummary {
  id: string;
  name: string;
  provider: string;
  kind: PlatformKind;
  regions: string[];
  retired: boolean;
  /** Oldest and newest as-of date of its prices (YYYY-MM-DD). */
  as_of: [string, string] | null;
}

/** breakeven::app::catalog::CatalogInfo */
export interface CatalogInfo {
  version: string;
  files: string[];
  platforms: number;
  prices: number;
  oldest_as_of: string | null;
  newest_as_of: string | null;
}

/** breakeven_simulator::pricing::CostCategory */
export type CostCategory =
  | "requests"
  | "compute"
  | "provisioned"
  | "init"
  | "storage"
  | "instances"
  | "control_plane"
  | "subscription";

/** breakeven_simulator::pricing::CostLine */
export interface CostLine {
  item: string;
  category: CostCategory;
  dimension: string;
  /** Exact decimal. */
  quantity: string;
  unit: string;
  /** Exact decimal, USD per unit. */
  unit_price_usd: string;
  /** Exact decimal, USD (negative for credits). */
  amount_usd: string;
  /** A free-tier or included-allowance credit; absent when false. */
  credit?: boolean;
}

/** breakeven-desktop commands::estimate::CategoryTotal */
export interface CategoryTotal {
  category: CostCategory;
  label: string;
  /** Exact decimal, USD, net of credits. */
  amount_usd: string;
}

/** breakeven-desktop commands::estimate::EstimateView (EstimateReport + CostBreakdown flattened) */
export interface EstimateView {
  platform: string;
  region: string;
  lines: CostLine[];
  /** Exact decimal, USD: what the provider would charge. */
  total_usd: string;
  /** Exact decimal, USD: free-tier and included allowances used (already inside the total). */
  free_tier_usd: string;
  notes: string[];
  platform_name: string;
  catalog_version: string;
  prices_as_of: [string, string] | null;
  categories: CategoryTotal[];
}

export type Arch = "x86_64" | "arm64";
export type Pricing = "on-demand" | "1yr" | "3yr" | "spot";

/** breakeven-desktop commands::estimate::EstimateInput: the form as typed ("" = default). */
export interface EstimateInput {
  platform: string;
  region: string;
  requests: string;
  duration_ms: string;
  memory_mb: string;
  arch: Arch;
  cpu_ms: string;
  provisioned_concurrency: string;
  hours: string;
  instances: string;
  vcpu: string;
  memory_gb: string;
  size: string;
  pricing: Pricing;
  free_tier: boolean;
}

export type InputField = Exclude<keyof EstimateInput, "free_tier">;

/** breakeven-desktop error::CommandError (a breakeven::app::ErrorPayload plus the field at fault) */
export interface CommandError {
  code: string;
  message: string;
  field?: InputField;
}
