import { describe, expect, it } from "vitest";
import {
  formatHorizon,
  formatMonthly,
  formatMs,
  formatProbability,
  fromLogSlider,
  meanRate,
  nice,
  switchDist,
  switchShape,
  toLogSlider,
  withRate,
} from "./scenario";
import type { Arrivals } from "./types";

const diurnal: Arrivals = { process: "diurnal", mean_rate_per_s: 4, peak_to_trough: 6, peak_hour: 15, period_h: 24 };

describe("traffic", () => {
  it("keeps the mean rate when the shape changes", () => {
    for (const to of ["poisson", "constant", "bursty", "spike", "diurnal"] as const) {
      expect(meanRate(switchShape(diurnal, to))).toBeCloseTo(4, 6);
    }
    expect(switchShape(diurnal, "diurnal")).toBe(diurnal);
  });

  it("scales every rate of a shape to a new level", () => {
    const bursty: Arrivals = { process: "bursty", on_rate_per_s: 8, off_rate_per_s: 2, mean_on_s: 60, mean_off_s: 60 };
    expect(meanRate(bursty)).toBe(5);
    const b = withRate(bursty, 10);
    expect(b).toMatchObject({ on_rate_per_s: 16, off_rate_per_s: 4 });
    expect(meanRate(withRate(diurnal, 12.3456))).toBe(12.3);
    const replay: Arrivals = { process: "replay", counts_per_min: [60, 120] };
    expect(meanRate(replay)).toBe(1.5);
    expect(withRate(replay, 3)).toMatchObject({ counts_per_min: [120, 240] });
  });
});

describe("durations", () => {
  it("keep their typical value across models", () => {
    const ln = switchDist({ dist: "exponential", mean_ms: 120 }, "lognormal");
    expect(ln).toEqual({ dist: "lognormal", p50_ms: 120, p99_ms: 600 });
    expect(switchDist(ln, "constant")).toEqual({ dist: "constant", ms: 120 });
    expect(switchDist({ dist: "empirical", percentiles: [[0, 5], [50, 40], [100, 90]] }, "exponential")).toEqual({
      dist: "exponential",
      mean_ms: 40,
    });
  });
});

describe("log sliders", () => {
  it("map both ways to three significant digits", () => {
    expect(toLogSlider(0.01, 0.01, 10_000)).toBe(0);
    expect(toLogSlider(10_000, 0.01, 10_000)).toBe(1000);
    expect(toLogSlider(1e9, 0.01, 10_000)).toBe(1000);
    expect(fromLogSlider(500, 0.01, 10_000)).toBe(10);
    const back = fromLogSlider(toLogSlider(4, 0.01, 10_000), 0.01, 10_000);
    expect(Math.abs(back - 4) / 4).toBeLessThan(0.01);
    expect(nice(0.1 + 0.2)).toBe(0.3);
  });
});

describe("display", () => {
  it("formats latencies, horizons, probabilities and monthly volumes", () => {
    expect(formatMs(84.4)).toBe("84 ms");
    expect(formatMs(1240)).toBe("1.24 s");
    expect(formatMs(3.456)).toBe("3.46 ms");
    expect(formatHorizon(86_400)).toBe("1 day");
    expect(formatHorizon(30 * 86_400)).toBe("30 days");
    expect(formatHorizon(7200)).toBe("2 h");
    expect(formatProbability(0)).toBe("0%");
    expect(formatProbability(0.0324)).toBe("3.2%");
    expect(formatProbability(0.25)).toBe("25%");
    expect(formatProbability(0.0004)).toBe("0.04%");
    expect(formatMonthly(4)).toBe("10.5M");
  });
});
