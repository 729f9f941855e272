import { For, Show } from "solid-js";
import { A, useParams } from "@solidjs/router";
import { ChannelType } from "../gen/decentra/v1/channels_pb";
import { state } from "../state/store";
import { isUnread, mentionCount } from "../state/unread";
import { Avatar } from "../ui/Avatar";
import { IconUsers } from "../ui/icons";
import { privateChannels } from "../channels/order";
import { channelTitle } from "../messages/ChannelView";

/** Home: the Friends link and the list of DMs and group DMs. */
export function HomeSidebar() {
  const params = useParams<{ channelId?: string }>();
  return (
    <>
      <header class="sidebar-header">
        <h2>Direct messages</h2>
      </header>
      <nav class="sidebar-scroll" aria-label="Conversations">
        <A href="/channels/@me" class="channel-link" aria-current={!params.channelId ? "page" : undefined}>
          <span class="hash">
            <IconUsers size={18} />
          </span>
          <span class="name">Friends</span>
        </A>
        <h3 class="category" style={{ cursor: "default" }}>
          Direct messages
        </h3>
        <For each={privateChannels(state)} fallback={<p class="faint" style={{ padding: "0 8px" }}>No conversations yet.</p>}>
          {(c) => {
            const other = () => c.recipients.find((u) => u.id !== state.me?.id) ?? c.recipients[0];
            const mentions = () => mentionCount(state, c.id);
            return (
              <A
                href={`/channels/@me/${c.id}`}
                class="channel-link dm-link"
                classList={{ unread: isUnread(state, c) }}
                aria-current={params.channelId === c.id ? "page" : undefined}
                aria-label={`${channelTitle(c)}${isUnread(state, c) ? ", unread" : ""}`}
              >
                <Show when={c.type === ChannelType.DM} fallback={<span class="avatar group-avatar" aria-hidden="true">{c.recipients.length}</span>}>
                  <Avatar user={other()} size={32} presence />
                </Show>
                <span class="name">{channelTitle(c)}</span>
                <Show when={mentions() > 0}>
                  <span class="badge">{mentions()}</span>
                </Show>
              </A>
            );
          }}
        </For>
      </nav>
    </>
  );
}
