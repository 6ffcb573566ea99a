// Display formatting of exact decimal strings (money, quantities) without ever turning them into
// floats: values are scaled integers (BigInt) and rounded half away from zero, the rule the
// CLI's tables use, so the desktop and the CLI show the same figures.

interface Scaled {
  negative: boolean;
  /** |value| × 10^scale */
  units: bigint;
  scale: number;
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** Parse an exact decimal string such as "-300000.00" or "0.0000166667". */
export function parseDecimal(text: string): Scaled {
  const m = DECIMAL.exec(text.trim());
  if (!m) throw new Error(`not a decimal: ${text}`);
  const frac = m[3] ?? "";
  return { negative: m[1] === "-", units: BigInt(m[2] + frac), scale: frac.length };
}

/** Round to `dp` decimals, half away from zero. */
function round(v: Scaled, dp: number): Scaled {
  if (v.scale <= dp) return { ...v, units: v.units * 10n ** BigInt(dp - v.scale), scale: dp };
  const div = 10n ** BigInt(v.scale - dp);
  let q = v.units / div;
  if ((v.units % div) * 2n >= div) q += 1n;
  return { negative: v.negative, units: q, scale: dp };
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Digits of |v| with a decimal point, grouped; `trim` drops trailing fractional zeros. */
function render(v: Scaled, trim: boolean): string {
  const s = v.units.toString().padStart(v.scale + 1, "0");
  const int = s.slice(0, s.length - v.scale);
  let frac = s.slice(s.length - v.scale);
  if (trim) frac = frac.replace(/0+$/, "");
  return groupThousands(int) + (frac ? "." + frac : "");
}

const MINUS = "\u2212";

function sign(v: Scaled): string {
  return v.negative && v.units !== 0n ? MINUS : "";
}

/**
 * Money as a bill shows it: `$1,234.57`, `−$0.20`. Amounts under a cent keep two significant
 * digits (`$0.0042`) so a small line never reads as `$0.00`.
 */
export function formatUsd(text: string): string {
  const v = parseDecimal(text);
  if (v.units === 0n) return "$0.00";
  const cent = 10n ** BigInt(Math.max(v.scale - 2, 0));
  if (v.scale > 2 && v.units < cent) {
    // First significant digit is at decimal place (scale − digit count + 1): keep two digits.
    const firstPlace = v.scale - v.units.toString().length + 1;
    const r = round(v, firstPlace + 1);
    return `${sign(v)}$${render(r, true)}`;
  }
  return `${sign(v)}$${render(round(v, 2), false)}`;
}

/** The exact amount, every digit kept, trailing zeros dropped: `$5.00001`. */
export function formatUsdExact(text: string): string {
  const v = parseDecimal(text);
  return `${sign(v)}$${render(v, true)}`;
}

/** A quantity: grouped, at most 6 decimals, trailing zeros dropped (`-300,000`). */
export function formatQuantity(text: string): string {
  const v = parseDecimal(text);
  const r = v.scale > 6 ? round(v, 6) : v;
  return `${sign(r)}${render(r, true)}`;
}

/** Share of `part` in `whole` in [0, 1], for bar widths only (never for money). */
export function share(part: string, whole: string): number {
  const w = Number(whole);
  if (!(w > 0)) return 0;
  return Math.min(Math.max(Number(part) / w, 0), 1);
}

/** A share as a whole percentage, `<1%` for tiny non-zero shares. */
export function formatPercent(fraction: number): string {
  if (fraction > 0 && fraction < 0.005) return "<1%";
  return `${Math.round(fraction * 100)}%`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `2026-08-31` → `31 Aug 2026` (fixed English months: no locale surprises in a cost tool). */
export function formatDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  const month = MONTHS[Number(m[2]) - 1];
  return month ? `${Number(m[3])} ${month} ${m[1]}` : iso;
}

/** An as-of range: one date when both ends agree. */
export function formatDateRange(range: [string, string] | null): string {
  if (!range) return "—";
  const [lo, hi] = range;
  return lo === hi ? formatDate(lo) : `${formatDate(lo)} – ${formatDate(hi)}`;
}

/** A count typed in a field (`5000000`, `5,000,000`) grouped for a hint, or null if not a count. */
export function groupedCount(text: string): string | null {
  const digits = text.replace(/[,_\s]/g, "");
  return /^\d+$/.test(digits) ? groupThousands(digits.replace(/^0+(?=\d)/, "")) : null;
}
