import { createEffect, createSignal, on, Show } from "solid-js";
import { ChannelType } from "../gen/decentra/v1/channels_pb";
import { Permission } from "../gen/decentra/v1/permissions_pb";
import type { Channel, Message } from "../state/model";
import { loadLatest, state } from "../state/store";
import { channelPermissions, has } from "../state/permissions";
import { Avatar, displayName } from "../ui/Avatar";
import { RelationshipType } from "../gen/decentra/v1/relationships_pb";
import { IconAt, IconHash, IconMenu, IconPhone, IconPin, IconUsers } from "../ui/icons";
import { CallView } from "../voice/CallView";
import { startCall, voice } from "../voice/voice";
import { membersOpen, setMembersOpen, setNav } from "../app/layout";
import { MessageList } from "./MessageList";
import { Composer } from "./Composer";
import { MemberList } from "../members/MemberList";
import { PinsPanel } from "./PinsPanel";

/** The other person of a 1:1 DM. */
export function dmPeer(c: Channel) {
  return c.recipients.find((u) => u.id !== state.me?.id) ?? c.recipients[0];
}

/** Title of a channel as its header shows it. */
export function channelTitle(c: Channel): string {
  if (c.type === ChannelType.DM) return displayName(c.recipients.find((u) => u.id !== state.me?.id) ?? c.recipients[0]);
  if (c.type === ChannelType.GROUP_DM) return c.name || c.recipients.filter((u) => u.id !== state.me?.id).map(displayName).join(", ");
  return c.name;
}

/** The open channel: header, history, composer, and (in servers) the member list. */
export function ChannelView(props: { channel: Channel }) {
  const [replyTo, setReplyTo] = createSignal<Message | null>(null);
  const [pins, setPins] = createSignal(false);
  const [loadError, setLoadError] = createSignal(false);
  const c = () => props.channel;
  const inServer = () => c().serverId !== "";
  const perms = () => channelPermissions(state, c());
  const blocked = () => c().type === ChannelType.DM && state.relationships[dmPeer(c())?.id ?? ""]?.type === RelationshipType.BLOCKED;
  const canSend = () => has(perms(), Permission.SEND_MESSAGES) && !blocked();

  createEffect(
    on(
      () => c().id,
      () => {
        setReplyTo(null);
        setPins(false);
        setLoadError(false);
      },
    ),
  );
  // Load when there is no history: on opening, and after a re-sync dropped it.
  createEffect(() => {
    const id = c().id;
    if (!state.history[id] && !loadError()) loadLatest(id).catch(() => setLoadError(true));
  });

  return (
    <>
      <header class="main-header">
        <button class="icon-btn drawer-toggle" aria-label="Open navigation" onClick={() => setNav(true)}>
          <IconMenu />
        </button>
        <Show
          when={c().type === ChannelType.DM && dmPeer(c())}
          fallback={
            <span class="muted header-icon" aria-hidden="true">
              {inServer() ? <IconHash /> : <IconAt />}
            </span>
          }
        >
          {(peer) => <Avatar user={peer()} size={24} presence />}
        </Show>
        <h1>{channelTitle(c())}</h1>
        <Show when={c().topic} fallback={<span style={{ flex: "1" }} />}>
          <span class="topic" title={c().topic}>
            {c().topic}
          </span>
        </Show>
        {/* A running call shows its own Join button in the call view. */}
        <Show when={!inServer() && !blocked() && !state.calls[c().id] && !(voice.channelId === c().id && (voice.status === "connected" || voice.status === "connecting"))}>
          <button class="icon-btn" aria-label="Start voice call" title="Start voice call" onClick={() => void startCall(c().id)}>
            <IconPhone />
          </button>
        </Show>
        <button class="icon-btn" aria-label="Pinned messages" aria-pressed={pins()} onClick={() => setPins((v) => !v)}>
          <IconPin />
        </button>
        <Show when={inServer()}>
          <button class="icon-btn" aria-label="Member list" aria-pressed={membersOpen()} onClick={() => setMembersOpen((v) => !v)}>
            <IconUsers />
          </button>
        </Show>
      </header>
      <div class="main-body">
        <section class="chat" aria-label={`Messages in ${channelTitle(c())}`}>
          <Show when={!inServer()}>
            <CallView channel={c()} />
          </Show>
          <Show
            when={!loadError()}
            fallback={
              <div class="empty" role="alert">
                <div>
                  <h2>Couldn't load messages</h2>
                  <button class="btn" onClick={() => setLoadError(false)}>
                    Try again
                  </button>
                </div>
              </div>
            }
          >
            <MessageList channel={c()} onReply={setReplyTo} />
          </Show>
          <Show
            when={!blocked()}
            fallback={
              <p class="blocked-note" role="status">
                You have blocked {displayName(dmPeer(c()))}. Unblock them to send messages.
              </p>
            }
          >
            <Composer channel={c()} canSend={canSend()} replyTo={replyTo()} onCancelReply={() => setReplyTo(null)} />
          </Show>
        </section>
        <Show when={pins()}>
          <PinsPanel channel={c()} onClose={() => setPins(false)} />
        </Show>
        <Show when={inServer() && !pins()}>
          <MemberList serverId={c().serverId} channel={c()} />
        </Show>
      </div>
    </>
  );
}
