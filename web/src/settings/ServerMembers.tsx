// Members: search, roles (add/remove), nickname, kick and ban — each only where allowed.
import { createMemo, createSignal, For, onMount, Show } from "solid-js";
import { api } from "../api/client";
import { describeError } from "../api/errors";
import { Permission } from "../gen/decentra/v1/permissions_pb";
import { ensureMembers } from "../members/load";
import { nameIn } from "../members/names";
import type { Member } from "../state/model";
import { has, serverPermissions, topPosition } from "../state/permissions";
import { state } from "../state/store";
import { Avatar } from "../ui/Avatar";
import { IconPlus } from "../ui/icons";
import { ActionDialog, EmptyState, LoadError, Loading } from "./kit";
import { colourHex, fmtDate } from "./format";
import { PopMenu, type PopItem } from "./PopMenu";
import { byHierarchy } from "./roleOrder";

type Pending = { kind: "kick" | "ban" | "nick"; member: Member };

const DELETE_CHOICES = [
  { label: "Don't delete any", seconds: 0 },
  { label: "Previous hour", seconds: 3600 },
  { label: "Previous 6 hours", seconds: 6 * 3600 },
  { label: "Previous 24 hours", seconds: 86_400 },
  { label: "Previous 3 days", seconds: 3 * 86_400 },
  { label: "Previous 7 days", seconds: 7 * 86_400 },
];

export function ServerMembers(props: { serverId: string }) {
  const [loadError, setLoadError] = createSignal<unknown>(null);
  const [query, setQuery] = createSignal("");
  const [error, setError] = createSignal("");
  const [pending, setPending] = createSignal<Pending | null>(null);
  const load = () => {
    setLoadError(null);
    ensureMembers(props.serverId).catch(setLoadError);
  };
  onMount(load);

  const server = () => state.servers[props.serverId];
  const perms = () => serverPermissions(state, props.serverId);
  const myTop = () => topPosition(state, props.serverId);
  const me = () => state.me?.id ?? "";
  const name = (m: Member) => nameIn(props.serverId, m.user?.id ?? "") ?? m.user?.username ?? "Unknown";
  const top = (m: Member) => Math.max(0, ...m.roleIds.map((id) => state.roles[id]?.position ?? 0));
  const isOwner = (m: Member) => m.user?.id === server()?.ownerId;
  const outranks = (m: Member) => !isOwner(m) && (myTop() === Number.POSITIVE_INFINITY || top(m) < myTop());
  const canRoles = () => has(perms(), Permission.MANAGE_ROLES);
  const assignable = createMemo(() => byHierarchy(Object.values(state.roles).filter((r) => r.serverId === props.serverId && r.id !== props.serverId && r.position < myTop())));
  const canNick = (m: Member) =>
    m.user?.id === me() ? has(perms(), Permission.CHANGE_NICKNAME) || has(perms(), Permission.MANAGE_NICKNAMES) : has(perms(), Permission.MANAGE_NICKNAMES) && outranks(m);
  const canKick = (m: Member) => m.user?.id !== me() && has(perms(), Permission.KICK_MEMBERS) && outranks(m);
  const canBan = (m: Member) => m.user?.id !== me() && has(perms(), Permission.BAN_MEMBERS) && outranks(m);

  const list = createMemo(() => {
    const q = query().trim().toLowerCase();
    return Object.values(state.members[props.serverId] ?? {})
      .filter((m) => m.user && (!q || name(m).toLowerCase().includes(q) || m.user.username.toLowerCase().includes(q)))
      .sort((a, b) => name(a).localeCompare(name(b)));
  });

  const roleAct = async (m: Member, roleId: string, add: boolean) => {
    setError("");
    try {
      const req = { serverId: props.serverId, userId: m.user!.id, roleId };
      await (add ? api.roles.addMemberRole(req) : api.roles.removeMemberRole(req));
    } catch (err) {
      setError(describeError(err));
    }
  };

  const actions = (m: Member): PopItem[] => {
    const items: PopItem[] = [];
    if (canNick(m)) items.push({ label: "Change nickname", onSelect: () => setPending({ kind: "nick", member: m }) });
    if (canKick(m)) items.push({ label: `Kick ${name(m)}`, danger: true, onSelect: () => setPending({ kind: "kick", member: m }) });
    if (canBan(m)) items.push({ label: `Ban ${name(m)}`, danger: true, onSelect: () => setPending({ kind: "ban", member: m }) });
    return items;
  };

  return (
    <>
      <h1>Server Members</h1>
      <div class="toolbar">
        <input class="input" type="search" aria-label="Search members" placeholder="Search members" value={query()} onInput={(e) => setQuery(e.currentTarget.value)} />
        <span class="faint">{server()?.memberCount ?? 0} members</span>
      </div>
      <Show when={error()}>
        <p class="error-text" role="alert">
          {error()}
        </p>
      </Show>
      <Show when={!loadError()} fallback={<LoadError error={loadError()} retry={load} what="The member list" />}>
        <Show when={state.members[props.serverId]} fallback={<Loading label="Loading members…" />}>
          <ul style={{ "list-style": "none", margin: 0, padding: 0 }} aria-label="Members">
            <For each={list()} fallback={<EmptyState title="No members found">Nobody matches that search.</EmptyState>}>
              {(m) => {
                const roles = () => byHierarchy(m.roleIds.map((id) => state.roles[id]).filter((r) => !!r));
                const addable = () => assignable().filter((r) => !m.roleIds.includes(r.id));
                return (
                  <li class="member-row">
                    <Avatar user={m.user} size={40} />
                    <div class="grow who">
                      <strong>
                        {name(m)}
                        <Show when={isOwner(m)}>
                          {" "}
                          <span class="pill admin">Owner</span>
                        </Show>
                      </strong>
                      <span>
                        @{m.user!.username}
                        <Show when={m.joinedAt}> · joined {fmtDate(m.joinedAt)}</Show>
                      </span>
                      <div class="chips" aria-label={`Roles of ${name(m)}`}>
                        <For each={roles()}>
                          {(r) => (
                            <span class="role-chip">
                              <span class="role-dot" style={{ width: "10px", height: "10px", ...(r.color ? { background: colourHex(r.color) } : {}) }} aria-hidden="true" />
                              {r.name}
                              <Show when={canRoles() && r.position < myTop()}>
                                <button class="x" aria-label={`Remove role ${r.name} from ${name(m)}`} onClick={() => void roleAct(m, r.id, false)}>
                                  ×
                                </button>
                              </Show>
                            </span>
                          )}
                        </For>
                        <Show when={canRoles() && assignable().length > 0}>
                          <PopMenu
                            label={`Add role to ${name(m)}`}
                            class="icon-btn chip-add"
                            button={<IconPlus />}
                            empty="They have every role you can give."
                            items={addable().map((r) => ({
                              label: r.name,
                              before: <span class="role-dot" style={r.color ? { background: colourHex(r.color) } : undefined} aria-hidden="true" />,
                              onSelect: () => void roleAct(m, r.id, true),
                            }))}
                          />
                        </Show>
                      </div>
                    </div>
                    <Show when={actions(m).length > 0}>
                      <PopMenu label={`More options for ${name(m)}`} button={<span aria-hidden="true" style={{ "font-size": "20px", "line-height": 1 }}>⋯</span>} items={actions(m)} />
                    </Show>
                  </li>
                );
              }}
            </For>
          </ul>
        </Show>
      </Show>
      <Show when={pending()}>{(p) => <MemberDialog serverId={props.serverId} pending={p()} name={name(p().member)} onClose={() => setPending(null)} />}</Show>
    </>
  );
}

