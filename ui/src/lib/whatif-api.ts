// The what-if commands, typed (one function per Tauri command; failures are CommandErrors).

import { call } from "./api";
import type { BillRates, BreakevenView, CommitRecommendation, ReportFormat, ReportOutcome, Scenario, ScenarioFile, Theme, WhatIfRun } from "./types";

export const whatifApi = {
  demo: () => call<ScenarioFile>("whatif_demo"),
  /** A live preview, or with `exact` the scenario as written. */
  run: (scenario: Scenario, exact: boolean) => call<WhatIfRun>("whatif_run", { scenario, exact }),
  /** Break-even curves, the chart drawn in `theme`. */
  breakeven: (scenario: Scenario, theme: Theme) => call<BreakevenView>("whatif_breakeven", { scenario, theme }),
  /** The bill's effective rates of `account` (its key; "" for the only stored one) as discounts
   *  for the platforms of `scenario`. */
  billRates: (account: string, scenario: Scenario) => call<BillRates>("whatif_bill_rates", { account, scenario }),
  /** The best hourly commitment per plan for each platform (`commit recommend`). */
  recommend: (scenario: Scenario) => call<CommitRecommendation>("whatif_recommend", { scenario }),
  /** Native open dialog; null when cancelled. */
  open: () => call<ScenarioFile | null>("scenario_open"),
  /** Native save dialog; null when cancelled. */
  save: (scenario: Scenario) => call<ScenarioFile | null>("scenario_save", { scenario }),
  compare: (scenarios: Scenario[]) => call<WhatIfRun[]>("scenario_compare", { scenarios }),
  /** The scenario's report through the native save dialog; null when cancelled. */
  exportReport: (scenario: Scenario, format: ReportFormat) => call<ReportOutcome | null>("report_export", { scenario, format }),
};
