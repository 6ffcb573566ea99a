import { describe, expect, it } from "vitest";
import { applyPricing, pricingOf, recommendedPlans, usdPerHour, type PricingForm } from "./whatif-pricing";
import type { CommitRecommendation, PlanRecommendation } from "./types";
import type { Scenario } from "./types";

const base = {
  version: 1,
  name: "t",
  seed: 1,
  mode: "aggregate",
  timeline_bucket_s: 60,
  workload: {},
  platforms: [],
} as unknown as Scenario;

const form = (f: Partial<PricingForm>): PricingForm => ({
  mode: "on-demand",
  usdPerHour: "0.40",
  term: "1yr",
  payment: "no-upfront",
  billDiscounts: [],
  ...f,
});

describe("what-if pricing", () => {
  it("writes a Savings Plan as one compute-savings-plan commitment", () => {
    const s = applyPricing(base, form({ mode: "savings-plan", usdPerHour: "0.40", term: "3yr", payment: "partial-upfront" }));
    expect(s.commitments).toEqual([{ kind: "compute-savings-plan", term: "3yr", payment: "partial-upfront", usd_per_hour: "0.4" }]);
    expect(s.discounts).toEqual([]);
    expect(base.commitments).toBeUndefined();
  });

  it("leaves the plan out while the amount is not a positive number", () => {
    for (const text of ["", "0", "-1", "abc", "1e3"]) {
      expect(applyPricing(base, form({ mode: "savings-plan", usdPerHour: text })).commitments).toEqual([]);
    }
    expect(usdPerHour("$002.500")).toBe("2.5");
    expect(usdPerHour("3")).toBe("3");
  });

  it("applies the bill's discounts, and on-demand clears everything but other commitments", () => {
    const bill = [{ provider: "aws", platform: "aws-lambda", percent: "12.5" }];
    const withBill = applyPricing(base, form({ mode: "bill", billDiscounts: bill }));
    expect(withBill.discounts).toEqual(bill);
    expect(withBill.commitments).toEqual([]);
    const ri = { kind: "reserved" as const, term: "1yr" as const, payment: "all-upfront" as const, usd_per_hour: "0.1", instance_type: "m7g.large" };
    const sp = { kind: "compute-savings-plan" as const, term: "1yr" as const, payment: "no-upfront" as const, usd_per_hour: "2" };
    const held = { ...base, commitments: [ri, sp], discounts: bill };
    expect(applyPricing(held, form({ mode: "on-demand" }))).toMatchObject({ commitments: [ri], discounts: [] });
  });

  it("reads a scenario's own pricing back as the form", () => {
    const sp = { kind: "compute-savings-plan" as const, term: "3yr" as const, payment: "all-upfront" as const, usd_per_hour: "0.75" };
    expect(pricingOf({ ...base, commitments: [sp] })).toMatchObject({ mode: "savings-plan", usdPerHour: "0.75", term: "3yr", payment: "all-upfront" });
    expect(pricingOf({ ...base, discounts: [{ provider: "aws", percent: "7" }] }).mode).toBe("bill");
    // A new plan starts from the term and payment the catalog publishes rates for.
    expect(pricingOf(base)).toMatchObject({ mode: "on-demand", term: "3yr", payment: "all-upfront" });
  });

  it("picks the recommended plan of the chosen term and payment, where a rate is published", () => {
    const plan = (platform: string, term: "1yr" | "3yr", payment: "no-upfront" | "all-upfront", usd: string | null): PlanRecommendation =>
      ({ label: platform, platform, kind: "compute-savings-plan", term, payment, plan: `compute-sp-${term}-${payment}`, usd_per_hour: usd }) as unknown as PlanRecommendation;
    const rec = {
      scenario: "t",
      horizon_s: 86400,
      plans: [
        plan("aws-lambda", "3yr", "all-upfront", "0.1"),
        plan("aws-fargate", "3yr", "all-upfront", "0.2"),
        plan("aws-fargate", "1yr", "no-upfront", null),
        { ...plan("vm:aws/m7g.large", "3yr", "all-upfront", "0.3"), kind: "ec2-instance-savings-plan" },
      ],
    } as CommitRecommendation;
    expect(recommendedPlans(rec, "3yr", "all-upfront").map((p) => p.platform)).toEqual(["aws-lambda", "aws-fargate"]);
    expect(recommendedPlans(rec, "1yr", "no-upfront")).toEqual([]);
  });
});
