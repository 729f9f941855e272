// Server invites: create (expiry, max uses, landing channel), list, copy, revoke.
import { createResource, createSignal, For, Show } from "solid-js";
import { api } from "../api/client";
import { ChannelType } from "../gen/decentra/v1/channels_pb";
import type { Invite } from "../gen/decentra/v1/invites_pb";
import { nameIn } from "../members/names";
import { inviteLink } from "../servers/InviteDialog";
import { state } from "../state/store";
import { Avatar } from "../ui/Avatar";
import { ActionDialog, EmptyState, ListTable, LoadError, Loading } from "./kit";
import { copyText, EXPIRY_CHOICES, fmtDateTime, fmtRelative, inviteUses, MAX_USES_CHOICES, tsMs } from "./format";

export function ServerInvites(props: { serverId: string }) {
  const [invites, { refetch }] = createResource(async () => {
    const all: Invite[] = [];
    let token = "";
    for (let i = 0; i < 10; i++) {
      const res = await api.invites.listInvites({ serverId: props.serverId, pageSize: 100, pageToken: token });
      all.push(...res.invites);
      token = res.nextPageToken;
      if (!token) break;
    }
    return all.filter((i) => !i.revoked);
  });
  const [creating, setCreating] = createSignal(false);
  const [revoke, setRevoke] = createSignal<string | null>(null);
  const [copied, setCopied] = createSignal("");
  const copy = async (code: string) => {
    if (await copyText(inviteLink(code))) {
      setCopied(code);
      setTimeout(() => copied() === code && setCopied(""), 2000);
    }
  };
  const channelName = (id: string) => (id && state.channels[id] ? `#${state.channels[id].name}` : "Default");

  return (
    <>
      <h1>Invites</h1>
      <div class="toolbar" style={{ "justify-content": "space-between" }}>
        <p class="desc" style={{ margin: 0, flex: "1 1 240px" }}>
          Active invite links to this server. Anyone with a link can join.
        </p>
        <button class="btn" onClick={() => setCreating(true)}>
          Create invite
        </button>
      </div>
      <Show when={!invites.error} fallback={<LoadError error={invites.error} retry={refetch} what="Listing invites" />}>
        <Show when={invites()} fallback={<Loading />}>
          <Show when={invites()!.length > 0} fallback={<EmptyState title="No invites yet">Create an invite link to bring people in.</EmptyState>}>
            <ListTable label="Invites" columns={["Inviter", "Invite code", "Channel", "Uses", "Expires"]}>
              <For each={invites()}>
                {(i) => {
                  const exp = () => tsMs(i.expiresAt);
                  return (
                    <tr>
                      <td data-label="Inviter">
                        <span style={{ display: "inline-flex", "align-items": "center", gap: "8px" }}>
                          <Avatar user={state.users[i.inviterId]} size={24} />
                          {nameIn(props.serverId, i.inviterId) ?? "Someone"}
                        </span>
                      </td>
                      <td class="mono" data-label="Code">
                        {i.code}
                      </td>
                      <td data-label="Channel">{channelName(i.channelId)}</td>
                      <td data-label="Uses">{inviteUses(i.uses, i.maxUses)}</td>
                      <td data-label="Expires" title={fmtDateTime(i.expiresAt)}>
                        {exp() === undefined ? "Never" : fmtRelative(exp()!)}
                      </td>
                      <td class="actions">
                        <button class="btn small secondary" aria-label={`Copy invite link ${i.code}`} onClick={() => void copy(i.code)}>
                          {copied() === i.code ? "Copied" : "Copy"}
                        </button>{" "}
                        <button class="btn small outline-danger" aria-label={`Revoke invite ${i.code}`} onClick={() => setRevoke(i.code)}>
                          Revoke
                        </button>
                      </td>
                    </tr>
                  );
                }}
              </For>
            </ListTable>
          </Show>
        </Show>
      </Show>
      <Show when={creating()}>
        <CreateInviteDialog serverId={props.serverId} onClose={() => setCreating(false)} onCreated={() => void refetch()} />
      </Show>
      <Show when={revoke()}>
        {(code) => (
          <ActionDialog
            title="Revoke invite"
            action="Revoke"
            danger
            onClose={() => setRevoke(null)}
            onConfirm={async () => {
              await api.invites.revokeInvite({ code: code() });
              void refetch();
            }}
          >
            <p class="muted">
              The link <span class="mono">{inviteLink(code())}</span> will stop working.
            </p>
          </ActionDialog>
        )}
      </Show>
    </>
  );
}

function CreateInviteDialog(props: { serverId: string; onClose: () => void; onCreated: () => void }) {
  const [expiry, setExpiry] = createSignal(7 * 86_400);
  const [maxUses, setMaxUses] = createSignal(0);
  const [channel, setChannel] = createSignal("");
  const channels = () =>
    Object.values(state.channels)
      .filter((c) => c.serverId === props.serverId && c.type === ChannelType.TEXT)
      .sort((a, b) => a.position - b.position);
  return (
    <ActionDialog
      title="Create invite"
      action="Create"
      onClose={props.onClose}
      onConfirm={async () => {
        await api.invites.createInvite({
          serverId: props.serverId,
          channelId: channel(),
          maxUses: maxUses() || undefined,
          expiresInSeconds: expiry() ? BigInt(expiry()) : undefined,
        });
        props.onCreated();
      }}
    >
      <label class="field">
        <span>Expire after</span>
        <select value={String(expiry())} onChange={(e) => setExpiry(Number(e.currentTarget.value))}>
          <For each={EXPIRY_CHOICES}>{(c) => <option value={String(c.seconds)}>{c.label}</option>}</For>
        </select>
      </label>
      <label class="field">
        <span>Max number of uses</span>
        <select value={String(maxUses())} onChange={(e) => setMaxUses(Number(e.currentTarget.value))}>
          <For each={MAX_USES_CHOICES}>{(n) => <option value={String(n)}>{n ? `${n} use${n === 1 ? "" : "s"}` : "No limit"}</option>}</For>
        </select>
      </label>
      <label class="field">
        <span>Channel</span>
        <select value={channel()} onChange={(e) => setChannel(e.currentTarget.value)}>
          <option value="">Default (first text channel)</option>
          <For each={channels()}>{(c) => <option value={c.id}>#{c.name}</option>}</For>
        </select>
      </label>
    </ActionDialog>
  );
}
