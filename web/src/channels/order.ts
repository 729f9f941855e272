// Channel ordering as the sidebar shows it: uncategorised first, then each category's
// children, all by position then id.
import { ChannelType } from "../gen/decentra/v1/channels_pb";
import type { Channel, State } from "../state/model";
import { channelPermissions, has } from "../state/permissions";
import { Permission } from "../gen/decentra/v1/permissions_pb";
import { compareIds } from "../state/ids";

const byPosition = (a: Channel, b: Channel) => a.position - b.position || compareIds(a.id, b.id);

export interface CategoryGroup {
  category: Channel | null;
  channels: Channel[];
}

export function sidebarGroups(s: State, serverId: string): CategoryGroup[] {
  const all = Object.values(s.channels).filter((c) => c.serverId === serverId);
  const categories = all.filter((c) => c.type === ChannelType.CATEGORY).sort(byPosition);
  const ids = new Set(categories.map((c) => c.id));
  const children = (parent: string) =>
    all
      .filter((c) => c.type !== ChannelType.CATEGORY && (parent ? c.parentId === parent : !ids.has(c.parentId)))
      .sort((a, b) => Number(a.type === ChannelType.VOICE) - Number(b.type === ChannelType.VOICE) || byPosition(a, b));
  return [{ category: null, channels: children("") }, ...categories.map((category) => ({ category, channels: children(category.id) }))];
}

/** Text channels in sidebar order (what Alt+Up/Down walks through). */
export function textChannels(s: State, serverId: string): Channel[] {
  return sidebarGroups(s, serverId)
    .flatMap((g) => g.channels)
    .filter((c) => c.type === ChannelType.TEXT && has(channelPermissions(s, c), Permission.VIEW_CHANNEL));
}

export function firstTextChannel(s: State, serverId: string): string | undefined {
  return textChannels(s, serverId)[0]?.id;
}

/** Private channels, most recent activity first. */
export function privateChannels(s: State): Channel[] {
  return Object.values(s.channels)
    .filter((c) => c.type === ChannelType.DM || c.type === ChannelType.GROUP_DM)
    .sort((a, b) => compareIds(b.lastMessageId || b.id, a.lastMessageId || a.id));
}

export function neighbourChannel(s: State, serverId: string, current: string, delta: number): string | undefined {
  const list = serverId ? textChannels(s, serverId) : privateChannels(s);
  const at = list.findIndex((c) => c.id === current);
  return list[(at + delta + list.length) % list.length]?.id;
}
