// Instance admin: name, description, registration mode, limits and outgoing e-mail.
import { createResource, createSignal, For, Show } from "solid-js";
import { api } from "../api/client";
import { describeError } from "../api/errors";
import { RegistrationMode, SmtpTlsMode, type InstanceSettings } from "../gen/decentra/v1/admin_pb";
import { createDraft, LoadError, Loading, SaveBar, SwitchRow } from "../settings/kit";

const MODES = [
  { mode: RegistrationMode.OPEN, label: "Open", desc: "Anyone who can reach this instance may create an account." },
  { mode: RegistrationMode.INVITE_ONLY, label: "Invite only", desc: "New accounts need a registration invite code from an admin." },
  { mode: RegistrationMode.CLOSED, label: "Closed", desc: "Nobody can register, not even with an invite." },
];

const LIMITS: { key: LimitKey; label: string }[] = [
  { key: "maxMessageLength", label: "Max message length (characters)" },
  { key: "messageRateLimitPerMinute", label: "Messages per minute per user" },
  { key: "maxServersPerUser", label: "Servers per user" },
  { key: "maxMembersPerServer", label: "Members per server" },
  { key: "maxChannelsPerServer", label: "Channels per server" },
  { key: "maxRolesPerServer", label: "Roles per server" },
  { key: "maxGroupDmMembers", label: "Group DM size" },
  { key: "maxBotsPerUser", label: "Bots per user" },
];
type LimitKey =
  | "maxMessageLength"
  | "messageRateLimitPerMinute"
  | "maxServersPerUser"
  | "maxMembersPerServer"
  | "maxChannelsPerServer"
  | "maxRolesPerServer"
  | "maxGroupDmMembers"
  | "maxBotsPerUser";

interface Fields extends Record<LimitKey, number> {
  instanceName: string;
  instanceDescription: string;
  registrationMode: RegistrationMode;
  requireEmailVerification: boolean;
  maxUploadMb: number;
  smtpEnabled: boolean;
  smtpHost: string;
  smtpPort: number;
  smtpUsername: string;
  smtpPassword: string;
  smtpTls: SmtpTlsMode;
  smtpFromAddress: string;
  smtpFromName: string;
  notifyEnabled: boolean;
  notifyDelayMinutes: number;
}

const MB = 1024 * 1024;

function fields(s: InstanceSettings): Fields {
  return {
    instanceName: s.instanceName,
    instanceDescription: s.instanceDescription,
    registrationMode: s.registrationMode,
    requireEmailVerification: s.requireEmailVerification,
    maxUploadMb: Math.round((Number(s.maxUploadBytes) / MB) * 100) / 100,
    maxMessageLength: s.maxMessageLength,
    messageRateLimitPerMinute: s.messageRateLimitPerMinute,
    maxServersPerUser: s.maxServersPerUser,
    maxMembersPerServer: s.maxMembersPerServer,
    maxChannelsPerServer: s.maxChannelsPerServer,
    maxRolesPerServer: s.maxRolesPerServer,
    maxGroupDmMembers: s.maxGroupDmMembers,
    maxBotsPerUser: s.maxBotsPerUser,
    smtpEnabled: s.smtp?.enabled ?? false,
    smtpHost: s.smtp?.host ?? "",
    smtpPort: s.smtp?.port ?? 587,
    smtpUsername: s.smtp?.username ?? "",
    smtpPassword: "",
    smtpTls: s.smtp?.tlsMode || SmtpTlsMode.STARTTLS,
    smtpFromAddress: s.smtp?.fromAddress ?? "",
    smtpFromName: s.smtp?.fromName ?? "",
    notifyEnabled: s.emailNotificationsEnabled,
    notifyDelayMinutes: s.emailNotificationDelayMinutes,
  };
}

export function InstancePage() {
  const [settings, { mutate: setSettings, refetch }] = createResource(async () => (await api.admin.getInstanceSettings({})).settings);
  return (
    <>
      <h1>Instance Settings</h1>
      <Show when={!settings.error} fallback={<LoadError error={settings.error} retry={refetch} what="Instance settings" />}>
        <Show when={settings()} fallback={<Loading />}>
          {(s) => <SettingsForm settings={s()} onSaved={setSettings} />}
        </Show>
      </Show>
    </>
  );
}

