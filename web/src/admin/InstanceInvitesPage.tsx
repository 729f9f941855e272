// Instance admin: registration invite codes (create with max uses / expiry, list, copy, revoke).
import { createResource, createSignal, For, Show } from "solid-js";
import { api } from "../api/client";
import { describeError } from "../api/errors";
import type { InstanceInvite } from "../gen/decentra/v1/admin_pb";
import { state } from "../state/store";
import { displayName } from "../ui/Avatar";
import { ActionDialog, EmptyState, ListTable, LoadError, Loading } from "../settings/kit";
import { copyText, EXPIRY_CHOICES, fmtDateTime, fmtRelative, inviteUses, MAX_USES_CHOICES, tsMs } from "../settings/format";

export function registerLink(code: string): string {
  return `${location.origin}/register?invite=${encodeURIComponent(code)}`;
}

function status(i: InstanceInvite): { label: string; active: boolean } {
  if (i.revoked) return { label: "Revoked", active: false };
  const exp = tsMs(i.expiresAt);
  if (exp !== undefined && exp <= Date.now()) return { label: "Expired", active: false };
  if (i.maxUses !== undefined && i.uses >= i.maxUses) return { label: "Used up", active: false };
  return { label: "Active", active: true };
}

export function InstanceInvitesPage() {
  const [list, { refetch }] = createResource(async () => {
    const all: InstanceInvite[] = [];
    let token = "";
    for (let i = 0; i < 10; i++) {
      const res = await api.admin.listInstanceInvites({ pageSize: 100, pageToken: token });
      all.push(...res.invites);
      token = res.nextPageToken;
      if (!token) break;
    }
    return all;
  });
  const [maxUses, setMaxUses] = createSignal(1);
  const [expiry, setExpiry] = createSignal(7 * 86_400);
  const [creating, setCreating] = createSignal(false);
  const [error, setError] = createSignal("");
  const [created, setCreated] = createSignal("");
  const [copied, setCopied] = createSignal("");
  const [revoke, setRevoke] = createSignal<string | null>(null);
  const [showInactive, setShowInactive] = createSignal(false);

  const create = async (e: Event) => {
    e.preventDefault();
    setCreating(true);
    setError("");
    try {
      const res = await api.admin.createInstanceInvite({
        maxUses: maxUses() || undefined,
        expiresInSeconds: expiry() ? BigInt(expiry()) : undefined,
      });
      setCreated(res.invite?.code ?? "");
      void refetch();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setCreating(false);
    }
  };
  const copy = async (code: string) => {
    if (await copyText(registerLink(code))) {
      setCopied(code);
      setTimeout(() => copied() === code && setCopied(""), 2000);
    }
  };
  const shown = () => (list() ?? []).filter((i) => showInactive() || status(i).active);
  const who = (id: string) => (state.users[id] ? displayName(state.users[id]) : id === state.me?.id ? displayName(state.me) : "an admin");

  return (
    <>
      <h1>Registration Invites</h1>
      <p class="desc" style={{ "margin-bottom": "16px" }}>
        When registration is invite only, new people need one of these codes to create an account.
      </p>
      <form class="toolbar" onSubmit={create} aria-label="Create a registration invite">
        <label class="field" style={{ margin: 0, flex: "1 1 160px" }}>
          <span>Expire after</span>
          <select value={String(expiry())} onChange={(e) => setExpiry(Number(e.currentTarget.value))}>
            <For each={EXPIRY_CHOICES}>{(c) => <option value={String(c.seconds)}>{c.label}</option>}</For>
          </select>
        </label>
        <label class="field" style={{ margin: 0, flex: "1 1 160px" }}>
          <span>Max number of uses</span>
          <select value={String(maxUses())} onChange={(e) => setMaxUses(Number(e.currentTarget.value))}>
            <For each={MAX_USES_CHOICES}>{(n) => <option value={String(n)}>{n ? `${n} use${n === 1 ? "" : "s"}` : "No limit"}</option>}</For>
          </select>
        </label>
        <button class="btn" type="submit" disabled={creating()} style={{ "align-self": "flex-end" }}>
          {creating() ? "Creating…" : "Create invite"}
        </button>
      </form>
      <Show when={error()}>
        <p class="error-text" role="alert">
          {error()}
        </p>
      </Show>
      <Show when={created()}>
        <div class="notice info" role="status" style={{ "margin-bottom": "16px" }}>
          <span>
            New invite <span class="mono">{created()}</span> created.
          </span>
          <div class="toolbar" style={{ margin: 0 }}>
            <input class="input" readonly aria-label="New registration link" value={registerLink(created())} onFocus={(e) => e.currentTarget.select()} />
            <button class="btn small" onClick={() => void copy(created())}>
              {copied() === created() ? "Copied" : "Copy link"}
            </button>
          </div>
        </div>
      </Show>
      <div class="toolbar" style={{ "justify-content": "space-between" }}>
        <h3 style={{ margin: 0 }}>Invites</h3>
        <label class="check">
          <input type="checkbox" checked={showInactive()} onChange={(e) => setShowInactive(e.currentTarget.checked)} />
          Show revoked and expired
        </label>
      </div>
      <Show when={!list.error} fallback={<LoadError error={list.error} retry={refetch} what="Listing registration invites" />}>
        <Show when={list()} fallback={<Loading />}>
          <Show when={shown().length > 0} fallback={<EmptyState title="No active invites">Create one above to let someone register.</EmptyState>}>
            <ListTable label="Registration invites" columns={["Code", "Created by", "Uses", "Expires", "Status"]}>
              <For each={shown()}>
                {(i) => {
                  const st = () => status(i);
                  const exp = () => tsMs(i.expiresAt);
                  return (
                    <tr classList={{ inactive: !st().active }}>
                      <td class="mono" data-label="Code">
                        {i.code}
                      </td>
                      <td data-label="Created by">{who(i.createdById)}</td>
                      <td data-label="Uses">{inviteUses(i.uses, i.maxUses)}</td>
                      <td data-label="Expires" title={fmtDateTime(i.expiresAt)}>
                        {exp() === undefined ? "Never" : fmtRelative(exp()!)}
                      </td>
                      <td data-label="Status">
                        <span class={st().active ? "pill ok" : "pill"}>{st().label}</span>
                      </td>
                      <td class="actions">
                        <Show when={st().active}>
                          <button class="btn small secondary" aria-label={`Copy registration link ${i.code}`} onClick={() => void copy(i.code)}>
                            {copied() === i.code ? "Copied" : "Copy link"}
                          </button>{" "}
                          <button class="btn small outline-danger" aria-label={`Revoke invite ${i.code}`} onClick={() => setRevoke(i.code)}>
                            Revoke
                          </button>
                        </Show>
                      </td>
                    </tr>
                  );
                }}
              </For>
            </ListTable>
          </Show>
        </Show>
      </Show>
      <Show when={revoke()}>
        {(code) => (
          <ActionDialog
            title="Revoke invite"
            action="Revoke"
            danger
            onClose={() => setRevoke(null)}
            onConfirm={async () => {
              await api.admin.revokeInstanceInvite({ code: code() });
              void refetch();
            }}
          >
            <p class="muted">
              Nobody will be able to register with <span class="mono">{code()}</span> any more.
            </p>
          </ActionDialog>
        )}
      </Show>
    </>
  );
}
