// Channel permission overwrites: per role and per member, each permission allow / neutral / deny.
import { createMemo, createSignal, For, onMount, Show } from "solid-js";
import { api } from "../api/client";
import { describeError } from "../api/errors";
import { ChannelType, OverwriteTargetType, type PermissionOverwrite } from "../gen/decentra/v1/channels_pb";
import { ensureMembers } from "../members/load";
import { nameIn } from "../members/names";
import { ALL, channelPermissions } from "../state/permissions";
import { state } from "../state/store";
import { Avatar } from "../ui/Avatar";
import { Dialog } from "../ui/Dialog";
import { IconPlus } from "../ui/icons";
import { ActionDialog, blockedByUnsaved, createDraft, SaveBar } from "./kit";
import { colourHex } from "./format";
import { channelPermissionList } from "./permissionInfo";
import { byHierarchy } from "./roleOrder";

interface Target {
  id: string;
  type: OverwriteTargetType;
}

export function ChannelPermissions(props: { channelId: string }) {
  const channel = () => state.channels[props.channelId];
  const serverId = () => channel()?.serverId ?? "";
  const [selected, setSelected] = createSignal<Target>({ id: serverId(), type: OverwriteTargetType.ROLE });
  const [adding, setAdding] = createSignal(false);
  const [error, setError] = createSignal("");
  const [syncing, setSyncing] = createSignal(false);
  onMount(() => void ensureMembers(serverId()).catch(() => undefined));

  const overwrites = () => channel()?.permissionOverwrites ?? [];
  const roleTargets = createMemo(() =>
    byHierarchy(
      overwrites()
        .filter((o) => o.targetType === OverwriteTargetType.ROLE && o.targetId !== serverId())
        .map((o) => state.roles[o.targetId])
        .filter((r) => !!r),
    ),
  );
  const memberTargets = () => overwrites().filter((o) => o.targetType === OverwriteTargetType.MEMBER);
  const targetName = (t: Target) => (t.id === serverId() ? "@everyone" : t.type === OverwriteTargetType.ROLE ? (state.roles[t.id]?.name ?? "deleted role") : (nameIn(serverId(), t.id) ?? "Unknown member"));
  const current = (): Target => {
    const t = selected();
    const exists = t.id === serverId() || overwrites().some((o) => o.targetId === t.id);
    return exists ? t : { id: serverId(), type: OverwriteTargetType.ROLE };
  };
  const pick = (t: Target) => {
    if (t.id !== current().id && !blockedByUnsaved()) setSelected(t);
  };

  const parent = () => (channel()?.parentId ? state.channels[channel()!.parentId] : undefined);
  const synced = () => {
    const p = parent();
    if (!p) return false;
    const key = (os: PermissionOverwrite[]) =>
      os
        .map((o) => `${o.targetId}:${o.allow}:${o.deny}`)
        .sort()
        .join("|");
    return key(p.permissionOverwrites) === key(overwrites());
  };
  const sync = async () => {
    setSyncing(true);
    setError("");
    try {
      await api.channels.updateChannel({ channelId: props.channelId, syncPermissions: true });
    } catch (err) {
      setError(describeError(err));
    } finally {
      setSyncing(false);
    }
  };

  const add = async (t: Target) => {
    setAdding(false);
    setError("");
    try {
      await api.channels.setPermissionOverwrite({ channelId: props.channelId, targetId: t.id, targetType: t.type, allow: 0n, deny: 0n });
      if (!blockedByUnsaved()) setSelected(t);
    } catch (err) {
      setError(describeError(err));
    }
  };

  return (
    <>
      <h1>Channel Permissions</h1>
      <p class="desc" style={{ "margin-bottom": "16px" }}>
        Use permissions to customise who can do what in this {channel()?.type === ChannelType.CATEGORY ? "category" : "channel"}. Member overwrites beat role overwrites, which beat
        @everyone.
      </p>
      <Show when={parent()}>
        <div class="notice info" style={{ "margin-bottom": "16px" }}>
          <Show when={synced()} fallback={<span>Permissions are not synced with the category {parent()!.name}.</span>}>
            <span>Permissions are synced with the category {parent()!.name}.</span>
          </Show>
          <Show when={!synced()}>
            <div>
              <button class="btn small secondary" disabled={syncing()} onClick={() => void sync()}>
                {syncing() ? "Syncing…" : "Sync now"}
              </button>
            </div>
          </Show>
        </div>
      </Show>
      <Show when={error()}>
        <p class="error-text" role="alert">
          {error()}
        </p>
      </Show>
      <div class="overwrite-layout">
        <div>
          <div class="toolbar" style={{ "justify-content": "space-between", "margin-bottom": "8px" }}>
            <span class="label">Roles / Members</span>
            <button class="icon-btn" aria-label="Add a role or member" onClick={() => setAdding(true)}>
              <IconPlus />
            </button>
          </div>
          <div class="overwrite-targets" role="group" aria-label="Roles and members with overwrites">
            <For each={roleTargets()}>
              {(r) => (
                <button class="target" aria-current={current().id === r.id} onClick={() => pick({ id: r.id, type: OverwriteTargetType.ROLE })}>
                  <span class="role-dot" style={r.color ? { background: colourHex(r.color) } : undefined} aria-hidden="true" />
                  <span class="n">{r.name}</span>
                </button>
              )}
            </For>
            <button class="target" aria-current={current().id === serverId()} onClick={() => pick({ id: serverId(), type: OverwriteTargetType.ROLE })}>
              <span class="role-dot" aria-hidden="true" />
              <span class="n">@everyone</span>
            </button>
            <For each={memberTargets()}>
              {(o) => (
                <button class="target" aria-current={current().id === o.targetId} onClick={() => pick({ id: o.targetId, type: OverwriteTargetType.MEMBER })}>
                  <Avatar user={state.members[serverId()]?.[o.targetId]?.user ?? state.users[o.targetId]} size={20} />
                  <span class="n">{nameIn(serverId(), o.targetId) ?? "Unknown member"}</span>
                </button>
              )}
            </For>
          </div>
        </div>
        <Show when={current().id} keyed>
          {(id) => <OverwriteEditor channelId={props.channelId} target={{ id, type: current().type }} name={targetName(current())} />}
        </Show>
      </div>
      <Show when={adding()}>
        <AddTargetDialog channelId={props.channelId} onPick={(t) => void add(t)} onClose={() => setAdding(false)} />
      </Show>
    </>
  );
}

