// Server overview: icon, name, description, system messages channel.
import { createSignal, For, Show } from "solid-js";
import { api } from "../api/client";
import { describeError } from "../api/errors";
import { ChannelType } from "../gen/decentra/v1/channels_pb";
import { state } from "../state/store";
import { colourFor, initials } from "../ui/Avatar";
import { createDraft, SaveBar } from "./kit";

const ICON_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"];
const ICON_MAX = 1024 * 1024;

export function ServerOverview(props: { serverId: string }) {
  const server = () => state.servers[props.serverId];
  const draft = createDraft(() => ({
    name: server()?.name ?? "",
    description: server()?.description ?? "",
    systemChannelId: server()?.systemChannelId ?? "",
  }));
  const [saving, setSaving] = createSignal(false);
  const [error, setError] = createSignal("");
  const [iconBusy, setIconBusy] = createSignal(false);
  const [iconError, setIconError] = createSignal("");
  let file!: HTMLInputElement;

  const textChannels = () =>
    Object.values(state.channels)
      .filter((c) => c.serverId === props.serverId && c.type === ChannelType.TEXT)
      .sort((a, b) => a.position - b.position);

  const save = async () => {
    if (!draft.get("name").trim()) {
      setError("The server needs a name.");
      return;
    }
    setSaving(true);
    setError("");
    const c = new Set(draft.changed());
    try {
      await api.servers.updateServer({
        serverId: props.serverId,
        name: c.has("name") ? draft.get("name").trim() : undefined,
        description: c.has("description") ? draft.get("description") : undefined,
        systemChannelId: c.has("systemChannelId") ? draft.get("systemChannelId") : undefined,
      });
      draft.reset();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setSaving(false);
    }
  };

  const upload = async (f: File | undefined) => {
    file.value = "";
    if (!f) return;
    setIconError("");
    if (!ICON_TYPES.includes(f.type)) return setIconError("Use a PNG, JPEG, GIF or WebP image.");
    if (f.size > ICON_MAX) return setIconError("The image is too big: the limit is 1 MB.");
    setIconBusy(true);
    try {
      await api.servers.updateServer({ serverId: props.serverId, iconData: new Uint8Array(await f.arrayBuffer()) });
    } catch (err) {
      setIconError(describeError(err));
    } finally {
      setIconBusy(false);
    }
  };
  const removeIcon = async () => {
    setIconBusy(true);
    setIconError("");
    try {
      await api.servers.updateServer({ serverId: props.serverId, iconUrl: "" });
    } catch (err) {
      setIconError(describeError(err));
    } finally {
      setIconBusy(false);
    }
  };

  return (
    <>
      <h1>Server Overview</h1>
      <div class="icon-editor settings-block">
        <div class="server-icon-preview" style={{ background: server()?.iconUrl ? "var(--bg-sidebar)" : colourFor(props.serverId) }} role="img" aria-label="Server icon">
          <Show when={server()?.iconUrl} fallback={initials(draft.get("name") || "?")}>
            <img src={server()!.iconUrl} alt="" />
          </Show>
        </div>
        <div class="btns">
          <p class="desc" style={{ margin: 0 }}>
            We recommend an image of at least 512×512. PNG, JPEG, GIF or WebP, up to 1 MB.
          </p>
          <div style={{ display: "flex", gap: "8px", "flex-wrap": "wrap", "align-items": "center" }}>
            <button class="btn" disabled={iconBusy()} onClick={() => file.click()}>
              {iconBusy() ? "Uploading…" : "Upload Image"}
            </button>
            <Show when={server()?.iconUrl}>
              <button class="btn link" disabled={iconBusy()} onClick={() => void removeIcon()}>
                Remove icon
              </button>
            </Show>
          </div>
          <input ref={file} type="file" accept={ICON_TYPES.join(",")} class="sr-only" tabIndex={-1} aria-label="Server icon file" onChange={(e) => void upload(e.currentTarget.files?.[0])} />
          <Show when={iconError()}>
            <span class="error-text" role="alert">
              {iconError()}
            </span>
          </Show>
        </div>
      </div>
      <label class="field">
        <span>Server name</span>
        <input value={draft.get("name")} maxLength={100} onInput={(e) => draft.set("name", e.currentTarget.value)} />
      </label>
      <label class="field">
        <span>Description</span>
        <textarea value={draft.get("description")} maxLength={300} placeholder="What is this server about?" onInput={(e) => draft.set("description", e.currentTarget.value)} />
        <span class="counter" aria-hidden="true">
          {300 - draft.get("description").length}
        </span>
      </label>
      <hr class="divider" />
      <label class="field">
        <span>System messages channel</span>
        <select value={draft.get("systemChannelId")} onChange={(e) => draft.set("systemChannelId", e.currentTarget.value)}>
          <option value="">No system messages</option>
          <For each={textChannels()}>{(c) => <option value={c.id}>#{c.name}</option>}</For>
        </select>
      </label>
      <p class="field-hint">This is the channel we send system event messages to, like new members joining.</p>
      <SaveBar dirty={draft.dirty()} saving={saving()} error={error()} onReset={() => (draft.reset(), setError(""))} onSave={() => void save()} />
    </>
  );
}
