import { createMemo, createSignal, For, Match, Show, Switch, type JSX } from "solid-js";
import { RelationshipType } from "../gen/decentra/v1/relationships_pb";
import type { Relationship } from "../state/model";
import { setNav } from "../app/layout";
import { IconMenu, IconUsers } from "../ui/icons";
import { UserPopover } from "../members/UserPopover";
import { AddFriend, AddFriendNudge } from "./AddFriend";
import { FriendRow } from "./FriendRow";
import { IconBlock, IconSearch, IconUserPlus, IconWave } from "./icons";
import { friendsTab, incomingCount, isOnline, matches, relationshipsOf, setFriendsTab, type FriendsTab } from "./relationships";
import "./friends.css";

const TABS: { id: FriendsTab; label: string }[] = [
  { id: "online", label: "Online" },
  { id: "all", label: "All" },
  { id: "pending", label: "Pending" },
  { id: "blocked", label: "Blocked" },
  { id: "add", label: "Add Friend" },
];

/** Home without a conversation: friends, requests and blocks, and adding someone new. */
export function FriendsPage() {
  const [profile, setProfile] = createSignal<{ userId: string; anchor: DOMRect } | null>(null);
  const tabs: HTMLButtonElement[] = [];

  // Arrow keys move between tabs (roving focus), as a tablist should.
  function onTabKey(e: KeyboardEvent) {
    const at = TABS.findIndex((t) => t.id === friendsTab());
    const next = e.key === "ArrowRight" ? at + 1 : e.key === "ArrowLeft" ? at - 1 : e.key === "Home" ? 0 : e.key === "End" ? TABS.length - 1 : null;
    if (next === null) return;
    e.preventDefault();
    const i = (next + TABS.length) % TABS.length;
    setFriendsTab(TABS[i].id);
    tabs[i]?.focus();
  }

  return (
    <>
      <header class="main-header friends-header">
        <button class="icon-btn drawer-toggle" aria-label="Open navigation" onClick={() => setNav(true)}>
          <IconMenu />
        </button>
        <span class="muted friends-title-icon" aria-hidden="true">
          <IconUsers />
        </span>
        <h1 class="friends-title">Friends</h1>
        <span class="friends-divider" aria-hidden="true" />
        <div class="tabs friends-tabs" role="tablist" aria-label="Friends" onKeyDown={onTabKey}>
          <For each={TABS}>
            {(t, i) => (
              <button
                ref={(el) => (tabs[i()] = el)}
                role="tab"
                id={`friends-tab-${t.id}`}
                aria-selected={friendsTab() === t.id}
                aria-controls="friends-panel"
                tabIndex={friendsTab() === t.id ? 0 : -1}
                classList={{ "add-friend": t.id === "add" }}
                onClick={() => setFriendsTab(t.id)}
              >
                <Show when={t.id === "add"} fallback={t.label}>
                  <IconUserPlus size={18} />
                  <span class="tab-label">{t.label}</span>
                </Show>
                <Show when={t.id === "pending" && incomingCount() > 0}>
                  <span class="badge friends-badge">
                    <span class="sr-only">, </span>
                    {incomingCount()}
                    <span class="sr-only"> incoming</span>
                  </span>
                </Show>
              </button>
            )}
          </For>
        </div>
      </header>
      <div class="friends-body" id="friends-panel" role="tabpanel" aria-labelledby={`friends-tab-${friendsTab()}`}>
        <Show when={friendsTab() === "add"} fallback={<FriendList tab={friendsTab() as Exclude<FriendsTab, "add">} onProfile={(userId, anchor) => setProfile({ userId, anchor })} />}>
          <AddFriend />
        </Show>
      </div>
      <Show when={profile()}>{(p) => <UserPopover userId={p().userId} serverId="" anchor={p().anchor} onClose={() => setProfile(null)} />}</Show>
    </>
  );
}

