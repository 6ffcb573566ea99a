import { describe, expect, it } from "vitest";
import {
  formatDate,
  formatDateRange,
  formatPercent,
  formatQuantity,
  formatUsd,
  formatUsdExact,
  groupedCount,
  parseDecimal,
  share,
} from "./format";

describe("formatUsd", () => {
  it("rounds to cents half away from zero and groups thousands", () => {
    expect(formatUsd("1234.565")).toBe("$1,234.57");
    expect(formatUsd("1234.564")).toBe("$1,234.56");
    expect(formatUsd("1000000")).toBe("$1,000,000.00");
    expect(formatUsd("0.8")).toBe("$0.80");
    expect(formatUsd("5.00001")).toBe("$5.00");
    expect(formatUsd("0.995")).toBe("$1.00");
  });

  it("shows zero and negatives like a bill", () => {
    expect(formatUsd("0")).toBe("$0.00");
    expect(formatUsd("-0.000")).toBe("$0.00");
    expect(formatUsd("-0.2")).toBe("\u2212$0.20");
    expect(formatUsd("-5.00001")).toBe("\u2212$5.00");
  });

  it("keeps two significant digits under a cent", () => {
    expect(formatUsd("0.004166")).toBe("$0.0042");
    expect(formatUsd("0.0000002")).toBe("$0.0000002");
    expect(formatUsd("0.00000025")).toBe("$0.00000025");
    expect(formatUsd("-0.00345")).toBe("\u2212$0.0035");
    expect(formatUsd("0.0099999")).toBe("$0.01");
    expect(formatUsd("0.01")).toBe("$0.01");
  });

  it("never loses digits to floating point", () => {
    // 0.1 + 0.2 style values and more digits than a double holds.
    expect(formatUsd("12345678901234567.125")).toBe("$12,345,678,901,234,567.13");
    expect(formatUsdExact("0.30000000000000000001")).toBe("$0.30000000000000000001");
  });
});

describe("exact and quantities", () => {
  it("formats the exact amount without trailing zeros", () => {
    expect(formatUsdExact("5.13334000")).toBe("$5.13334");
    expect(formatUsdExact("1500")).toBe("$1,500");
    expect(formatUsdExact("-0.2")).toBe("\u2212$0.2");
  });

  it("groups quantities and keeps at most six decimals", () => {
    expect(formatQuantity("-300000.00")).toBe("\u2212300,000");
    expect(formatQuantity("5000000")).toBe("5,000,000");
    expect(formatQuantity("0.1234567")).toBe("0.123457");
    expect(formatQuantity("730")).toBe("730");
  });

  it("rejects what is not a decimal", () => {
    expect(() => parseDecimal("1e5")).toThrow();
    expect(() => parseDecimal("abc")).toThrow();
    expect(parseDecimal("-1.50")).toEqual({ negative: true, units: 150n, scale: 2 });
  });
});

describe("shares, dates and hints", () => {
  it("bounds shares to [0, 1]", () => {
    expect(share("1", "4")).toBe(0.25);
    expect(share("-1", "4")).toBe(0);
    expect(share("1", "0")).toBe(0);
    expect(formatPercent(0.25)).toBe("25%");
    expect(formatPercent(0.001)).toBe("<1%");
    expect(formatPercent(0)).toBe("0%");
  });

  it("formats as-of dates", () => {
    expect(formatDate("2026-08-31")).toBe("31 Aug 2026");
    expect(formatDate("yesterday")).toBe("yesterday");
    expect(formatDateRange(["2026-08-31", "2026-08-31"])).toBe("31 Aug 2026");
    expect(formatDateRange(["2025-07-07", "2026-03-10"])).toBe("7 Jul 2025 – 10 Mar 2026");
    expect(formatDateRange(null)).toBe("—");
  });

  it("groups typed counts for the hint under a field", () => {
    expect(groupedCount("5000000")).toBe("5,000,000");
    expect(groupedCount("5,000,000")).toBe("5,000,000");
    expect(groupedCount("007")).toBe("7");
    expect(groupedCount("2.5M")).toBeNull();
  });
});
