import { createEffect, createMemo, createSignal, For, Show } from "solid-js";
import { PresenceStatus } from "../gen/decentra/v1/users_pb";
import type { Channel, Member, Role } from "../state/model";
import { state } from "../state/store";
import { Avatar, displayName } from "../ui/Avatar";
import { membersOpen } from "../app/layout";
import { ensureMembers } from "./load";
import { memberColour } from "./names";
import { UserPopover } from "./UserPopover";

function online(userId: string): boolean {
  const st = state.presences[userId]?.status;
  return st === PresenceStatus.ONLINE || st === PresenceStatus.IDLE || st === PresenceStatus.DND;
}

/** Members grouped by their highest hoisted role, then Online / Offline, as Discord does. */
export function MemberList(props: { serverId: string; channel: Channel }) {
  const [open, setOpen] = createSignal<{ userId: string; rect: DOMRect } | null>(null);
  createEffect(() => void ensureMembers(props.serverId).catch(() => undefined));

  const groups = createMemo(() => {
    const members = Object.values(state.members[props.serverId] ?? {});
    const hoisted = Object.values(state.roles)
      .filter((r) => r.serverId === props.serverId && r.hoist && r.id !== props.serverId)
      .sort((a, b) => b.position - a.position);
    const buckets = new Map<string, Member[]>();
    const rest: Member[] = [];
    const offline: Member[] = [];
    for (const m of members) {
      if (!m.user) continue;
      if (!online(m.user.id)) {
        offline.push(m);
        continue;
      }
      const top = hoisted.find((r: Role) => m.roleIds.includes(r.id));
      if (top) buckets.set(top.id, [...(buckets.get(top.id) ?? []), m]);
      else rest.push(m);
    }
    const byName = (a: Member, b: Member) => (a.nickname || displayName(a.user)).localeCompare(b.nickname || displayName(b.user));
    return [
      ...hoisted.filter((r) => buckets.has(r.id)).map((r) => ({ title: r.name, members: buckets.get(r.id)!.sort(byName), offline: false })),
      { title: "Online", members: rest.sort(byName), offline: false },
      { title: "Offline", members: offline.sort(byName), offline: true },
    ].filter((g) => g.members.length > 0);
  });

  return (
    <aside class="members" classList={{ open: membersOpen() }} aria-label="Members" hidden={!membersOpen()}>
      <Show when={state.members[props.serverId]} fallback={<div class="loading-row"><div class="spinner" /></div>}>
        <For each={groups()}>
          {(g) => (
            <section aria-label={`${g.title}, ${g.members.length}`}>
              <h3>
                {g.title} — {g.members.length}
              </h3>
              <For each={g.members}>
                {(m) => (
                  <button class="member" classList={{ offline: g.offline }} aria-label={`${m.nickname || displayName(m.user)}${g.offline ? ", offline" : ""}`} onClick={(e) => setOpen({ userId: m.user!.id, rect: e.currentTarget.getBoundingClientRect() })}>
                    <Avatar user={m.user} size={32} presence />
                    <span class="name" style={{ color: memberColour(props.serverId, m.user!.id) }}>
                      {m.nickname || displayName(m.user)}
                    </span>
                  </button>
                )}
              </For>
            </section>
          )}
        </For>
      </Show>
      <Show when={open()}>{(o) => <UserPopover userId={o().userId} serverId={props.serverId} anchor={o().rect} onClose={() => setOpen(null)} />}</Show>
    </aside>
  );
}
