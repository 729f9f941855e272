import { Show } from "solid-js";
import { PresenceStatus } from "../gen/decentra/v1/users_pb";
import type { User } from "../state/model";
import { state } from "../state/store";

// Each colour keeps white initials at >= 4.5:1 contrast.
const PALETTE = ["#4752c4", "#1f7a45", "#a85a00", "#c42b30", "#a8326e", "#5c6470", "#12806f", "#7a4fc4"];

/** A stable colour for a name, so initials avatars are recognisable. */
export function colourFor(key: string): string {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) >>> 0;
  return PALETTE[h % PALETTE.length];
}

export function initials(name: string): string {
  const words = name.trim().split(/[\s_.-]+/).filter(Boolean);
  return (words.length > 1 ? words[0][0] + words[1][0] : name.slice(0, 2)).toUpperCase();
}

export function displayName(u: User | undefined): string {
  return u ? u.displayName || u.username : "Unknown user";
}

export function presenceClass(userId: string): string {
  switch (state.presences[userId]?.status) {
    case PresenceStatus.ONLINE:
      return "online";
    case PresenceStatus.IDLE:
      return "idle";
    case PresenceStatus.DND:
      return "dnd";
    default:
      return "offline";
  }
}

/**
 * A user's picture, or their initials on a colour of their own. `size` is in pixels, or a CSS
 * length (a variable a stylesheet sets) where the layout picks it.
 */
export function Avatar(props: { user: User | undefined; size?: number | string; presence?: boolean }) {
  const size = () => props.size ?? 40;
  const length = () => {
    const s = size();
    return typeof s === "number" ? `${s}px` : s;
  };
  const fontSize = () => {
    const s = size();
    return typeof s === "number" ? `${Math.round(s * 0.4)}px` : `calc(${s} * 0.4)`;
  };
  const name = () => displayName(props.user);
  return (
    <span class="avatar" aria-hidden="true" style={{ width: length(), height: length(), background: colourFor(props.user?.id ?? ""), "font-size": fontSize() }}>
      {/* Initials are drawn by CSS from data-initials: decoration, not text, so the controls
          around an avatar keep their accessible names. */}
      <Show when={props.user?.avatarUrl} fallback={<span class="initials" data-initials={initials(name())} />}>
        <img src={props.user!.avatarUrl} alt="" loading="lazy" />
      </Show>
      <Show when={props.presence && props.user}>
        <span class={`presence ${presenceClass(props.user!.id)}`} />
      </Show>
    </span>
  );
}