function MemberDialog(props: { serverId: string; pending: Pending; name: string; onClose: () => void }) {
  const m = () => props.pending.member;
  const [reason, setReason] = createSignal("");
  const [nick, setNick] = createSignal(m().nickname);
  const [del, setDel] = createSignal(0);
  const userId = () => m().user!.id;
  return (
    <Show
      when={props.pending.kind !== "nick"}
      fallback={
        <ActionDialog
          title="Change Nickname"
          action="Save"
          onClose={props.onClose}
          onConfirm={() => api.servers.updateMember({ serverId: props.serverId, userId: userId(), nickname: nick().trim() })}
        >
          <label class="field">
            <span>Nickname</span>
            <input value={nick()} maxLength={32} placeholder={m().user?.displayName || m().user?.username} onInput={(e) => setNick(e.currentTarget.value)} />
          </label>
          <button type="button" class="btn link" onClick={() => setNick("")}>
            Reset nickname
          </button>
        </ActionDialog>
      }
    >
      <ActionDialog
        title={props.pending.kind === "kick" ? `Kick ${props.name} from the server` : `Ban ${props.name}`}
        action={props.pending.kind === "kick" ? "Kick" : "Ban"}
        danger
        onClose={props.onClose}
        onConfirm={() =>
          props.pending.kind === "kick"
            ? api.servers.kickMember({ serverId: props.serverId, userId: userId(), reason: reason().trim() })
            : api.servers.banMember({ serverId: props.serverId, userId: userId(), reason: reason().trim(), deleteMessageSeconds: del() })
        }
      >
        <p class="muted" style={{ "margin-top": 0 }}>
          {props.pending.kind === "kick"
            ? `Are you sure you want to kick @${m().user?.username}? They will be able to rejoin with a new invite.`
            : `Are you sure you want to ban @${m().user?.username}? They won't be able to rejoin until the ban is lifted.`}
        </p>
        <Show when={props.pending.kind === "ban"}>
          <label class="field">
            <span>Delete message history</span>
            <select value={String(del())} onChange={(e) => setDel(Number(e.currentTarget.value))}>
              <For each={DELETE_CHOICES}>{(c) => <option value={String(c.seconds)}>{c.label}</option>}</For>
            </select>
          </label>
        </Show>
        <label class="field">
          <span>Reason {props.pending.kind === "kick" ? "for kick" : "for ban"}</span>
          <textarea value={reason()} maxLength={512} placeholder="Recorded in the audit log" onInput={(e) => setReason(e.currentTarget.value)} />
        </label>
      </ActionDialog>
    </Show>
  );
}
