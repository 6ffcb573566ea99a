// Pure editing helpers of the what-if view: switching the traffic shape or duration model while
// keeping the user's level, log-scaled sliders, and display of rates and latencies. No pricing
// or simulation happens here: the back end does all of that.

import type { Arrivals, DurationModel, PlatformKind, PlatformSpec } from "./types";

export type ArrivalProcess = Arrivals["process"];
export type DurationDist = DurationModel["dist"];

/** Shapes the editor offers (a replay is opened from a file or a function, not built here). */
export const SHAPES: { id: Exclude<ArrivalProcess, "replay">; label: string }[] = [
  { id: "poisson", label: "Steady (Poisson)" },
  { id: "diurnal", label: "Daily cycle" },
  { id: "bursty", label: "Bursts (on/off)" },
  { id: "spike", label: "Spikes" },
  { id: "constant", label: "Evenly spaced" },
];

export const DISTS: { id: Exclude<DurationDist, "empirical">; label: string }[] = [
  { id: "lognormal", label: "Lognormal (p50, p99)" },
  { id: "exponential", label: "Exponential (mean)" },
  { id: "constant", label: "Constant" },
];

/** Long-run mean arrival rate of a process, requests/s. */
export function meanRate(a: Arrivals): number {
  switch (a.process) {
    case "poisson":
    case "constant":
      return a.rate_per_s;
    case "diurnal":
      return a.mean_rate_per_s;
    case "bursty": {
      const cycle = a.mean_on_s + a.mean_off_s;
      return cycle > 0 ? (a.on_rate_per_s * a.mean_on_s + a.off_rate_per_s * a.mean_off_s) / cycle : 0;
    }
    case "spike":
      return a.base_rate_per_s;
    case "replay":
      return a.counts_per_min.length ? a.counts_per_min.reduce((s, c) => s + c, 0) / a.counts_per_min.length / 60 : 0;
  }
}

/** Three significant digits: slider values read as typed numbers, not float noise. */
export function nice(x: number): number {
  if (!Number.isFinite(x) || x === 0) return 0;
  return Number(x.toPrecision(3));
}

/** The same shape at mean rate `rate` (every rate of the process scaled alike). */
export function withRate(a: Arrivals, rate: number): Arrivals {
  const now = meanRate(a);
  const k = now > 0 ? rate / now : 1;
  switch (a.process) {
    case "poisson":
    case "constant":
      return { ...a, rate_per_s: nice(rate) };
    case "diurnal":
      return { ...a, mean_rate_per_s: nice(rate) };
    case "bursty":
      return { ...a, on_rate_per_s: nice(a.on_rate_per_s * k), off_rate_per_s: nice(a.off_rate_per_s * k) };
    case "spike":
      return { ...a, base_rate_per_s: nice(rate) };
    case "replay":
      return { ...a, counts_per_min: a.counts_per_min.map((c) => Math.round(c * k)) };
  }
}

/** Switch the traffic shape, keeping the mean rate. */
export function switchShape(a: Arrivals, to: Exclude<ArrivalProcess, "replay">): Arrivals {
  if (a.process === to) return a;
  const r = nice(meanRate(a)) || 1;
  switch (to) {
    case "poisson":
      return { process: "poisson", rate_per_s: r };
    case "constant":
      return { process: "constant", rate_per_s: r };
    case "diurnal":
      return { process: "diurnal", mean_rate_per_s: r, peak_to_trough: 4, peak_hour: 14, period_h: 24 };
    case "bursty":
      // On a quarter of the time at 4× the mean: the same mean rate.
      return { process: "bursty", on_rate_per_s: nice(r * 4), off_rate_per_s: 0, mean_on_s: 60, mean_off_s: 180 };
    case "spike":
      return { process: "spike", base_rate_per_s: r, spikes: [{ at_s: 43_200, duration_s: 600, factor: 10 }] };
  }
}

