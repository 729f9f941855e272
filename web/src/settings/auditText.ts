// Audit log entries as human sentences ("alice banned bob"), with readable change lists.
import { AuditLogAction, type AuditLogChange, type AuditLogEntry } from "../gen/decentra/v1/servers_pb";
import { permissionTitle, PERMISSIONS } from "./permissionInfo";

/** A sentence piece: plain text, or a name shown in bold. */
export type Part = string | { b: string };

export interface Names {
  user: (id: string) => string | undefined;
  channel: (id: string) => string | undefined;
  role: (id: string) => string | undefined;
}

const change = (e: AuditLogEntry, key: string) => e.changes.find((c) => c.key === key);

export function auditSentence(e: AuditLogEntry, n: Names): Part[] {
  const actor: Part = { b: n.user(e.actorId) ?? "Someone" };
  const user: Part = { b: n.user(e.targetId) ?? "a former member" };
  const named = (key: string) => change(e, key)?.newValue || change(e, key)?.oldValue;
  const channel: Part = { b: n.channel(e.targetId) ? `#${n.channel(e.targetId)}` : named("name") ? `#${named("name")}` : "a deleted channel" };
  const role: Part = { b: n.role(e.targetId) ?? named("name") ?? "a deleted role" };
  switch (e.action) {
    case AuditLogAction.SERVER_UPDATE:
      return [actor, " updated the server settings"];
    case AuditLogAction.OWNERSHIP_TRANSFER:
      return [actor, " transferred server ownership to ", user];
    case AuditLogAction.CHANNEL_CREATE:
      return [actor, " created the channel ", channel];
    case AuditLogAction.CHANNEL_UPDATE:
      return [actor, " updated the channel ", channel];
    case AuditLogAction.CHANNEL_DELETE:
      return [actor, " deleted the channel ", channel];
    case AuditLogAction.CHANNEL_OVERWRITE_UPDATE:
      return [actor, " changed permission overwrites in ", channel];
    case AuditLogAction.CHANNEL_OVERWRITE_DELETE:
      return [actor, " removed a permission overwrite from ", channel];
    case AuditLogAction.MEMBER_KICK:
      return [actor, " kicked ", user];
    case AuditLogAction.MEMBER_BAN_ADD:
      return [actor, " banned ", user];
    case AuditLogAction.MEMBER_BAN_REMOVE:
      return [actor, " lifted the ban of ", user];
    case AuditLogAction.MEMBER_UPDATE: {
      const nick = change(e, "nickname");
      if (nick && e.changes.length === 1) {
        const self = e.actorId === e.targetId;
        if (!nick.newValue) return self ? [actor, " removed their nickname"] : [actor, " removed the nickname of ", user];
        return self ? [actor, " changed their nickname to ", { b: nick.newValue }] : [actor, " changed the nickname of ", user, " to ", { b: nick.newValue }];
      }
      return [actor, " updated ", user];
    }
    case AuditLogAction.MEMBER_ROLE_UPDATE: {
      const add = change(e, "$add");
      const remove = change(e, "$remove");
      if (add) return [actor, " gave ", user, " the role ", { b: add.newValue }];
      if (remove) return [actor, " removed the role ", { b: remove.oldValue }, " from ", user];
      return [actor, " updated the roles of ", user];
    }
    case AuditLogAction.MEMBER_VOICE_MOVE:
      return [actor, " moved or disconnected ", user, " in voice"];
    case AuditLogAction.ROLE_CREATE:
      return [actor, " created the role ", role];
    case AuditLogAction.ROLE_UPDATE:
      return change(e, "positions") ? [actor, " reordered the roles"] : [actor, " updated the role ", role];
    case AuditLogAction.ROLE_DELETE:
      return [actor, " deleted the role ", role];
    case AuditLogAction.INVITE_CREATE:
      return [actor, " created the invite ", { b: e.targetId || named("code") || "" }];
    case AuditLogAction.INVITE_DELETE:
      return [actor, " revoked the invite ", { b: e.targetId || named("code") || "" }];
    case AuditLogAction.MESSAGE_DELETE:
      return [actor, " deleted a message by ", user];
    case AuditLogAction.MESSAGE_PIN:
      return [actor, " pinned a message"];
    case AuditLogAction.MESSAGE_UNPIN:
      return [actor, " unpinned a message"];
    case AuditLogAction.BOT_ADD:
      return [actor, " added the bot ", user];
    default:
      return [actor, " did something"];
  }
}

/** Whether an action's target is a user (so the target list filter and names know). */
export function targetsUser(a: AuditLogAction): boolean {
  return [
    AuditLogAction.OWNERSHIP_TRANSFER,
    AuditLogAction.MEMBER_KICK,
    AuditLogAction.MEMBER_BAN_ADD,
    AuditLogAction.MEMBER_BAN_REMOVE,
    AuditLogAction.MEMBER_UPDATE,
    AuditLogAction.MEMBER_ROLE_UPDATE,
    AuditLogAction.MEMBER_VOICE_MOVE,
    AuditLogAction.MESSAGE_DELETE,
    AuditLogAction.BOT_ADD,
  ].includes(a);
}

