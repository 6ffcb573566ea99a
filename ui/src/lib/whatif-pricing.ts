// The what-if editor's pricing control: how the edited scenario is priced — at list price, with a
// Compute Savings Plan of a chosen size, term and payment, or at the effective discounts the open
// account's bill shows — written into the scenario's `commitments` and `discounts`, which is what
// the simulator applies and what a saved scenario file holds.

import type { CommitmentSpec, CommitRecommendation, Discount, Payment, PlanRecommendation, Scenario, Term } from "./types";

export type PricingMode = "on-demand" | "savings-plan" | "bill";

export type PricingForm = {
  mode: PricingMode;
  /** Savings Plan commitment, USD per hour (as typed). */
  usdPerHour: string;
  term: Term;
  payment: Payment;
  /** The bill's effective discounts (from the open account), for the "bill" mode. */
  billDiscounts: Discount[];
};

export const PRICING_MODES: { value: PricingMode; label: string }[] = [
  { value: "on-demand", label: "On-demand" },
  { value: "savings-plan", label: "Savings Plan" },
  { value: "bill", label: "Your bill's rates" },
];

export const TERMS: { value: Term; label: string }[] = [
  { value: "1yr", label: "1 year" },
  { value: "3yr", label: "3 years" },
];

export const PAYMENTS: { value: Payment; label: string }[] = [
  { value: "no-upfront", label: "No upfront" },
  { value: "partial-upfront", label: "Partial upfront" },
  { value: "all-upfront", label: "All upfront" },
];

/** The plan a new Savings Plan starts from: the term and payment the catalog publishes rates for
 *  on every covered AWS platform (3 years, all upfront), at a small hourly amount that the
 *  recommendation replaces. */
export const DEFAULT_PLAN: Pick<PricingForm, "usdPerHour" | "term" | "payment"> = {
  usdPerHour: "0.01",
  term: "3yr",
  payment: "all-upfront",
};

/** The first platform's recommended hourly amount (above zero) among `plans`, or null. */
export function firstRecommended(plans: PlanRecommendation[]): string | null {
  return plans.find((p) => p.usd_per_hour != null && Number(p.usd_per_hour) > 0)?.usd_per_hour ?? null;
}

/** A commitment per hour as the scenario holds it (an exact decimal string), or null when the
 *  text is not a positive amount. */
export function usdPerHour(text: string): string | null {
  const t = text.trim().replace(/^\$/, "");
  if (!/^\d+(\.\d+)?$/.test(t) || Number(t) <= 0) return null;
  return t.replace(/^0+(?=\d)/, "").replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
}

/** The form a scenario's own pricing reads as: its first Compute Savings Plan, else its
 *  discounts as the bill's, else on-demand. */
export function pricingOf(s: Scenario, billDiscounts: Discount[] = []): PricingForm {
  const sp = (s.commitments ?? []).find((c) => c.kind === "compute-savings-plan");
  if (sp) return { mode: "savings-plan", usdPerHour: sp.usd_per_hour, term: sp.term, payment: sp.payment, billDiscounts };
  const own = s.discounts ?? [];
  if (own.length) return { ...DEFAULT_PLAN, mode: "bill", billDiscounts: own };
  return { ...DEFAULT_PLAN, mode: "on-demand", billDiscounts };
}

/** `s` priced as `form` says: on-demand clears the commitments and discounts; a Savings Plan
 *  replaces them with one Compute Savings Plan (left out while the amount is not a positive
 *  number); the bill's rates replace them with the bill's discounts. Other commitments (instance
 *  plans, reservations) are kept. Returns a new scenario; `s` is not changed. */
export function applyPricing(s: Scenario, form: PricingForm): Scenario {
  const others: CommitmentSpec[] = (s.commitments ?? []).filter((c) => c.kind !== "compute-savings-plan");
  let commitments = others;
  let discounts: Discount[] = [];
  if (form.mode === "savings-plan") {
    const amount = usdPerHour(form.usdPerHour);
    if (amount) commitments = [...others, { kind: "compute-savings-plan", term: form.term, payment: form.payment, usd_per_hour: amount }];
  } else if (form.mode === "bill") {
    discounts = form.billDiscounts.map((d) => ({ ...d }));
  }
  return { ...s, commitments, discounts };
}

/** The recommendation's Compute Savings Plan of `term` and `payment` for each platform that has
 *  a published rate for it, in the scenario's platform order. */
export function recommendedPlans(rec: CommitRecommendation, term: Term, payment: Payment): PlanRecommendation[] {
  return rec.plans.filter((p) => p.kind === "compute-savings-plan" && p.term === term && p.payment === payment && p.usd_per_hour != null);
}
