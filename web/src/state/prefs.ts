// Per-device preferences (theme, compact mode), persisted in localStorage.
import { createSignal } from "solid-js";

export type Theme = "dark" | "light";
const KEY = "decentra.prefs";

interface Prefs {
  theme: Theme;
  compact: boolean;
}

function load(): Prefs {
  try {
    const p = JSON.parse(localStorage.getItem(KEY) ?? "{}") as Partial<Prefs>;
    return { theme: p.theme === "light" ? "light" : "dark", compact: p.compact === true };
  } catch {
    return { theme: "dark", compact: false };
  }
}

const [prefs, setPrefsSignal] = createSignal<Prefs>(load());

export { prefs };

export function setPrefs(change: Partial<Prefs>): void {
  const next = { ...prefs(), ...change };
  localStorage.setItem(KEY, JSON.stringify(next));
  setPrefsSignal(next);
  applyTheme();
}

/** Puts the preferences on <html>, where the stylesheets read them. */
export function applyTheme(): void {
  document.documentElement.dataset.theme = prefs().theme;
  document.documentElement.dataset.compact = String(prefs().compact);
}
