// End-to-end test of the desktop app in its real webview, driven over WebDriver (tauri-driver in
// front of WebKitWebDriver). Every figure the app shows is checked against the `breakeven` CLI's
// `--json` output for the same inputs: both must come from the same application layer.
//
// Environment: BREAKEVEN_APP (desktop binary), BREAKEVEN_CLI (CLI binary), WEBDRIVER_PORT
// (tauri-driver's port), SHOTS_DIR (where screenshots go), UI_DIR (to resolve webdriverio).

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};

// webdriverio is a dev dependency of ui/, which sits beside this directory.
const requireFromUi = createRequire(join(env("UI_DIR"), "package.json"));
const { remote } = await import(pathToFileURL(requireFromUi.resolve("webdriverio")).href);

const SHOTS = env("SHOTS_DIR");
mkdirSync(SHOTS, { recursive: true });

/** The CLI's exact answer for the same inputs. */
function cliEstimate(args) {
  const out = execFileSync(env("BREAKEVEN_CLI"), ["estimate", ...args, "--json"], { encoding: "utf8" });
  return JSON.parse(out);
}

/** The CLI's error sentence for inputs it rejects (it prints `error: <sentence>`). */
function cliError(args) {
  try {
    execFileSync(env("BREAKEVEN_CLI"), ["estimate", ...args], { encoding: "utf8", stdio: "pipe" });
  } catch (e) {
    return String(e.stderr).trim().replace(/^error: /, "");
  }
  throw new Error(`the CLI accepted ${args.join(" ")}`);
}

let browser;

/** Replace a field's text the way a user does: select all, delete, type. */
async function setField(id, value) {
  const el = await browser.$(`#${id}`);
  await el.click();
  await browser.keys(["Control", "a"]);
  await browser.keys("Backspace");
  if (value) await el.addValue(value);
}

/** Wait until the shown total's exact value is `expected`; return how long that took, ms. */
async function waitForTotal(expected) {
  const t0 = Date.now();
  const total = await browser.$('[data-testid="total"]');
  await browser.waitUntil(async () => (await total.isExisting()) && (await total.getAttribute("data-exact")) === expected, {
    timeout: 10_000,
    interval: 25,
    timeoutMsg: `total never became ${expected}`,
  });
  return Date.now() - t0;
}

async function shot(name) {
  await browser.pause(300); // let the bar's width transition finish
  await browser.saveScreenshot(join(SHOTS, `${name}.png`));
}

