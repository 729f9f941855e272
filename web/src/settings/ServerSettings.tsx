// Server settings overlay: only the pages the user's permissions allow.
import { createEffect, createMemo, createSignal, Match, Show, Switch } from "solid-js";
import { closeOverlay, overlay } from "../app/overlays";
import { Permission } from "../gen/decentra/v1/permissions_pb";
import { has, serverPermissions } from "../state/permissions";
import { state } from "../state/store";
import { SettingsLayout, type NavEntry } from "./kit";
import { ServerOverview } from "./ServerOverview";
import { ServerRoles } from "./ServerRoles";
import { ServerMembers } from "./ServerMembers";
import { ServerInvites } from "./ServerInvites";
import { ServerBans } from "./ServerBans";
import { AuditLog } from "./AuditLog";
import { DeleteServerDialog } from "./DeleteServerDialog";

interface PageDef {
  id: string;
  label: string;
  allowed: (perms: bigint, owner: boolean) => boolean;
}

const PAGES: PageDef[] = [
  { id: "overview", label: "Overview", allowed: (p) => has(p, Permission.MANAGE_SERVER) },
  { id: "roles", label: "Roles", allowed: (p) => has(p, Permission.MANAGE_ROLES) },
  { id: "invites", label: "Invites", allowed: (p) => has(p, Permission.MANAGE_SERVER) },
  {
    id: "members",
    label: "Members",
    allowed: (p) => [Permission.KICK_MEMBERS, Permission.BAN_MEMBERS, Permission.MANAGE_ROLES, Permission.MANAGE_NICKNAMES].some((x) => has(p, x)),
  },
  { id: "bans", label: "Bans", allowed: (p) => has(p, Permission.BAN_MEMBERS) },
  { id: "audit-log", label: "Audit Log", allowed: (p) => has(p, Permission.VIEW_AUDIT_LOG) },
];

export default function ServerSettings() {
  const serverId = () => {
    const o = overlay();
    return o?.kind === "server-settings" ? o.serverId : "";
  };
  const server = () => state.servers[serverId()];
  const owner = () => server()?.ownerId === state.me?.id;
  const perms = () => serverPermissions(state, serverId());
  const allowed = createMemo(() => PAGES.filter((p) => p.allowed(perms(), owner())));
  const requested = () => {
    const o = overlay();
    return o?.kind === "server-settings" ? o.page : undefined;
  };
  const [chosen, setChosen] = createSignal(requested() ?? "");
  const page = () => (allowed().some((p) => p.id === chosen()) ? chosen() : (allowed()[0]?.id ?? ""));
  const [deleting, setDeleting] = createSignal(false);

  // Deleted, left or kicked: nothing to configure any more.
  createEffect(() => {
    if (state.ready && serverId() && !server()) closeOverlay();
  });

  const groups = () => {
    const items: NavEntry[] = allowed().map((p) => ({ id: p.id, label: p.label }));
    return [
      { title: server()?.name ?? "Server", items },
      { items: owner() ? [{ id: "delete", label: "Delete Server", danger: true, action: () => setDeleting(true) }] : [] },
    ];
  };

  return (
    <Show when={server()}>
      <SettingsLayout label="Server settings" groups={groups()} page={page()} onPage={setChosen}>
        <Switch
          fallback={
            <div class="settings-empty">
              <strong>Nothing to manage here</strong>
              <span class="muted">You don't have permission to change this server's settings.</span>
            </div>
          }
        >
          <Match when={page() === "overview"}>
            <ServerOverview serverId={serverId()} />
          </Match>
          <Match when={page() === "roles"}>
            <ServerRoles serverId={serverId()} />
          </Match>
          <Match when={page() === "invites"}>
            <ServerInvites serverId={serverId()} />
          </Match>
          <Match when={page() === "members"}>
            <ServerMembers serverId={serverId()} />
          </Match>
          <Match when={page() === "bans"}>
            <ServerBans serverId={serverId()} />
          </Match>
          <Match when={page() === "audit-log"}>
            <AuditLog serverId={serverId()} />
          </Match>
        </Switch>
        <Show when={deleting()}>
          <DeleteServerDialog serverId={serverId()} onClose={() => setDeleting(false)} />
        </Show>
      </SettingsLayout>
    </Show>
  );
}
