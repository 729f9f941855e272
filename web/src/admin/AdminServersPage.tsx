// Instance admin: every server with its owner and member count; delete one.
import { createSignal, For, Show } from "solid-js";
import { api } from "../api/client";
import type { InstanceServer } from "../gen/decentra/v1/admin_pb";
import { ActionDialog, ListTable } from "../settings/kit";
import { fmtDate } from "../settings/format";
import { createPagedSearch } from "./pagedSearch";
import { PagedResults, SearchToolbar } from "./PagedResults";

export function AdminServersPage() {
  const search = createPagedSearch<InstanceServer>(async (query, pageToken) => {
    const res = await api.admin.listInstanceServers({ pageSize: 50, pageToken, query });
    return { items: res.servers, nextPageToken: res.nextPageToken };
  });
  const [pending, setPending] = createSignal<InstanceServer | null>(null);

  const losers = (n: number) => (n === 1 ? "Its 1 member loses" : `All ${n} of its members lose`);

  return (
    <>
      <h1>Servers</h1>
      <SearchToolbar search={search} label="Search servers" placeholder="Search by server name" />
      <PagedResults search={search} what="Listing servers" emptyTitle="No servers found" emptyText={search.query() ? "No server matches that search." : "Nobody has created a server yet."}>
        {(rows) => (
          <ListTable label="Servers" columns={["Name", "Owner", "Members", "Created"]}>
            <For each={rows()}>
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
          </ListTable>
        )}
      </PagedResults>
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
              search.setItems((list) => list?.filter((x) => x.server?.id !== id) ?? null);
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
