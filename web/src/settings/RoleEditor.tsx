// Editing one role: display (name, colour, hoist, mentionable), every permission, its members.
import { createMemo, createSignal, For, Show } from "solid-js";
import { api } from "../api/client";
import { describeError } from "../api/errors";
import { Permission } from "../gen/decentra/v1/permissions_pb";
import { nameIn } from "../members/names";
import { ALL, bit, serverPermissions } from "../state/permissions";
import { state } from "../state/store";
import { Avatar } from "../ui/Avatar";
import { ActionDialog, createDraft, EmptyState, SaveBar, SwitchRow } from "./kit";
import { colourHex, parseHex } from "./format";
import { GROUP_ORDER, GROUP_TITLES, PERMISSIONS } from "./permissionInfo";

const SWATCHES = [0x1abc9c, 0x2ecc71, 0x3498db, 0x9b59b6, 0xe91e63, 0xf1c40f, 0xe67e22, 0xe74c3c, 0x95a5a6, 0x607d8b];

type Tab = "display" | "permissions" | "members";

export function RoleEditor(props: { serverId: string; roleId: string; editable: boolean; onDeleted: () => void }) {
  const role = () => state.roles[props.roleId];
  const isEveryone = () => props.roleId === props.serverId;
  const [tab, setTab] = createSignal<Tab>(isEveryone() ? "permissions" : "display");
  const draft = createDraft(() => ({
    name: role()?.name ?? "",
    color: role()?.color ?? 0,
    hoist: role()?.hoist ?? false,
    mentionable: role()?.mentionable ?? false,
    permissions: role()?.permissions ?? 0n,
  }));
  const [saving, setSaving] = createSignal(false);
  const [error, setError] = createSignal("");
  const [deleting, setDeleting] = createSignal(false);
  const [query, setQuery] = createSignal("");
  const mine = () => serverPermissions(state, props.serverId);
  const canGrant = (p: Permission) => mine() === ALL || (mine() & bit(p)) !== 0n;
  const on = (p: Permission) => (draft.get("permissions") & bit(p)) !== 0n;
  const toggle = (p: Permission, v: boolean) => draft.set("permissions", v ? draft.get("permissions") | bit(p) : draft.get("permissions") & ~bit(p));

  const save = async () => {
    if (!isEveryone() && !draft.get("name").trim()) {
      setError("A role needs a name.");
      return;
    }
    setSaving(true);
    setError("");
    const c = new Set(draft.changed());
    try {
      await api.roles.updateRole({
        serverId: props.serverId,
        roleId: props.roleId,
        name: c.has("name") && !isEveryone() ? draft.get("name").trim() : undefined,
        color: c.has("color") ? draft.get("color") : undefined,
        hoist: c.has("hoist") ? draft.get("hoist") : undefined,
        mentionable: c.has("mentionable") ? draft.get("mentionable") : undefined,
        permissions: c.has("permissions") ? draft.get("permissions") : undefined,
      });
      draft.reset();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setSaving(false);
    }
  };

  const groups = createMemo(() => {
    const q = query().trim().toLowerCase();
    return GROUP_ORDER.map((g) => ({
      group: g,
      perms: PERMISSIONS.filter((p) => p.group === g && (!q || p.title.toLowerCase().includes(q) || p.description.toLowerCase().includes(q))),
    })).filter((g) => g.perms.length > 0);
  });

  const tabs: { id: Tab; label: string }[] = [
    { id: "display", label: "Display" },
    { id: "permissions", label: "Permissions" },
    { id: "members", label: "Manage Members" },
  ];

  return (
    <div>
      <div class="role-head">
        <h2>Edit role — {isEveryone() ? "@everyone" : role()?.name}</h2>
        <Show when={!isEveryone() && props.editable}>
          <button class="btn small outline-danger" onClick={() => setDeleting(true)}>
            Delete role
          </button>
        </Show>
      </div>
      <Show when={!props.editable}>
        <div class="notice" role="status" style={{ "margin-bottom": "12px" }}>
          This role is not below your highest role, so you can't change it.
        </div>
      </Show>
      <div class="tabs role-tabs" role="tablist" aria-label="Role editor">
        <For each={isEveryone() ? tabs.filter((t) => t.id === "permissions") : tabs}>
          {(t) => (
            <button role="tab" aria-selected={tab() === t.id} onClick={() => setTab(t.id)}>
              {t.label}
            </button>
          )}
        </For>
      </div>

      <Show when={tab() === "display"}>
        <div role="tabpanel" aria-label="Display">
          <label class="field">
            <span>Role name</span>
            <input value={draft.get("name")} maxLength={100} disabled={!props.editable} onInput={(e) => draft.set("name", e.currentTarget.value)} />
          </label>
          <div class="field">
            <span id="role-colour-h">Role colour</span>
            <p class="desc" style={{ margin: 0 }}>
              Members use the colour of their highest coloured role.
            </p>
            <div class="swatches" role="group" aria-labelledby="role-colour-h">
              <button class="swatch none" aria-label="Default colour" aria-pressed={draft.get("color") === 0} disabled={!props.editable} onClick={() => draft.set("color", 0)} />
              <For each={SWATCHES}>
                {(c) => (
                  <button
                    class="swatch"
                    style={{ background: colourHex(c) }}
                    aria-label={`Colour ${colourHex(c)}`}
                    aria-pressed={draft.get("color") === c}
                    disabled={!props.editable}
                    onClick={() => draft.set("color", c)}
                  />
                )}
              </For>
              <input
                type="color"
                class="color-input"
                aria-label="Custom colour"
                value={colourHex(draft.get("color") || 0x99aab5)}
                disabled={!props.editable}
                onInput={(e) => draft.set("color", parseHex(e.currentTarget.value) || 1)}
              />
            </div>
          </div>
          <SwitchRow
            label="Display role members separately from online members"
            checked={draft.get("hoist")}
            disabled={!props.editable}
            onChange={(v) => draft.set("hoist", v)}
          />
          <SwitchRow
            label="Allow anyone to @mention this role"
            description="Members with Mention @everyone can always mention roles."
            checked={draft.get("mentionable")}
            disabled={!props.editable}
            onChange={(v) => draft.set("mentionable", v)}
          />
        </div>
      </Show>

      <Show when={tab() === "permissions"}>
        <div role="tabpanel" aria-label="Permissions">
          <div class="toolbar perm-search">
            <input class="input" type="search" aria-label="Search permissions" placeholder="Search permissions" value={query()} onInput={(e) => setQuery(e.currentTarget.value)} />
            <Show when={props.editable}>
              <button class="btn small secondary" onClick={() => draft.set("permissions", draft.get("permissions") & ~(mine() === ALL ? ALL : mine()))}>
                Clear permissions
              </button>
            </Show>
          </div>
          <Show when={isEveryone()}>
            <p class="desc" style={{ "margin-bottom": "8px" }}>
              These permissions apply to every member of the server.
            </p>
          </Show>
          <For each={groups()} fallback={<EmptyState title="No permissions match" />}>
            {(g) => (
              <>
                <h3>{GROUP_TITLES[g.group]}</h3>
                <For each={g.perms}>
                  {(p) => (
                    <SwitchRow
                      label={p.title}
                      description={
                        p.perm === Permission.ADMINISTRATOR ? p.description : !canGrant(p.perm) && !on(p.perm) ? `${p.description} (You don't have this permission yourself.)` : p.description
                      }
                      checked={on(p.perm)}
                      disabled={!props.editable || (!canGrant(p.perm) && !on(p.perm))}
                      onChange={(v) => toggle(p.perm, v)}
                    />
                  )}
                </For>
              </>
            )}
          </For>
        </div>
      </Show>

      <Show when={tab() === "members"}>
        <RoleMembers serverId={props.serverId} roleId={props.roleId} editable={props.editable} />
      </Show>

      <SaveBar dirty={draft.dirty()} saving={saving()} error={error()} onReset={() => (draft.reset(), setError(""))} onSave={() => void save()} />
      <Show when={deleting()}>
        <ActionDialog
          title="Delete role"
          action="Delete"
          danger
          onClose={() => setDeleting(false)}
          onConfirm={async () => {
            await api.roles.deleteRole({ serverId: props.serverId, roleId: props.roleId });
            draft.reset();
            props.onDeleted();
          }}
        >
          <p class="muted">
            Are you sure you want to delete the role <strong>{role()?.name}</strong>? It will be removed from every member who has it. This cannot be undone.
          </p>
        </ActionDialog>
      </Show>
    </div>
  );
}

