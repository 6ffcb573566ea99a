// A synthetic Functions table for measuring the view at scale (10,000 rows and more). Enabled
// per webview with `localStorage["breakeven.fixture-rows"] = "10000"`; the view then says it is
// showing synthetic rows. Deterministic: row i is always the same.

import type { FunctionUsage } from "./types";

const RUNTIMES = ["nodejs22.x", "python3.13", "java21", "provided.al2023", "dotnet8"];
const MEMORY = [128, 256, 512, 1024, 1536, 2048, 3008];
const WORDS = ["orders", "checkout", "images", "auth", "search", "billing", "email", "reports", "events", "sync"];

/** A small deterministic PRNG (mulberry32), so fixtures never depend on the clock. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function fixtureRows(n: number, seed = 1): FunctionUsage[] {
  const r = rng(seed);
  const rows: FunctionUsage[] = [];
  for (let i = 0; i < n; i++) {
    const invocations = Math.floor(10 ** (2 + r() * 6));
    const p50 = Math.round((5 + r() * 400) * 10) / 10;
    const memory = MEMORY[Math.floor(r() * MEMORY.length)];
    const name = `${WORDS[i % WORDS.length]}-${WORDS[Math.floor(r() * WORDS.length)]}-${String(i).padStart(5, "0")}`;
    const cents = Math.floor(invocations * p50 * memory * 1.6e-8 * 100 + invocations * 2e-5);
    rows.push({
      id: -1 - i,
      account_key: "fixture",
      region: i % 3 === 0 ? "eu-west-1" : "us-east-1",
      name,
      arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
      runtime: RUNTIMES[i % RUNTIMES.length],
      memory_mb: memory,
      architecture: r() < 0.3 ? "arm64" : "x86_64",
      timeout_s: 30,
      ephemeral_storage_mb: 512,
      package_type: "Zip",
      provisioned_concurrency: 0,
      last_modified: null,
      invocations,
      errors: Math.floor(invocations * r() * 0.01),
      throttles: r() < 0.1 ? Math.floor(r() * 50) : 0,
      avg_duration_ms: p50 * 1.2,
      p50_ms: p50,
      p99_ms: Math.round(p50 * (2 + r() * 8) * 10) / 10,
      peak_concurrency: Math.ceil(r() * 40),
      cold_starts: null,
      cold_start_rate: null,
      init_p50_ms: null,
      init_p99_ms: null,
      max_memory_used_mb: null,
      memory_used_p99_mb: null,
      rightsizing: null,
      monthly_saving_usd: null,
      monthly_requests: invocations,
      monthly_cost_usd: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`,
    });
  }
  return rows;
}

/** Rows the fixture flag asks for, or 0. */
export function fixtureRowCount(): number {
  try {
    const n = Number(localStorage.getItem("breakeven.fixture-rows") ?? "0");
    return Number.isInteger(n) && n > 0 ? Math.min(n, 1_000_000) : 0;
  } catch {
    return 0;
  }
}