type Tri = "allow" | "neutral" | "deny";

function OverwriteEditor(props: { channelId: string; target: Target; name: string }) {
  const channel = () => state.channels[props.channelId];
  const existing = () => channel()?.permissionOverwrites.find((o) => o.targetId === props.target.id);
  const draft = createDraft(() => ({ allow: existing()?.allow ?? 0n, deny: existing()?.deny ?? 0n }));
  const [saving, setSaving] = createSignal(false);
  const [error, setError] = createSignal("");
  const [removing, setRemoving] = createSignal(false);
  const kind = () => (channel()?.type === ChannelType.VOICE ? "voice" : channel()?.type === ChannelType.CATEGORY ? "category" : "text");
  const mine = () => (channel() ? channelPermissions(state, channel()!) : 0n);
  const canSet = (p: number) => mine() === ALL || (mine() & (1n << BigInt(p))) !== 0n;
  const value = (p: number): Tri => ((draft.get("allow") & (1n << BigInt(p))) !== 0n ? "allow" : (draft.get("deny") & (1n << BigInt(p))) !== 0n ? "deny" : "neutral");
  const set = (p: number, v: Tri) => {
    const b = 1n << BigInt(p);
    draft.set("allow", v === "allow" ? draft.get("allow") | b : draft.get("allow") & ~b);
    draft.set("deny", v === "deny" ? draft.get("deny") | b : draft.get("deny") & ~b);
  };
  const save = async () => {
    setSaving(true);
    setError("");
    try {
      await api.channels.setPermissionOverwrite({
        channelId: props.channelId,
        targetId: props.target.id,
        targetType: props.target.type,
        allow: draft.get("allow"),
        deny: draft.get("deny"),
      });
      draft.reset();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setSaving(false);
    }
  };
  const TRI: { v: Tri; label: string; glyph: string }[] = [
    { v: "deny", label: "Deny", glyph: "✕" },
    { v: "neutral", label: "Neutral", glyph: "/" },
    { v: "allow", label: "Allow", glyph: "✓" },
  ];
  return (
    <div>
      <div class="role-head">
        <h2>{props.name}</h2>
        <Show when={existing()}>
          <button class="btn small outline-danger" onClick={() => setRemoving(true)}>
            Remove overwrite
          </button>
        </Show>
      </div>
      <Show when={!existing()}>
        <p class="desc">No overwrite yet: everything is inherited from the role's server permissions. Change a permission and save to create one.</p>
      </Show>
      <For each={channelPermissionList(kind())}>
        {(p) => (
          <div class="perm-row" classList={{ locked: !canSet(p.perm) }}>
            <div class="grow">
              <div class="title">{p.title}</div>
              <div class="desc">{p.description}</div>
            </div>
            <div class="tri" role="group" aria-label={`${p.title} for ${props.name}`}>
              <For each={TRI}>
                {(t) => (
                  <button
                    class={t.v}
                    aria-pressed={value(p.perm) === t.v}
                    aria-label={`${t.label} ${p.title} for ${props.name}`}
                    title={canSet(p.perm) ? t.label : "You can only set permissions you have yourself"}
                    disabled={!canSet(p.perm)}
                    onClick={() => set(p.perm, t.v)}
                  >
                    <span aria-hidden="true">{t.glyph}</span>
                  </button>
                )}
              </For>
            </div>
          </div>
        )}
      </For>
      <SaveBar dirty={draft.dirty()} saving={saving()} error={error()} onReset={() => (draft.reset(), setError(""))} onSave={() => void save()} />
      <Show when={removing()}>
        <ActionDialog
          title="Remove overwrite"
          action="Remove"
          danger
          onClose={() => setRemoving(false)}
          onConfirm={async () => {
            await api.channels.deletePermissionOverwrite({ channelId: props.channelId, targetId: props.target.id });
            draft.reset();
          }}
        >
          <p class="muted">
            Remove the permission overwrite for <strong>{props.name}</strong>? They will fall back to their server permissions here.
          </p>
        </ActionDialog>
      </Show>
    </div>
  );
}

