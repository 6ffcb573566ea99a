// End-to-end test of the account views in the real webview: first run on the demo account,
// the dashboard's figures, the Functions table (sort, filter, keyboard, 10,000-row fixture),
// a function's detail with its charts, the AWS profile list, and a sync (with progress and a
// cancel) against the local AWS endpoint when e2e.sh started one. Figures are checked against
// the `breakeven` CLI reading the same database.
//
// Environment: as e2e.test.mjs, plus MOTO_ENDPOINT when a local AWS endpoint runs.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { cli, openApp, shot as saveShot } from "./support.mjs";

let browser;

const $ = (sel) => browser.$(sel);
const testid = (id) => browser.$(`[data-testid="${id}"]`);
const shot = (name) => saveShot(browser, name);

async function go(view) {
  await (await $(`#nav-${view}`)).click();
}

/** Two exact decimal strings as integers of the same scale: [a, b, scale]. */
function scaled(a, b) {
  const scale = (s) => (s.split(".")[1] ?? "").length;
  const k = Math.max(scale(a), scale(b));
  const big = (s) => {
    const [i, f = ""] = s.replace("-", "").split(".");
    const v = BigInt(i + f.padEnd(k, "0"));
    return s.startsWith("-") ? -v : v;
  };
  return [big(a), big(b), k];
}