function SettingsForm(props: { settings: InstanceSettings; onSaved: (s: InstanceSettings) => void }) {
  const draft = createDraft(() => fields(props.settings));
  const [saving, setSaving] = createSignal(false);
  const [error, setError] = createSignal("");

  const save = async () => {
    setSaving(true);
    setError("");
    const c = new Set(draft.changed());
    const g = draft.get;
    const smtp: { enabled?: boolean; host?: string; port?: number; username?: string; password?: string; tlsMode?: SmtpTlsMode; fromAddress?: string; fromName?: string } = {};
    if (c.has("smtpEnabled")) smtp.enabled = g("smtpEnabled");
    if (c.has("smtpHost")) smtp.host = g("smtpHost").trim();
    if (c.has("smtpPort")) smtp.port = g("smtpPort");
    if (c.has("smtpUsername")) smtp.username = g("smtpUsername");
    if (c.has("smtpPassword") && g("smtpPassword")) smtp.password = g("smtpPassword");
    if (c.has("smtpTls")) smtp.tlsMode = g("smtpTls");
    if (c.has("smtpFromAddress")) smtp.fromAddress = g("smtpFromAddress").trim();
    if (c.has("smtpFromName")) smtp.fromName = g("smtpFromName");
    const limits: Partial<Record<LimitKey, number>> = {};
    for (const l of LIMITS) if (c.has(l.key)) limits[l.key] = Math.max(0, Math.floor(g(l.key)));
    try {
      const res = await api.admin.updateInstanceSettings({
        instanceName: c.has("instanceName") ? g("instanceName").trim() : undefined,
        instanceDescription: c.has("instanceDescription") ? g("instanceDescription") : undefined,
        registrationMode: c.has("registrationMode") ? g("registrationMode") : undefined,
        requireEmailVerification: c.has("requireEmailVerification") ? g("requireEmailVerification") : undefined,
        maxUploadBytes: c.has("maxUploadMb") ? BigInt(Math.max(0, Math.round(g("maxUploadMb") * MB))) : undefined,
        ...limits,
        smtp: Object.keys(smtp).length ? smtp : undefined,
        emailNotificationsEnabled: c.has("notifyEnabled") ? g("notifyEnabled") : undefined,
        emailNotificationDelayMinutes: c.has("notifyDelayMinutes") ? Math.floor(g("notifyDelayMinutes")) : undefined,
      });
      draft.reset();
      if (res.settings) props.onSaved(res.settings);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setSaving(false);
    }
  };

  const num = (key: keyof Fields, label: string, step = 1) => (
    <label class="field">
      <span>{label}</span>
      <input type="number" min="0" step={step} value={draft.get(key) as number} onInput={(e) => draft.set(key, Number(e.currentTarget.value) || 0)} />
    </label>
  );
  const str = (key: keyof Fields, label: string, type = "text", placeholder = "") => (
    <label class="field">
      <span>{label}</span>
      <input type={type} value={draft.get(key) as string} placeholder={placeholder} autocomplete={type === "password" ? "new-password" : "off"} onInput={(e) => draft.set(key, e.currentTarget.value)} />
    </label>
  );

  return (
    <>
      {str("instanceName", "Instance name")}
      <label class="field">
        <span>Description</span>
        <textarea value={draft.get("instanceDescription")} placeholder="Shown on the sign-in page." onInput={(e) => draft.set("instanceDescription", e.currentTarget.value)} />
      </label>

      <h3 id="reg-h">Registration</h3>
      <div class="radio-cards" role="radiogroup" aria-labelledby="reg-h">
        <For each={MODES}>
          {(m) => (
            <label class="radio-card">
              <input type="radio" name="registration" checked={draft.get("registrationMode") === m.mode} onChange={() => draft.set("registrationMode", m.mode)} />
              <span class="grow">
                <span>{m.label}</span>
                <span class="desc">{m.desc}</span>
              </span>
            </label>
          )}
        </For>
      </div>
      <SwitchRow
        label="Require e-mail verification"
        description="New accounts must give an e-mail address and confirm it before they can post or join servers (they can sign in and read). Needs working outgoing e-mail."
        checked={draft.get("requireEmailVerification")}
        onChange={(v) => draft.set("requireEmailVerification", v)}
      />

      <h3>Limits</h3>
      <p class="desc" style={{ "margin-bottom": "12px" }}>
        0 means the server's built-in default.
      </p>
      <div class="field-row">
        {num("maxUploadMb", "Max upload size (MB)", 0.5)}
        <For each={LIMITS}>{(l) => num(l.key, l.label)}</For>
      </div>

      <h3>Outgoing e-mail (SMTP)</h3>
      <SwitchRow label="Send e-mail" description="Used for e-mail verification and password resets." checked={draft.get("smtpEnabled")} onChange={(v) => draft.set("smtpEnabled", v)} />
      <div class="field-row" style={{ "margin-top": "16px" }}>
        {str("smtpHost", "SMTP host", "text", "smtp.example.org")}
        {num("smtpPort", "Port")}
        {str("smtpUsername", "User name")}
        {str("smtpPassword", "Password", "password", props.settings.smtp?.passwordSet ? "•••••••• (stored — leave empty to keep)" : "")}
        <label class="field">
          <span>Encryption</span>
          <select value={String(draft.get("smtpTls"))} onChange={(e) => draft.set("smtpTls", Number(e.currentTarget.value) as SmtpTlsMode)}>
            <option value={String(SmtpTlsMode.STARTTLS)}>STARTTLS (port 587)</option>
            <option value={String(SmtpTlsMode.IMPLICIT)}>Implicit TLS (port 465)</option>
            <option value={String(SmtpTlsMode.NONE)}>None (local relay only)</option>
          </select>
        </label>
        {str("smtpFromAddress", "Sender address", "email", "noreply@chat.example.org")}
        {str("smtpFromName", "Sender name")}
      </div>
      <TestEmail disabled={draft.dirty()} />

      <h3>Notification e-mails</h3>
      <SwitchRow
        label="Allow notification e-mails"
        description="Users who opt in (with a verified address) get one e-mail when a direct message or a mention reaches them while they are offline. Needs outgoing e-mail."
        checked={draft.get("notifyEnabled")}
        onChange={(v) => draft.set("notifyEnabled", v)}
      />
      <div class="field-row" style={{ "margin-top": "16px" }}>
        <label class="field">
          <span>Offline delay (minutes, 1–1440)</span>
          <input
            type="number"
            min="1"
            max="1440"
            step="1"
            value={draft.get("notifyDelayMinutes")}
            onInput={(e) => draft.set("notifyDelayMinutes", Number(e.currentTarget.value) || 0)}
          />
        </label>
      </div>
      <SaveBar dirty={draft.dirty()} saving={saving()} error={error()} onReset={() => (draft.reset(), setError(""))} onSave={() => void save()} />
    </>
  );
}

function TestEmail(props: { disabled: boolean }) {
  const [to, setTo] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [result, setResult] = createSignal<{ ok: boolean; text: string } | null>(null);
  const send = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setResult(null);
    try {
      const res = await api.admin.sendTestEmail({ to: to().trim() });
      setResult(
        res.accepted
          ? { ok: true, text: `Sent. The SMTP server answered: ${res.serverReply}` }
          : { ok: false, text: `Not sent. ${res.serverReply}` },
      );
    } catch (err) {
      setResult({ ok: false, text: describeError(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="toolbar" onSubmit={send}>
      <input class="input" type="email" required aria-label="Test e-mail recipient" placeholder="you@example.org" value={to()} onInput={(e) => setTo(e.currentTarget.value)} />
      <button class="btn secondary" type="submit" disabled={busy() || props.disabled || !to().trim()} title={props.disabled ? "Save your changes first" : undefined}>
        {busy() ? "Sending…" : "Send test e-mail"}
      </button>
      <Show when={result()}>
        {(r) => (
          <span class={r().ok ? "" : "error-text"} role={r().ok ? "status" : "alert"}>
            {r().text}
          </span>
        )}
      </Show>
    </form>
  );
}
