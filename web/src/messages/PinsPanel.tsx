import { createResource, For, Show } from "solid-js";
import { api } from "../api/client";
import { describeError } from "../api/errors";
import type { Channel } from "../state/model";
import { loadAround, state } from "../state/store";
import { Avatar, displayName } from "../ui/Avatar";
import { IconClose } from "../ui/icons";
import { renderMarkdown } from "./markdown";
import { formatStamp, sentAt } from "./grouping";
import { setHighlight } from "./editing";
import { nameIn } from "../members/names";

/** Pinned messages of a channel; reloads when a pin event changes the channel's pins. */
export function PinsPanel(props: { channel: Channel; onClose: () => void }) {
  const pinnedLoaded = () => (state.history[props.channel.id]?.messages ?? []).filter((m) => m.msg.pinned).map((m) => m.msg.id).join();
  const [pins] = createResource(
    () => ({ id: props.channel.id, pinned: pinnedLoaded(), at: props.channel.lastPinAt?.seconds }),
    async ({ id }) => (await api.messages.listPins({ channelId: id })).messages,
  );
  const names = { user: (id: string) => nameIn(props.channel.serverId, id), role: (id: string) => state.roles[id], me: state.me?.id };
  return (
    <aside class="side-panel" aria-label="Pinned messages">
      <header class="side-panel-head">
        <h2>Pinned messages</h2>
        <button class="icon-btn" aria-label="Close pinned messages" onClick={props.onClose}>
          <IconClose />
        </button>
      </header>
      <Show when={!pins.error} fallback={<p class="error-text" role="alert">{describeError(pins.error)}</p>}>
        <Show when={pins()} fallback={<div class="loading-row"><div class="spinner" /></div>}>
          <Show when={pins()!.length > 0} fallback={<p class="muted empty-note">This channel doesn't have any pinned messages… yet.</p>}>
            <ul class="pin-list">
              <For each={pins()}>
                {(m) => (
                  <li>
                    <button
                      class="pin"
                      aria-label={`Jump to message by ${displayName(m.author)}`}
                      onClick={async () => {
                        await loadAround(m.channelId, m.id);
                        setHighlight(m.id);
                      }}
                    >
                      <Avatar user={m.author} size={24} />
                      <span class="grow">
                        <strong>{nameIn(props.channel.serverId, m.author?.id ?? "") ?? displayName(m.author)}</strong> <span class="faint">{formatStamp(sentAt(m))}</span>
                        <div class="markdown" innerHTML={renderMarkdown(m.content, names)} />
                      </span>
                    </button>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        </Show>
      </Show>
    </aside>
  );
}
