import { createResource, createSignal, Show } from "solid-js";
import { api } from "../api/client";
import { describeError } from "../api/errors";
import { Dialog } from "../ui/Dialog";
import { state } from "../state/store";

export function inviteLink(code: string): string {
  return `${location.origin}/invite/${code}`;
}

/** Creates an invite (7 days, unlimited uses) and offers its link to copy. */
export function InviteDialog(props: { serverId: string; onClose: () => void }) {
  const [copied, setCopied] = createSignal(false);
  const [invite] = createResource(async () => {
    const res = await api.invites.createInvite({ serverId: props.serverId, expiresInSeconds: 7n * 24n * 3600n });
    return res.invite?.code ?? "";
  });
  const copy = async () => {
    const code = invite();
    if (!code) return;
    try {
      await navigator.clipboard.writeText(inviteLink(code));
      setCopied(true);
    } catch {
      /* clipboard refused (insecure origin): the link stays selectable */
    }
  };
  return (
    <Dialog title={`Invite friends to ${state.servers[props.serverId]?.name ?? "the server"}`} onClose={props.onClose}>
      <Show when={!invite.error} fallback={<p class="error-text" role="alert">{describeError(invite.error)}</p>}>
        <label class="field">
          <span>Send a server invite link to a friend</span>
          <div style={{ display: "flex", gap: "8px" }}>
            <input readonly aria-label="Invite link" value={invite() ? inviteLink(invite()!) : "Creating…"} onFocus={(e) => e.currentTarget.select()} />
            <button class="btn" onClick={copy} disabled={!invite()}>
              {copied() ? "Copied" : "Copy"}
            </button>
          </div>
        </label>
        <p class="faint">Your invite link expires in 7 days.</p>
      </Show>
    </Dialog>
  );
}
