// Instance admin: every server with its owner and member count; delete one.
import { createEffect, createSignal, For, on, onCleanup, Show } from "solid-js";
import { api } from "../api/client";
import type { InstanceServer } from "../gen/decentra/v1/admin_pb";
import { ActionDialog, EmptyState, LoadError, Loading } from "../settings/kit";
import { fmtDate } from "../settings/format";

export function AdminServersPage() {
  const [query, setQuery] = createSignal("");
  const [servers, setServers] = createSignal<InstanceServer[] | null>(null);
  const [next, setNext] = createSignal("");
  const [loadError, setLoadError] = createSignal<unknown>(null);
  const [pending, setPending] = createSignal<InstanceServer | null>(null);
  let seq = 0;

  const load = async (more: boolean) => {
    const mine = ++seq;
    setLoadError(null);
    if (!more) setServers(null);
    try {
      const res = await api.admin.listInstanceServers({ pageSize: 50, pageToken: more ? next() : "", query: query().trim() });
      if (mine !== seq) return;
      setServers((prev) => (more ? [...(prev ?? []), ...res.servers] : res.servers));
      setNext(res.nextPageToken);
    } catch (err) {
      if (mine === seq) setLoadError(err);
    }
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  createEffect(
    on(query, () => {
      clearTimeout(timer);
      timer = setTimeout(() => void load(false), 250);
    }),
  );
  onCleanup(() => clearTimeout(timer));

  const losers = (n: number) => (n === 1 ? "Its 1 member loses" : `All ${n} of its members lose`);

  return (
    <>
      <h1>Servers</h1>
      <div class="toolbar">
        <input class="input" type="search" aria-label="Search servers" placeholder="Search by server name" value={query()} onInput={(e) => setQuery(e.currentTarget.value)} />
      </div>
      <Show when={!loadError()} fallback={<LoadError error={loadError()} retry={() => void load(false)} what="Listing servers" />}>
        <Show when={servers()} fallback={<Loading />}>
          {(list) => (
            <Show when={list().length > 0} fallback={<EmptyState title="No servers found">{query() ? "No server matches that search." : "Nobody has created a server yet."}</EmptyState>}>
              <div class="table-wrap">
                <table class="list stack" aria-label="Servers">
                  <thead>
                    <tr>
                      <th>Name</th>
                      <th>Owner</th>
                      <th>Members</th>
                      <th>Created</th>
                      <th>
                        <span class="sr-only">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={list()}>
                      {(s) => (
                        <tr>
                          <td data-label="Name">
                            <strong>{s.server?.name}</strong>
                          </td>
                          <td data-label="Owner">@{s.ownerUsername}</td>
                          <td data-label="Members">{s.server?.memberCount ?? 0}</td>
                          <td data-label="Created">{fmtDate(s.server?.createdAt)}</td>
                          <td class="actions">
                            <button class="btn small outline-danger" aria-label={`Delete server ${s.server?.name}`} onClick={() => setPending(s)}>
                              Delete
                            </button>
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
              <Show when={next()}>
                <button class="btn secondary" style={{ "margin-top": "16px" }} onClick={() => void load(true)}>
                  Load more
                </button>
              </Show>
            </Show>
          )}
        </Show>
      </Show>
      <Show when={pending()}>
        {(p) => (
          <ActionDialog
            title={`Delete '${p().server?.name}'`}
            action="Delete server"
            danger
            onClose={() => setPending(null)}
            onConfirm={async () => {
              const id = p().server?.id ?? "";
              await api.admin.deleteInstanceServer({ serverId: id });
              setServers((list) => list?.filter((x) => x.server?.id !== id) ?? null);
            }}
          >
            <p class="muted">
              <strong>{p().server?.name}</strong>, owned by @{p().ownerUsername}, will be deleted for good with every channel, message, role and invite in it.{" "}
              {losers(p().server?.memberCount ?? 0)} access at once. This cannot be undone.
            </p>
          </ActionDialog>
        )}
      </Show>
    </>
  );
}
