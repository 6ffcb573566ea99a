// The typed command layer: one function per Tauri command. Everything the views know about the
// back end goes through here, and every failure comes out as a CommandError.

import { invoke } from "@tauri-apps/api/core";
import type {
  AccountOverview,
  Calibration,
  CatalogInfo,
  CommandError,
  CostOn,
  DashboardView,
  EstimateInput,
  ErrorCode,
  EstimateView,
  FunctionDetail,
  FunctionTuning,
  FunctionTable,
  Locations,
  PlatformSummary,
  ProfileName,
  ScenarioFile,
  SyncInput,
  SyncReport,
  Theme,
} from "./types";

/** Shown when the back end cannot be reached at all (IPC failure, not an app error). */
export const E_IPC: ErrorCode = "E_IPC";

export function isCommandError(e: unknown): e is CommandError {
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as CommandError).code === "string" &&
    typeof (e as CommandError).message === "string"
  );
}

/** Any rejection as a CommandError: the back end's own, or a generic one (never a raw string). */
export function toCommandError(e: unknown): CommandError {
  if (isCommandError(e)) return e;
  return { code: E_IPC, message: "The app could not reach its pricing engine. Restart Breakeven." };
}

export async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toCommandError(e);
  }
}

export const api = {
  catalogPlatforms: () => call<PlatformSummary[]>("catalog_platforms"),
  catalogInfo: () => call<CatalogInfo>("catalog_info"),
  estimate: (input: EstimateInput) => call<EstimateView>("estimate", { input }),
  accountOpen: () => call<AccountOverview>("account_open"),
  awsProfiles: () => call<ProfileName[]>("aws_profiles"),
  syncStart: (input: SyncInput) => call<SyncReport>("sync_start", { input }),
  syncCancel: () => call<boolean>("sync_cancel"),
  functionsList: (days: string) => call<FunctionTable>("functions_list", { days }),
  functionsCostOn: (platform: string, days: string) => call<CostOn[]>("functions_cost_on", { platform, days }),
  functionDetail: (id: number, days: string, theme: Theme) =>
    call<FunctionDetail>("function_detail", { id, days, theme }),
  dashboard: (account: string, theme: Theme) => call<DashboardView>("dashboard", { account, theme }),
  /** The function's last week of traffic as a what-if scenario, parsed, with its file text. */
  functionScenario: (id: number) => call<ScenarioFile>("function_scenario", { id }),
  functionTuning: (id: number, theme: Theme) => call<FunctionTuning>("function_tuning", { id, theme }),
  functionCalibration: (id: number) => call<Calibration | null>("function_calibration", { id }),
  settingsLocations: () => call<Locations>("settings_locations"),
  catalogReload: () => call<CatalogInfo>("catalog_reload"),
  dbChoose: (path: string) => call<AccountOverview>("db_choose", { path }),
  /** Tells the back end the first dashboard is on screen (a start-up measurement; no effect otherwise). */
  startupReady: (marks: Record<string, number>, now: number) => call<void>("startup_ready", { marks, now }),
};

let startupReported = false;
const startupMarks: Record<string, number> = {};

/** Notes when a start-up step happened (the first time only), reported with the painted dashboard. */
export function startupMark(step: string): void {
  if (!startupReported && !(step in startupMarks) && typeof performance !== "undefined") {
    startupMarks[step] = performance.now();
  }
}

/** Once per app run, after the next frame is painted: report that the dashboard is on screen. */
export function reportPainted(): void {
  if (startupReported || typeof requestAnimationFrame !== "function") return;
  startupMark("data");
  startupReported = true;
  // The first callback runs before the frame with the new content is painted, the second after it.
  requestAnimationFrame(() =>
    requestAnimationFrame(() => void api.startupReady(startupMarks, performance.now()).catch(() => {})),
  );
}
