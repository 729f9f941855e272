import { createResource, For, onCleanup, onMount, Show } from "solid-js";
import { useNavigate } from "@solidjs/router";
import { api } from "../api/client";
import { state } from "../state/store";
import { Avatar, displayName } from "../ui/Avatar";
import { Portal } from "solid-js/web";

/** A user's profile card next to what was clicked: name, bio, roles, and a message button. */
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

  const onKey = (e: KeyboardEvent) => e.key === "Escape" && (e.stopPropagation(), props.onClose());
  const onDown = (e: MouseEvent) => !box.contains(e.target as Node) && props.onClose();
  onMount(() => {
    document.addEventListener("keydown", onKey, true);
    setTimeout(() => document.addEventListener("mousedown", onDown));
    box.focus();
  });
  onCleanup(() => {
    document.removeEventListener("keydown", onKey, true);
    document.removeEventListener("mousedown", onDown);
  });

  const position = () => {
    const width = 300;
    const left = props.anchor.right + 8 + width > window.innerWidth ? Math.max(8, props.anchor.left - width - 8) : props.anchor.right + 8;
    const top = Math.min(props.anchor.top, window.innerHeight - 320);
    return { left: `${left}px`, top: `${Math.max(8, top)}px`, width: `${width}px` };
  };

  async function message() {
    const res = await api.channels.openDirectMessage({ userId: props.userId });
    props.onClose();
    if (res.channel) navigate(`/channels/@me/${res.channel.id}`);
  }

  return (
    <Portal>
      <div ref={box} class="popover profile" role="dialog" aria-label={`Profile of ${displayName(user())}`} tabIndex={-1} style={position()}>
        <div class="profile-banner" />
        <Avatar user={user()} size={72} presence />
        <h2>{member()?.nickname || displayName(user())}</h2>
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
        <Show when={!isMe() && !user()?.isBot}>
          <button class="btn" style={{ width: "100%", "margin-top": "12px" }} onClick={() => void message().catch(() => undefined)}>
            Message
          </button>
        </Show>
      </div>
    </Portal>
  );
}
