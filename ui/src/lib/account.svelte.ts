// The data behind the views: opened once at start (the demo account is loaded into an empty
// database), refreshed after a sync. Views wait for `ready` before asking for numbers.

import { listen } from "@tauri-apps/api/event";
import { api, startupMark, toCommandError } from "./api";
import type { AccountOverview, CommandError, ProgressEvent, Step, SyncInput, SyncReport } from "./types";

export const account = $state({
  overview: null as AccountOverview | null,
  error: null as CommandError | null,
  /** Bumped after every load or sync so views re-read their data. */
  revision: 0,
  /** The latest step of a running demo load or sync. */
  step: null as Step | null,
  /** Notes of the running sync (e.g. the Cost Explorer requests it will make). */
  notes: [] as string[],
  /** Cost Explorer requests the running sync planned (from its `costs` stage). */
  plannedCostRequests: null as number | null,
  syncing: false,
  /** The sync panel (profiles, progress, cancel) is open. */
  panelOpen: false,
  /** The last sync was cancelled (its committed batches stay stored). */
  cancelled: false,
  lastReport: null as SyncReport | null,

  async open(): Promise<void> {
    // Both requests leave at once: the overview is usually ready at start, and waiting for the
    // listener first would only delay it (a first run's demo load reports for seconds, so at
    // most its first step is missed).
    const listening = listenProgress();
    try {
      account.overview = await api.accountOpen();
      startupMark("account");
      account.error = null;
      account.revision++;
    } catch (e) {
      account.error = toCommandError(e);
    } finally {
      account.step = null;
      (await listening)();
    }
  },

  async sync(input: SyncInput): Promise<void> {
    account.syncing = true;
    account.notes = [];
    account.plannedCostRequests = null;
    account.lastReport = null;
    account.cancelled = false;
    account.error = null;
    const stop = await listenProgress();
    try {
      account.lastReport = await api.syncStart(input);
    } catch (e) {
      const err = toCommandError(e);
      if (err.code === "E_CANCELLED") account.cancelled = true;
      else account.error = err;
    } finally {
      stop();
      account.syncing = false;
      account.step = null;
    }
    // Committed batches stay even after an error or a cancel: show what is stored now.
    try {
      account.overview = await api.accountOpen();
      account.revision++;
    } catch (e) {
      account.error = toCommandError(e);
    }
  },

  async cancel(): Promise<void> {
    await api.syncCancel();
  },
});

/** Apply one progress event to the shared state. */
export function applyProgress(e: ProgressEvent): void {
  if (e.kind === "note") {
    account.notes = [...account.notes, e.message];
    return;
  }
  account.step = { stage: e.stage, label: e.label, done: e.done, total: e.total };
  if (e.stage === "costs") account.plannedCostRequests = e.total;
}

async function listenProgress(): Promise<() => void> {
  try {
    return await listen<ProgressEvent>("sync-progress", (ev) => applyProgress(ev.payload));
  } catch {
    // Without events the work still runs; only the bar stays empty.
    return () => {};
  }
}

/** Fraction done of a step for a progress bar, or null when the total is not known yet. */
export function stepFraction(step: Step | null): number | null {
  if (!step || step.total <= 0) return null;
  return Math.min(step.done / step.total, 1);
}
