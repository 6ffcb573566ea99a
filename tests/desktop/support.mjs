// Shared by the end-to-end tests: the environment e2e.sh sets, webdriverio (a dev dependency of
// ui/), a WebDriver session on the app, screenshots and the CLI's JSON answers.

import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};

const requireFromUi = createRequire(join(env("UI_DIR"), "package.json"));
const { remote } = await import(pathToFileURL(requireFromUi.resolve("webdriverio")).href);

export const SHOTS = env("SHOTS_DIR");
mkdirSync(SHOTS, { recursive: true });

/** A WebDriver session on the desktop app at 1280×800. */
export async function openApp() {
  const browser = await remote({
    hostname: "127.0.0.1",
    port: Number(env("WEBDRIVER_PORT")),
    logLevel: "error",
    capabilities: { "tauri:options": { application: env("BREAKEVEN_APP") } },
  });
  await browser.setWindowSize(1280, 800);
  return browser;
}

/** The CLI's `--json` answer (it reads the same database as the app: same XDG data dir). */
export function cli(args) {
  return JSON.parse(execFileSync(env("BREAKEVEN_CLI"), [...args, "--json"], { encoding: "utf8" }));
}

export async function shot(browser, name) {
  await browser.pause(250);
  await browser.saveScreenshot(join(SHOTS, `${name}.png`));
}
