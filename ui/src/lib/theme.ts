// Light/dark theme: the user's choice is remembered; "system" follows the OS setting.

export type ThemeChoice = "system" | "light" | "dark";

const KEY = "breakeven.theme";

export function loadTheme(): ThemeChoice {
  const v = localStorage.getItem(KEY);
  return v === "light" || v === "dark" ? v : "system";
}

export function applyTheme(choice: ThemeChoice): void {
  if (choice === "system") {
    localStorage.removeItem(KEY);
    delete document.documentElement.dataset.theme;
  } else {
    localStorage.setItem(KEY, choice);
    document.documentElement.dataset.theme = choice;
  }
}
