import { createResource, Show } from "solid-js";
import { A, useNavigate, useParams } from "@solidjs/router";
import { api } from "../api/client";
import { describeError } from "../api/errors";
import { session } from "../auth/session";
import { displayName, initials } from "../ui/Avatar";
import { createAction } from "../ui/action";

/** `/invite/CODE`: a preview of the server with a join button (sign in first if needed). */
export function InvitePage() {
  const params = useParams<{ code: string }>();
  const navigate = useNavigate();
  const { busy, error, run } = createAction();
  const [preview] = createResource(
    () => (session.signedIn() ? params.code : false),
    async (code) => (await api.invites.getInvite({ code })).preview,
  );
  const next = () => encodeURIComponent(`/invite/${params.code}`);

  async function join() {
    await run(async () => {
      const res = await api.invites.acceptInvite({ code: params.code });
      navigate(res.server ? `/channels/${res.server.id}` : "/channels/@me");
    });
  }

  return (
    <main class="auth-page">
      <section class="auth-card invite-card" aria-label="Server invite">
        <Show
          when={session.signedIn()}
          fallback={
            <>
              <h1>You've been invited to a server</h1>
              <p class="sub">Sign in or create an account to see the invite and join.</p>
              <A class="btn" href={`/login?next=${next()}`}>
                Sign in
              </A>
              <A class="btn secondary" href={`/register?next=${next()}`} style={{ "margin-top": "8px" }}>
                Register
              </A>
            </>
          }
        >
          <Show when={!preview.error} fallback={<InviteInvalid message={describeError(preview.error)} />}>
            <Show when={preview()} fallback={<div class="loading-row"><div class="spinner" /></div>}>
              {(p) => (
                <>
                  <div class="invite-icon" aria-hidden="true">
                    <Show when={p().server?.iconUrl} fallback={initials(p().server?.name ?? "?")}>
                      <img src={p().server!.iconUrl} alt="" />
                    </Show>
                  </div>
                  <p class="sub" style={{ "margin-bottom": "4px" }}>
                    {p().inviter ? `${displayName(p().inviter)} invited you to join` : "You've been invited to join"}
                  </p>
                  <h1>{p().server?.name}</h1>
                  <p class="sub">
                    <span class="dot online" /> {p().onlineCount} Online <span class="dot" /> {p().server?.memberCount ?? 0} Members
                  </p>
                  <Show when={error()}>
                    <p class="error-text" role="alert">{error()}</p>
                  </Show>
                  <Show
                    when={!p().alreadyMember}
                    fallback={
                      <A class="btn" href={`/channels/${p().server?.id}`}>
                        Go to server
                      </A>
                    }
                  >
                    <button class="btn" onClick={join} disabled={busy()}>
                      Accept invite
                    </button>
                  </Show>
                </>
              )}
            </Show>
          </Show>
        </Show>
      </section>
    </main>
  );
}

function InviteInvalid(props: { message: string }) {
  return (
    <>
      <h1>Invite invalid</h1>
      <p class="sub">This invite may be expired, or you might not have permission to join. ({props.message})</p>
      <A class="btn" href="/channels/@me">
        Continue to Decentra
      </A>
    </>
  );
}
