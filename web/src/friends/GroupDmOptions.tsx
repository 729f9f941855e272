import { createSignal, For, Match, Show, Switch } from "solid-js";
import { useNavigate, useParams } from "@solidjs/router";
import { api } from "../api/client";
import { describeError } from "../api/errors";
import type { Channel, User } from "../state/model";
import { state } from "../state/store";
import { Avatar, displayName } from "../ui/Avatar";
import { Confirm, Dialog } from "../ui/Dialog";
import { channelTitle } from "../messages/ChannelView";
import { FriendPicker } from "./FriendPicker";
import { IconCrown, IconMore } from "./icons";
import { Menu } from "./Menu";
import { othersIn, statusLine } from "./relationships";
import { createAction } from "../ui/action";

type Open = "menu" | "rename" | "members" | "add" | "leave" | null;

/**
 * The "⋯" of a group DM row (also its context menu): rename, members (the owner removes),
 * add friends, leave.
 */
export function GroupDmOptions(props: { channel: Channel; menuAt: { x: number; y: number } | null; onMenuClosed: () => void }) {
  const navigate = useNavigate();
  const params = useParams<{ channelId?: string }>();
  const [open, setOpen] = createSignal<Open>(null);
  const [at, setAt] = createSignal({ x: 0, y: 0 });
  const [leaveError, setLeaveError] = createSignal("");
  let trigger!: HTMLButtonElement;
  const title = () => channelTitle(props.channel);
  const c = () => props.channel;

  // A right-click on the row opens the menu at the pointer.
  const menuOpen = () => open() === "menu" || props.menuAt !== null;
  const menuPos = () => props.menuAt ?? at();
  const closeMenu = () => {
    if (open() === "menu") setOpen(null);
    props.onMenuClosed();
  };

  function toggle() {
    if (menuOpen()) return closeMenu();
    const r = trigger.getBoundingClientRect();
    setAt({ x: r.right - 230, y: r.bottom + 4 });
    setOpen("menu");
  }

  async function leave() {
    setLeaveError("");
    try {
      await api.channels.leaveGroupDm({ channelId: c().id });
      if (params.channelId === c().id) navigate("/channels/@me");
    } catch (err) {
      setLeaveError(describeError(err));
    }
  }

  async function addMembers(users: User[]) {
    for (const u of users) await api.channels.addGroupDmMember({ channelId: c().id, userId: u.id });
    setOpen(null);
  }

  return (
    <>
      <button
        ref={trigger}
        class="icon-btn dm-more"
        aria-label={`Options for ${title()}`}
        aria-haspopup="menu"
        aria-expanded={menuOpen()}
        title="Group options"
        onClick={(e) => (e.preventDefault(), toggle())}
      >
        <IconMore size={16} />
      </button>
      <Show when={leaveError()}>
        <p class="error-text dm-empty" role="alert">
          {leaveError()}
        </p>
      </Show>
      <Show when={menuOpen()}>
        <Menu
          label={`Options for ${title()}`}
          x={menuPos().x}
          y={menuPos().y}
          anchor={trigger}
          onClose={closeMenu}
          items={[
            { label: "Rename group", onSelect: () => setOpen("rename") },
            { label: "Members", onSelect: () => setOpen("members") },
            { label: "Add friends", onSelect: () => setOpen("add") },
            { label: "Leave group", danger: true, onSelect: () => setOpen("leave") },
          ]}
        />
      </Show>
      <Switch>
        <Match when={open() === "rename"}>
          <RenameDialog channel={c()} onClose={() => setOpen(null)} />
        </Match>
        <Match when={open() === "members"}>
          <MembersDialog channel={c()} onAdd={() => setOpen("add")} onClose={() => setOpen(null)} />
        </Match>
        <Match when={open() === "add"}>
          <FriendPicker
            title={`Add friends to ${title()}`}
            hint="Friends you add can see the group's message history."
            exclude={c().recipients.map((u) => u.id)}
            submitLabel={(n) => (n > 1 ? `Add ${n} friends` : "Add to group")}
            empty={<p class="muted">All your friends are already in this group — or you haven't added any friends yet.</p>}
            onSubmit={addMembers}
            onClose={() => setOpen(null)}
          />
        </Match>
        <Match when={open() === "leave"}>
          <Confirm
            title={`Leave '${title()}'`}
            body={
              c().ownerId === state.me?.id && othersIn(c().recipients).length > 0
                ? "You own this group: leaving hands it to another member. You can only come back if someone adds you again."
                : "You can only come back if someone in the group adds you again."
            }
            action="Leave group"
            onConfirm={() => void leave()}
            onClose={() => setOpen(null)}
          />
        </Match>
      </Switch>
    </>
  );
}

function RenameDialog(props: { channel: Channel; onClose: () => void }) {
  const [name, setName] = createSignal(props.channel.name);
  const { busy, error, run } = createAction();
  async function save(e: Event) {
    e.preventDefault();
    await run(async () => {
      await api.channels.updateChannel({ channelId: props.channel.id, name: name().trim() });
      props.onClose();
    });
  }
  return (
    <Dialog title="Rename group" onClose={props.onClose}>
      <form onSubmit={save}>
        <label class="field">
          <span>Group name</span>
          <input value={name()} maxLength={100} placeholder={othersIn(props.channel.recipients).map(displayName).join(", ")} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <p class="faint" style={{ "margin-top": "calc(-1 * var(--space-2))" }}>
          Everyone in the group sees the new name. Leave it empty to list the members instead.
        </p>
        <Show when={error()}>
          <p class="error-text" role="alert">
            {error()}
          </p>
        </Show>
        <div class="actions">
          <button type="button" class="btn secondary" onClick={props.onClose}>
            Cancel
          </button>
          <button class="btn" type="submit" disabled={busy() || name().trim() === props.channel.name}>
            Save
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Everyone in the group, live from the store; the owner can remove others. */
function MembersDialog(props: { channel: Channel; onAdd: () => void; onClose: () => void }) {
  const [error, setError] = createSignal("");
  const [busy, setBusy] = createSignal("");
  const [confirm, setConfirm] = createSignal<User | null>(null);
  // Read the store each time: member changes arrive as channelUpdated events.
  const live = () => state.channels[props.channel.id] ?? props.channel;
  const owner = () => live().ownerId;
  const iOwn = () => !!state.me && owner() === state.me.id;
  const everyone = () => {
    const others = othersIn(live().recipients).sort((a, b) => displayName(a).localeCompare(displayName(b)));
    return state.me ? [state.me, ...others] : others;
  };

  async function remove(u: User) {
    setBusy(u.id);
    setError("");
    try {
      await api.channels.removeGroupDmMember({ channelId: props.channel.id, userId: u.id });
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy("");
    }
  }

  return (
    <Dialog title={`Members — ${everyone().length}`} onClose={props.onClose}>
      <Show when={!confirm()} fallback={<ConfirmRemove user={confirm()!} onConfirm={() => (void remove(confirm()!), setConfirm(null))} onCancel={() => setConfirm(null)} />}>
      <ul class="member-admin" aria-label="Group members">
        <For each={everyone()}>
          {(u) => (
            <li>
              <Avatar user={u} size={32} presence />
              <span class="grow">
                <strong>
                  {displayName(u)}
                  <Show when={u.id === state.me?.id}>
                    <span class="faint">(you)</span>
                  </Show>
                  <Show when={u.id === owner()}>
                    <span class="owner" title="Group owner" aria-label="Group owner" role="img">
                      <IconCrown size={14} />
                    </span>
                  </Show>
                </strong>
                <span class="faint">{statusLine(u)}</span>
              </span>
              <Show when={iOwn() && u.id !== state.me?.id}>
                <button class="btn secondary small" aria-label={`Remove ${displayName(u)} from the group`} disabled={busy() === u.id} onClick={() => setConfirm(u)}>
                  Remove
                </button>
              </Show>
            </li>
          )}
        </For>
      </ul>
      <Show when={error()}>
        <p class="error-text" role="alert">
          {error()}
        </p>
      </Show>
      <div class="actions">
        <button class="btn secondary" onClick={props.onAdd}>
          Add friends
        </button>
        <button class="btn" onClick={props.onClose}>
          Done
        </button>
      </div>
      </Show>
    </Dialog>
  );
}

/** Asked inside the members dialog (a second modal would fight it for Esc). */
function ConfirmRemove(props: { user: User; onConfirm: () => void; onCancel: () => void }) {
  let cancel!: HTMLButtonElement;
  queueMicrotask(() => cancel?.focus());
  return (
    <div role="group" aria-label={`Remove ${displayName(props.user)}`}>
      <p class="muted">
        Remove <strong>{displayName(props.user)}</strong> from the group? They will no longer see it or its messages.
      </p>
      <div class="actions">
        <button ref={cancel} class="btn secondary" onClick={props.onCancel}>
          Cancel
        </button>
        <button class="btn danger" onClick={props.onConfirm}>
          Remove
        </button>
      </div>
    </div>
  );
}
