import { createResource, createSignal, For, Match, onCleanup, onMount, Show, Switch } from "solid-js";
import { useNavigate } from "@solidjs/router";
import { api } from "../api/client";
import { RelationshipType } from "../gen/decentra/v1/relationships_pb";
import { state } from "../state/store";
import { Avatar, displayName } from "../ui/Avatar";
import { Confirm } from "../ui/Dialog";
import { Portal } from "solid-js/web";
import { openDm, relationshipApi, relationshipWith } from "../friends/relationships";
import { createAction } from "../ui/action";
import { ChannelType } from "../gen/decentra/v1/channels_pb";
import { Permission } from "../gen/decentra/v1/permissions_pb";
import { channelPermissions, has } from "../state/permissions";

/** A user's profile card next to what was clicked: name, bio, roles, message, friend and block actions. */
export function UserPopover(props: { userId: string; serverId: string; anchor: DOMRect; onClose: () => void }) {
  let box!: HTMLDivElement;
  const navigate = useNavigate();
  const [fetched] = createResource(() => props.userId, async (id) => (await api.users.getUser({ userId: id })).user);
  const user = () => fetched() ?? state.users[props.userId];
  const member = () => (props.userId === state.me?.id ? state.selfMembers[props.serverId] : state.members[props.serverId]?.[props.userId]);
  const roles = () =>
    (member()?.roleIds ?? [])
      .map((id) => state.roles[id])
      .filter(Boolean)
      .sort((a, b) => b.position - a.position);
  const isMe = () => props.userId === state.me?.id;
  const rel = () => relationshipWith(props.userId);
  const name = () => displayName(user());
  const { busy, error, run } = createAction();
  const [confirm, setConfirm] = createSignal<"block" | "remove" | null>(null);
  const [height, setHeight] = createSignal(320);

  // While a confirmation is up, keys and clicks belong to it, not to the card.
  const onKey = (e: KeyboardEvent) => !confirm() && e.key === "Escape" && (e.stopPropagation(), props.onClose());
  const onDown = (e: MouseEvent) => !confirm() && !box.contains(e.target as Node) && props.onClose();
  onMount(() => {
    document.addEventListener("keydown", onKey, true);
    setTimeout(() => document.addEventListener("mousedown", onDown));
    box.focus();
    const ro = new ResizeObserver(() => box.offsetHeight && setHeight(box.offsetHeight));
    ro.observe(box);
    onCleanup(() => ro.disconnect());
  });
  onCleanup(() => {
    document.removeEventListener("keydown", onKey, true);
    document.removeEventListener("mousedown", onDown);
  });

  const position = () => {
    const width = Math.min(300, window.innerWidth - 16);
    const right = props.anchor.right + 8;
    const left = right + width > window.innerWidth ? Math.max(8, Math.min(props.anchor.left - width - 8, window.innerWidth - width - 8)) : right;
    const top = Math.min(props.anchor.top, window.innerHeight - height() - 8);
    return { left: `${left}px`, top: `${Math.max(8, top)}px`, width: `${width}px` };
  };

  const message = () =>
    run(async () => {
      const id = await openDm(props.userId);
      if (!id) throw new Error("no channel");
      props.onClose();
      navigate(`/channels/@me/${id}`);
    });

  return (
    <Portal>
      <div
        ref={box}
        class="popover profile"
        role="dialog"
        aria-label={`Profile of ${name()}`}
        tabIndex={-1}
        style={{ ...position(), visibility: confirm() ? "hidden" : "visible" }}
      >
        <div class="profile-banner" />
        <Avatar user={user()} size={72} presence />
        <h2>{member()?.nickname || name()}</h2>
        <p class="faint">@{user()?.username}</p>
        <Show when={user()?.statusText}>
          <p>{user()!.statusText}</p>
        </Show>
        <Show when={user()?.bio}>
          <h3 class="label">About me</h3>
          <p class="bio">{user()!.bio}</p>
        </Show>
        <Show when={roles().length > 0}>
          <h3 class="label">Roles</h3>
          <ul class="role-chips">
            <For each={roles()}>
              {(r) => (
                <li>
                  <span class="role-dot" style={{ background: r.color ? `#${r.color.toString(16).padStart(6, "0")}` : "var(--text-faint)" }} />
                  {r.name}
                </li>
              )}
            </For>
          </ul>
        </Show>
        <VoiceModeration userId={props.userId} serverId={props.serverId} />
        <Show when={!isMe() && user()}>
          <Show when={!user()!.isBot && rel() !== RelationshipType.BLOCKED}>
            <button class="btn" style={{ width: "100%", "margin-top": "12px" }} disabled={busy()} onClick={() => void message()}>
              Message
            </button>
          </Show>
          <div style={{ display: "flex", "flex-wrap": "wrap", gap: "8px", "margin-top": "8px" }}>
            <Show when={!user()!.isBot}>
              <Switch>
                <Match when={rel() === RelationshipType.UNSPECIFIED}>
                  <button class="btn secondary small" style={{ flex: "1" }} disabled={busy()} onClick={() => void run(() => relationshipApi.sendTo(props.userId))}>
                    Add Friend
                  </button>
                </Match>
                <Match when={rel() === RelationshipType.OUTGOING}>
                  <button class="btn secondary small" style={{ flex: "1" }} disabled title="Friend request sent">
                    Pending
                  </button>
                  <button class="btn secondary small" disabled={busy()} onClick={() => void run(() => relationshipApi.cancel(props.userId))}>
                    Cancel Request
                  </button>
                </Match>
                <Match when={rel() === RelationshipType.INCOMING}>
                  <button class="btn small" style={{ flex: "1", background: "var(--success)" }} disabled={busy()} onClick={() => void run(() => relationshipApi.accept(props.userId))}>
                    Accept Friend Request
                  </button>
                  <button class="btn secondary small" disabled={busy()} onClick={() => void run(() => relationshipApi.decline(props.userId))}>
                    Ignore
                  </button>
                </Match>
                <Match when={rel() === RelationshipType.FRIEND}>
                  <button class="btn secondary small" style={{ flex: "1" }} disabled={busy()} onClick={() => setConfirm("remove")}>
                    Remove Friend
                  </button>
                </Match>
              </Switch>
            </Show>
            <Show
              when={rel() === RelationshipType.BLOCKED}
              fallback={
                <button class="btn secondary small" style={{ color: "var(--danger-text)" }} disabled={busy()} onClick={() => setConfirm("block")}>
                  Block
                </button>
              }
            >
              <button class="btn secondary small" style={{ flex: "1" }} disabled={busy()} onClick={() => void run(() => relationshipApi.unblock(props.userId))}>
                Unblock
              </button>
            </Show>
          </div>
          <Show when={error()}>
            <p class="error-text" role="alert">
              {error()}
            </p>
          </Show>
        </Show>
      </div>
      <Show when={confirm() === "block"}>
        <Confirm
          title={`Block ${name()}?`}
          body={`${name()} won't be able to message you or send you friend requests, and they'll be removed from your friends. They aren't told that you blocked them.`}
          action="Block"
          onConfirm={() => void run(() => relationshipApi.block(props.userId))}
          onClose={() => (setConfirm(null), box.focus())}
        />
      </Show>
      <Show when={confirm() === "remove"}>
        <Confirm
          title={`Remove ${name()}`}
          body={`Are you sure you want to remove ${name()} from your friends?`}
          action="Remove Friend"
          onConfirm={() => void run(() => relationshipApi.remove(props.userId))}
          onClose={() => (setConfirm(null), box.focus())}
        />
      </Show>
    </Portal>
  );
}

