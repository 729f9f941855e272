// How a user is named and coloured in a server: nickname over display name over username,
// colour of their highest coloured role.
import { state } from "../state/store";
import { displayName } from "../ui/Avatar";

export function nameIn(serverId: string, userId: string): string | undefined {
  const member = serverId ? state.members[serverId]?.[userId] : undefined;
  if (member?.nickname) return member.nickname;
  if (serverId && userId === state.me?.id && state.selfMembers[serverId]?.nickname) return state.selfMembers[serverId].nickname;
  const user = member?.user ?? state.users[userId];
  return user ? displayName(user) : undefined;
}

export function memberColour(serverId: string, userId: string): string | undefined {
  const member = userId === state.me?.id ? state.selfMembers[serverId] : state.members[serverId]?.[userId];
  if (!member) return undefined;
  let best: { position: number; color: number } | undefined;
  for (const id of member.roleIds) {
    const r = state.roles[id];
    if (r && r.color && (!best || r.position > best.position)) best = r;
  }
  return best ? `#${best.color.toString(16).padStart(6, "0")}` : undefined;
}
