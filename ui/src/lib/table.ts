// The Functions table's logic, free of the DOM so it is unit-tested: sorting by any column
// (numbers numerically, exact decimal strings exactly, missing values last), filtering by a
// free-text query, and the virtual window (which rows to render for a scroll position).

import { parseDecimal } from "./format";

export type SortDir = "asc" | "desc";

export interface SortKey<R> {
  /** Value of the column for one row: a number, a string, an exact decimal or missing. */
  value: (row: R) => number | string | null | undefined;
  /** Compare strings as exact decimals (money) rather than as text. */
  decimal?: boolean;
}

/** Compare two exact decimal strings without turning them into floats. */
export function compareDecimal(a: string, b: string): number {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  const scale = Math.max(x.scale, y.scale);
  const xs = (x.negative ? -1n : 1n) * x.units * 10n ** BigInt(scale - x.scale);
  const ys = (y.negative ? -1n : 1n) * y.units * 10n ** BigInt(scale - y.scale);
  return xs < ys ? -1 : xs > ys ? 1 : 0;
}

/** A sorted copy of `rows`. Missing values sort last in both directions; ties keep input order. */
export function sortRows<R>(rows: readonly R[], key: SortKey<R>, dir: SortDir): R[] {
  const sign = dir === "asc" ? 1 : -1;
  const decorated: { row: R; i: number; v: number | string | bigint | null | undefined }[] = rows.map((row, i) => ({
    row,
    i,
    v: key.value(row),
  }));
  if (key.decimal) {
    // Parse each decimal once into an integer at one common scale: exact, and n comparisons of
    // BigInts instead of n log n parses.
    const parsed = decorated.map((d) => (typeof d.v === "string" ? parseDecimal(d.v) : null));
    const scale = parsed.reduce((m, p) => (p ? Math.max(m, p.scale) : m), 0);
    decorated.forEach((d, k) => {
      const p = parsed[k];
      if (p) d.v = (p.negative ? -1n : 1n) * p.units * 10n ** BigInt(scale - p.scale);
    });
  }
  decorated.sort((a, b) => {
    const am = a.v === null || a.v === undefined;
    const bm = b.v === null || b.v === undefined;
    if (am || bm) return am === bm ? a.i - b.i : am ? 1 : -1;
    let c: number;
    if (typeof a.v === "bigint" && typeof b.v === "bigint") c = a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
    else if (typeof a.v === "number" && typeof b.v === "number") c = a.v - b.v;
    else c = String(a.v).localeCompare(String(b.v), "en", { numeric: true, sensitivity: "base" });
    return c !== 0 ? sign * c : a.i - b.i;
  });
  return decorated.map((d) => d.row);
}

/**
 * Rows whose searchable text contains every word of `query` (case-insensitive), so
 * `checkout arm64` finds the arm64 checkout functions.
 */
export function filterRows<R>(rows: readonly R[], query: string, text: (row: R) => string): R[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return rows.slice();
  return rows.filter((r) => {
    const t = text(r).toLowerCase();
    return words.every((w) => t.includes(w));
  });
}

export interface VirtualWindow {
  /** First row to render. */
  start: number;
  /** One past the last row to render. */
  end: number;
  /** Space above the first rendered row, px. */
  padTop: number;
  /** Space below the last rendered row, px. */
  padBottom: number;
}

/**
 * The rows to render for a scroll position: those in the viewport plus `overscan` on each side,
 * with padding that keeps the scroll height equal to all rows' height (fixed row height).
 */
export function virtualWindow(
  rowCount: number,
  rowHeight: number,
  scrollTop: number,
  viewportHeight: number,
  overscan = 8,
): VirtualWindow {
  if (rowCount <= 0 || rowHeight <= 0) return { start: 0, end: 0, padTop: 0, padBottom: 0 };
  const maxTop = Math.max(0, rowCount * rowHeight - viewportHeight);
  const top = Math.min(Math.max(0, scrollTop), maxTop);
  const first = Math.floor(top / rowHeight);
  const visible = Math.ceil(Math.max(viewportHeight, 0) / rowHeight) + 1;
  const start = Math.max(0, first - overscan);
  const end = Math.min(rowCount, first + visible + overscan);
  return { start, end, padTop: start * rowHeight, padBottom: (rowCount - end) * rowHeight };
}

/** Scroll position that brings row `index` fully into view (unchanged when it already is). */
export function scrollToRow(index: number, rowHeight: number, scrollTop: number, viewportHeight: number): number {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewportHeight) return top + rowHeight - viewportHeight;
  return scrollTop;
}
