// Bans: who is banned, why, by whom; lift a ban.
import { createMemo, createResource, createSignal, For, Show } from "solid-js";
import { api } from "../api/client";
import type { Ban } from "../gen/decentra/v1/servers_pb";
import { nameIn } from "../members/names";
import { Avatar, displayName } from "../ui/Avatar";
import { ActionDialog, EmptyState, LoadError, Loading } from "./kit";
import { fmtDate } from "./format";

export function ServerBans(props: { serverId: string }) {
  const [bans, { refetch }] = createResource(async () => {
    const all: Ban[] = [];
    let token = "";
    for (let i = 0; i < 10; i++) {
      const res = await api.servers.listBans({ serverId: props.serverId, pageSize: 1000, pageToken: token });
      all.push(...res.bans);
      token = res.nextPageToken;
      if (!token) break;
    }
    return all;
  });
  const [query, setQuery] = createSignal("");
  const [lift, setLift] = createSignal<Ban | null>(null);
  const shown = createMemo(() => {
    const q = query().trim().toLowerCase();
    return (bans() ?? []).filter((b) => !q || b.user?.username.toLowerCase().includes(q) || displayName(b.user).toLowerCase().includes(q) || b.user?.id === q);
  });

  return (
    <>
      <h1>Server Ban List</h1>
      <p class="desc" style={{ "margin-bottom": "16px" }}>
        Banned people can't rejoin this server until their ban is revoked.
      </p>
      <div class="toolbar">
        <input class="input" type="search" aria-label="Search bans" placeholder="Search by username or id" value={query()} onInput={(e) => setQuery(e.currentTarget.value)} />
      </div>
      <Show when={!bans.error} fallback={<LoadError error={bans.error} retry={refetch} what="The ban list" />}>
        <Show when={bans()} fallback={<Loading />}>
          <Show when={shown().length > 0} fallback={<EmptyState title={bans()!.length ? "No bans match" : "No bans"}>{bans()!.length ? "" : "Nobody is banned from this server."}</EmptyState>}>
            <ul style={{ "list-style": "none", margin: 0, padding: 0 }} aria-label="Bans">
              <For each={shown()}>
                {(b) => (
                  <li class="member-row">
                    <Avatar user={b.user} size={40} />
                    <div class="grow who">
                      <strong>{displayName(b.user)}</strong>
                      <span>
                        @{b.user?.username} · banned {fmtDate(b.createdAt)}
                        {b.bannedById ? ` by ${nameIn(props.serverId, b.bannedById) ?? "a moderator"}` : ""}
                      </span>
                      <span class="muted" style={{ "font-size": "var(--text-sm)" }}>
                        {b.reason ? `Reason: ${b.reason}` : "No reason given"}
                      </span>
                    </div>
                    <button class="btn small outline-danger" aria-label={`Revoke ban of ${b.user?.username ?? "user"}`} onClick={() => setLift(b)}>
                      Revoke Ban
                    </button>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        </Show>
      </Show>
      <Show when={lift()}>
        {(b) => (
          <ActionDialog
            title={`Revoke ban of ${displayName(b().user)}`}
            action="Revoke Ban"
            onClose={() => setLift(null)}
            onConfirm={async () => {
              await api.servers.unbanMember({ serverId: props.serverId, userId: b().user?.id ?? "" });
              void refetch();
            }}
          >
            <p class="muted">@{b().user?.username} will be able to join again with an invite.</p>
          </ActionDialog>
        )}
      </Show>
    </>
  );
}
