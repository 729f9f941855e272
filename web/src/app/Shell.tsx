import { createEffect, createMemo, createSignal, lazy, Match, onCleanup, onMount, Show, Suspense, Switch } from "solid-js";
import { useNavigate, useParams } from "@solidjs/router";
import { connect, disconnect, state } from "../state/store";
import { session } from "../auth/session";
import { ServerRail } from "../servers/ServerRail";
import { ChannelSidebar } from "../channels/ChannelSidebar";
import { HomeSidebar } from "../friends/HomeSidebar";
import { FriendsPage } from "../friends/FriendsPage";
import { ChannelView } from "../messages/ChannelView";
import { UserPanel } from "../settings/UserPanel";
import { VoicePanel } from "../voice/VoicePanel";
import { IncomingCalls } from "../voice/CallView";
import { overlay } from "./overlays";
import { nav, setNav } from "./layout";
import { QuickSwitcher } from "./QuickSwitcher";
import { useTitleBadge } from "./title";
import { firstTextChannel, neighbourChannel } from "../channels/order";

const UserSettings = lazy(() => import("../settings/UserSettings"));
const ServerSettings = lazy(() => import("../settings/ServerSettings"));
const ChannelSettings = lazy(() => import("../settings/ChannelSettings"));

/** The signed-in app: rail, sidebar, main pane, and the settings overlays. */
export function Shell() {
  const params = useParams<{ serverId: string; channelId?: string }>();
  const navigate = useNavigate();
  const [switcher, setSwitcher] = createSignal(false);
  const home = () => params.serverId === "@me";

  onMount(connect);
  onCleanup(disconnect);
  useTitleBadge();

  // A server route without a channel (or with one that vanished) opens its first text channel;
  // a server we are no longer in (kicked, left, deleted) sends us home.
  createEffect(() => {
    if (!state.ready || home()) return;
    if (!state.servers[params.serverId]) {
      navigate("/channels/@me", { replace: true });
      return;
    }
    if (!params.channelId || !state.channels[params.channelId]) {
      const first = firstTextChannel(state, params.serverId);
      if (first) navigate(`/channels/${params.serverId}/${first}`, { replace: true });
    }
  });
  createEffect(() => {
    if (state.ready && home() && params.channelId && !state.channels[params.channelId]) navigate("/channels/@me", { replace: true });
  });

  const onKey = (e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "k") {
      e.preventDefault();
      setSwitcher((v) => !v);
    } else if (e.altKey && (e.key === "ArrowUp" || e.key === "ArrowDown") && params.channelId) {
      e.preventDefault();
      const next = neighbourChannel(state, params.serverId === "@me" ? "" : params.serverId, params.channelId, e.key === "ArrowUp" ? -1 : 1);
      if (next) navigate(`/channels/${params.serverId}/${next}`);
    }
  };
  onMount(() => document.addEventListener("keydown", onKey));
  onCleanup(() => document.removeEventListener("keydown", onKey));

  // Closing the drawer on navigation keeps the 375 px layout usable.
  createEffect(() => {
    void params.channelId;
    void params.serverId;
    setNav(false);
  });

  const channel = createMemo(() => (params.channelId ? state.channels[params.channelId] : undefined));

  return (
    <Show
      when={state.ready}
      fallback={
        <div class="loading" role="status" aria-live="polite">
          <div style={{ display: "grid", "justify-items": "center", gap: "16px" }}>
            <div class="spinner" />
            <span>Connecting…</span>
            <button class="btn link" onClick={() => session.clear()}>
              Sign out
            </button>
          </div>
        </div>
      }
    >
      <div class="shell" classList={{ "nav-open": nav() }} onClick={(e) => nav() && e.target === e.currentTarget && setNav(false)}>
        <ServerRail />
        <aside class="sidebar" aria-label={home() ? "Direct messages" : "Channels"}>
          <Show when={home()} fallback={<ChannelSidebar serverId={params.serverId} />}>
            <HomeSidebar />
          </Show>
          <VoicePanel />
          <UserPanel />
        </aside>
        <main class="main">
          <Show when={state.connection !== "online"}>
            <div class="conn-banner" role="status">
              Reconnecting…
            </div>
          </Show>
          <Switch>
            <Match when={channel()}>{(c) => <ChannelView channel={c()} />}</Match>
            <Match when={home()}>
              <FriendsPage />
            </Match>
            <Match when={true}>
              <div class="empty">
                <div>
                  <h2>No text channels</h2>
                  <p>There is nothing you can read here yet.</p>
                </div>
              </div>
            </Match>
          </Switch>
        </main>
      </div>
      <Suspense>
        <Switch>
          <Match when={overlay()?.kind === "user-settings"}>
            <UserSettings />
          </Match>
          <Match when={overlay()?.kind === "server-settings"}>
            <ServerSettings />
          </Match>
          <Match when={overlay()?.kind === "channel-settings"}>
            <ChannelSettings />
          </Match>
        </Switch>
      </Suspense>
      <IncomingCalls />
      <Show when={switcher()}>
        <QuickSwitcher onClose={() => setSwitcher(false)} />
      </Show>
    </Show>
  );
}
