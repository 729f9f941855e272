import { createSignal, For } from "solid-js";
import { useNavigate } from "@solidjs/router";
import { api } from "../api/client";
import { describeError } from "../api/errors";
import { ChannelType } from "../gen/decentra/v1/channels_pb";
import { Dialog } from "../ui/Dialog";
import { state, until } from "../state/store";

const KINDS = [
  { type: ChannelType.TEXT, label: "Text", hint: "Send messages, images, opinions and puns" },
  { type: ChannelType.VOICE, label: "Voice", hint: "Hang out together with voice" },
  { type: ChannelType.CATEGORY, label: "Category", hint: "Group channels together" },
];

/** Text channel names are lower-kebab, as the server requires; show what will be created. */
export function channelSlug(name: string): string {
  return name.trim().toLowerCase().replace(/[\s_]+/g, "-").replace(/[^\p{L}\p{N}-]/gu, "").replace(/-+/g, "-").slice(0, 100);
}

export function CreateChannelDialog(props: { serverId: string; parentId: string; onClose: () => void }) {
  const navigate = useNavigate();
  const [type, setType] = createSignal(ChannelType.TEXT);
  const [name, setName] = createSignal("");
  const [error, setError] = createSignal("");
  const finalName = () => (type() === ChannelType.TEXT ? channelSlug(name()) : name().trim());

  async function submit(e: Event) {
    e.preventDefault();
    setError("");
    try {
      const res = await api.channels.createChannel({
        serverId: props.serverId,
        name: finalName(),
        type: type(),
        parentId: type() === ChannelType.CATEGORY ? "" : props.parentId,
      });
      const id = res.channel?.id;
      props.onClose();
      if (id && type() === ChannelType.TEXT && (await until(() => !!state.channels[id]))) navigate(`/channels/${props.serverId}/${id}`);
    } catch (err) {
      setError(describeError(err));
    }
  }

  return (
    <Dialog title="Create channel" onClose={props.onClose}>
      <form onSubmit={submit}>
        <fieldset class="field" style={{ border: "0", padding: "0" }}>
          <legend class="label" style={{ "margin-bottom": "8px" }}>
            Channel type
          </legend>
          <For each={KINDS}>
            {(k) => (
              <label class="row" style={{ cursor: "pointer" }}>
                <input type="radio" name="type" checked={type() === k.type} onChange={() => setType(k.type)} />
                <span class="grow">
                  <strong>{k.label}</strong>
                  <div class="faint">{k.hint}</div>
                </span>
              </label>
            )}
          </For>
        </fieldset>
        <label class="field">
          <span>{type() === ChannelType.CATEGORY ? "Category name" : "Channel name"}</span>
          <input value={name()} required maxLength={100} placeholder={type() === ChannelType.TEXT ? "new-channel" : "New channel"} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        {error() && <p class="error-text" role="alert">{error()}</p>}
        <div class="actions">
          <button type="button" class="btn secondary" onClick={props.onClose}>
            Cancel
          </button>
          <button class="btn" type="submit" disabled={!finalName()}>
            Create channel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