const KEY_NAMES: Record<string, string> = {
  name: "Name",
  topic: "Topic",
  description: "Description",
  icon_url: "Icon",
  system_channel_id: "System channel",
  position: "Position",
  positions: "Order",
  user_limit: "User limit",
  bitrate: "Bitrate",
  rate_limit_per_user: "Slow mode",
  permissions: "Permissions",
  allow: "Allowed",
  deny: "Denied",
  color: "Colour",
  hoist: "Shown separately",
  mentionable: "Mentionable",
  nickname: "Nickname",
  server_mute: "Server mute",
  server_deaf: "Server deafen",
  code: "Invite code",
  sync_permissions: "Synced with category",
  parent_id: "Category",
  $add: "Role added",
  $remove: "Role removed",
};

function bits(v: string): bigint {
  try {
    return BigInt(v || "0");
  } catch {
    return 0n;
  }
}

function permNames(set: bigint): string[] {
  return PERMISSIONS.filter((p) => (set & (1n << BigInt(p.perm))) !== 0n).map((p) => permissionTitle(p.perm));
}

/** One change as a line: "Name: old → new", permission sets as granted/removed names. */
export function describeChange(c: AuditLogChange, n: Names): string {
  const label = KEY_NAMES[c.key] ?? c.key;
  if (c.key === "permissions" || c.key === "allow" || c.key === "deny") {
    const before = bits(c.oldValue);
    const after = bits(c.newValue);
    const added = permNames(after & ~before);
    const removed = permNames(before & ~after);
    const parts = [];
    if (added.length) parts.push(`+ ${added.join(", ")}`);
    if (removed.length) parts.push(`− ${removed.join(", ")}`);
    return `${label}: ${parts.join("; ") || "no change"}`;
  }
  const fmt = (v: string) => {
    if (!v) return "none";
    if (c.key === "color") return `#${Number(v).toString(16).padStart(6, "0")}`;
    if (c.key === "system_channel_id" || c.key === "parent_id") return n.channel(v) ? `#${n.channel(v)}` : v;
    if (c.key === "rate_limit_per_user") return Number(v) ? `${v}s` : "off";
    return v;
  };
  if (c.key === "$add") return `${label}: ${c.newValue}`;
  if (c.key === "$remove") return `${label}: ${c.oldValue}`;
  if (!c.oldValue) return `${label}: ${fmt(c.newValue)}`;
  return `${label}: ${fmt(c.oldValue)} → ${fmt(c.newValue)}`;
}

export const ACTION_FILTERS: { action: AuditLogAction; label: string }[] = [
  { action: AuditLogAction.UNSPECIFIED, label: "All actions" },
  { action: AuditLogAction.SERVER_UPDATE, label: "Update server" },
  { action: AuditLogAction.OWNERSHIP_TRANSFER, label: "Transfer ownership" },
  { action: AuditLogAction.CHANNEL_CREATE, label: "Create channel" },
  { action: AuditLogAction.CHANNEL_UPDATE, label: "Update channel" },
  { action: AuditLogAction.CHANNEL_DELETE, label: "Delete channel" },
  { action: AuditLogAction.CHANNEL_OVERWRITE_UPDATE, label: "Update channel permissions" },
  { action: AuditLogAction.CHANNEL_OVERWRITE_DELETE, label: "Delete channel permissions" },
  { action: AuditLogAction.MEMBER_KICK, label: "Kick member" },
  { action: AuditLogAction.MEMBER_BAN_ADD, label: "Ban member" },
  { action: AuditLogAction.MEMBER_BAN_REMOVE, label: "Unban member" },
  { action: AuditLogAction.MEMBER_UPDATE, label: "Update member" },
  { action: AuditLogAction.MEMBER_ROLE_UPDATE, label: "Update member roles" },
  { action: AuditLogAction.MEMBER_VOICE_MOVE, label: "Move member" },
  { action: AuditLogAction.ROLE_CREATE, label: "Create role" },
  { action: AuditLogAction.ROLE_UPDATE, label: "Update role" },
  { action: AuditLogAction.ROLE_DELETE, label: "Delete role" },
  { action: AuditLogAction.INVITE_CREATE, label: "Create invite" },
  { action: AuditLogAction.INVITE_DELETE, label: "Delete invite" },
  { action: AuditLogAction.MESSAGE_DELETE, label: "Delete message" },
  { action: AuditLogAction.MESSAGE_PIN, label: "Pin message" },
  { action: AuditLogAction.MESSAGE_UNPIN, label: "Unpin message" },
  { action: AuditLogAction.BOT_ADD, label: "Add bot" },
];
