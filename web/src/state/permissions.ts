// Effective permissions, computed like the server does (Discord's algorithm), so the UI only
// offers what the user may do. The server still decides every call.
import { OverwriteTargetType } from "../gen/decentra/v1/channels_pb";
import { Permission } from "../gen/decentra/v1/permissions_pb";
import type { Channel, State } from "./model";

export const bit = (p: Permission): bigint => 1n << BigInt(p);
export const ALL = (1n << 64n) - 1n;

export function has(perms: bigint, p: Permission): boolean {
  return (perms & bit(Permission.ADMINISTRATOR)) !== 0n || (perms & bit(p)) !== 0n;
}

/** Server-level permissions of the signed-in user. */
export function serverPermissions(s: State, serverId: string): bigint {
  const server = s.servers[serverId];
  const me = s.me?.id;
  if (!server || !me) return 0n;
  if (server.ownerId === me) return ALL;
  let perms = s.roles[serverId]?.permissions ?? 0n; // @everyone's id is the server's
  for (const id of s.selfMembers[serverId]?.roleIds ?? []) perms |= s.roles[id]?.permissions ?? 0n;
  return (perms & bit(Permission.ADMINISTRATOR)) !== 0n ? ALL : perms;
}

/** Permissions of the signed-in user in a server channel, overwrites applied. */
export function channelPermissions(s: State, channel: Channel): bigint {
  if (!channel.serverId) return ALL;
  let perms = serverPermissions(s, channel.serverId);
  if (perms === ALL) return ALL;
  const me = s.me?.id ?? "";
  const roleIds = new Set(s.selfMembers[channel.serverId]?.roleIds ?? []);
  const ows = channel.permissionOverwrites;
  const everyone = ows.find((o) => o.targetType === OverwriteTargetType.ROLE && o.targetId === channel.serverId);
  if (everyone) perms = (perms & ~everyone.deny) | everyone.allow;
  let allow = 0n;
  let deny = 0n;
  for (const o of ows) {
    if (o.targetType === OverwriteTargetType.ROLE && roleIds.has(o.targetId)) {
      allow |= o.allow;
      deny |= o.deny;
    }
  }
  perms = (perms & ~deny) | allow;
  const mine = ows.find((o) => o.targetType === OverwriteTargetType.MEMBER && o.targetId === me);
  if (mine) perms = (perms & ~mine.deny) | mine.allow;
  return perms;
}

/** Highest role position of the signed-in user (owner = infinity), for hierarchy checks. */
export function topPosition(s: State, serverId: string): number {
  if (s.servers[serverId]?.ownerId === s.me?.id) return Number.POSITIVE_INFINITY;
  let top = 0;
  for (const id of s.selfMembers[serverId]?.roleIds ?? []) top = Math.max(top, s.roles[id]?.position ?? 0);
  return top;
}
