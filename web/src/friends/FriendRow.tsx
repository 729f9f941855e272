import { createSignal, Match, Show, Switch, type JSX } from "solid-js";
import { useNavigate } from "@solidjs/router";
import { RelationshipType } from "../gen/decentra/v1/relationships_pb";
import type { Relationship } from "../state/model";
import { Avatar, displayName } from "../ui/Avatar";
import { Confirm } from "../ui/Dialog";
import { IconBlock, IconChat, IconCheck, IconUserMinus, IconX } from "./icons";
import { openDm, relationshipApi, statusLine } from "./relationships";
import { createAction } from "../ui/action";

/** One person on the Friends page: who they are, and what can be done about it. */
export function FriendRow(props: { rel: Relationship; onProfile: (userId: string, anchor: DOMRect) => void }) {
  const navigate = useNavigate();
  const { busy, error, setError, run } = createAction();
  const [confirmRemove, setConfirmRemove] = createSignal(false);
  const user = () => props.rel.user!;
  const name = () => displayName(user());
  const type = () => props.rel.type;

  const message = () =>
    run(async () => {
      const id = await openDm(user().id);
      if (id) navigate(`/channels/@me/${id}`);
      else setError("The conversation didn't open. Please try again.");
    });

  const sub = () => {
    switch (type()) {
      case RelationshipType.INCOMING:
        return "Incoming friend request";
      case RelationshipType.OUTGOING:
        return "Outgoing friend request";
      case RelationshipType.BLOCKED:
        return "Blocked";
      default:
        return statusLine(user());
    }
  };

  const action = (label: string, tip: string, icon: JSX.Element, onClick: () => void, tone?: "accept" | "danger") => (
    <button class="friend-action" classList={{ accept: tone === "accept", danger: tone === "danger" }} aria-label={label} title={tip} disabled={busy()} onClick={onClick}>
      {icon}
    </button>
  );

  return (
    <li class="friend-row" classList={{ blocked: type() === RelationshipType.BLOCKED }}>
      <button class="friend-who" onClick={(e) => props.onProfile(user().id, (e.currentTarget.querySelector(".friend-name strong") ?? e.currentTarget).getBoundingClientRect())}>
        <Avatar user={user()} size={32} presence={type() === RelationshipType.FRIEND} />
        <span class="friend-text">
          <span class="friend-name">
            <strong>{name()}</strong>
            <Show when={user().displayName}>
              <span class="friend-username">{user().username}</span>
            </Show>
          </span>
          <span class="friend-sub">{sub()}</span>
        </span>
      </button>
      <div class="friend-actions">
        <Switch>
          <Match when={type() === RelationshipType.FRIEND}>
            {action(`Message ${name()}`, "Message", <IconChat />, () => void message())}
            {action(`Remove friend ${name()}`, "Remove friend", <IconUserMinus />, () => setConfirmRemove(true), "danger")}
          </Match>
          <Match when={type() === RelationshipType.INCOMING}>
            {action(`Accept friend request from ${name()}`, "Accept", <IconCheck />, () => void run(() => relationshipApi.accept(user().id)), "accept")}
            {action(`Ignore friend request from ${name()}`, "Ignore", <IconX />, () => void run(() => relationshipApi.decline(user().id)), "danger")}
          </Match>
          <Match when={type() === RelationshipType.OUTGOING}>
            {action(`Cancel friend request to ${name()}`, "Cancel", <IconX />, () => void run(() => relationshipApi.cancel(user().id)), "danger")}
          </Match>
          <Match when={type() === RelationshipType.BLOCKED}>
            <button class="btn secondary small" aria-label={`Unblock ${name()}`} disabled={busy()} onClick={() => void run(() => relationshipApi.unblock(user().id))}>
              <IconBlock size={14} />
              Unblock
            </button>
          </Match>
        </Switch>
      </div>
      <Show when={error()}>
        <p class="error-text friend-error" role="alert">
          {error()}
        </p>
      </Show>
      <Show when={confirmRemove()}>
        <Confirm
          title={`Remove ${name()}`}
          body={`Are you sure you want to remove ${name()} from your friends?`}
          action="Remove friend"
          onConfirm={() => void run(() => relationshipApi.remove(user().id))}
          onClose={() => setConfirmRemove(false)}
        />
      </Show>
    </li>
  );
}
