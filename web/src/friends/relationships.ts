// Friends, requests and blocks as the views need them: read from the store (events keep it
// current), changed through the API. Nothing here re-fetches what an event delivers.
import { createSignal } from "solid-js";
import { api } from "../api/client";
import { RelationshipType } from "../gen/decentra/v1/relationships_pb";
import { PresenceStatus } from "../gen/decentra/v1/users_pb";
import type { Relationship, User } from "../state/model";
import { state, until } from "../state/store";
import { displayName } from "../ui/Avatar";

export type FriendsTab = "online" | "all" | "pending" | "blocked" | "add";

/** The Friends page tab; module-level so other views (the DM picker) can switch to "Add Friend". */
export const [friendsTab, setFriendsTab] = createSignal<FriendsTab>("online");

const byName = (a: Relationship, b: Relationship) => displayName(a.user).localeCompare(displayName(b.user), undefined, { sensitivity: "base" });

/** Relationships of some types, sorted by name. */
export function relationshipsOf(...types: RelationshipType[]): Relationship[] {
  return Object.values(state.relationships)
    .filter((r) => r.user && types.includes(r.type))
    .sort(byName);
}

export function relationshipWith(userId: string): RelationshipType {
  return state.relationships[userId]?.type ?? RelationshipType.UNSPECIFIED;
}

export function isOnline(userId: string): boolean {
  const st = state.presences[userId]?.status;
  return st === PresenceStatus.ONLINE || st === PresenceStatus.IDLE || st === PresenceStatus.DND;
}

export function presenceLabel(userId: string): string {
  switch (state.presences[userId]?.status) {
    case PresenceStatus.ONLINE:
      return "Online";
    case PresenceStatus.IDLE:
      return "Idle";
    case PresenceStatus.DND:
      return "Do Not Disturb";
    default:
      return "Offline";
  }
}

/** The line under a friend's name: their custom status, else their presence. */
export function statusLine(u: User): string {
  return state.presences[u.id]?.statusText || u.statusText || presenceLabel(u.id);
}

/** Incoming friend requests (the Pending badge). */
export function incomingCount(): number {
  return Object.values(state.relationships).filter((r) => r.type === RelationshipType.INCOMING).length;
}

/** Does `name` (display name or username) contain `query`, ignoring case? */
export function matches(u: User | undefined, query: string): boolean {
  const q = query.trim().toLowerCase().replace(/^@/, "");
  if (!q || !u) return true;
  return u.username.toLowerCase().includes(q) || (u.displayName || "").toLowerCase().includes(q);
}

/**
 * Opens (or creates) the DM with a user and resolves its channel id once the store has it:
 * a new DM arrives through `channelCreated`, and the shell would bounce a route to a channel
 * it does not know yet.
 */
export async function openDm(userId: string): Promise<string | undefined> {
  const res = await api.channels.openDirectMessage({ userId });
  const id = res.channel?.id;
  if (!id) return undefined;
  return (await until(() => !!state.channels[id])) ? id : undefined;
}

/** The participants of a private channel other than the signed-in user (events list everyone). */
export function othersIn(recipients: User[]): User[] {
  return recipients.filter((u) => u.id !== state.me?.id);
}

export const relationshipApi = {
  send: (username: string) => api.relationships.sendFriendRequest({ username }),
  sendTo: (userId: string) => api.relationships.sendFriendRequest({ userId }),
  accept: (userId: string) => api.relationships.acceptFriendRequest({ userId }),
  decline: (userId: string) => api.relationships.declineFriendRequest({ userId }),
  cancel: (userId: string) => api.relationships.cancelFriendRequest({ userId }),
  remove: (userId: string) => api.relationships.removeFriend({ userId }),
  block: (userId: string) => api.relationships.blockUser({ userId }),
  unblock: (userId: string) => api.relationships.unblockUser({ userId }),
};
