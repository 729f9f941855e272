// Unread and mention counts derived from read states, as the sidebar, rail and title show them.
import { ChannelType } from "../gen/decentra/v1/channels_pb";
import type { Channel, State } from "./model";
import { compareIds } from "./ids";

/** A channel has unread messages when its newest message is past the read marker. */
export function isUnread(s: State, c: Channel): boolean {
  if (c.type === ChannelType.CATEGORY || c.type === ChannelType.VOICE) return false;
  const rs = s.readStates[c.id];
  if (rs) return rs.unread || (!!c.lastMessageId && compareIds(c.lastMessageId, rs.lastReadMessageId) > 0);
  // Never opened: anything posted is unread.
  return c.lastMessageId !== "";
}

export function mentionCount(s: State, channelId: string): number {
  return s.readStates[channelId]?.mentionCount ?? 0;
}

/** Unread/mention summary of a server (for the rail). */
export function serverBadge(s: State, serverId: string): { unread: boolean; mentions: number } {
  let unread = false;
  let mentions = 0;
  for (const c of Object.values(s.channels)) {
    if (c.serverId !== serverId) continue;
    if (isUnread(s, c)) unread = true;
    mentions += mentionCount(s, c.id);
  }
  return { unread, mentions };
}

/** Mentions plus unread DMs: what the tab title and the home button count. */
export function totalBadge(s: State): number {
  let n = 0;
  for (const c of Object.values(s.channels)) {
    const dm = c.type === ChannelType.DM || c.type === ChannelType.GROUP_DM;
    n += dm ? Math.max(mentionCount(s, c.id), isUnread(s, c) ? 1 : 0) : mentionCount(s, c.id);
  }
  return n;
}

/** Id of the first message after the read marker in a loaded window, for the "new" divider. */
export function firstUnreadId(ids: string[], lastRead: string): string | null {
  if (!lastRead) return null;
  for (const id of ids) if (compareIds(id, lastRead) > 0) return id;
  return null;
}
