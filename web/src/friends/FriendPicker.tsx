import { createMemo, createSignal, For, Show, type JSX } from "solid-js";
import { ConnectError } from "@connectrpc/connect";
import { describeError } from "../api/errors";
import { RelationshipType } from "../gen/decentra/v1/relationships_pb";
import type { User } from "../state/model";
import { Avatar, displayName } from "../ui/Avatar";
import { Dialog } from "../ui/Dialog";
import { IconX } from "./icons";
import { matches, relationshipsOf } from "./relationships";
import "./friends.css";

/**
 * Pick some friends: search filter, checkboxes, chips of who is picked. `submit` gets the
 * chosen users and the extra fields' values; a thrown error is shown in the dialog.
 */
export function FriendPicker(props: {
  title: string;
  hint: string;
  exclude?: string[];
  submitLabel: (count: number) => string;
  extra?: (count: number) => JSX.Element;
  empty: JSX.Element;
  onSubmit: (users: User[]) => Promise<void>;
  onClose: () => void;
}) {
  const [query, setQuery] = createSignal("");
  const [picked, setPicked] = createSignal<string[]>([]);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal("");
  const friends = createMemo(() =>
    relationshipsOf(RelationshipType.FRIEND)
      .map((r) => r.user!)
      .filter((u) => !props.exclude?.includes(u.id)),
  );
  const shown = () => friends().filter((u) => matches(u, query()));
  const pickedUsers = () => picked().map((id) => friends().find((u) => u.id === id)).filter((u): u is User => !!u);
  const toggle = (id: string, on: boolean) => setPicked((p) => (on ? [...p, id] : p.filter((x) => x !== id)));

  async function submit(e: Event) {
    e.preventDefault();
    if (!pickedUsers().length || busy()) return;
    setBusy(true);
    setError("");
    try {
      await props.onSubmit(pickedUsers());
    } catch (err) {
      setError(err instanceof Error && !(err instanceof ConnectError) ? err.message : describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog title={props.title} onClose={props.onClose}>
      <Show when={friends().length > 0} fallback={<div class="picker-empty">{props.empty}</div>}>
        <form onSubmit={submit}>
          <p class="muted" style={{ margin: "0", "font-size": "var(--text-sm)" }}>
            {props.hint}
          </p>
          <input class="input picker-search" type="search" aria-label="Search friends" placeholder="Type the name of a friend" value={query()} onInput={(e) => setQuery(e.currentTarget.value)} />
          <Show when={pickedUsers().length > 0}>
            <div class="picker-chips" aria-label="Selected friends" role="group">
              <For each={pickedUsers()}>
                {(u) => (
                  <button type="button" class="picker-chip" aria-label={`Unselect ${displayName(u)}`} onClick={() => toggle(u.id, false)}>
                    {displayName(u)}
                    <IconX size={12} />
                  </button>
                )}
              </For>
            </div>
          </Show>
          <ul class="picker-list" aria-label="Friends">
            <For each={shown()} fallback={<li class="picker-empty faint">No friends match “{query().trim()}”.</li>}>
              {(u) => (
                <li>
                  <label class="picker-item">
                    <Avatar user={u} size={32} presence />
                    <span class="grow">
                      <strong>{displayName(u)}</strong>
                      <span class="faint">{u.username}</span>
                    </span>
                    <input type="checkbox" aria-label={displayName(u)} checked={picked().includes(u.id)} onChange={(e) => toggle(u.id, e.currentTarget.checked)} />
                  </label>
                </li>
              )}
            </For>
          </ul>
          {props.extra?.(pickedUsers().length)}
          <Show when={error()}>
            <p class="error-text" role="alert">
              {error()}
            </p>
          </Show>
          <div class="actions">
            <button type="button" class="btn secondary" onClick={props.onClose}>
              Cancel
            </button>
            <button class="btn" type="submit" disabled={!pickedUsers().length || busy()}>
              {props.submitLabel(pickedUsers().length)}
            </button>
          </div>
        </form>
      </Show>
      <Show when={friends().length === 0}>
        <div class="actions">
          <button type="button" class="btn secondary" onClick={props.onClose}>
            Close
          </button>
        </div>
      </Show>
    </Dialog>
  );
}
