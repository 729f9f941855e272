// Instance admin: every account, with disable / admin / delete.
import { createSignal, For, Show } from "solid-js";
import { api } from "../api/client";
import { Code } from "@connectrpc/connect";
import { describeError, errorCode } from "../api/errors";
import type { User } from "../state/model";
import { state } from "../state/store";
import { Avatar, displayName } from "../ui/Avatar";
import { ActionDialog } from "../settings/kit";
import { fmtDate } from "../settings/format";
import { createPagedSearch } from "./pagedSearch";
import { PagedResults, SearchToolbar } from "./PagedResults";
import { countEnabledAdmins, isLastAdmin, LAST_ADMIN_REASON } from "./lastAdmin";

type Pending = { kind: "delete" | "disable"; user: User };

export function AdminUsersPage() {
  const search = createPagedSearch<User>(async (query, pageToken) => {
    const res = await api.admin.listUsers({ pageSize: 50, pageToken, query });
    return { items: res.users, nextPageToken: res.nextPageToken };
  });
  const { query, setItems: setUsers } = search;
  const [actionError, setActionError] = createSignal("");
  const [pending, setPending] = createSignal<Pending | null>(null);

  // Enabled admins on the whole instance (capped at 2: all the page needs to know), counted
  // apart from the list so a search or an unloaded page cannot hide one; counted again after
  // every change.
  const countAdmins = () =>
    countEnabledAdmins(async (pageToken) => {
      const res = await api.admin.listUsers({ pageSize: 100, pageToken, query: "" });
      return { items: res.users, nextPageToken: res.nextPageToken };
    }).catch(() => undefined);
  const [admins, setAdmins] = createSignal<number | undefined>();
  let counting = 0;
  const recount = async () => {
    const mine = ++counting;
    const n = await countAdmins();
    if (mine === counting) setAdmins(n);
  };
  void recount();
  const replace = (u: User) => setUsers((list) => list?.map((x) => (x.id === u.id ? u : x)) ?? null);
  const update = async (u: User, change: { disabled?: boolean; isAdmin?: boolean }) => {
    setActionError("");
    try {
      const res = await api.admin.updateUser({ userId: u.id, ...change });
      if (res.user) replace(res.user);
      void recount();
    } catch (err) {
      setActionError(describeError(err));
    }
  };

  return (
    <>
      <h1>Users</h1>
      {/* Hidden when this server cannot list users at all. */}
      <Show when={!search.error() || errorCode(search.error()) !== Code.Unimplemented}>
        <SearchToolbar search={search} label="Search users" placeholder="Search by name or e-mail" />
      </Show>
      <Show when={actionError()}>
        <p class="error-text" role="alert">
          {actionError()}
        </p>
      </Show>
      <PagedResults search={search} what="Managing users" emptyTitle="No users found" emptyText={query() ? "Nobody matches that search." : ""}>
        {(rows) => (
          <ul style={{ "list-style": "none", margin: 0, padding: 0 }} aria-label="Users">
            <For each={rows()}>
              {(u) => {
                const self = () => u.id === state.me?.id;
                return (
                  <li class="member-row">
                    <Avatar user={u} size={40} />
                    <div class="grow who">
                      <strong>
                        {displayName(u)}
                        <Show when={self()}>
                          <span class="faint"> (you)</span>
                        </Show>
                      </strong>
                      <span>
                        @{u.username}
                        {u.email ? ` · ${u.email}` : ""} · joined {fmtDate(u.createdAt)}
                      </span>
                      <div class="chips">
                        <Show when={u.isAdmin}>
                          <span class="pill admin">Admin</span>
                        </Show>
                        <Show when={u.isBot}>
                          <span class="pill">Bot</span>
                        </Show>
                        <Show when={u.disabled}>
                          <span class="pill bad">Disabled</span>
                        </Show>
                      </div>
                    </div>
                    <div class="toolbar" style={{ margin: 0, "justify-content": "flex-end" }}>
                      <Show when={!u.isBot}>
                        <Show
                          when={isLastAdmin(u, admins())}
                          fallback={
                            <button class="btn small secondary" aria-label={`${u.isAdmin ? "Remove admin from" : "Make admin"} ${u.username}`} onClick={() => void update(u, { isAdmin: !u.isAdmin })}>
                              {u.isAdmin ? "Remove admin" : "Make admin"}
                            </button>
                          }
                        >
                          {/* Focusable (aria-disabled, not disabled) so the reason can be read. */}
                          <button class="btn small secondary" aria-disabled="true" aria-label={`Remove admin from ${u.username}`} aria-description={LAST_ADMIN_REASON} title={LAST_ADMIN_REASON}>
                            Remove admin
                          </button>
                        </Show>
                      </Show>
                      <Show when={!self()}>
                        <Show
                          when={u.disabled}
                          fallback={
                            <button class="btn small secondary" aria-label={`Disable ${u.username}`} onClick={() => setPending({ kind: "disable", user: u })}>
                              Disable
                            </button>
                          }
                        >
                          <button class="btn small secondary" aria-label={`Enable ${u.username}`} onClick={() => void update(u, { disabled: false })}>
                            Enable
                          </button>
                        </Show>
                        <button class="btn small outline-danger" aria-label={`Delete ${u.username}`} onClick={() => setPending({ kind: "delete", user: u })}>
                          Delete
                        </button>
                      </Show>
                    </div>
                  </li>
                );
              }}
            </For>
          </ul>
        )}
      </PagedResults>
      <Show when={pending()}>
        {(p) => (
          <ActionDialog
            title={p().kind === "delete" ? `Delete ${p().user.username}` : `Disable ${p().user.username}`}
            action={p().kind === "delete" ? "Delete account" : "Disable account"}
            danger
            onClose={() => setPending(null)}
            onConfirm={async () => {
              const u = p().user;
              if (p().kind === "delete") {
                await api.admin.deleteUser({ userId: u.id });
                setUsers((list) => list?.filter((x) => x.id !== u.id) ?? null);
              } else {
                const res = await api.admin.updateUser({ userId: u.id, disabled: true });
                if (res.user) replace(res.user);
              }
              void recount();
            }}
          >
            <p class="muted">
              {p().kind === "delete"
                ? `${displayName(p().user)}'s account will be deleted for good. Their messages, reactions and uploads are deleted with it, and they leave every server. Servers they own must be transferred or deleted first. This cannot be undone.`
                : `${displayName(p().user)} will be signed out everywhere and won't be able to sign in until you enable the account again.`}
            </p>
          </ActionDialog>
        )}
      </Show>
    </>
  );
}
