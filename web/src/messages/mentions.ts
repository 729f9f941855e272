// `@` autocomplete: members of the channel's server (or DM recipients), then mentionable roles.
import type { Channel } from "../state/model";
import { state } from "../state/store";
import { displayName } from "../ui/Avatar";

export interface MentionCandidate {
  label: string;
  detail: string;
  /** Text inserted into the message. */
  insert: string;
}

export function mentionCandidates(channel: Channel, query: string, limit = 8): MentionCandidate[] {
  const q = query.toLowerCase();
  const users = channel.serverId ? Object.values(state.members[channel.serverId] ?? {}).map((m) => ({ user: m.user!, nick: m.nickname })) : channel.recipients.map((user) => ({ user, nick: "" }));
  const out: MentionCandidate[] = [];
  for (const { user, nick } of users) {
    if (!user) continue;
    const names = [user.username, user.displayName, nick].filter(Boolean).map((n) => n.toLowerCase());
    if (names.some((n) => n.startsWith(q))) out.push({ label: nick || displayName(user), detail: user.username, insert: `<@${user.id}>` });
  }
  if (channel.serverId) {
    for (const r of Object.values(state.roles)) {
      if (r.serverId === channel.serverId && r.id !== channel.serverId && r.mentionable && r.name.toLowerCase().startsWith(q)) {
        out.push({ label: `@${r.name}`, detail: "role", insert: `<@&${r.id}>` });
      }
    }
  }
  return out.slice(0, limit);
}
