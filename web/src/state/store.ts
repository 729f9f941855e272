// The one client store. The event stream is its only live input; views read from it and call
// the API for actions, never to refresh what an event already told them.
import { createStore, produce, reconcile } from "solid-js/store";
import { batch, createEffect, createRoot } from "solid-js";
import { Code, ConnectError } from "@connectrpc/connect";
import { api } from "../api/client";
import { session } from "../auth/session";
import { emptyState, type ChatMessage, type Message, type State } from "./model";
import { addMessage, applyEvent, HISTORY_WINDOW, type StreamEvent } from "./reducer";
import { initialStream, step, type Effect, type StreamState } from "./reconnect";
import { notifyFor } from "./notify";

export const [state, setState] = createStore<State>(emptyState());

/** Applies a change to the store with plain mutation. */
export function mutate(fn: (s: State) => void): void {
  setState(produce(fn));
}

let stream: StreamState = initialStream;
let abort: AbortController | null = null;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let watchdog: ReturnType<typeof setTimeout> | undefined;
let heartbeatMs = 60_000;

/** Opens the event stream (idempotent) and keeps it open until `disconnect()`. */
export function connect(): void {
  if (abort) return;
  void run();
}

/** Closes the stream and forgets everything (sign-out). */
export function disconnect(): void {
  abort?.abort();
  abort = null;
  clearTimeout(retryTimer);
  clearTimeout(watchdog);
  stream = initialStream;
  setState(reconcile(emptyState()));
}

async function run(): Promise<void> {
  const ctl = new AbortController();
  abort = ctl;
  armWatchdog(ctl);
  let effect: Effect = { type: "none" };
  try {
    for await (const res of api.events.subscribe({ resumeCursor: stream.cursor }, { signal: ctl.signal })) {
      armWatchdog(ctl);
      const ev = res.event;
      if (ev.case === "ready") heartbeatMs = Math.max(10, ev.value.heartbeatIntervalSeconds || 30) * 2_000;
      handle(ev);
      [stream, effect] = step(stream, { type: "event", cursor: res.cursor, kind: ev.case ?? "" });
      mutate((s) => void (s.connection = stream.status));
      if (effect.type !== "none") break;
    }
    if (effect.type === "none") [stream, effect] = step(stream, { type: "ended" });
  } catch (err) {
    if (abort !== ctl) return; // disconnected on purpose
    const unauthenticated = ConnectError.from(err).code === Code.Unauthenticated;
    [stream, effect] = step(stream, { type: "failed", unauthenticated });
  }
  clearTimeout(watchdog);
  if (abort !== ctl) return;
  ctl.abort();
  mutate((s) => void (s.connection = stream.status));
  if (effect.type === "reauthenticate") {
    const token = await session.refresh();
    if (!token) {
      abort = null;
      session.clear();
      return;
    }
    effect = { type: "connect", delay: 0 };
  }
  if (effect.type === "connect") {
    retryTimer = setTimeout(() => {
      if (abort === ctl) void run();
    }, effect.delay);
  }
}

/** A stream that stops hearing heartbeats is dead even if TCP has not noticed. */
function armWatchdog(ctl: AbortController) {
  clearTimeout(watchdog);
  watchdog = setTimeout(() => ctl.abort(), heartbeatMs);
}

/** Listeners that see every stream event after the store applied it (the voice engine). */
const listeners = new Set<(ev: StreamEvent) => void>();

