// The scenario the What-if view edits, as the CLI's TOML text. Other views hand a scenario over
// by setting `toml` and navigating to the What-if view.

export const whatif = $state({ toml: "" as string });
