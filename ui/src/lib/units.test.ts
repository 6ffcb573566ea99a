import { describe, expect, it } from "vitest";
import { formatCompact, formatCount, formatDay, formatMs, formatMsPair, formatMsShort } from "./units";

describe("metric figures", () => {
  it("formats counts, durations and compact counts", () => {
    expect(formatCount(1234567.4)).toBe("1,234,567");
    expect(formatCount(null)).toBe("—");
    expect(formatMs(0.854)).toBe("0.85 ms");
    expect(formatMs(12.44)).toBe("12.4 ms");
    expect(formatMs(1250.2)).toBe("1,250 ms");
    expect(formatMsShort(900)).toBe("900 ms");
    expect(formatMsShort(2499.4)).toBe("2.50 s");
    expect(formatMsShort(12_010)).toBe("12.0 s");
    expect(formatMsShort(44_676)).toBe("44.7 s");
    expect(formatMsShort(1_250_000)).toBe("1,250 s");
    expect(formatMsPair(45.03, 320.2)).toBe("45.0 / 320 ms");
    expect(formatMsPair(900, 3934)).toBe("0.90 / 3.93 s");
    expect(formatMsPair(12_017, 44_676)).toBe("12.0 / 44.7 s");
    expect(formatMsPair(null, 250)).toBe("— / 250 ms");
    expect(formatMsPair(null, undefined)).toBe("—");
    expect(formatCompact(950)).toBe("950");
    expect(formatCompact(1234)).toBe("1.23K");
    expect(formatCompact(4_560_000)).toBe("4.56M");
    expect(formatCompact(45_600_000)).toBe("45.6M");
    expect(formatCompact(2_000_000_000)).toBe("2.00B");
  });

  it("formats a Unix day in UTC", () => {
    expect(formatDay(1_795_824_000)).toBe("28 Nov 2026");
  });
});