describe("desktop estimate", () => {
  before(async () => {
    browser = await remote({
      hostname: "127.0.0.1",
      port: Number(env("WEBDRIVER_PORT")),
      logLevel: "error",
      capabilities: { "tauri:options": { application: env("BREAKEVEN_APP") } },
    });
    await browser.setWindowSize(1280, 800);
    // The app opens on the dashboard: go to the estimate view.
    await (await browser.$("#nav-estimate")).click();
    await (await browser.$('[data-testid="total"]')).waitForExist({ timeout: 20_000 });
  });

  after(async () => {
    await browser?.deleteSession();
  });

  it("shows the CLI's exact total for aws-lambda", async () => {
    await (await browser.$("#platform")).selectByAttribute("value", "aws-lambda");
    await setField("requests", "3,000,000");
    await setField("duration_ms", "250");
    await setField("memory_mb", "1024");
    const cli = cliEstimate(["--platform", "aws-lambda", "--requests", "3000000", "--duration-ms", "250", "--memory-mb", "1024"]);
    const ms = await waitForTotal(cli.total_usd);
    console.log(`# edit to matching total: ${ms} ms (includes the 80 ms quiet period and WebDriver polling)`);
    const exact = await (await browser.$('[data-testid="total-exact"]')).getText();
    assert.equal(exact.replace(/[$,]/g, ""), cli.total_usd);
    const free = await (await browser.$('[data-testid="free-tier"]')).getAttribute("data-exact");
    assert.equal(free, cli.free_tier_usd);
    const rows = await browser.$$('[data-testid="lines"] tbody tr');
    assert.equal(rows.length, cli.lines.length);
    const firstItem = await rows[0].$("td").getText();
    assert.equal(firstItem, cli.lines[0].item);
    const timing = await (await browser.$('[data-testid="timing"]')).getText();
    console.log(`# in-app round trip: ${timing}`);
    await shot("estimate-1280x800");
  });

  it("updates live when a field changes", async () => {
    await setField("duration_ms", "900");
    const cli = cliEstimate(["--platform", "aws-lambda", "--requests", "3000000", "--duration-ms", "900", "--memory-mb", "1024"]);
    await waitForTotal(cli.total_usd);
    await (await browser.$("label:has(#free_tier)")).click();
    const paid = cliEstimate([
      "--platform", "aws-lambda", "--requests", "3000000", "--duration-ms", "900", "--memory-mb", "1024", "--no-free-tier",
    ]);
    assert.notEqual(paid.total_usd, cli.total_usd);
    await waitForTotal(paid.total_usd);
    await (await browser.$("label:has(#free_tier)")).click();
    await waitForTotal(cli.total_usd);
  });

  it("names the field of an invalid input with a coded error", async () => {
    await setField("duration_ms", "-5");
    const code = await browser.$('[data-testid="error-code"]');
    await code.waitForExist({ timeout: 10_000 });
    assert.equal(await code.getText(), "E_BAD_INPUT");
    assert.equal(await (await browser.$('[data-testid="error-message"]')).getText(), "Duration (ms): must not be negative.");
    assert.equal(await (await browser.$("#duration_ms")).getAttribute("aria-invalid"), "true");
    assert.equal(await (await browser.$('[data-testid="duration_ms-note"]')).getText(), "Invalid value: see the message");
    await shot("estimate-error-1280x800");
    await setField("duration_ms", "900");
    await code.waitForExist({ timeout: 10_000, reverse: true });
    assert.equal(await (await browser.$("#duration_ms")).getAttribute("aria-invalid"), null);
  });

  it("shows application errors with their code and the CLI's sentence", async () => {
    await (await browser.$("#platform")).selectByAttribute("value", "vm:aws/m7g.large");
    await (await browser.$("#pricing")).selectByAttribute("value", "1yr");
    const code = await browser.$('[data-testid="error-code"]');
    await code.waitForExist({ timeout: 10_000 });
    assert.equal(await code.getText(), "E_MISSING_PRICE");
    const expected = cliError(["--platform", "vm:aws/m7g.large", "--pricing", "1yr"]);
    assert.equal(await (await browser.$('[data-testid="error-message"]')).getText(), expected);
    await (await browser.$("#pricing")).selectByAttribute("value", "on-demand");
    await setField("requests", "");
    const cli = cliEstimate(["--platform", "vm:aws/m7g.large", "--duration-ms", "900", "--memory-mb", "1024"]);
    await waitForTotal(cli.total_usd);
  });

  it("redraws the result quickly after an edit", async () => {
    await (await browser.$("#platform")).selectByAttribute("value", "aws-lambda");
    await setField("duration_ms", "100");
    await (await browser.$('[data-testid="total"]')).waitForExist({ timeout: 10_000 });
    // Measured inside the webview: from the input event to the new total in the DOM, so
    // WebDriver's own latency is not counted. Includes the quiet period after typing.
    const samples = [];
    for (let i = 1; i <= 15; i++) {
      const ms = await browser.executeAsync((requests, done) => {
        const total = document.querySelector('[data-testid="total"]');
        const field = document.getElementById("requests");
        const before = total.getAttribute("data-exact");
        const t0 = performance.now();
        const watch = new MutationObserver(() => {
          const now = document.querySelector('[data-testid="total"]');
          if (now && now.getAttribute("data-exact") !== before) {
            watch.disconnect();
            done(performance.now() - t0);
          }
        });
        watch.observe(document.body, { subtree: true, attributes: true, childList: true });
        field.value = requests;
        field.dispatchEvent(new Event("input", { bubbles: true }));
      }, String(2_000_000 + i * 1_000_000));
      samples.push(ms);
    }
    samples.sort((a, b) => a - b);
    const median = samples[Math.floor(samples.length / 2)];
    const worst = samples[samples.length - 1];
    console.log(`# edit to redrawn total in the webview: median ${median.toFixed(1)} ms, max ${worst.toFixed(1)} ms over ${samples.length} edits`);
    assert.ok(worst < 1000, `an edit took ${worst} ms to show`);
  });

  it("reads well at 1920x1080 and in the dark theme", async () => {
    await (await browser.$("#platform")).selectByAttribute("value", "aws-lambda");
    await setField("requests", "40000000");
    await setField("duration_ms", "180");
    await setField("memory_mb", "2048");
    await setField("provisioned_concurrency", "5");
    const cli = cliEstimate([
      "--platform", "aws-lambda", "--requests", "40000000", "--duration-ms", "180", "--memory-mb", "2048",
      "--provisioned-concurrency", "5",
    ]);
    await waitForTotal(cli.total_usd);
    await browser.setWindowSize(1920, 1080);
    await shot("estimate-1920x1080");
    await (await browser.$("#nav-settings")).click();
    await (await browser.$("label:has(input[value=dark])")).click();
    await shot("settings-dark-1920x1080");
    await (await browser.$("#nav-catalog")).click();
    await shot("catalog-dark-1920x1080");
    await (await browser.$("#nav-estimate")).click();
    await (await browser.$('[data-testid="total"]')).waitForExist({ timeout: 10_000 });
    await shot("estimate-dark-1920x1080");
    await browser.setWindowSize(1280, 800);
    await shot("estimate-dark-1280x800");
  });
});
