// Roles: the hierarchy (drag and drop, or move up/down buttons) and the editor of one role.
import { createMemo, createSignal, For, onMount, Show } from "solid-js";
import { api } from "../api/client";
import { describeError } from "../api/errors";
import { ensureMembers } from "../members/load";
import type { Role } from "../state/model";
import { topPosition } from "../state/permissions";
import { state, until } from "../state/store";
import { IconChevron } from "../ui/icons";
import { colourHex } from "./format";
import { byHierarchy, moveAllowed, moveRole } from "./roleOrder";
import { RoleEditor } from "./RoleEditor";
import { blockedByUnsaved } from "./kit";

export function ServerRoles(props: { serverId: string }) {
  const all = createMemo(() => byHierarchy(Object.values(state.roles).filter((r) => r.serverId === props.serverId)));
  const ordered = () => all().filter((r) => r.id !== props.serverId);
  const everyone = () => state.roles[props.serverId];
  const top = () => topPosition(state, props.serverId);
  const editable = (r: Role) => r.position < top();
  const [selected, setSelected] = createSignal<string>("");
  const [error, setError] = createSignal("");
  const [creating, setCreating] = createSignal(false);
  const [dragId, setDragId] = createSignal<string | null>(null);
  const [dropAt, setDropAt] = createSignal<{ id: string; after: boolean } | null>(null);
  const [query, setQuery] = createSignal("");

  onMount(() => void ensureMembers(props.serverId).catch(() => undefined));
  const current = () => (selected() && state.roles[selected()] ? selected() : (ordered().find(editable)?.id ?? props.serverId));
  const count = (id: string) => {
    const m = state.members[props.serverId];
    return m ? Object.values(m).filter((x) => x.roleIds.includes(id)).length : undefined;
  };
  const pick = (id: string) => {
    if (id !== current() && !blockedByUnsaved()) setSelected(id);
  };

  const reorder = async (id: string, to: number) => {
    const list = ordered();
    const changes = moveRole(list, id, to);
    if (!moveAllowed(list, changes, top())) return;
    setError("");
    try {
      await api.roles.reorderRoles({ serverId: props.serverId, positions: changes });
    } catch (err) {
      setError(describeError(err));
    }
  };
  const canMove = (r: Role, delta: number) => {
    const list = ordered();
    const i = list.findIndex((x) => x.id === r.id);
    return i >= 0 && moveAllowed(list, moveRole(list, r.id, i + delta), top());
  };
  const move = (r: Role, delta: number) => {
    const i = ordered().findIndex((x) => x.id === r.id);
    void reorder(r.id, i + delta);
  };

  const create = async () => {
    setCreating(true);
    setError("");
    try {
      const res = await api.roles.createRole({ serverId: props.serverId, name: "new role" });
      const id = res.role?.id;
      if (id) {
        await until(() => !!state.roles[id], 3000);
        if (!blockedByUnsaved()) setSelected(id);
      }
    } catch (err) {
      setError(describeError(err));
    } finally {
      setCreating(false);
    }
  };

  const onDrop = (target: Role, after: boolean) => {
    const id = dragId();
    setDragId(null);
    setDropAt(null);
    if (!id || id === target.id) return;
    const list = ordered();
    const from = list.findIndex((r) => r.id === id);
    let to = list.findIndex((r) => r.id === target.id) + (after ? 1 : 0);
    if (from < to) to -= 1;
    void reorder(id, to);
  };

  const visible = () => {
    const q = query().trim().toLowerCase();
    return q ? ordered().filter((r) => r.name.toLowerCase().includes(q)) : ordered();
  };

  return (
    <>
      <h1>Roles</h1>
      <p class="desc" style={{ "margin-bottom": "16px" }}>
        Use roles to group your server's members and give them permissions. Members get the permissions of all their roles; higher roles outrank lower ones. You can only change roles
        below your highest role.
      </p>
      <Show when={error()}>
        <p class="error-text" role="alert">
          {error()}
        </p>
      </Show>
      <div class="roles-layout">
        <div>
          <div class="toolbar" style={{ "margin-bottom": "8px" }}>
            <input class="input" type="search" aria-label="Search roles" placeholder="Search roles" value={query()} onInput={(e) => setQuery(e.currentTarget.value)} />
            <button class="btn small" onClick={() => void create()} disabled={creating()}>
              {creating() ? "Creating…" : "Create Role"}
            </button>
          </div>
          <ul class="role-list" aria-label="Roles, highest first">
            <For each={visible()}>
              {(r) => {
                const canDrag = () => editable(r) && !query();
                return (
                  <li
                    class="role-item"
                    classList={{
                      selected: current() === r.id,
                      dragging: dragId() === r.id,
                      "drop-before": dropAt()?.id === r.id && !dropAt()!.after,
                      "drop-after": dropAt()?.id === r.id && dropAt()!.after,
                    }}
                    draggable={canDrag()}
                    onDragStart={(e) => {
                      setDragId(r.id);
                      e.dataTransfer?.setData("text/plain", r.id);
                      if (e.dataTransfer) e.dataTransfer.effectAllowed = "move";
                    }}
                    onDragEnd={() => (setDragId(null), setDropAt(null))}
                    onDragOver={(e) => {
                      if (!dragId() || !editable(r)) return;
                      e.preventDefault();
                      const rect = e.currentTarget.getBoundingClientRect();
                      setDropAt({ id: r.id, after: e.clientY > rect.top + rect.height / 2 });
                    }}
                    onDragLeave={() => dropAt()?.id === r.id && setDropAt(null)}
                    onDrop={(e) => {
                      e.preventDefault();
                      onDrop(r, e.clientY > e.currentTarget.getBoundingClientRect().top + e.currentTarget.getBoundingClientRect().height / 2);
                    }}
                  >
                    <span class="handle" classList={{ off: !canDrag() }} aria-hidden="true" title="Drag to reorder">
                      ⋮⋮
                    </span>
                    <button class="pick" aria-current={current() === r.id ? "true" : undefined} onClick={() => pick(r.id)}>
                      <span class="role-dot" style={r.color ? { background: colourHex(r.color) } : undefined} aria-hidden="true" />
                      <span class="n">{r.name}</span>
                      <Show when={!editable(r)}>
                        <span class="role-lock" title="Above your highest role">
                          (locked)
                        </span>
                      </Show>
                      <Show when={count(r.id) !== undefined}>
                        <span class="faint" style={{ "margin-left": "auto" }} aria-label={`${count(r.id)} members`}>
                          {count(r.id)}
                        </span>
                      </Show>
                    </button>
                    <Show when={editable(r) && !query()}>
                      <span class="moves">
                        <button class="icon-btn" aria-label={`Move ${r.name} up`} disabled={!canMove(r, -1)} onClick={() => move(r, -1)}>
                          <span class="flip" aria-hidden="true">
                            <IconChevron size={16} />
                          </span>
                        </button>
                        <button class="icon-btn" aria-label={`Move ${r.name} down`} disabled={!canMove(r, 1)} onClick={() => move(r, 1)}>
                          <span aria-hidden="true">
                            <IconChevron size={16} />
                          </span>
                        </button>
                      </span>
                    </Show>
                  </li>
                );
              }}
            </For>
            <Show when={everyone()}>
              {(e) => (
                <li class="role-item" classList={{ selected: current() === e().id }}>
                  <span class="handle off" aria-hidden="true" />
                  <button class="pick" aria-current={current() === e().id ? "true" : undefined} onClick={() => pick(e().id)}>
                    <span class="role-dot" aria-hidden="true" />
                    <span class="n">@everyone</span>
                  </button>
                </li>
              )}
            </Show>
          </ul>
          <p class="faint" style={{ "margin-top": "8px" }}>
            Drag roles or use the arrows to change the order.
          </p>
        </div>
        <Show when={current()} keyed>
          {(id) => <RoleEditor serverId={props.serverId} roleId={id} editable={!!state.roles[id] && editable(state.roles[id])} onDeleted={() => setSelected("")} />}
        </Show>
      </div>
    </>
  );
}
