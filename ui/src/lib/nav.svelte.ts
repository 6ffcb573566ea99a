// Which view the window shows, and which function the detail view is open on. A plain shared
// state object so any view can navigate (a dashboard row opens a function, a function opens the
// what-if editor) without threading callbacks through the shell.

export type ViewId = "dashboard" | "functions" | "estimate" | "whatif" | "compare" | "catalog" | "settings";

export const nav = $state({
  view: "dashboard" as ViewId,
  /** Store id of the function the Functions view shows in detail; null shows the table. */
  functionId: null as number | null,
});

/** Show `view`; the Functions view returns to its table. */
export function go(view: ViewId): void {
  nav.view = view;
  if (view === "functions") nav.functionId = null;
}

/** Open one function's detail. */
export function openFunction(id: number): void {
  nav.functionId = id;
  nav.view = "functions";
}
