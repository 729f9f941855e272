import { createSignal, Show } from "solid-js";
import { useNavigate } from "@solidjs/router";
import { api } from "../api/client";
import { state, until } from "../state/store";
import { FriendPicker } from "./FriendPicker";
import { openDm, setFriendsTab } from "./relationships";

/** "+" in the DM list: one friend opens a DM, several make a group DM. */
export function CreateDmDialog(props: { onClose: () => void }) {
  const navigate = useNavigate();
  const [name, setName] = createSignal("");

  async function create(ids: string[]) {
    let id: string | undefined;
    if (ids.length === 1) {
      id = await openDm(ids[0]);
    } else {
      const res = await api.channels.createGroupDm({ userIds: ids, name: name().trim() });
      const created = res.channel?.id;
      if (created && (await until(() => !!state.channels[created]))) id = created;
    }
    if (!id) throw new Error("The conversation was created but hasn't arrived yet. It will appear in your list shortly.");
    props.onClose();
    navigate(`/channels/@me/${id}`);
  }

  return (
    <FriendPicker
      title="Select friends"
      hint="Pick one friend for a direct message, or several for a group."
      submitLabel={(n) => (n > 1 ? "Create group DM" : "Create DM")}
      extra={(n) => (
        <Show when={n > 1}>
          <label class="field" style={{ "margin-top": "var(--space-3)", "margin-bottom": "0" }}>
            <span>Group name (optional)</span>
            <input value={name()} maxLength={100} placeholder="Leave empty to list the members" onInput={(e) => setName(e.currentTarget.value)} />
          </label>
        </Show>
      )}
      empty={
        <>
          <p class="muted">You don't have any friends to message yet.</p>
          <button
            class="btn"
            onClick={() => {
              setFriendsTab("add");
              props.onClose();
              navigate("/channels/@me");
            }}
          >
            Add friend
          </button>
        </>
      }
      onSubmit={(users) => create(users.map((u) => u.id))}
      onClose={props.onClose}
    />
  );
}