function AddTargetDialog(props: { channelId: string; onPick: (t: Target) => void; onClose: () => void }) {
  const channel = () => state.channels[props.channelId];
  const serverId = () => channel()?.serverId ?? "";
  const [query, setQuery] = createSignal("");
  const taken = () => new Set(channel()?.permissionOverwrites.map((o) => o.targetId) ?? []);
  const q = () => query().trim().toLowerCase();
  const roles = () => byHierarchy(Object.values(state.roles).filter((r) => r.serverId === serverId() && r.id !== serverId() && !taken().has(r.id) && r.name.toLowerCase().includes(q())));
  const members = () =>
    Object.values(state.members[serverId()] ?? {})
      .filter((m) => m.user && !taken().has(m.user.id))
      .map((m) => ({ m, name: nameIn(serverId(), m.user!.id) ?? m.user!.username }))
      .filter((x) => x.name.toLowerCase().includes(q()) || x.m.user!.username.includes(q()))
      .sort((a, b) => a.name.localeCompare(b.name))
      .slice(0, 50);
  return (
    <Dialog title="Add members or roles" onClose={props.onClose}>
      <input class="input" type="search" aria-label="Search roles and members" placeholder="Search roles or members" value={query()} onInput={(e) => setQuery(e.currentTarget.value)} />
      <div class="pick-list">
        <Show when={roles().length > 0}>
          <div class="label" style={{ padding: "8px 8px 4px" }}>
            Roles
          </div>
          <For each={roles()}>
            {(r) => (
              <button onClick={() => props.onPick({ id: r.id, type: OverwriteTargetType.ROLE })}>
                <span class="role-dot" style={r.color ? { background: colourHex(r.color) } : undefined} aria-hidden="true" />
                {r.name}
              </button>
            )}
          </For>
        </Show>
        <Show when={members().length > 0}>
          <div class="label" style={{ padding: "8px 8px 4px" }}>
            Members
          </div>
          <For each={members()}>
            {(x) => (
              <button onClick={() => props.onPick({ id: x.m.user!.id, type: OverwriteTargetType.MEMBER })}>
                <Avatar user={x.m.user} size={20} />
                {x.name}
                <span class="faint">@{x.m.user!.username}</span>
              </button>
            )}
          </For>
        </Show>
        <Show when={roles().length === 0 && members().length === 0}>
          <p class="muted">{state.members[serverId()] ? "No roles or members to add." : "Loading members…"}</p>
        </Show>
      </div>
      <div class="actions">
        <button class="btn secondary" onClick={props.onClose}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
