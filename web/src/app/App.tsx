import { Show, type JSX } from "solid-js";
import { Navigate, Route, Router, useLocation } from "@solidjs/router";
import { AuthScreen } from "../auth/AuthScreen";
import { session } from "../auth/session";
import { Shell } from "./Shell";
import { InvitePage } from "../servers/InvitePage";

/** Client routes. Everything under /channels needs a session; the rest is public. */
export function App() {
  return (
    <Router>
      <Route path="/login" component={() => <AuthScreen mode="login" />} />
      <Route path="/register" component={() => <AuthScreen mode="register" />} />
      <Route path="/invite/:code" component={InvitePage} />
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
