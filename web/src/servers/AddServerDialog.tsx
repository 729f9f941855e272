import { createSignal, Match, Switch } from "solid-js";
import { useNavigate } from "@solidjs/router";
import { api } from "../api/client";
import { state, until } from "../state/store";
import { Dialog } from "../ui/Dialog";
import { createAction } from "../ui/action";

/** Extracts an invite code from a code or a full invite link. */
export function inviteCode(input: string): string {
  const s = input.trim();
  const m = s.match(/\/invite\/([^/?#\s]+)/);
  return m ? m[1] : s;
}

/** "+" on the rail: create a server, or join one with an invite code or link. */
export function AddServerDialog(props: { onClose: () => void }) {
  const navigate = useNavigate();
  const [mode, setMode] = createSignal<"create" | "join">("create");
  const [name, setName] = createSignal(`${state.me?.displayName || state.me?.username || "My"}'s server`);
  const [code, setCode] = createSignal("");
  const { busy, error, setError, run } = createAction();

  async function create(e: Event) {
    e.preventDefault();
    await run(async () => {
      const res = await api.servers.createServer({ name: name().trim() });
      const id = res.server?.id;
      if (id) {
        // The view needs the server's channels, which the stream's server_created brings.
        await until(() => !!state.servers[id]);
        props.onClose();
        navigate(`/channels/${id}`);
      }
    });
  }

  async function join(e: Event) {
    e.preventDefault();
    await run(async () => {
      const res = await api.invites.acceptInvite({ code: inviteCode(code()) });
      const id = res.server?.id;
      if (id) {
        await until(() => !!state.servers[id]);
        props.onClose();
        navigate(`/channels/${id}`);
      }
    });
  }

  return (
    <Dialog title={mode() === "create" ? "Create a server" : "Join a server"} onClose={props.onClose}>
      <Switch>
        <Match when={mode() === "create"}>
          <form onSubmit={create}>
            <p class="muted">Your server is where you and your friends hang out. Make yours and start talking.</p>
            <label class="field">
              <span>Server name</span>
              <input value={name()} maxLength={100} required onInput={(e) => setName(e.currentTarget.value)} />
            </label>
            {error() && <p class="error-text" role="alert">{error()}</p>}
            <div class="actions">
              <button type="button" class="btn secondary" onClick={() => (setMode("join"), setError(""))}>
                Join a server instead
              </button>
              <button class="btn" type="submit" disabled={busy()}>
                Create
              </button>
            </div>
          </form>
        </Match>
        <Match when={mode() === "join"}>
          <form onSubmit={join}>
            <p class="muted">Enter an invite code or link below to join an existing server.</p>
            <label class="field">
              <span>Invite link or code</span>
              <input value={code()} required placeholder="https://example.com/invite/hTKzmak" onInput={(e) => setCode(e.currentTarget.value)} />
            </label>
            {error() && <p class="error-text" role="alert">{error()}</p>}
            <div class="actions">
              <button type="button" class="btn secondary" onClick={() => (setMode("create"), setError(""))}>
                Create one instead
              </button>
              <button class="btn" type="submit" disabled={busy()}>
                Join server
              </button>
            </div>
          </form>
        </Match>
      </Switch>
    </Dialog>
  );
}
