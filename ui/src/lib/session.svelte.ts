// State that outlives a view: the estimate form keeps what the user typed while they look at
// the catalog or settings, and the catalog view can pick the platform it shows.

import type { EstimateInput } from "./types";

export const estimateForm: EstimateInput = $state({
  platform: "aws-lambda",
  region: "",
  requests: "5000000",
  duration_ms: "120",
  memory_mb: "512",
  arch: "x86_64",
  cpu_ms: "",
  provisioned_concurrency: "",
  hours: "",
  instances: "",
  vcpu: "",
  memory_gb: "",
  size: "",
  pricing: "on-demand",
  free_tier: true,
});

/** Show `platform` in the estimate form, in its default region. */
export function choosePlatform(platform: string): void {
  estimateForm.platform = platform;
  estimateForm.region = "";
}
