// The typed command layer: one function per Tauri command. Everything the views know about the
// back end goes through here, and every failure comes out as a CommandError.

import { invoke } from "@tauri-apps/api/core";
import type { CatalogInfo, CommandError, EstimateInput, EstimateView, PlatformSummary } from "./types";

/** Shown when the back end cannot be reached at all (IPC failure, not an app error). */
export const E_IPC = "E_IPC";

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
};
