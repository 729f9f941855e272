import { createResource, createSignal, For, Match, onCleanup, Show, Switch } from "solid-js";
import { Code } from "@connectrpc/connect";
import { api } from "../api/client";
import { describeError, errorCode } from "../api/errors";
import { RelationshipType } from "../gen/decentra/v1/relationships_pb";
import type { User } from "../state/model";
import { state } from "../state/store";
import { Avatar, displayName } from "../ui/Avatar";
import { relationshipApi, relationshipWith, setFriendsTab } from "./relationships";

type Outcome = { ok: boolean; text: string } | null;

/** Why a friend request by username failed, in words that say what to do next. */
function explain(err: unknown, username: string): string {
  switch (errorCode(err)) {
    case Code.NotFound:
      return `There's no one called "${username}" here. Check the spelling — usernames are lowercase letters, numbers, dots and underscores.`;
    case Code.AlreadyExists: {
      const rel = Object.values(state.relationships).find((r) => r.user?.username === username);
      if (rel?.type === RelationshipType.FRIEND) return `You're already friends with ${username}.`;
      if (rel?.type === RelationshipType.OUTGOING) return `You already sent ${username} a friend request.`;
      return describeError(err);
    }
    case Code.FailedPrecondition:
      return username === state.me?.username ? "That's you! You can't send a friend request to yourself." : `You can't send ${username} a friend request.`;
    default:
      return describeError(err);
  }
}

/** The "Add Friend" tab: a request by username, plus people matching what was typed. */
export function AddFriend() {
  const [username, setUsername] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [outcome, setOutcome] = createSignal<Outcome>(null);
  const [query, setQuery] = createSignal("");
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));

  const clean = () => username().trim().replace(/^@/, "").toLowerCase();

  function onInput(value: string) {
    setUsername(value);
    setOutcome(null);
    clearTimeout(timer);
    const q = value.trim().replace(/^@/, "");
    timer = setTimeout(() => setQuery(q.length >= 2 ? q : ""), 250);
  }

  async function submit(e: Event) {
    e.preventDefault();
    const name = clean();
    if (!name || busy()) return;
    setBusy(true);
    setOutcome(null);
    try {
      const res = await relationshipApi.send(name);
      const friend = res.relationship?.type === RelationshipType.FRIEND;
      const who = displayName(res.relationship?.user) || name;
      setOutcome({ ok: true, text: friend ? `You and ${who} are now friends — they had already sent you a request.` : `Success! Your friend request to ${name} was sent.` });
      setUsername("");
      setQuery("");
    } catch (err) {
      setOutcome({ ok: false, text: explain(err, name) });
    } finally {
      setBusy(false);
    }
  }

  const [results] = createResource(query, async (q) => (await api.users.searchUsers({ query: q, pageSize: 8 })).users);

  return (
    <section class="add-friend" aria-labelledby="add-friend-title">
      <h2 id="add-friend-title">Add friend</h2>
      <p class="muted">You can add friends with their username.</p>
      <form class="add-friend-form" classList={{ ok: outcome()?.ok === true, bad: outcome()?.ok === false }} onSubmit={submit}>
        <input
          aria-label="Username"
          placeholder="Enter a username, e.g. grace"
          autocomplete="off"
          spellcheck={false}
          maxLength={33}
          value={username()}
          onInput={(e) => onInput(e.currentTarget.value)}
          aria-describedby="add-friend-outcome"
          aria-invalid={outcome()?.ok === false}
        />
        <button class="btn" type="submit" disabled={!clean() || busy()}>
          {busy() ? "Sending…" : "Send friend request"}
        </button>
      </form>
      <p id="add-friend-outcome" class="add-friend-outcome" classList={{ ok: outcome()?.ok === true, "error-text": outcome()?.ok === false }} role={outcome()?.ok === false ? "alert" : "status"}>
        {outcome()?.text ?? ""}
      </p>
      <Show when={query()}>
        <h3 class="friends-count">People matching “{query()}”</h3>
        <Switch>
          <Match when={results.loading}>
            <div class="loading-row">
              <div class="spinner" />
            </div>
          </Match>
          <Match when={results.error}>
            <p class="error-text" role="alert">
              {describeError(results.error)}
            </p>
          </Match>
          <Match when={results()}>
            {(list) => (
              <ul class="friend-list" aria-label="Matching people">
                <For each={list()} fallback={<li class="faint add-friend-none">No one found. Try their exact username above.</li>}>
                  {(u) => <Suggestion user={u} onSent={(text) => setOutcome({ ok: true, text })} onError={(text) => setOutcome({ ok: false, text })} />}
                </For>
              </ul>
            )}
          </Match>
        </Switch>
      </Show>
    </section>
  );
}

/** A search result with what can be done given the current relationship (live from the store). */
function Suggestion(props: { user: User; onSent: (text: string) => void; onError: (text: string) => void }) {
  const [busy, setBusy] = createSignal(false);
  const name = () => displayName(props.user);
  const rel = () => relationshipWith(props.user.id);
  const isMe = () => props.user.id === state.me?.id;

  async function add() {
    setBusy(true);
    try {
      const res = await relationshipApi.sendTo(props.user.id);
      props.onSent(res.relationship?.type === RelationshipType.FRIEND ? `You and ${name()} are now friends.` : `Success! Your friend request to ${props.user.username} was sent.`);
    } catch (err) {
      props.onError(explain(err, props.user.username));
    } finally {
      setBusy(false);
    }
  }

  return (
    <li class="friend-row">
      <div class="friend-who static">
        <Avatar user={props.user} size={32} presence={rel() === RelationshipType.FRIEND} />
        <span class="friend-text">
          <span class="friend-name">
            <strong>{name()}</strong>
          </span>
          <Show when={props.user.displayName}>
            <span class="friend-sub">{props.user.username}</span>
          </Show>
        </span>
      </div>
      <div class="friend-actions">
        <Switch
          fallback={
            <button class="btn small" aria-label={`Add ${name()} as a friend`} disabled={busy() || props.user.isBot} onClick={() => void add()}>
              Add friend
            </button>
          }
        >
          <Match when={isMe()}>
            <span class="faint">That's you</span>
          </Match>
          <Match when={rel() === RelationshipType.FRIEND}>
            <span class="faint">Friends</span>
          </Match>
          <Match when={rel() === RelationshipType.OUTGOING}>
            <span class="faint">Request sent</span>
          </Match>
          <Match when={rel() === RelationshipType.BLOCKED}>
            <span class="faint">Blocked</span>
          </Match>
          <Match when={rel() === RelationshipType.INCOMING}>
            <button class="btn small" aria-label={`Accept friend request from ${name()}`} disabled={busy()} onClick={() => void add()}>
              Accept
            </button>
          </Match>
        </Switch>
      </div>
    </li>
  );
}

/** Shown on tabs with nobody to list: a nudge towards adding someone. */
export function AddFriendNudge() {
  return (
    <button class="btn" onClick={() => setFriendsTab("add")}>
      Add friend
    </button>
  );
}
