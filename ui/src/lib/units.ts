// Display of the metric figures the views show (counts, milliseconds). Money is never formatted
// here: see ./format.ts.

/** `1234567` → `1,234,567`; null → `—`. */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  return Math.round(n).toLocaleString("en-US");
}

/** A duration in ms: `0.85 ms`, `12.4 ms`, `1,250 ms`; null → `—`. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms).toLocaleString("en-US")} ms`;
}

/** A duration for narrow cells: as {@link formatMs} below a second, then seconds to three
 * significant figures: `2.50 s`, `12.0 s`, `44.7 s`, `1,250 s`. */
export function formatMsShort(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 999.5) return formatMs(ms);
  const s = ms / 1000;
  if (s < 9.995) return `${s.toFixed(2)} s`;
  if (s < 99.95) return `${s.toFixed(1)} s`;
  return `${Math.round(s).toLocaleString("en-US")} s`;
}

/** Two durations in one unit, for a narrow cell: `45 / 320 ms`, or in seconds once the larger
 * reaches one: `0.90 / 3.93 s`. */
export function formatMsPair(a: number | null | undefined, b: number | null | undefined): string {
  const ok = (x: number | null | undefined): x is number => x !== null && x !== undefined && Number.isFinite(x);
  if (!ok(a) && !ok(b)) return "—";
  const top = Math.max(ok(a) ? a : 0, ok(b) ? b : 0);
  if (top < 999.5) {
    const ms = (x: number | null | undefined) => (ok(x) ? formatMs(x).replace(" ms", "") : "—");
    return `${ms(a)} / ${ms(b)} ms`;
  }
  const digits = top < 9_995 ? 2 : top < 99_950 ? 1 : 0;
  const s = (x: number | null | undefined) => (ok(x) ? (x / 1000).toFixed(digits) : "—");
  return `${s(a)} / ${s(b)} s`;
}

/** A compact count for narrow cells: `950`, `12.3K`, `4.5M`, `1.2B`. */
export function formatCompact(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  const a = Math.abs(n);
  if (a < 1_000) return String(Math.round(n));
  if (a < 1_000_000) return `${(n / 1_000).toFixed(a < 10_000 ? 2 : 1)}K`;
  if (a < 1_000_000_000) return `${(n / 1_000_000).toFixed(a < 10_000_000 ? 2 : 1)}M`;
  return `${(n / 1_000_000_000).toFixed(2)}B`;
}

/** Unix seconds → `28 Nov 2026` (UTC). */
export function formatDay(unixS: number): string {
  const d = new Date(unixS * 1000);
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  return `${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}
