import { createSignal, For, Show } from "solid-js";
import { A, useParams } from "@solidjs/router";
import { ChannelType } from "../gen/decentra/v1/channels_pb";
import type { Channel } from "../state/model";
import { state } from "../state/store";
import { isUnread, mentionCount } from "../state/unread";
import { Avatar, colourFor } from "../ui/Avatar";
import { IconPlus, IconUsers } from "../ui/icons";
import { privateChannels } from "../channels/order";
import { channelTitle } from "../messages/ChannelView";
import { CreateDmDialog } from "./CreateDmDialog";
import { GroupDmOptions } from "./GroupDmOptions";
import { incomingCount, othersIn } from "./relationships";
import "./friends.css";

/** Home: the Friends link and the list of DMs and group DMs. */
export function HomeSidebar() {
  const params = useParams<{ channelId?: string }>();
  const [creating, setCreating] = createSignal(false);
  const pending = () => incomingCount();
  // Keyed by id: a channelUpdated event replaces the channel object, and the row (with any
  // open menu or dialog) must survive it.
  const channelIds = () => privateChannels(state).map((c) => c.id);
  return (
    <>
      <header class="sidebar-header">
        <h2>Direct messages</h2>
      </header>
      <nav class="sidebar-scroll" aria-label="Conversations">
        <A
          href="/channels/@me"
          class="channel-link"
          aria-current={!params.channelId ? "page" : undefined}
        >
          <span class="hash" aria-hidden="true">
            <IconUsers size={18} />
          </span>
          <span class="name">
            Friends
            <Show when={pending() > 0}>
              <span class="sr-only">{`, ${pending()} pending request${pending() === 1 ? "" : "s"}`}</span>
            </Show>
          </span>
          <Show when={pending() > 0}>
            <span class="badge home-badge" aria-hidden="true">
              {pending()}
            </span>
          </Show>
        </A>
        <div class="dm-heading">
          <h3 class="category">Direct messages</h3>
          <button class="icon-btn" aria-label="Create DM" title="Create DM" onClick={() => setCreating(true)}>
            <IconPlus size={16} />
          </button>
        </div>
        <For
          each={channelIds()}
          fallback={
            <p class="faint dm-empty">
              No conversations yet.{" "}
              <button class="btn link" onClick={() => setCreating(true)}>
                Start one
              </button>
            </p>
          }
        >
          {(id) => (
            <Show when={state.channels[id]}>
              <DmRow channel={state.channels[id]} current={params.channelId === id} />
            </Show>
          )}
        </For>
      </nav>
      <Show when={creating()}>
        <CreateDmDialog onClose={() => setCreating(false)} />
      </Show>
    </>
  );
}

function DmRow(props: { channel: Channel; current: boolean }) {
  const [menuAt, setMenuAt] = createSignal<{ x: number; y: number } | null>(null);
  const c = () => props.channel;
  const group = () => c().type === ChannelType.GROUP_DM;
  const others = () => othersIn(c().recipients);
  const other = () => others()[0] ?? c().recipients[0];
  const mentions = () => mentionCount(state, c().id);
  const unread = () => isUnread(state, c());
  const sub = () => {
    if (group()) return `${others().length + 1} members`;
    const u = other();
    return u ? state.presences[u.id]?.statusText || u.statusText : "";
  };
  return (
    <div class="dm-row" onContextMenu={(e) => group() && (e.preventDefault(), setMenuAt({ x: e.clientX, y: e.clientY }))}>
      <A
        href={`/channels/@me/${c().id}`}
        class="channel-link dm-link"
        classList={{ unread: unread() }}
        aria-current={props.current ? "page" : undefined}
      >
        <Show
          when={!group()}
          fallback={
            <span class="avatar group-avatar" aria-hidden="true" style={{ background: colourFor(c().id) }}>
              <IconUsers size={16} />
            </span>
          }
        >
          <Avatar user={other()} size={32} presence />
        </Show>
        <span class="dm-text">
          <span class="name">
            {channelTitle(c())}
            <span class="sr-only">{`${group() ? ", group" : ""}${mentions() > 0 ? `, ${mentions()} mention${mentions() === 1 ? "" : "s"}` : unread() ? ", unread" : ""}`}</span>
          </span>
          <Show when={sub()}>
            <span class="dm-sub">{sub()}</span>
          </Show>
        </span>
        <Show when={mentions() > 0}>
          <span class="badge" aria-hidden="true">
            {mentions()}
          </span>
        </Show>
      </A>
      <Show when={group()}>
        <GroupDmOptions channel={c()} menuAt={menuAt()} onMenuClosed={() => setMenuAt(null)} />
      </Show>
    </div>
  );
}
