import { describe, expect, it } from "vitest";
import { groupByKind, platformLabel } from "./platforms";
import type { PlatformSummary } from "./types";

const p = (id: string, name: string, kind: PlatformSummary["kind"], retired = false): PlatformSummary => ({
  id,
  name,
  provider: "x",
  kind,
  regions: ["r"],
  retired,
  as_of: null,
});

describe("groupByKind", () => {
  it("orders kinds, puts retired last and drops empty groups", () => {
    const groups = groupByKind([
      p("vm:aws/t3.micro", "EC2 t3.micro", "vm"),
      p("ibm-cloud-functions", "IBM Cloud Functions", "faas", true),
      p("aws-lambda", "AWS Lambda", "faas"),
      p("gcp-cloud-run", "Google Cloud Run", "faas"),
    ]);
    expect(groups.map((g) => g.label)).toEqual(["Functions", "Virtual machines"]);
    expect(groups[0].platforms.map((x) => x.id)).toEqual(["aws-lambda", "gcp-cloud-run", "ibm-cloud-functions"]);
  });

  it("marks retired platforms", () => {
    expect(platformLabel(p("a", "IBM Cloud Functions", "faas", true))).toBe("IBM Cloud Functions (retired)");
    expect(platformLabel(p("b", "AWS Lambda", "faas"))).toBe("AWS Lambda");
  });
});