/** Server mute / deafen, move and disconnect for a member in one of the server's voice
 * channels, offered when the viewer holds MUTE_MEMBERS / DEAFEN_MEMBERS / MOVE_MEMBERS there. */
function VoiceModeration(props: { userId: string; serverId: string }) {
  const { busy, error, run } = createAction();
  const v = () => {
    const st = state.voice[props.userId];
    return st && props.serverId && st.serverId === props.serverId ? st : undefined;
  };
  const perms = () => {
    const ch = state.channels[v()?.channelId ?? ""];
    return ch ? channelPermissions(state, ch) : 0n;
  };
  const canMute = () => has(perms(), Permission.MUTE_MEMBERS);
  const canDeafen = () => has(perms(), Permission.DEAFEN_MEMBERS);
  const canMove = () => has(perms(), Permission.MOVE_MEMBERS);
  const targets = () =>
    Object.values(state.channels).filter(
      (c) => c.serverId === props.serverId && c.type === ChannelType.VOICE && c.id !== v()?.channelId && has(channelPermissions(state, c), Permission.CONNECT),
    );
  const update = (patch: { serverMute?: boolean; serverDeaf?: boolean; voiceChannelId?: string }) =>
    run(() => api.servers.updateMember({ serverId: props.serverId, userId: props.userId, ...patch }));
  return (
    <Show when={v() && (canMute() || canDeafen() || canMove())}>
      <h3 class="label">Voice</h3>
      <div style={{ display: "flex", "flex-wrap": "wrap", gap: "8px" }}>
        <Show when={canMute()}>
          <button class="btn secondary small" aria-pressed={v()!.serverMute} disabled={busy()} onClick={() => void update({ serverMute: !v()!.serverMute })}>
            {v()!.serverMute ? "Server Unmute" : "Server Mute"}
          </button>
        </Show>
        <Show when={canDeafen()}>
          <button class="btn secondary small" aria-pressed={v()!.serverDeaf} disabled={busy()} onClick={() => void update({ serverDeaf: !v()!.serverDeaf })}>
            {v()!.serverDeaf ? "Server Undeafen" : "Server Deafen"}
          </button>
        </Show>
        <Show when={canMove()}>
          <button class="btn secondary small" style={{ color: "var(--danger-text)" }} disabled={busy()} onClick={() => void update({ voiceChannelId: "" })}>
            Disconnect
          </button>
        </Show>
      </div>
      <Show when={canMove() && targets().length > 0}>
        <label class="label" style={{ display: "block", "margin-top": "8px" }}>
          Move to
          <select
            class="input"
            style={{ "margin-top": "4px", "text-transform": "none" }}
            disabled={busy()}
            value=""
            onChange={(e) => {
              const to = e.currentTarget.value;
              if (to) void update({ voiceChannelId: to });
            }}
          >
            <option value="">Choose a voice channel</option>
            <For each={targets()}>{(c) => <option value={c.id}>{c.name}</option>}</For>
          </select>
        </label>
      </Show>
      <Show when={error()}>
        <p class="error-text" role="alert">
          {error()}
        </p>
      </Show>
    </Show>
  );
}
