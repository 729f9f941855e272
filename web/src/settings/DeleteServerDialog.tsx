// Deleting a server: owner only, confirmed by typing its name.
import { createSignal } from "solid-js";
import { api } from "../api/client";
import { state } from "../state/store";
import { ActionDialog } from "./kit";

export function DeleteServerDialog(props: { serverId: string; onClose: () => void }) {
  const name = () => state.servers[props.serverId]?.name ?? "";
  const [typed, setTyped] = createSignal("");
  return (
    <ActionDialog
      title={`Delete '${name()}'`}
      action="Delete Server"
      danger
      disabled={typed().trim() !== name().trim()}
      onClose={props.onClose}
      onConfirm={() => api.servers.deleteServer({ serverId: props.serverId })}
    >
      <div class="notice" style={{ "margin-bottom": "16px" }}>
        Are you sure you want to delete <strong>{name()}</strong>? Every channel, message and role goes with it. This cannot be undone.
      </div>
      <label class="field">
        <span>Enter server name</span>
        <input value={typed()} onInput={(e) => setTyped(e.currentTarget.value)} autocomplete="off" />
      </label>
    </ActionDialog>
  );
}
