import { createSignal, For, Show } from "solid-js";
import { api } from "../api/client";
import { PresenceStatus } from "../gen/decentra/v1/users_pb";
import { state } from "../state/store";
import { Avatar, displayName, presenceClass } from "../ui/Avatar";
import { IconGear } from "../ui/icons";
import { openUserSettings } from "../app/overlays";

export const STATUSES = [
  { status: PresenceStatus.ONLINE, label: "Online" },
  { status: PresenceStatus.IDLE, label: "Idle" },
  { status: PresenceStatus.DND, label: "Do Not Disturb" },
  { status: PresenceStatus.INVISIBLE, label: "Invisible" },
];

/** Bottom of the sidebar: who I am, my status, settings. */
export function UserPanel() {
  const [menu, setMenu] = createSignal(false);
  const me = () => state.me;
  const status = () => {
    const p = state.presences[me()?.id ?? ""];
    return STATUSES.find((s) => s.status === p?.status)?.label ?? "Online";
  };
  return (
    <div class="user-panel">
      <button class="avatar-btn" aria-label={`Set status, currently ${status()}`} aria-haspopup="menu" aria-expanded={menu()} onClick={() => setMenu((v) => !v)}>
        <Avatar user={me() ?? undefined} size={32} presence />
      </button>
      <div class="who">
        <strong>{displayName(me() ?? undefined)}</strong>
        <span class="faint">{state.presences[me()?.id ?? ""]?.statusText || me()?.statusText || `@${me()?.username ?? ""}`}</span>
      </div>
      <button class="icon-btn" aria-label="User settings" onClick={() => openUserSettings()}>
        <IconGear />
      </button>
      <Show when={menu()}>
        <div class="popover menu status-menu" role="menu" aria-label="Status">
          <For each={STATUSES}>
            {(s) => (
              <button
                role="menuitemradio"
                aria-checked={presenceClass(me()?.id ?? "") !== "offline" && status() === s.label}
                onClick={() => {
                  setMenu(false);
                  void api.users.updatePresence({ status: s.status }).catch(() => undefined);
                }}
              >
                {s.label}
              </button>
            )}
          </For>
        </div>
      </Show>
    </div>
  );
}
