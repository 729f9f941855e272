// "My Account": who I am, my online status, and changing my password.
import { createResource, createSignal, For, Show } from "solid-js";
import { api } from "../api/client";
import { describeError } from "../api/errors";
import { session } from "../auth/session";
import { PresenceStatus } from "../gen/decentra/v1/users_pb";
import { mutate, state } from "../state/store";
import { Avatar, displayName } from "../ui/Avatar";
import { Dialog } from "../ui/Dialog";
import { fmtDate } from "./format";
import { createAction } from "../ui/action";
import { SwitchRow } from "./kit";
import { notifyEmailHint } from "./notifyEmail";

const STATUS_OPTIONS = [
  { status: PresenceStatus.ONLINE, label: "Online", cls: "online", desc: "You're around and will get notifications." },
  { status: PresenceStatus.IDLE, label: "Idle", cls: "idle", desc: "You're away from the keyboard." },
  { status: PresenceStatus.DND, label: "Do Not Disturb", cls: "dnd", desc: "You will not receive any desktop notifications." },
  { status: PresenceStatus.INVISIBLE, label: "Invisible", cls: "offline", desc: "You will appear offline, but have full access." },
];

export function AccountPage(props: { onEditProfile: () => void }) {
  const me = () => state.me;
  const [pw, setPw] = createSignal(false);
  const [pwDone, setPwDone] = createSignal(false);
  const [emailEdit, setEmailEdit] = createSignal(false);
  const [emailSent, setEmailSent] = createSignal("");
  const [statusError, setStatusError] = createSignal("");
  const current = () => state.presences[me()?.id ?? ""]?.status ?? PresenceStatus.ONLINE;

  const setStatus = async (status: PresenceStatus) => {
    setStatusError("");
    try {
      const res = await api.users.updatePresence({ status });
      const p = res.presence;
      if (p) mutate((s) => void (s.presences[p.userId] = p));
    } catch (err) {
      setStatusError(describeError(err));
    }
  };

  return (
    <>
      <h1>My Account</h1>
      <div class="account-card">
        <div style={{ display: "flex", "align-items": "center", gap: "16px" }}>
          <Avatar user={me() ?? undefined} size={64} />
          <div style={{ flex: 1, "min-width": 0 }}>
            <div style={{ "font-size": "var(--text-lg)", "font-weight": 700, color: "var(--text-strong)" }}>{displayName(me() ?? undefined)}</div>
            <div class="muted">
              @{me()?.username}
              <Show when={me()?.isAdmin}>
                {" "}
                <span class="pill admin">Instance admin</span>
              </Show>
            </div>
          </div>
          <button class="btn" onClick={props.onEditProfile}>
            Edit User Profile
          </button>
        </div>
        <div class="kv">
          <div>
            <span class="label">Username</span>
            <span class="value">{me()?.username}</span>
          </div>
        </div>
        <div class="kv">
          <div>
            <span class="label">Email</span>
            <span class="value">
              {me()?.email || <span class="muted">No e-mail address</span>}
              <Show when={me()?.email}>
                {" "}
                <span class={me()?.emailVerified ? "pill ok" : "pill"}>{me()?.emailVerified ? "Verified" : "Not verified"}</span>
              </Show>
              <Show when={me()?.email && !me()?.emailVerified && !emailSent()}>
                {" "}
                <ResendVerification />
              </Show>
            </span>
          </div>
          <button class="btn small secondary" onClick={() => (setEmailSent(""), setEmailEdit(true))}>
            {me()?.email ? "Change e-mail" : "Add e-mail"}
          </button>
        </div>
        <Show when={emailSent()}>
          <p class="ok-text" role="status" style={{ margin: "0 0 8px" }}>
            Verification e-mail sent to {emailSent()}: follow its link to verify the new address.
          </p>
        </Show>
        <Show when={me()?.createdAt}>
          <div class="kv">
            <div>
              <span class="label">Member since</span>
              <span class="value">{fmtDate(me()?.createdAt)}</span>
            </div>
          </div>
        </Show>
      </div>

      <h3 id="status-h">Online status</h3>
      <div class="radio-cards" role="radiogroup" aria-labelledby="status-h">
        <For each={STATUS_OPTIONS}>
          {(o) => (
            <label class="radio-card">
              <input type="radio" name="presence" checked={current() === o.status} onChange={() => void setStatus(o.status)} />
              <span class={`status-dot ${o.cls}`} aria-hidden="true" />
              <span class="grow">
                <span>{o.label}</span>
                <span class="desc">{o.desc}</span>
              </span>
            </label>
          )}
        </For>
      </div>
      <Show when={statusError()}>
        <p class="error-text" role="alert">
          {statusError()}
        </p>
      </Show>

      <hr class="divider" />
      <NotificationEmails />

      <hr class="divider" />
      <h3>Password and Authentication</h3>
      <p class="desc" style={{ "margin-bottom": "12px" }}>
        Changing your password signs you out everywhere else.
      </p>
      <div style={{ display: "flex", "align-items": "center", gap: "12px", "flex-wrap": "wrap" }}>
        <button class="btn" onClick={() => (setPwDone(false), setPw(true))}>
          Change Password
        </button>
        <Show when={pwDone()}>
          <span class="ok-text" role="status">
            Password changed.
          </span>
        </Show>
      </div>
      <Show when={emailEdit()}>
        <EmailDialog onClose={() => setEmailEdit(false)} onDone={(address) => (setEmailEdit(false), setEmailSent(address))} />
      </Show>
      <Show when={pw()}>
        <PasswordDialog onClose={() => setPw(false)} onDone={() => (setPw(false), setPwDone(true))} />
      </Show>
    </>
  );
}

