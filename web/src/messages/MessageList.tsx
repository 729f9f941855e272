import { createEffect, createMemo, createSignal, For, on, onCleanup, onMount, Show } from "solid-js";
import { api } from "../api/client";
import { ChannelType } from "../gen/decentra/v1/channels_pb";
import type { Channel, Message } from "../state/model";
import { jumpToPresent, loadNewer, loadOlder, state } from "../state/store";
import { compareIds } from "../state/ids";
import { firstUnreadId } from "../state/unread";
import { formatDay, sentAt, startsDay, startsGroup } from "./grouping";
import { MessageItem } from "./MessageItem";
import { TypingIndicator } from "./TypingIndicator";
import { channelTitle } from "./ChannelView";

/**
 * The history window. The scroller is `column-reverse`, so it rests at the bottom by itself
 * and keeps its place when older pages are prepended; the window is bounded (see WINDOW),
 * so the DOM stays small in channels of any length.
 */
export function MessageList(props: { channel: Channel; onReply: (m: Message) => void }) {
  let scroller!: HTMLDivElement;
  let top!: HTMLDivElement;
  let bottom!: HTMLDivElement;
  const [atBottom, setAtBottom] = createSignal(true);
  const [loading, setLoading] = createSignal(false);
  const history = () => state.history[props.channel.id];
  const messages = () => history()?.messages ?? [];

  // The "new messages" divider sits where the read marker was when the channel was opened.
  const [marker, setMarker] = createSignal("");
  createEffect(on(() => props.channel.id, (id) => setMarker(state.readStates[id]?.lastReadMessageId ?? ""), { defer: false }));
  const divider = createMemo(() => {
    const ids = messages().filter((m) => !m.pending && m.msg.author?.id !== state.me?.id).map((m) => m.msg.id);
    return firstUnreadId(ids, marker());
  });

  async function page(dir: "older" | "newer") {
    if (loading()) return;
    setLoading(true);
    try {
      await (dir === "older" ? loadOlder(props.channel.id) : loadNewer(props.channel.id));
    } catch {
      // Offline or refused: the edge stays near, so the next scroll retries.
    } finally {
      setLoading(false);
    }
  }

  // Near an edge with more to load: load, and keep loading while the edge stays near (the
  // observer reports changes only, and a short page may leave the edge in view).
  const [topNear, setTopNear] = createSignal(false);
  createEffect(() => {
    if (topNear() && history()?.hasOlder && !loading()) void page("older");
  });
  createEffect(() => {
    if (atBottom() && history()?.hasNewer && !loading()) void page("newer");
  });
  onMount(() => {
    const io = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          if (e.target === top) setTopNear(e.isIntersecting);
          if (e.target === bottom) setAtBottom(e.isIntersecting);
        }
      },
      { root: scroller, rootMargin: "400px 0px" },
    );
    io.observe(top);
    io.observe(bottom);
    onCleanup(() => io.disconnect());
  });

  // Read state: acknowledge the newest message while the present is on screen.
  let acked = "";
  createEffect(() => {
    const h = history();
    const newest = [...messages()].reverse().find((m) => !m.pending)?.msg.id;
    if (!h || h.hasNewer || !newest || !atBottom() || !visible()) return;
    const rs = state.readStates[props.channel.id];
    const done = rs && !rs.unread && rs.mentionCount === 0 && rs.lastReadMessageId && compareIds(rs.lastReadMessageId, newest) >= 0;
    if (done || acked === newest) return;
    acked = newest;
    void api.messages.ackMessage({ channelId: props.channel.id, messageId: newest }).catch(() => (acked = ""));
  });
  const [visible, setVisible] = createSignal(!document.hidden);
  const onVisible = () => setVisible(!document.hidden);
  onMount(() => document.addEventListener("visibilitychange", onVisible));
  onCleanup(() => document.removeEventListener("visibilitychange", onVisible));

  return (
    <div class="messages-wrap">
      <div ref={scroller} class="messages" role="log" aria-live="polite" aria-label="Message history" tabIndex={0}>
        <div class="messages-inner">
          <div ref={top} class="sentinel" />
          <Show when={history() && !history()!.hasOlder}>
            <div class="channel-start">
              <Show
                when={props.channel.serverId}
                fallback={
                  <>
                    <h2>{channelTitle(props.channel)}</h2>
                    <p class="muted">
                      This is the beginning of your {props.channel.type === ChannelType.DM ? `direct message history with ${channelTitle(props.channel)}` : "group"}.
                    </p>
                  </>
                }
              >
                <h2>Welcome to #{channelTitle(props.channel)}!</h2>
                <p class="muted">This is the start of the #{channelTitle(props.channel)} channel.</p>
              </Show>
            </div>
          </Show>
          <Show when={!history() || (loading() && history()!.hasOlder)}>
            <div class="loading-row" role="status">
              <div class="spinner" />
              <span class="sr-only">Loading messages…</span>
            </div>
          </Show>
          <For each={messages()}>
            {(m, i) => {
              const prev = () => messages()[i() - 1];
              const isDivider = () => divider() === m.msg.id;
              return (
                <>
                  <Show when={startsDay(prev(), m)}>
                    <div class="day-divider" role="separator">
                      <span>{formatDay(sentAt(m.msg))}</span>
                    </div>
                  </Show>
                  <Show when={isDivider()}>
                    <div class="new-divider" role="separator" aria-label="New messages">
                      <span>New</span>
                    </div>
                  </Show>
                  <MessageItem item={m} channel={props.channel} head={startsGroup(prev(), m, isDivider())} onReply={props.onReply} />
                </>
              );
            }}
          </For>
          <div ref={bottom} class="sentinel" />
        </div>
      </div>
      <Show when={history()?.hasNewer}>
        <button class="jump-present" onClick={() => void jumpToPresent(props.channel.id)}>
          You're viewing older messages — Jump to present
        </button>
      </Show>
      <TypingIndicator channelId={props.channel.id} />
    </div>
  );
}
