// Grouping the catalog's platforms for the picker. Pure presentation: which platform costs what
// is decided by the back end alone.

import type { PlatformKind, PlatformSummary } from "./types";

export const KIND_LABELS: Record<PlatformKind, string> = {
  faas: "Functions",
  container: "Containers",
  vm: "Virtual machines",
  "control-plane": "Kubernetes control planes",
  "front-door": "API gateways",
};

const KIND_ORDER: PlatformKind[] = ["faas", "container", "vm", "control-plane", "front-door"];

export interface PlatformGroup {
  kind: PlatformKind;
  label: string;
  platforms: PlatformSummary[];
}

/** Platforms grouped by kind in a fixed order; active before retired, then by name. */
export function groupByKind(platforms: PlatformSummary[]): PlatformGroup[] {
  return KIND_ORDER.map((kind) => ({
    kind,
    label: KIND_LABELS[kind],
    platforms: platforms
      .filter((p) => p.kind === kind)
      .sort((a, b) => Number(a.retired) - Number(b.retired) || a.name.localeCompare(b.name)),
  })).filter((g) => g.platforms.length > 0);
}

/** The picker's text for a platform: retired ones say so. */
export function platformLabel(p: PlatformSummary): string {
  return p.retired ? `${p.name} (retired)` : p.name;
}
