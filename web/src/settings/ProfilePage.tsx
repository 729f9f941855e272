// "Profile": display name, avatar, status line and bio, with a live preview card.
import { createSignal, Show } from "solid-js";
import { api } from "../api/client";
import { describeError } from "../api/errors";
import { mutate, state } from "../state/store";
import { Avatar } from "../ui/Avatar";
import type { User } from "../state/model";
import { createDraft, SaveBar } from "./kit";

interface ProfileFields {
  displayName: string;
  avatarUrl: string;
  bio: string;
  statusText: string;
}

const LIMITS = { displayName: 32, bio: 190, statusText: 128 };

export function ProfilePage() {
  const base = (): ProfileFields => ({
    displayName: state.me?.displayName ?? "",
    avatarUrl: state.me?.avatarUrl ?? "",
    bio: state.me?.bio ?? "",
    statusText: state.me?.statusText ?? "",
  });
  const draft = createDraft(base);
  const [saving, setSaving] = createSignal(false);
  const [error, setError] = createSignal("");

  const preview = (): User | undefined => (state.me ? { ...state.me, displayName: draft.get("displayName"), avatarUrl: draft.get("avatarUrl").trim() } : undefined);

  const save = async () => {
    setSaving(true);
    setError("");
    const req: Partial<ProfileFields> = {};
    for (const k of draft.changed()) req[k] = draft.get(k).trim();
    try {
      const res = await api.users.updateProfile(req);
      const u = res.user;
      if (u) mutate((s) => void ((s.me = u), (s.users[u.id] = u)));
      draft.reset();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setSaving(false);
    }
  };

  const text = (k: keyof ProfileFields, label: string, opts: { placeholder?: string; area?: boolean; hint?: string } = {}) => {
    const max = LIMITS[k as keyof typeof LIMITS] as number | undefined;
    return (
      <label class="field">
        <span>{label}</span>
        <Show
          when={opts.area}
          fallback={<input value={draft.get(k)} maxLength={max} placeholder={opts.placeholder} onInput={(e) => draft.set(k, e.currentTarget.value)} />}
        >
          <textarea value={draft.get(k)} maxLength={max} placeholder={opts.placeholder} onInput={(e) => draft.set(k, e.currentTarget.value)} />
        </Show>
        <Show when={max}>
          <span class="counter" aria-hidden="true">
            {max! - draft.get(k).length}
          </span>
        </Show>
        <Show when={opts.hint}>
          <span class="faint" style={{ "text-transform": "none", "font-weight": 400 }}>
            {opts.hint}
          </span>
        </Show>
      </label>
    );
  };

  return (
    <>
      <h1>Profile</h1>
      <div class="profile-grid">
        <div>
          {text("displayName", "Display name", { placeholder: state.me?.username })}
          {text("avatarUrl", "Avatar URL", { placeholder: "https://example.org/me.png", hint: "A link to a PNG, JPEG, GIF or WebP image. Leave empty for the default avatar." })}
          {text("statusText", "Custom status", { placeholder: "What's on your mind?" })}
          {text("bio", "About me", { area: true, placeholder: "Tell people a little about yourself." })}
        </div>
        <div>
          <div class="label" style={{ "margin-bottom": "8px" }}>
            Preview
          </div>
          <div class="profile-card" aria-label="Profile preview" role="figure">
            <div class="banner" />
            <div class="body">
              <span class="avatar-ring">
                <Avatar user={preview()} size={80} />
              </span>
              <div class="name">{draft.get("displayName").trim() || state.me?.username}</div>
              <div class="username">@{state.me?.username}</div>
              <Show when={draft.get("statusText").trim()}>
                <div class="status-line">{draft.get("statusText")}</div>
              </Show>
              <Show when={draft.get("bio").trim()}>
                <div class="about">
                  <h4>About me</h4>
                  {draft.get("bio")}
                </div>
              </Show>
            </div>
          </div>
        </div>
      </div>
      <SaveBar dirty={draft.dirty()} saving={saving()} error={error()} onReset={() => (draft.reset(), setError(""))} onSave={() => void save()} />
    </>
  );
}