/** Median-ish duration of a model, ms (what the editor keeps when switching models). */
export function typicalMs(d: DurationModel): number {
  switch (d.dist) {
    case "constant":
      return d.ms;
    case "exponential":
      return d.mean_ms;
    case "lognormal":
      return d.p50_ms ?? d.mean_ms ?? 100;
    case "empirical": {
      const mid = d.percentiles.find(([p]) => p >= 50);
      return mid ? mid[1] : 100;
    }
  }
}

/** Switch the duration model, keeping its typical duration. */
export function switchDist(d: DurationModel, to: Exclude<DurationDist, "empirical">): DurationModel {
  if (d.dist === to) return d;
  const ms = nice(typicalMs(d)) || 100;
  switch (to) {
    case "constant":
      return { dist: "constant", ms };
    case "exponential":
      return { dist: "exponential", mean_ms: ms };
    case "lognormal":
      return { dist: "lognormal", p50_ms: ms, p99_ms: nice(ms * 5) };
  }
}

/** Slider position 0–1000 of `value` on a log scale from `min` to `max`. */
export function toLogSlider(value: number, min: number, max: number): number {
  const v = Math.min(Math.max(value, min), max);
  return Math.round((1000 * Math.log(v / min)) / Math.log(max / min));
}

/** The value at slider position `pos` (0–1000) on a log scale, to three significant digits. */
export function fromLogSlider(pos: number, min: number, max: number): number {
  return nice(min * Math.pow(max / min, pos / 1000));
}

/** `4 req/s`, `0.25 req/s`, `1,200 req/s`. */
export function formatRate(perS: number): string {
  return `${nice(perS).toLocaleString("en-US")} req/s`;
}

/** Requests per 730-hour month, short: `10.5M`, `840k`. */
export function formatMonthly(perS: number): string {
  const n = perS * 730 * 3600;
  if (n >= 1e9) return `${nice(n / 1e9)}B`;
  if (n >= 1e6) return `${nice(n / 1e6)}M`;
  if (n >= 1e3) return `${nice(n / 1e3)}k`;
  return `${Math.round(n)}`;
}

/** `84 ms`, `1.24 s`. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return "—";
  if (ms >= 1000) return `${nice(ms / 1000)} s`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  return `${nice(ms)} ms`;
}

/** A horizon in the largest whole unit: `30 days`, `1 day`, `6 h`. */
export function formatHorizon(seconds: number): string {
  const d = seconds / 86_400;
  if (d >= 1 && Number.isInteger(d)) return d === 1 ? "1 day" : `${d} days`;
  const h = seconds / 3600;
  if (h >= 1) return `${nice(h)} h`;
  return `${nice(seconds / 60)} min`;
}

/** A probability as a percentage with sensible precision: `3.2%`, `0.04%`, `0%`. */
export function formatProbability(p: number): string {
  if (p === 0) return "0%";
  const pct = p * 100;
  if (pct >= 10) return `${Math.round(pct)}%`;
  if (pct >= 0.1) return `${nice(pct).toFixed(1)}%`;
  return `${nice(pct)}%`;
}

/** A platform with every option at the catalog's default. */
export function newSpec(id: string): PlatformSpec {
  return {
    id,
    label: null,
    region: null,
    memory_mb: null,
    arch: null,
    keep_alive_s: null,
    concurrency_limit: null,
    scale_instances: null,
    scale_window_s: null,
    concurrency: null,
    min_instances: null,
    init: null,
    free_tier: null,
    ephemeral_storage_mb: null,
    vcpu: null,
    memory_gb: null,
    size: null,
    pricing: null,
    instances: null,
    max_instances: null,
    target_utilisation: null,
    evaluation_s: null,
    cooldown_s: null,
    boot_s: null,
    max_queue: null,
    kubernetes: null,
  };
}

/** A label unique among `taken`: the id, else the id with a number. */
export function uniqueLabel(id: string, taken: string[]): string | null {
  if (!taken.includes(id)) return null;
  for (let n = 2; ; n++) {
    const l = `${id} #${n}`;
    if (!taken.includes(l)) return l;
  }
}

/** Which option group a platform's card shows. */
export function editorKind(kind: PlatformKind | undefined): "faas" | "container" | "vm" {
  return kind === "container" ? "container" : kind === "vm" ? "vm" : "faas";
}
