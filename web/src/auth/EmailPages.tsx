// Pages that links in e-mails land on (verify, reset) and the "forgot password" form.
import { createSignal, onMount, Show, type JSX } from "solid-js";
import { A, useSearchParams } from "@solidjs/router";
import { api } from "../api/client";
import { describeError } from "../api/errors";

function Card(props: { title: string; label: string; onSubmit?: (e: Event) => void; children: JSX.Element }) {
  return (
    <main class="auth-page">
      <form class="auth-card" aria-label={props.label} onSubmit={(e) => (e.preventDefault(), props.onSubmit?.(e))}>
        <h1>{props.title}</h1>
        {props.children}
      </form>
    </main>
  );
}

/** Asks for a reset link. The answer is the same whether or not the address has an account. */
export function ForgotPasswordPage() {
  const [email, setEmail] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [sent, setSent] = createSignal(false);
  const [error, setError] = createSignal("");
  const submit = async () => {
    setBusy(true);
    setError("");
    try {
      await api.auth.requestPasswordReset({ email: email().trim() });
      setSent(true);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title="Forgot your password?" label="Reset your password" onSubmit={() => void submit()}>
      <Show
        when={!sent()}
        fallback={
          <p class="sub" role="status">
            If an account uses {email().trim()}, a link to choose a new password is on its way. It works once, for one hour.
          </p>
        }
      >
        <p class="sub">Enter your account's e-mail address and we'll send you a link.</p>
        <label class="field">
          <span>E-mail address</span>
          <input name="email" type="email" autocomplete="email" required value={email()} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <Show when={error()}>
          <p class="error-text" role="alert">
            {error()}
          </p>
        </Show>
        <button class="btn" type="submit" disabled={busy()}>
          {busy() ? "Please wait…" : "Send reset link"}
        </button>
      </Show>
      <p class="switch">
        <A href="/login">Back to sign in</A>
      </p>
    </Card>
  );
}

/** The reset link's landing page: choose a new password with the token from the mail. */
export function ResetPasswordPage() {
  const [params] = useSearchParams<{ token?: string }>();
  const [password, setPassword] = createSignal("");
  const [confirm, setConfirm] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [done, setDone] = createSignal(false);
  const [error, setError] = createSignal("");
  const submit = async () => {
    setError("");
    if (password() !== confirm()) {
      setError("The two passwords differ.");
      return;
    }
    setBusy(true);
    try {
      await api.auth.resetPassword({ token: params.token ?? "", newPassword: password() });
      setDone(true);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title="Choose a new password" label="Choose a new password" onSubmit={() => void submit()}>
      <Show
        when={!done()}
        fallback={
          <p class="sub" role="status">
            Your password was changed and you were signed out everywhere.
          </p>
        }
      >
        <Show when={params.token} fallback={<p class="error-text" role="alert">This link has no token. Ask for a new one.</p>}>
          <label class="field">
            <span>New password</span>
            <input name="password" type="password" autocomplete="new-password" required minLength={8} value={password()} onInput={(e) => setPassword(e.currentTarget.value)} />
          </label>
          <label class="field">
            <span>Repeat the new password</span>
            <input name="confirm" type="password" autocomplete="new-password" required minLength={8} value={confirm()} onInput={(e) => setConfirm(e.currentTarget.value)} />
          </label>
          <Show when={error()}>
            <p class="error-text" role="alert">
              {error()}
            </p>
          </Show>
          <button class="btn" type="submit" disabled={busy()}>
            {busy() ? "Please wait…" : "Change password"}
          </button>
        </Show>
      </Show>
      <p class="switch">
        <Show when={done()} fallback={<A href="/forgot-password">Ask for a new link</A>}>
          <A href="/login">Sign in</A>
        </Show>
      </p>
    </Card>
  );
}

/**
 * The landing page of a link that acts at once: uses the link's `?token=` with `use` when it
 * opens and says how it went.
 */
function TokenLinkPage(props: { title: string; label: string; use: (token: string) => Promise<unknown>; working: string; done: JSX.Element; failed: (error: string) => JSX.Element }) {
  const [params] = useSearchParams<{ token?: string }>();
  const [state, setState] = createSignal<"working" | "done" | "failed">("working");
  const [error, setError] = createSignal("");
  onMount(async () => {
    try {
      await props.use(params.token ?? "");
      setState("done");
    } catch (err) {
      setError(describeError(err));
      setState("failed");
    }
  });
  return (
    <Card title={props.title} label={props.label}>
      <Show when={state() !== "working"} fallback={<p class="sub" role="status">{props.working}</p>}>
        <Show
          when={state() === "done"}
          fallback={
            <p class="error-text" role="alert">
              {props.failed(error())}
            </p>
          }
        >
          <p class="sub" role="status">
            {props.done}
          </p>
        </Show>
      </Show>
      <p class="switch centered">
        <A href="/channels/@me">Open the app</A>
      </p>
    </Card>
  );
}

/** The verification link's landing page. */
export function VerifyEmailPage() {
  return (
    <TokenLinkPage
      title="E-mail verification"
      label="E-mail verification"
      use={(token) => api.auth.verifyEmail({ token })}
      working="Checking your link…"
      done="Your e-mail address is verified."
      failed={(error) => `This link does not work any more (${error}). Links work once and for 24 hours; sign in to ask for a new one.`}
    />
  );
}

/** The unsubscribe link's landing page (from a notification e-mail): turns the mails off
 * without signing in. */
export function UnsubscribePage() {
  return (
    <TokenLinkPage
      title="Notification e-mails"
      label="Unsubscribe from notification e-mails"
      use={(token) => api.auth.unsubscribeEmailNotifications({ token })}
      working="Unsubscribing…"
      done="You will no longer get notification e-mails. You can turn them back on in your account settings."
      failed={(error) => `This link does not work any more (${error}). Each link works once; you can turn notification e-mails off in your account settings.`}
    />
  );
}
