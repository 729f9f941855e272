// "Appearance": theme and message density, stored per device and applied at once.
import { For } from "solid-js";
import { prefs, setPrefs, type Theme } from "../state/prefs";
import { SwitchRow } from "./kit";

const THEMES: { id: Theme; label: string }[] = [
  { id: "dark", label: "Dark" },
  { id: "light", label: "Light" },
];

export function AppearancePage() {
  return (
    <>
      <h1>Appearance</h1>
      <h3 id="theme-h">Theme</h3>
      <div class="theme-cards" role="radiogroup" aria-labelledby="theme-h">
        <For each={THEMES}>
          {(t) => (
            <label class="theme-card">
              <input type="radio" name="theme" value={t.id} checked={prefs().theme === t.id} onChange={() => setPrefs({ theme: t.id })} aria-label={`${t.label} theme`} />
              <span class={`theme-swatch ${t.id}`} aria-hidden="true">
                {prefs().theme === t.id ? (
                  <svg width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="3" stroke-linecap="round" stroke-linejoin="round">
                    <path d="M5 12l5 5L20 7" />
                  </svg>
                ) : null}
              </span>
              <span>{t.label}</span>
            </label>
          )}
        </For>
      </div>
      <h3>Message display</h3>
      <SwitchRow
        label="Compact mode"
        description="Fit more messages on screen: smaller avatars and tighter spacing."
        checked={prefs().compact}
        onChange={(v) => setPrefs({ compact: v })}
      />
      <p class="faint" style={{ "margin-top": "16px" }}>
        These settings are saved on this device only.
      </p>
    </>
  );
}
