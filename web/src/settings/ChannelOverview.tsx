// Channel overview: name, topic, category, slow mode (text), bitrate and user limit (voice).
import { createSignal, For, Show } from "solid-js";
import { api } from "../api/client";
import { describeError } from "../api/errors";
import { ChannelType } from "../gen/decentra/v1/channels_pb";
import { state } from "../state/store";
import { createDraft, SaveBar } from "./kit";

const SLOW_MODE = [0, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600];

export function slowModeLabel(s: number): string {
  if (!s) return "Off";
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${s / 60}m`;
  return `${s / 3600}h`;
}

/** Text channel names are lowercase-with-dashes, like Discord. */
export function textChannelName(raw: string): string {
  return raw.toLowerCase().replace(/\s+/g, "-");
}

export function ChannelOverview(props: { channelId: string }) {
  const channel = () => state.channels[props.channelId];
  const type = () => channel()?.type ?? ChannelType.TEXT;
  const draft = createDraft(() => ({
    name: channel()?.name ?? "",
    topic: channel()?.topic ?? "",
    parentId: channel()?.parentId ?? "",
    rateLimitPerUser: channel()?.rateLimitPerUser ?? 0,
    bitrate: channel()?.bitrate ?? 64000,
    userLimit: channel()?.userLimit ?? 0,
  }));
  const [saving, setSaving] = createSignal(false);
  const [error, setError] = createSignal("");
  const categories = () =>
    Object.values(state.channels)
      .filter((c) => c.serverId === channel()?.serverId && c.type === ChannelType.CATEGORY)
      .sort((a, b) => a.position - b.position);

  const save = async () => {
    const name = draft.get("name").trim();
    if (!name) return setError("The channel needs a name.");
    setSaving(true);
    setError("");
    const c = new Set(draft.changed());
    try {
      await api.channels.updateChannel({
        channelId: props.channelId,
        name: c.has("name") ? name : undefined,
        topic: c.has("topic") ? draft.get("topic") : undefined,
        parentId: c.has("parentId") ? draft.get("parentId") : undefined,
        rateLimitPerUser: c.has("rateLimitPerUser") ? draft.get("rateLimitPerUser") : undefined,
        bitrate: c.has("bitrate") ? draft.get("bitrate") : undefined,
        userLimit: c.has("userLimit") ? draft.get("userLimit") : undefined,
      });
      draft.reset();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <>
      <h1>Overview</h1>
      <label class="field">
        <span>{type() === ChannelType.CATEGORY ? "Category name" : "Channel name"}</span>
        <input
          value={draft.get("name")}
          maxLength={100}
          onInput={(e) => draft.set("name", type() === ChannelType.TEXT ? textChannelName(e.currentTarget.value) : e.currentTarget.value)}
        />
      </label>
      <Show when={type() === ChannelType.TEXT}>
        <label class="field">
          <span>Channel topic</span>
          <textarea value={draft.get("topic")} maxLength={1024} placeholder="Let everyone know how to use this channel!" onInput={(e) => draft.set("topic", e.currentTarget.value)} />
          <span class="counter" aria-hidden="true">
            {1024 - draft.get("topic").length}
          </span>
        </label>
      </Show>
      <Show when={type() !== ChannelType.CATEGORY}>
        <label class="field">
          <span>Category</span>
          <select value={draft.get("parentId")} onChange={(e) => draft.set("parentId", e.currentTarget.value)}>
            <option value="">No category</option>
            <For each={categories()}>{(c) => <option value={c.id}>{c.name}</option>}</For>
          </select>
        </label>
      </Show>
      <Show when={type() === ChannelType.TEXT}>
        <hr class="divider" />
        <label class="field">
          <span>Slow mode</span>
          <input
            type="range"
            min="0"
            max={SLOW_MODE.length - 1}
            step="1"
            value={Math.max(0, SLOW_MODE.indexOf(draft.get("rateLimitPerUser")))}
            aria-valuetext={slowModeLabel(draft.get("rateLimitPerUser"))}
            onInput={(e) => draft.set("rateLimitPerUser", SLOW_MODE[Number(e.currentTarget.value)] ?? 0)}
          />
        </label>
        <p class="field-hint">
          <strong>{slowModeLabel(draft.get("rateLimitPerUser"))}</strong> — Members are limited to one message per this interval, unless they have Manage Channels or Manage Messages.
        </p>
      </Show>
      <Show when={type() === ChannelType.VOICE}>
        <hr class="divider" />
        <label class="field">
          <span>Bitrate — {Math.round(draft.get("bitrate") / 1000)} kbps</span>
          <input type="range" min="8000" max="96000" step="1000" value={draft.get("bitrate")} onInput={(e) => draft.set("bitrate", Number(e.currentTarget.value))} />
        </label>
        <label class="field">
          <span>User limit — {draft.get("userLimit") ? `${draft.get("userLimit")} users` : "No limit"}</span>
          <input type="range" min="0" max="99" step="1" value={draft.get("userLimit")} onInput={(e) => draft.set("userLimit", Number(e.currentTarget.value))} />
        </label>
      </Show>
      <SaveBar dirty={draft.dirty()} saving={saving()} error={error()} onReset={() => (draft.reset(), setError(""))} onSave={() => void save()} />
    </>
  );
}