/** Calls `fn` with every stream event from now on; returns the unsubscribe function. */
export function onStreamEvent(fn: (ev: StreamEvent) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function handle(ev: StreamEvent): void {
  batch(() => {
    mutate((s) => applyEvent(s, ev));
    if (ev.case === "messageCreated" && ev.value.message) notifyFor(ev.value.message);
  });
  for (const fn of listeners) fn(ev);
}

if (typeof window !== "undefined") {
  // Coming back online: don't wait out the backoff.
  window.addEventListener("online", () => {
    if (abort && stream.status === "reconnecting") {
      clearTimeout(retryTimer);
      const ctl = abort;
      retryTimer = setTimeout(() => abort === ctl && void run(), 0);
    }
  });
}

/** Messages per history page. */
const PAGE = 50;
/** Messages kept in a channel's window: the DOM stays bounded however far one scrolls. */
export const WINDOW = HISTORY_WINDOW;

/** Loads the newest page of a channel's history (once; live events keep it current). */
export async function loadLatest(channelId: string): Promise<void> {
  const h = state.history[channelId];
  if (h && !h.hasNewer) return;
  const res = await api.messages.listMessages({ channelId, limit: PAGE });
  mutate((s) => {
    const pending = s.history[channelId]?.messages.filter((m) => m.pending) ?? [];
    s.history[channelId] = {
      messages: [...res.messages.reverse().map((msg) => ({ msg })), ...pending],
      hasOlder: res.messages.length === PAGE,
      hasNewer: false,
    };
  });
}

/** Loads the page before the oldest loaded message, dropping the newest past the window. */
export async function loadOlder(channelId: string): Promise<void> {
  const h = state.history[channelId];
  const oldest = h?.messages.find((m) => !m.pending)?.msg.id;
  if (!h || !h.hasOlder || !oldest) return;
  const res = await api.messages.listMessages({ channelId, before: oldest, limit: PAGE });
  mutate((s) => {
    const cur = s.history[channelId];
    if (!cur) return;
    const known = new Set(cur.messages.map((m) => m.msg.id));
    const older: ChatMessage[] = res.messages.reverse().filter((m) => !known.has(m.id)).map((msg) => ({ msg }));
    const all = [...older, ...cur.messages];
    cur.hasOlder = res.messages.length === PAGE;
    if (all.length > WINDOW) {
      cur.messages = all.slice(0, WINDOW).filter((m) => !m.pending);
      cur.hasNewer = true;
    } else {
      cur.messages = all;
    }
  });
}

/** Loads the page after the newest loaded message, dropping the oldest past the window. */
export async function loadNewer(channelId: string): Promise<void> {
  const h = state.history[channelId];
  const newest = h?.messages.at(-1)?.msg.id;
  if (!h || !h.hasNewer || !newest) return;
  const res = await api.messages.listMessages({ channelId, after: newest, limit: PAGE });
  mutate((s) => {
    const cur = s.history[channelId];
    if (!cur) return;
    const known = new Set(cur.messages.map((m) => m.msg.id));
    const newer = res.messages.reverse().filter((m) => !known.has(m.id)).map((msg) => ({ msg }));
    const all = [...cur.messages, ...newer];
    cur.hasNewer = res.messages.length === PAGE;
    if (all.length > WINDOW) {
      cur.messages = all.slice(all.length - WINDOW);
      cur.hasOlder = true;
    } else {
      cur.messages = all;
    }
  });
}

/** Loads the messages around `messageId` (a reply or pin jump). */
export async function loadAround(channelId: string, messageId: string): Promise<void> {
  const loaded = state.history[channelId]?.messages.some((m) => m.msg.id === messageId);
  if (loaded) return;
  const res = await api.messages.listMessages({ channelId, around: messageId, limit: PAGE });
  mutate((s) => {
    s.history[channelId] = { messages: res.messages.reverse().map((msg) => ({ msg })), hasOlder: true, hasNewer: true };
  });
}

/** Drops a window detached from the present and reloads the newest page. */
export async function jumpToPresent(channelId: string): Promise<void> {
  mutate((s) => void delete s.history[channelId]);
  await loadLatest(channelId);
}

/** Records a confirmed message (from an RPC answer) the same way the event would. */
export function confirmMessage(m: Message): void {
  mutate((s) => addMessage(s, m));
}

/** Resolves true once `ready()` holds (false after `ms`): waits for an event an RPC implies. */
export function until(ready: () => boolean, ms = 5_000): Promise<boolean> {
  return new Promise((resolve) =>
    createRoot((dispose) => {
      const timer = setTimeout(() => (dispose(), resolve(false)), ms);
      createEffect(() => {
        if (ready()) {
          clearTimeout(timer);
          queueMicrotask(dispose);
          resolve(true);
        }
      });
    }),
  );
}