/** Exact decimal strings compared as decimals (no floats). */
function cmpDecimal(a, b) {
  const [x, y] = scaled(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** a + b of exact decimal strings (no floats). */
function addDecimal(a, b) {
  const [x, y, k] = scaled(a, b);
  const v = x + y;
  const digits = (v < 0n ? -v : v).toString().padStart(k + 1, "0");
  const out = k ? `${digits.slice(0, -k)}.${digits.slice(-k)}` : digits;
  return (v < 0n ? "-" : "") + out;
}

describe("desktop account views", () => {
  before(async () => {
    browser = await openApp();
  });

  after(async () => {
    await browser?.deleteSession();
  });

  it("opens on the demo account with the banner", async () => {
    const banner = await testid("demo-banner");
    await banner.waitForExist({ timeout: 180_000, timeoutMsg: "the demo account never finished loading" });
    assert.match(await banner.getText(), /Demo data — connect an AWS profile/);
    const status = cli(["db", "status"]);
    assert.deepEqual(
      status.accounts.map((a) => a.key),
      ["demo"],
    );
  });

  it("shows the dashboard with the demo bill, reconciled against the metrics", async () => {
    const kpi = await testid("kpi-30d");
    await kpi.waitForExist({ timeout: 60_000, timeoutMsg: "the dashboard never appeared" });
    const total = await kpi.getAttribute("data-exact");
    assert.ok(cmpDecimal(total, "100") > 0, `a busy account costs more than $100 a month, not ${total}`);
    assert.match(await kpi.getText(), /^\$[\d,]+\.\d\d$/);
    // The month to date is part of the 30 days.
    assert.ok(cmpDecimal(await (await testid("kpi-mtd")).getAttribute("data-exact"), total) <= 0);
    // The demo's bill is priced from the same usage its metrics show: they reconcile.
    assert.equal(await (await testid("kpi-reconciliation")).getText(), "Matches");
    // Every figure is the analysis the CLI prints.
    const analysis = cli(["analyse", "--account", "demo"]);
    assert.equal(total, analysis.billed.total_usd);
    assert.equal(await (await testid("kpi-usage")).getAttribute("data-exact"), analysis.usage_cost.total_usd);
    assert.equal(await (await testid("kpi-forecast")).getAttribute("data-exact"), analysis.trends.forecast.total_usd);
    const fn = await browser.$$('[data-testid="dash-fn-cost"]');
    assert.equal(await fn[0].getAttribute("data-exact"), analysis.functions[0].cost.total_usd);
    assert.ok(fn.length >= 10, `${fn.length} functions listed`);
    const costs = [];
    for (const c of fn) costs.push(await c.getAttribute("data-exact"));
    for (let i = 1; i < costs.length; i++) assert.ok(cmpDecimal(costs[i - 1], costs[i]) >= 0, "most expensive first");
    assert.equal((await browser.$$('[data-testid="chart-trend"] svg')).length, 1, "the trend chart is drawn");
    assert.match(await (await testid("kpi-sync")).getText(), /demo · ok/);
    await shot("dashboard-1280x800");
    await browser.setWindowSize(1920, 1080);
    await shot("dashboard-1920x1080");
    await browser.setWindowSize(1280, 800);
  });

  it("lists the Functions with the CLI's inventory and sorts by cost", async () => {
    await go("functions");
    const grid = await testid("function-grid");
    await grid.waitForExist({ timeout: 30_000 });
    await browser.waitUntil(async () => (await browser.$$('[data-testid="function-row"]')).length > 0, {
      timeout: 30_000,
      timeoutMsg: "no function rows",
    });
    const status = cli(["db", "status"]);
    const expected = status.accounts[0].functions;
    assert.equal(await (await testid("function-count")).getText(), `${expected} functions`);
    assert.equal(await grid.getAttribute("aria-rowcount"), String(expected + 1));
    const rows = await browser.$$('[data-testid="function-row"]');
    assert.ok(rows.length > 10 && rows.length <= expected, `${rows.length} rows rendered`);
    // Default order: Lambda cost per month, highest first.
    const costs = [];
    for (const c of await browser.$$('[data-testid="function-cost"]')) costs.push(await c.getAttribute("data-exact"));
    for (let i = 1; i < costs.length; i++) assert.ok(cmpDecimal(costs[i - 1], costs[i]) >= 0, `row ${i} out of order`);
    assert.ok(cmpDecimal(costs[0], "0") > 0, "the top function costs something");
    await shot("functions-1280x800");
    await browser.setWindowSize(1920, 1080);
    await shot("functions-1920x1080");
    await browser.setWindowSize(1280, 800);
    // Ascending after a click on the header: the cheapest first.
    await (await testid("sort-cost")).click();
    const first = await (await $('[data-testid="function-cost"]')).getAttribute("data-exact");
    assert.ok(cmpDecimal(first, costs[costs.length - 1]) <= 0);
    await (await testid("sort-cost")).click();
  });

  it("filters by every typed word", async () => {
    const filter = await testid("function-filter");
    const name = (await (await $('[data-testid="function-row"] .name')).getText()).trim();
    await filter.setValue(name);
    await browser.waitUntil(async () => (await browser.$$('[data-testid="function-row"]')).length >= 1);
    for (const r of await browser.$$('[data-testid="function-row"] .name')) assert.match(await r.getText(), new RegExp(name));
    await filter.setValue("no-such-function-anywhere");
    await browser.waitUntil(async () => (await browser.$$('[data-testid="function-row"]')).length === 0);
    await filter.click();
    await browser.keys(["Control", "a"]);
    await browser.keys("Backspace");
    await browser.waitUntil(async () => (await browser.$$('[data-testid="function-row"]')).length > 1, {
      timeout: 10_000,
      timeoutMsg: "clearing the filter did not bring the rows back",
    });
  });

  it("prices each function on another platform", async () => {
    await (await testid("cost-on-platform")).selectByAttribute("value", "aws-fargate");
    const cell = () => browser.execute(() => document.querySelector('[data-testid="function-cost-on"]')?.textContent.trim() ?? "");
    await browser.waitUntil(async () => /\$/.test(await cell()), {
      timeout: 20_000,
      timeoutMsg: "no Fargate prices appeared",
    }).catch(async (e) => {
      await shot("functions-cost-on-failed");
      throw new Error(`${e.message}: the first cell shows “${await cell()}”`);
    });
  });

  it("opens a function from the keyboard and shows its detail and charts", async () => {
    // Focus the grid as Tab would (a click would land on a row and open it).
    await browser.execute(() => document.querySelector('[data-testid="function-grid"]').focus());
    await browser.keys("Home");
    await browser.keys("ArrowDown");
    const second = (await (await browser.$$('[data-testid="function-row"] .name'))[1].getText()).trim();
    await browser.keys("Enter");
    const title = await testid("function-name");
    await title.waitForExist({ timeout: 20_000 });
    assert.equal(await title.getText(), second);
    const invocations = () => browser.execute(() => document.querySelector('[data-testid="stat-invocations"]')?.textContent.trim() ?? "");
    await browser.waitUntil(async () => /^[\d,]+$/.test(await invocations()), {
      timeout: 20_000,
      timeoutMsg: "the invocation count never appeared",
    });
    assert.notEqual(await invocations(), "0");
    const charts = await browser.$$('[data-testid="charts"] figure svg');
    assert.ok(charts.length >= 4, `expected the metric charts, found ${charts.length}`);
    // The detail's Lambda month is the one `breakeven functions` prints for the same function.
    const cost = await testid("stat-cost");
    const listed = cli(["functions"]).functions.find((f) => f.name === second);
    assert.equal(await cost.getAttribute("data-exact"), listed.monthly_usd);
    // The memory tuning curve arrives apart, computed off the UI thread.
    const tuning = await browser.$('[data-testid="tuning"] [data-testid="chart-memory-tuning"] svg');
    await tuning.waitForExist({ timeout: 60_000, timeoutMsg: "the memory tuning curve never appeared" });
    const tuned = await browser.execute(() => document.querySelector('[data-testid="tuning"]').textContent);
    assert.match(tuned, /cheapest at \d+ MB/);
    // What its REPORT records measured, the same figures `breakeven functions` prints.
    const coldStarts = await testid("measured-cold-starts");
    await coldStarts.waitForExist({ timeout: 20_000, timeoutMsg: "the measured cold starts never appeared" });
    assert.equal((await coldStarts.getText()).replace(/,/g, ""), String(listed.cold_starts));
    const memory = (await (await testid("measured-memory")).getText()).replace(/,/g, "");
    assert.match(memory, new RegExp(`^${listed.memory_used_p99_mb} / `));
    // Simulated against measured cold starts of the same days, with the fitted keep-alive.
    const calibration = await browser.$('[data-testid="calibration"]');
    await calibration.waitForExist({ timeout: 60_000, timeoutMsg: "the simulated-vs-measured cold starts never appeared" });
    assert.match(await calibration.getText(), /Measured [\d,]+ cold starts .* simulated [\d,]+/s);
    await calibration.scrollIntoView();
    await shot("function-detail-coldstarts-1280x800");
    // Every figure fits its card at 1280 px: none is cut off with an ellipsis.
    assert.match(await (await testid("stat-latency")).getText(), /^[\d.,]+ \/ [\d.,]+ (ms|s)$/);
    const clipped = await browser.execute(() =>
      [...document.querySelectorAll(".stats .v")]
        .filter((e) => e.scrollWidth > e.clientWidth + 1)
        .map((e) => e.textContent.trim()),
    );
    assert.deepEqual(clipped, []);
    await shot("function-detail-1280x800");
    await tuning.scrollIntoView();
    await shot("function-detail-tuning-1280x800");
    await browser.execute(() => window.scrollTo(0, 0));
    await browser.setWindowSize(1920, 1080);
    await shot("function-detail-1920x1080");
    await browser.setWindowSize(1280, 800);
    // One click replays its traffic in the What-if editor.
    await (await testid("open-whatif")).click();
    const results = await testid("whatif-results");
    await results.waitForExist({ timeout: 60_000, timeoutMsg: "the function's traffic never opened as a what-if" });
    assert.match(await (await $(".page .sub strong")).getText(), new RegExp(second));
    await shot("whatif-from-function-1280x800");
    await go("functions");
    await (await testid("function-grid")).waitForExist({ timeout: 10_000 });
  });

  it("stays smooth with 10,000 functions (against rendering every row)", async () => {
    /** Open the Functions view on the fixture; time to rows, then 120 scroll steps of 600 px. */
    async function measure(virtual) {
      await browser.execute((v) => {
        localStorage.setItem("breakeven.fixture-rows", "10000");
        localStorage.setItem("breakeven.virtual", v ? "on" : "off");
      }, virtual);
      await browser.refresh();
      // The account is open (its first answer is in) before the clock starts.
      await (await testid("demo-banner")).waitForExist({ timeout: 30_000 });
      return browser.executeAsync((done) => {
        const t0 = performance.now();
        document.getElementById("nav-functions").click();
        const wait = () => {
          const grid = document.querySelector('[data-testid="function-grid"]');
          const rows = grid ? grid.querySelectorAll('[data-testid="function-row"]').length : 0;
          if (!rows) return requestAnimationFrame(wait);
          // Two frames: the rows are laid out and painted.
          requestAnimationFrame(() =>
            requestAnimationFrame(() => {
              const openMs = performance.now() - t0;
              const frames = [];
              let last = performance.now();
              let step = 0;
              const scroll = () => {
                const now = performance.now();
                if (step > 0) frames.push(now - last);
                last = now;
                if (step++ === 120) {
                  frames.sort((a, b) => a - b);
                  done({
                    openMs,
                    rowsInDom: grid.querySelectorAll('[data-testid="function-row"]').length,
                    medianFrameMs: frames[frames.length >> 1],
                    p95FrameMs: frames[Math.floor(frames.length * 0.95)],
                    maxFrameMs: frames[frames.length - 1],
                    scrolledTo: grid.scrollTop,
                  });
                  return;
                }
                grid.scrollTop += 600;
                grid.dispatchEvent(new Event("scroll"));
                requestAnimationFrame(scroll);
              };
              requestAnimationFrame(scroll);
            }),
          );
        };
        wait();
      });
    }
    // Rendering every row of 10,000 takes long on a busy machine: allow the script a while.
    await browser.setTimeout({ script: 180_000 });
    let virtual, full;
    try {
      virtual = await measure(true);
      await shot("functions-10k-1280x800");
      full = await measure(false);
    } finally {
      // The fixture must not outlive this test, whatever happened.
      await browser.execute(() => {
        localStorage.removeItem("breakeven.fixture-rows");
        localStorage.removeItem("breakeven.virtual");
      });
      await browser.refresh();
      await (await testid("demo-banner")).waitForExist({ timeout: 30_000 });
    }
    const fmt = (m) =>
      `open ${m.openMs.toFixed(0)} ms, ${m.rowsInDom} rows in the page, scroll frames median ${m.medianFrameMs.toFixed(1)} ms / p95 ${m.p95FrameMs.toFixed(1)} ms / max ${m.maxFrameMs.toFixed(1)} ms`;
    console.log(`# 10,000 rows, virtualised: ${fmt(virtual)}`);
    console.log(`# 10,000 rows, every row rendered (baseline): ${fmt(full)}`);
    console.log(
      `# virtualised vs baseline: open ${(full.openMs / virtual.openMs).toFixed(1)}x faster, p95 scroll frame ${(full.p95FrameMs / virtual.p95FrameMs).toFixed(1)}x shorter`,
    );
    assert.ok(virtual.rowsInDom < 80, `${virtual.rowsInDom} rows rendered`);
    assert.equal(full.rowsInDom, 10_000);
    assert.ok(virtual.scrolledTo > 60_000, "the grid scrolled");
    assert.ok(virtual.openMs < full.openMs, "virtualised opens faster than the baseline");
    // Scroll frames are reported, not asserted: under Xvfb the webview paints in software and a
    // busy machine sets their length more than the rows do.
  });

  it("shows the settings: catalog, database and theme", async () => {
    await go("settings");
    const version = await testid("settings-catalog-version");
    await version.waitForExist({ timeout: 10_000 });
    assert.equal(await version.getText(), cli(["catalog", "list"]).catalog.version);
    assert.match(await (await testid("db-path")).getText(), /breakeven\.sqlite$/);
    await shot("settings-1280x800");
    await browser.setWindowSize(1920, 1080);
    await shot("settings-1920x1080");
    await browser.setWindowSize(1280, 800);
    await go("dashboard");
  });

  it("lists local AWS profiles by name only", async () => {
    await (await testid("connect")).click();
    const list = await testid("profiles");
    await list.waitForExist({ timeout: 10_000 });
    const text = await list.getText();
    assert.match(text, /e2e/);
    assert.match(text, /readonly-eu/);
    const html = await browser.execute(() => document.documentElement.outerHTML);
    assert.ok(!html.includes("AKIDBREAKEVENTEST") && !html.includes("breakeven-test-secret"), "a credential reached the webview");
    await shot("sync-panel-1280x800");
  });

  it("syncs a profile with progress, and can cancel", { skip: !process.env.MOTO_ENDPOINT && "no local AWS endpoint" }, async () => {
    await (await $('[data-testid="profiles"] input[value="e2e"]')).click();
    const days = await $("#sync-days");
    await days.setValue("90");
    await (await testid("sync-start")).click();
    const cancel = await testid("sync-cancel");
    await cancel.waitForExist({ timeout: 10_000 });
    await (await testid("sync-progress")).waitForExist({ timeout: 10_000 });
    await cancel.click();
    await (await testid("sync-cancelled")).waitForExist({ timeout: 60_000 });
    const runs = cli(["db", "status"]).last_sync;
    assert.ok(runs.some((r) => r.source === "aws" && r.status === "cancelled"), JSON.stringify(runs));

    await days.setValue("30");
    await (await testid("sync-start")).click();
    const done = await testid("sync-done");
    await done.waitForExist({ timeout: 120_000 });
    const doneText = await browser.execute(() => document.querySelector('[data-testid="sync-done"]')?.textContent ?? "");
    const m = /(\d+) Cost Explorer request/.exec(doneText);
    assert.ok(m, `sync-done reads “${doneText}”`);
    // The plan was announced before the requests were made, and the run made what it planned.
    const notes = await (await testid("sync-notes")).getText();
    const planned = /Cost Explorer: (\d+) request/.exec(notes);
    assert.ok(planned, notes);
    assert.ok(Number(m[1]) >= Number(planned[1]), `${m[1]} made, ${planned[1]} planned`);
    const status = cli(["db", "status"]);
    const run = status.last_sync.find((r) => r.source === "aws");
    assert.equal(run.status, "ok");
    assert.ok(status.accounts.length === 2, "the synced account is stored beside the demo");
    await shot("sync-done-1280x800");

    // "All accounts" adds up each synced AWS account's analysis over the same days (the demo
    // account is not part of the organisation).
    await (await testid("connect")).click(); // close the sync panel over the dashboard
    await go("dashboard");
    const picker = await testid("dashboard-account");
    await picker.waitForExist({ timeout: 30_000 });
    await picker.selectByAttribute("value", ":all");
    const range = await testid("dashboard-range");
    const synced = status.accounts.filter((a) => a.source === "aws");
    await browser.waitUntil(async () => new RegExp(`All accounts \\(${synced.length}\\)`).test(await range.getText()), {
      timeout: 60_000,
      timeoutMsg: "the dashboard of all accounts never appeared",
    });
    const [from, to] = [await range.getAttribute("data-from"), await range.getAttribute("data-to")];
    let billed = "0";
    let usage = "0";
    for (const a of synced) {
      const an = cli(["analyse", "--account", a.key, "--from", from, "--to", to]);
      billed = addDecimal(billed, an.billed.total_usd);
      usage = addDecimal(usage, an.usage_cost.total_usd);
    }
    await browser.waitUntil(async () => cmpDecimal(await (await testid("kpi-30d")).getAttribute("data-exact"), billed) === 0, {
      timeout: 10_000,
      timeoutMsg: `the 30 days billed are not the accounts' ${billed}`,
    });
    assert.equal(cmpDecimal(await (await testid("kpi-usage")).getAttribute("data-exact"), usage), 0, `usage ${usage}`);
    await shot("dashboard-all-accounts-1280x800");
  });
});
