import { createResource, createSignal, Show } from "solid-js";
import { A, useNavigate, useSearchParams } from "@solidjs/router";
import { api } from "../api/client";
import { describeError } from "../api/errors";
import { RegistrationMode } from "../gen/decentra/v1/admin_pb";
import { session } from "./session";

/** Sign in and sign up on one card; `mode` picks the form. */
export function AuthScreen(props: { mode: "login" | "register" }) {
  const navigate = useNavigate();
  const [params] = useSearchParams<{ next?: string; invite?: string }>();
  const [info] = createResource(() => api.auth.getInstanceInfo({}).catch(() => null));
  const [username, setUsername] = createSignal("");
  const [password, setPassword] = createSignal("");
  const [invite, setInvite] = createSignal(params.invite ?? "");
  const [email, setEmail] = createSignal("");
  const needsEmail = () => info()?.requireEmailVerification === true;
  const [error, setError] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const register = () => props.mode === "register";
  const needsInvite = () => info()?.registrationMode === RegistrationMode.INVITE_ONLY;
  const closed = () => register() && info() != null && info()!.registrationMode !== RegistrationMode.OPEN && !needsInvite();

  const next = () => {
    const n = params.next;
    return n && n.startsWith("/") && !n.startsWith("//") ? n : "/channels/@me";
  };

  async function submit(e: Event) {
    e.preventDefault();
    setError("");
    setBusy(true);
    try {
      const res = register()
        ? await api.auth.register({ username: username().trim(), password: password(), email: email().trim() || undefined, inviteCode: invite().trim() || undefined })
        : await api.auth.login({ username: username().trim(), password: password() });
      session.begin(res.accessToken, res.refreshToken, res.accessTokenExpiresAt);
      navigate(next(), { replace: true });
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  const other = () => `${register() ? "/login" : "/register"}${params.next ? `?next=${encodeURIComponent(params.next)}` : ""}`;

  return (
    <main class="auth-page">
      <form class="auth-card" onSubmit={submit} aria-label={register() ? "Create an account" : "Sign in"}>
        <h1>{register() ? "Create an account" : "Welcome back!"}</h1>
        <p class="sub">
          {register() ? `Join ${info()?.instanceName || "Decentra"}` : `Sign in to ${info()?.instanceName || "Decentra"}`}
        </p>
        <label class="field">
          <span>Username</span>
          <input name="username" autocomplete="username" required minLength={2} maxLength={32} value={username()} onInput={(e) => setUsername(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Password</span>
          <input
            name="password"
            type="password"
            autocomplete={register() ? "new-password" : "current-password"}
            required
            minLength={register() ? 8 : 1}
            value={password()}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        <Show when={register()}>
          <label class="field">
            <span>{needsEmail() ? "E-mail address" : "E-mail address (optional, for account recovery)"}</span>
            <input name="email" type="email" autocomplete="email" required={needsEmail()} value={email()} onInput={(e) => setEmail(e.currentTarget.value)} />
          </label>
        </Show>
        <Show when={register() && needsInvite()}>
          <label class="field">
            <span>Invite code</span>
            <input name="invite" autocomplete="off" value={invite()} onInput={(e) => setInvite(e.currentTarget.value)} />
          </label>
          <p class="faint">This instance is invite-only. The very first account needs no code.</p>
        </Show>
        <Show when={closed()}>
          <p class="error-text">Registration is closed on this instance.</p>
        </Show>
        <Show when={error()}>
          <p class="error-text" role="alert">
            {error()}
          </p>
        </Show>
        <button class="btn" type="submit" disabled={busy()}>
          {busy() ? "Please wait…" : register() ? "Create account" : "Sign in"}
        </button>
        <Show when={!register() && info()?.emailEnabled}>
          <p class="switch">
            <A href="/forgot-password">Forgot your password?</A>
          </p>
        </Show>
        <p class="switch">
          {register() ? "Already have an account? " : "Need an account? "}
          <A href={other()}>{register() ? "Sign in" : "Register"}</A>
        </p>
      </form>
    </main>
  );
}
