// Display preferences kept in the webview's storage: how money is shown in the account views.

import { formatUsd, formatUsdExact } from "./format";

export type MoneyDisplay = "rounded" | "exact";

const KEY = "breakeven.money";

function load(): MoneyDisplay {
  try {
    return localStorage.getItem(KEY) === "exact" ? "exact" : "rounded";
  } catch {
    return "rounded";
  }
}

export const prefs = $state({ money: load() as MoneyDisplay });

export function setMoney(m: MoneyDisplay): void {
  prefs.money = m;
  try {
    localStorage.setItem(KEY, m);
  } catch {
    // Storage unavailable: the choice lasts for this session.
  }
}

/** Money as the user chose to see it: rounded like an invoice, or every digit. */
export function money(usd: string): string {
  return prefs.money === "exact" ? formatUsdExact(usd) : formatUsd(usd);
}
