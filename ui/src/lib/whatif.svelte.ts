// The scenario handed to the what-if view by other views (a function's traffic opened "as
// what-if"): the parsed scenario with its file text, as the desktop extracted it. The what-if
// view takes it over when it is set.

import type { Scenario, ScenarioFile } from "./types";

export const whatif = $state({ handed: null as ScenarioFile | null });

/** Open `file` in the what-if view (the caller then switches to that view). */
export function openAsWhatIf(file: ScenarioFile): void {
  whatif.handed = file;
}

/** Scenarios opened or saved since the app started, newest first: what the compare view offers. */
export const library = $state({ files: [] as ScenarioFile[] });

/** Remember `file` (replacing an older copy of the same path or name). */
export function remember(file: ScenarioFile): void {
  const key = (f: ScenarioFile) => f.path || f.scenario.name;
  library.files = [file, ...library.files.filter((f) => key(f) !== key(file))].slice(0, 12);
}

/** The scenario being edited, kept while the user visits other views. */
export const editor = $state({
  scenario: null as Scenario | null,
  /** File it was opened from or last saved to ("" for the demo or a handed-over scenario). */
  path: "",
});