/** The opt-in switch for notification e-mails (a DM or mention while offline). */
function NotificationEmails() {
  const [info] = createResource(() => api.auth.getInstanceInfo({}).catch(() => null));
  const [error, setError] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const hint = () =>
    notifyEmailHint({
      instanceEnabled: info()?.emailNotificationsEnabled ?? false,
      hasEmail: !!state.me?.email,
      verified: !!state.me?.emailVerified,
    });
  const toggle = async (on: boolean) => {
    setBusy(true);
    setError("");
    try {
      const res = await api.users.updateProfile({ emailNotifications: on });
      const u = res.user;
      if (u) mutate((s) => void ((s.me = u), (s.users[u.id] = u)));
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <h3>Notifications</h3>
      <SwitchRow
        label="Notification e-mails"
        description={hint().text}
        checked={!!state.me?.emailNotifications}
        disabled={busy() || (!hint().ready && !state.me?.emailNotifications)}
        onChange={(v) => void toggle(v)}
      />
      <Show when={error()}>
        <p class="error-text" role="alert">
          {error()}
        </p>
      </Show>
    </>
  );
}

function PasswordDialog(props: { onClose: () => void; onDone: () => void }) {
  const [current, setCurrent] = createSignal("");
  const [next, setNext] = createSignal("");
  const [again, setAgain] = createSignal("");
  const { busy, error, setError, run } = createAction();
  const problem = () => {
    if (next() && next().length < 8) return "The new password must be at least 8 characters.";
    if (again() && again() !== next()) return "The passwords don't match.";
    return "";
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!current() || !next() || problem() || next() !== again()) {
      setError(problem() || "Fill in every field.");
      return;
    }
    await run(async () => {
      const res = await api.auth.changePassword({ currentPassword: current(), newPassword: next() });
      session.begin(res.accessToken, res.refreshToken, res.accessTokenExpiresAt);
      props.onDone();
    });
  };
  return (
    <Dialog title="Update your password" onClose={props.onClose}>
      <p class="muted" style={{ "margin-top": 0 }}>
        Enter your current password and a new password.
      </p>
      <form onSubmit={submit}>
        <label class="field">
          <span>Current password</span>
          <input type="password" autocomplete="current-password" value={current()} onInput={(e) => setCurrent(e.currentTarget.value)} required />
        </label>
        <label class="field">
          <span>New password</span>
          <input type="password" autocomplete="new-password" minLength={8} value={next()} onInput={(e) => setNext(e.currentTarget.value)} required />
        </label>
        <label class="field">
          <span>Confirm new password</span>
          <input type="password" autocomplete="new-password" value={again()} onInput={(e) => setAgain(e.currentTarget.value)} required />
        </label>
        <Show when={error() || problem()}>
          <p class="error-text" role="alert">
            {error() || problem()}
          </p>
        </Show>
        <div class="actions">
          <button type="button" class="btn secondary" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="btn" disabled={busy()}>
            {busy() ? "Saving…" : "Done"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Changes the address (password required); the server mails a link to verify the new one. */
function EmailDialog(props: { onClose: () => void; onDone: (address: string) => void }) {
  const [email, setEmail] = createSignal("");
  const [password, setPassword] = createSignal("");
  const { busy, error, setError, run } = createAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const address = email().trim();
    if (!address || !password()) {
      setError("Fill in every field.");
      return;
    }
    await run(async () => {
      const res = await api.auth.changeEmail({ email: address, currentPassword: password() });
      const u = res.user;
      if (u) mutate((s) => void ((s.me = u), (s.users[u.id] = u)));
      props.onDone(u?.email || address);
    });
  };
  return (
    <Dialog title="Change your e-mail address" onClose={props.onClose}>
      <p class="muted" style={{ "margin-top": 0 }}>
        Enter a new address and your current password. The new address stays unverified until you follow the link we mail to it.
      </p>
      <form onSubmit={submit}>
        <label class="field">
          <span>New e-mail address</span>
          <input type="email" autocomplete="email" value={email()} onInput={(e) => setEmail(e.currentTarget.value)} required />
        </label>
        <label class="field">
          <span>Current password</span>
          <input type="password" autocomplete="current-password" value={password()} onInput={(e) => setPassword(e.currentTarget.value)} required />
        </label>
        <Show when={error()}>
          <p class="error-text" role="alert">
            {error()}
          </p>
        </Show>
        <div class="actions">
          <button type="button" class="btn secondary" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="btn" disabled={busy()}>
            {busy() ? "Saving…" : "Change e-mail"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Mails a new verification link (the server allows one a minute). */
function ResendVerification() {
  const [note, setNote] = createSignal<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = createSignal(false);
  const resend = async () => {
    setBusy(true);
    setNote(null);
    try {
      await api.auth.resendVerificationEmail({});
      setNote({ ok: true, text: "Sent: check your mailbox." });
    } catch (err) {
      setNote({ ok: false, text: describeError(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button class="btn small secondary" disabled={busy()} onClick={() => void resend()}>
        Resend verification e-mail
      </button>
      <Show when={note()}>
        {(n) => (
          <span class={n().ok ? "ok-text" : "error-text"} role={n().ok ? "status" : "alert"}>
            {" "}
            {n().text}
          </span>
        )}
      </Show>
    </>
  );
}
