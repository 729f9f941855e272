import { createSignal, For, Show } from "solid-js";
import { A, useParams } from "@solidjs/router";
import { state } from "../state/store";
import { serverBadge, totalBadge } from "../state/unread";
import { initials } from "../ui/Avatar";
import { IconHome, IconPlus } from "../ui/icons";
import { AddServerDialog } from "./AddServerDialog";

/** The far-left rail: home, one button per server (unread pill, mention badge), add. */
export function ServerRail() {
  const params = useParams<{ serverId: string }>();
  const [adding, setAdding] = createSignal(false);
  return (
    <nav class="rail" aria-label="Servers">
      <div class="rail-item">
        <Show when={params.serverId === "@me"}>
          <span class="rail-pill active" />
        </Show>
        <A href="/channels/@me" class="rail-btn" aria-label="Direct messages" aria-current={params.serverId === "@me" ? "page" : undefined} title="Direct messages">
          <IconHome size={24} />
        </A>
        <Show when={totalBadge(state) > 0}>
          <span class="badge" aria-hidden="true">{totalBadge(state)}</span>
        </Show>
      </div>
      <div class="rail-sep" />
      <For each={state.serverOrder}>
        {(id) => {
          const server = () => state.servers[id];
          const badge = () => serverBadge(state, id);
          const active = () => params.serverId === id;
          const label = () => {
            const b = badge();
            const extra = b.mentions > 0 ? `, ${b.mentions} mention${b.mentions === 1 ? "" : "s"}` : b.unread ? ", unread" : "";
            return `${server()?.name ?? ""}${extra}`;
          };
          return (
            <Show when={server()}>
              <div class="rail-item">
                <Show when={active() || badge().unread}>
                  <span class="rail-pill" classList={{ active: active() }} />
                </Show>
                <A href={`/channels/${id}`} class="rail-btn" aria-label={label()} aria-current={active() ? "page" : undefined} title={server()!.name}>
                  <Show when={server()!.iconUrl} fallback={<span class="initials" data-initials={initials(server()!.name)} />}>
                    <img src={server()!.iconUrl} alt="" />
                  </Show>
                </A>
                <Show when={badge().mentions > 0}>
                  <span class="badge" aria-hidden="true">{badge().mentions}</span>
                </Show>
              </div>
            </Show>
          );
        }}
      </For>
      <div class="rail-item">
        <button class="rail-btn add" aria-label="Add a server" title="Add a server" onClick={() => setAdding(true)}>
          <IconPlus size={24} />
        </button>
      </div>
      <Show when={adding()}>
        <AddServerDialog onClose={() => setAdding(false)} />
      </Show>
    </nav>
  );
}
