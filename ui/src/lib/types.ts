// Wire types of the desktop commands. Every type that crosses the IPC boundary is generated from
// the Rust type it mirrors (./generated/, written by `scripts/gen-types.sh`; never edit those
// files, and never declare a type here under a generated name: `gen-types.sh --check` fails on
// one). Money and decimals cross the wire as exact decimal strings: format them with
// ./format.ts, never do arithmetic on them here. Only narrowings the views add live below.

import type { EstimateInput } from "./generated";

export type * from "./generated";

/** A field of the estimate form that the back end can reject by name. */
export type InputField = Exclude<keyof EstimateInput, "free_tier">;