/** The people of one tab, with a filter box and the tab's own empty state. */
function FriendList(props: { tab: Exclude<FriendsTab, "add">; onProfile: (userId: string, anchor: DOMRect) => void }) {
  const [query, setQuery] = createSignal("");
  const all = createMemo((): Relationship[] => {
    switch (props.tab) {
      case "online":
        return relationshipsOf(RelationshipType.FRIEND).filter((r) => isOnline(r.user!.id));
      case "all":
        return relationshipsOf(RelationshipType.FRIEND);
      case "pending":
        return [...relationshipsOf(RelationshipType.INCOMING), ...relationshipsOf(RelationshipType.OUTGOING)];
      case "blocked":
        return relationshipsOf(RelationshipType.BLOCKED);
    }
  });
  const shown = createMemo(() => all().filter((r) => matches(r.user, query())));
  const heading = () => ({ online: "Online", all: "All friends", pending: "Pending", blocked: "Blocked" })[props.tab];

  return (
    <div class="friend-list-wrap">
      <Show when={all().length > 0} fallback={<Empty tab={props.tab} />}>
        <label class="friend-search">
          <input type="search" aria-label="Search" placeholder="Search" value={query()} onInput={(e) => setQuery(e.currentTarget.value)} />
          <IconSearch size={18} />
        </label>
        <Show
          when={shown().length > 0}
          fallback={
            <p class="friends-none muted" role="status">
              No one here matches “{query().trim()}”.
            </p>
          }
        >
          <Switch>
            <Match when={props.tab === "pending"}>
              <Section title="Incoming" list={shown().filter((r) => r.type === RelationshipType.INCOMING)} onProfile={props.onProfile} />
              <Section title="Outgoing" list={shown().filter((r) => r.type === RelationshipType.OUTGOING)} onProfile={props.onProfile} />
            </Match>
            <Match when={true}>
              <Section title={heading()} list={shown()} onProfile={props.onProfile} />
            </Match>
          </Switch>
        </Show>
      </Show>
    </div>
  );
}

function Section(props: { title: string; list: Relationship[]; onProfile: (userId: string, anchor: DOMRect) => void }) {
  return (
    <Show when={props.list.length > 0}>
      <section aria-label={`${props.title}, ${props.list.length}`}>
        <h2 class="friends-count">
          {props.title} — {props.list.length}
        </h2>
        <ul class="friend-list">
          <For each={props.list}>{(r) => <FriendRow rel={r} onProfile={props.onProfile} />}</For>
        </ul>
      </section>
    </Show>
  );
}

function Empty(props: { tab: Exclude<FriendsTab, "add"> }) {
  const content = (): { icon: JSX.Element; title: string; text: string; nudge: boolean } => {
    switch (props.tab) {
      case "online":
        return relationshipsOf(RelationshipType.FRIEND).length > 0
          ? { icon: <IconWave size={40} />, title: "Everyone's away", text: "None of your friends are online right now. Say hi anyway — they'll see it when they're back.", nudge: false }
          : { icon: <IconWave size={40} />, title: "It's quiet in here", text: "No friends yet, so no one to see online. Add someone by their username to get things going.", nudge: true };
      case "all":
        return { icon: <IconUsers size={40} />, title: "No friends yet", text: "Friends you add show up here. All you need is their username.", nudge: true };
      case "pending":
        return { icon: <IconUsers size={40} />, title: "No pending requests", text: "Friend requests you send or receive will wait here until someone answers.", nudge: true };
      case "blocked":
        return { icon: <IconBlock size={40} />, title: "No one is blocked", text: "People you block can't message you or send you friend requests. They'd be listed here.", nudge: false };
    }
  };
  return (
    <div class="friends-empty">
      <div class="friends-empty-icon" aria-hidden="true">
        {content().icon}
      </div>
      <h2>{content().title}</h2>
      <p class="muted">{content().text}</p>
      <Show when={content().nudge}>
        <AddFriendNudge />
      </Show>
    </div>
  );
}