/** Members holding a role; add or remove it (events keep the list current). */
function RoleMembers(props: { serverId: string; roleId: string; editable: boolean }) {
  const [query, setQuery] = createSignal("");
  const [adding, setAdding] = createSignal(false);
  const [error, setError] = createSignal("");
  const members = () => Object.values(state.members[props.serverId] ?? {});
  const name = (id: string) => nameIn(props.serverId, id) ?? "Unknown";
  const holders = () => members().filter((m) => m.roleIds.includes(props.roleId) && (!query() || name(m.user!.id).toLowerCase().includes(query().toLowerCase())));
  const others = () => members().filter((m) => !m.roleIds.includes(props.roleId) && (!query() || name(m.user!.id).toLowerCase().includes(query().toLowerCase())));
  const act = async (userId: string, add: boolean) => {
    setError("");
    try {
      const req = { serverId: props.serverId, userId, roleId: props.roleId };
      await (add ? api.roles.addMemberRole(req) : api.roles.removeMemberRole(req));
    } catch (err) {
      setError(describeError(err));
    }
  };
  return (
    <div role="tabpanel" aria-label="Manage Members">
      <div class="toolbar">
        <input class="input" type="search" aria-label="Search members" placeholder="Search members" value={query()} onInput={(e) => setQuery(e.currentTarget.value)} />
        <Show when={props.editable}>
          <button class="btn small" aria-pressed={adding()} onClick={() => setAdding((v) => !v)}>
            {adding() ? "Done adding" : "Add Members"}
          </button>
        </Show>
      </div>
      <Show when={error()}>
        <p class="error-text" role="alert">
          {error()}
        </p>
      </Show>
      <Show when={state.members[props.serverId]} fallback={<p class="muted">Loading members…</p>}>
        <Show when={!adding()}>
          <For each={holders()} fallback={<EmptyState title="No members have this role">{props.editable ? "Use Add Members to give it to someone." : ""}</EmptyState>}>
            {(m) => (
              <div class="member-row">
                <Avatar user={m.user} size={32} />
                <div class="grow who">
                  <strong>{name(m.user!.id)}</strong>
                  <span>@{m.user!.username}</span>
                </div>
                <Show when={props.editable}>
                  <button class="btn small secondary" aria-label={`Remove role from ${name(m.user!.id)}`} onClick={() => void act(m.user!.id, false)}>
                    Remove
                  </button>
                </Show>
              </div>
            )}
          </For>
        </Show>
        <Show when={adding()}>
          <For each={others()} fallback={<EmptyState title="Everyone already has this role" />}>
            {(m) => (
              <div class="member-row">
                <Avatar user={m.user} size={32} />
                <div class="grow who">
                  <strong>{name(m.user!.id)}</strong>
                  <span>@{m.user!.username}</span>
                </div>
                <button class="btn small" aria-label={`Give role to ${name(m.user!.id)}`} onClick={() => void act(m.user!.id, true)}>
                  Add
                </button>
              </div>
            )}
          </For>
        </Show>
      </Show>
    </div>
  );
}
