import { lazy, Show, type JSX } from "solid-js";
import { Navigate, Route, Router, useLocation } from "@solidjs/router";
import { AuthScreen } from "../auth/AuthScreen";
import { session } from "../auth/session";
import { Shell } from "./Shell";
import { InvitePage } from "../servers/InvitePage";

// Pages reached from links in e-mails: loaded on demand, outside the first-load bundle.
const ForgotPasswordPage = lazy(() => import("../auth/EmailPages").then((m) => ({ default: m.ForgotPasswordPage })));
const ResetPasswordPage = lazy(() => import("../auth/EmailPages").then((m) => ({ default: m.ResetPasswordPage })));
const VerifyEmailPage = lazy(() => import("../auth/EmailPages").then((m) => ({ default: m.VerifyEmailPage })));
const UnsubscribePage = lazy(() => import("../auth/EmailPages").then((m) => ({ default: m.UnsubscribePage })));

/** Client routes. Everything under /channels needs a session; the rest is public. */
export function App() {
  return (
    <Router>
      <Route path="/login" component={() => <AuthScreen mode="login" />} />
      <Route path="/register" component={() => <AuthScreen mode="register" />} />
      <Route path="/invite/:code" component={InvitePage} />
      <Route path="/forgot-password" component={ForgotPasswordPage} />
      <Route path="/reset-password" component={ResetPasswordPage} />
      <Route path="/verify-email" component={VerifyEmailPage} />
      <Route path="/unsubscribe" component={UnsubscribePage} />
      <Route path="/channels/:serverId/:channelId?" component={() => <Protected><Shell /></Protected>} />
      <Route path="*" component={() => <Navigate href={session.signedIn() ? "/channels/@me" : "/login"} />} />
    </Router>
  );
}

function Protected(props: { children: JSX.Element }) {
  const location = useLocation();
  return (
    <Show when={session.signedIn()} fallback={<Navigate href={`/login?next=${encodeURIComponent(location.pathname)}`} />}>
      {props.children}
    </Show>
  );
}
