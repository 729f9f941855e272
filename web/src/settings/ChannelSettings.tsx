// Channel settings overlay: overview, permission overwrites, delete.
import { createEffect, createSignal, Match, Show, Switch } from "solid-js";
import { api } from "../api/client";
import { closeOverlay, overlay } from "../app/overlays";
import { ChannelType } from "../gen/decentra/v1/channels_pb";
import { Permission } from "../gen/decentra/v1/permissions_pb";
import { channelPermissions, has } from "../state/permissions";
import { state } from "../state/store";
import { ActionDialog, SettingsLayout, type NavGroup } from "./kit";
import { ChannelOverview } from "./ChannelOverview";
import { ChannelPermissions } from "./ChannelPermissions";

export function channelLabel(type: ChannelType, name: string): string {
  return type === ChannelType.TEXT ? `#${name}` : name;
}

export default function ChannelSettings() {
  const channelId = () => {
    const o = overlay();
    return o?.kind === "channel-settings" ? o.channelId : "";
  };
  const channel = () => state.channels[channelId()];
  const perms = () => (channel() ? channelPermissions(state, channel()!) : 0n);
  const canManage = () => has(perms(), Permission.MANAGE_CHANNELS);
  const canPerms = () => canManage() || has(perms(), Permission.MANAGE_ROLES);
  const [page, setPage] = createSignal("overview");
  const [deleting, setDeleting] = createSignal(false);
  const current = () => (page() === "permissions" && canPerms() ? "permissions" : canManage() ? "overview" : canPerms() ? "permissions" : "");
  const kind = () => (channel()?.type === ChannelType.CATEGORY ? "Category" : "Channel");

  createEffect(() => {
    if (state.ready && channelId() && !channel()) closeOverlay();
  });

  const groups = (): NavGroup[] => [
    {
      title: channel() ? channelLabel(channel()!.type, channel()!.name) : kind(),
      items: [...(canManage() ? [{ id: "overview", label: "Overview" }] : []), ...(canPerms() ? [{ id: "permissions", label: "Permissions" }] : [])],
    },
    { items: canManage() ? [{ id: "delete", label: `Delete ${kind()}`, danger: true, action: () => setDeleting(true) }] : [] },
  ];

  return (
    <Show when={channel()}>
      {(c) => (
        <SettingsLayout label={`${kind()} settings`} groups={groups()} page={current()} onPage={setPage}>
          <Switch
            fallback={
              <div class="settings-empty">
                <strong>Nothing to manage here</strong>
                <span class="muted">You don't have permission to change this {kind().toLowerCase()}.</span>
              </div>
            }
          >
            <Match when={current() === "overview"}>
              <ChannelOverview channelId={c().id} />
            </Match>
            <Match when={current() === "permissions"}>
              <ChannelPermissions channelId={c().id} />
            </Match>
          </Switch>
          <Show when={deleting()}>
            <ActionDialog title={`Delete ${kind()}`} action={`Delete ${kind()}`} danger onClose={() => setDeleting(false)} onConfirm={() => api.channels.deleteChannel({ channelId: c().id })}>
              <p class="muted">
                Are you sure you want to delete <strong>{channelLabel(c().type, c().name)}</strong>?{" "}
                {c().type === ChannelType.CATEGORY ? "Its channels will be moved out of the category." : "Its messages go with it. This cannot be undone."}
              </p>
            </ActionDialog>
          </Show>
        </SettingsLayout>
      )}
    </Show>
  );
}
