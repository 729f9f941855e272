// Audit log: who did what to whom and when, filterable by action and by moderator.
import { createEffect, createSignal, For, on, Show } from "solid-js";
import { api } from "../api/client";
import { AuditLogAction, type AuditLogEntry } from "../gen/decentra/v1/servers_pb";
import { ensureMembers } from "../members/load";
import { nameIn } from "../members/names";
import type { User } from "../state/model";
import { state } from "../state/store";
import { Avatar, displayName } from "../ui/Avatar";
import { EmptyState, LoadError, Loading } from "./kit";
import { fmtDateTime, fmtRelative, tsMs } from "./format";
import { ACTION_FILTERS, auditSentence, describeChange, targetsUser, type Names } from "./auditText";

export function AuditLog(props: { serverId: string }) {
  const [action, setAction] = createSignal(AuditLogAction.UNSPECIFIED);
  const [actor, setActor] = createSignal("");
  const [entries, setEntries] = createSignal<AuditLogEntry[] | null>(null);
  const [users, setUsers] = createSignal<Record<string, User>>({});
  const [next, setNext] = createSignal("");
  const [error, setError] = createSignal<unknown>(null);
  const [loadingMore, setLoadingMore] = createSignal(false);
  let seq = 0;

  void ensureMembers(props.serverId).catch(() => undefined);

  const load = async (more: boolean) => {
    const mine = ++seq;
    setError(null);
    if (more) setLoadingMore(true);
    else setEntries(null);
    try {
      const res = await api.servers.listAuditLog({ serverId: props.serverId, pageSize: 50, pageToken: more ? next() : "", action: action(), actorId: actor() });
      if (mine !== seq) return;
      setUsers((u) => ({ ...u, ...Object.fromEntries(res.users.map((x) => [x.id, x])) }));
      setEntries((prev) => (more ? [...(prev ?? []), ...res.entries] : res.entries));
      setNext(res.nextPageToken);
      void fillUsers(res.entries);
    } catch (err) {
      if (mine === seq) setError(err);
    } finally {
      setLoadingMore(false);
    }
  };
  createEffect(on([action, actor], () => void load(false)));

  /** Users the page did not bring (e.g. banned former members): fetched once each. */
  const fillUsers = async (list: AuditLogEntry[]) => {
    const known = users();
    const missing = [...new Set(list.flatMap((e) => [e.actorId, ...(targetsUser(e.action) ? [e.targetId] : [])]))].filter(
      (id) => id && !known[id] && !state.users[id],
    );
    const found = await Promise.all(missing.slice(0, 50).map((id) => api.users.getUser({ userId: id }).then((r) => r.user, () => undefined)));
    const add = Object.fromEntries(found.filter((u): u is User => !!u).map((u) => [u.id, u]));
    if (Object.keys(add).length) setUsers((u) => ({ ...u, ...add }));
  };

  const names: Names = {
    user: (id) => (users()[id] ? displayName(users()[id]) : state.users[id] ? displayName(state.users[id]) : nameIn(props.serverId, id)),
    channel: (id) => state.channels[id]?.name,
    role: (id) => state.roles[id]?.name,
  };
  const actors = () => {
    const ids = new Set([...Object.keys(users()), ...Object.keys(state.members[props.serverId] ?? {})]);
    return [...ids].map((id) => ({ id, name: names.user(id) ?? id })).sort((a, b) => a.name.localeCompare(b.name));
  };

  return (
    <>
      <h1>Audit Log</h1>
      <div class="toolbar">
        <select aria-label="Filter by user" value={actor()} onChange={(e) => setActor(e.currentTarget.value)}>
          <option value="">All users</option>
          <For each={actors()}>{(a) => <option value={a.id}>{a.name}</option>}</For>
        </select>
        <select aria-label="Filter by action" value={String(action())} onChange={(e) => setAction(Number(e.currentTarget.value) as AuditLogAction)}>
          <For each={ACTION_FILTERS}>{(f) => <option value={String(f.action)}>{f.label}</option>}</For>
        </select>
      </div>
      <Show when={!error()} fallback={<LoadError error={error()} retry={() => void load(false)} what="The audit log" />}>
        <Show when={entries()} fallback={<Loading />}>
          <Show
            when={entries()!.length > 0}
            fallback={
              <EmptyState title="No logs yet">{action() || actor() ? "Nothing matches these filters." : "Moderation and settings changes in this server will show up here."}</EmptyState>
            }
          >
            <ol style={{ "list-style": "none", margin: 0, padding: 0 }} aria-label="Audit log entries">
              <For each={entries()}>
                {(e) => {
                  const when = () => tsMs(e.createdAt);
                  const actorUser = () => users()[e.actorId] ?? state.users[e.actorId];
                  return (
                    <li class="audit-entry">
                      <Avatar user={actorUser()} size={32} />
                      <div class="grow">
                        <div class="sentence">
                          <For each={auditSentence(e, names)}>{(p) => (typeof p === "string" ? p : <b>{p.b}</b>)}</For>
                        </div>
                        <Show when={when() !== undefined}>
                          <time dateTime={new Date(when()!).toISOString()} title={fmtDateTime(e.createdAt)}>
                            {fmtRelative(when()!)} · {fmtDateTime(e.createdAt)}
                          </time>
                        </Show>
                        <Show when={e.reason}>
                          <div class="reason">Reason: {e.reason}</div>
                        </Show>
                        <Show when={e.changes.filter((c) => c.key !== "$add" && c.key !== "$remove").length > 0}>
                          <details>
                            <summary>
                              {e.changes.length} change{e.changes.length === 1 ? "" : "s"}
                            </summary>
                            <ul>
                              <For each={e.changes}>{(c) => <li>{describeChange(c, names)}</li>}</For>
                            </ul>
                          </details>
                        </Show>
                      </div>
                    </li>
                  );
                }}
              </For>
            </ol>
            <Show when={next()}>
              <button class="btn secondary" disabled={loadingMore()} onClick={() => void load(true)}>
                {loadingMore() ? "Loading…" : "Load more"}
              </button>
            </Show>
          </Show>
        </Show>
      </Show>
    </>
  );
}
