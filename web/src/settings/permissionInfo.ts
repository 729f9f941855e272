// Human names and explanations of every permission flag (from the Permission enum's docs),
// grouped like Discord's role editor, and which ones make sense as channel overwrites.
import { Permission } from "../gen/decentra/v1/permissions_pb";

export type PermissionGroup = "General" | "Membership" | "Text" | "Voice" | "Advanced";

export interface PermissionInfo {
  perm: Permission;
  title: string;
  description: string;
  group: PermissionGroup;
  /** Meaningful in a text channel's overwrites. */
  text: boolean;
  /** Meaningful in a voice channel's overwrites. */
  voice: boolean;
  /** Meaningful on a category (applies to synced children). */
  category?: boolean;
}

export const PERMISSIONS: PermissionInfo[] = [
  { perm: Permission.VIEW_CHANNEL, title: "View Channels", description: "Allows members to see channels: read messages in text channels and see voice channels.", group: "General", text: true, voice: true },
  { perm: Permission.MANAGE_CHANNELS, title: "Manage Channels", description: "Allows members to create, edit, reorder and delete channels, and to edit their permission overwrites.", group: "General", text: true, voice: true },
  { perm: Permission.MANAGE_ROLES, title: "Manage Roles", description: "Allows members to create, edit, delete and assign roles below their own highest role.", group: "General", text: true, voice: true },
  { perm: Permission.VIEW_AUDIT_LOG, title: "View Audit Log", description: "Allows members to read the server's audit log of moderation and configuration changes.", group: "General", text: false, voice: false },
  { perm: Permission.MANAGE_SERVER, title: "Manage Server", description: "Allows members to change the server's name, icon and description, and to list and revoke invites.", group: "General", text: false, voice: false },
  { perm: Permission.CREATE_INVITE, title: "Create Invite", description: "Allows members to invite new people to this server.", group: "Membership", text: true, voice: true },
  { perm: Permission.CHANGE_NICKNAME, title: "Change Nickname", description: "Allows members to change their own nickname in this server.", group: "Membership", text: false, voice: false },
  { perm: Permission.MANAGE_NICKNAMES, title: "Manage Nicknames", description: "Allows members to change the nicknames of other members.", group: "Membership", text: false, voice: false },
  { perm: Permission.KICK_MEMBERS, title: "Kick Members", description: "Allows members to remove other members from this server. Kicked members can rejoin with an invite.", group: "Membership", text: false, voice: false },
  { perm: Permission.BAN_MEMBERS, title: "Ban Members", description: "Allows members to permanently ban and unban other members, and to see the list of bans.", group: "Membership", text: false, voice: false },
  { perm: Permission.SEND_MESSAGES, title: "Send Messages", description: "Allows members to send messages in text channels.", group: "Text", text: true, voice: false },
  { perm: Permission.EMBED_LINKS, title: "Embed Links", description: "Allows links that members post to show embedded previews.", group: "Text", text: true, voice: false },
  { perm: Permission.ATTACH_FILES, title: "Attach Files", description: "Allows members to upload files and images.", group: "Text", text: true, voice: false },
  { perm: Permission.ADD_REACTIONS, title: "Add Reactions", description: "Allows members to add new emoji reactions to messages. Joining an existing reaction needs no permission.", group: "Text", text: true, voice: false },
  { perm: Permission.MENTION_EVERYONE, title: "Mention @everyone, @here and All Roles", description: "Allows members to use @everyone and @here, and to mention roles that are not mentionable.", group: "Text", text: true, voice: false },
  { perm: Permission.MANAGE_MESSAGES, title: "Manage Messages", description: "Allows members to delete or pin other members' messages and to remove their reactions.", group: "Text", text: true, voice: false },
  { perm: Permission.READ_MESSAGE_HISTORY, title: "Read Message History", description: "Allows members to read messages sent before they opened the channel. Without it they only see messages sent while they are there.", group: "Text", text: true, voice: false },
  { perm: Permission.CONNECT, title: "Connect", description: "Allows members to join voice channels.", group: "Voice", text: false, voice: true },
  { perm: Permission.SPEAK, title: "Speak", description: "Allows members to talk in voice channels.", group: "Voice", text: false, voice: true },
  { perm: Permission.STREAM, title: "Video", description: "Allows members to share their screen or a video stream in voice channels.", group: "Voice", text: false, voice: true },
  { perm: Permission.USE_VOICE_ACTIVITY, title: "Use Voice Activity", description: "Allows members to talk by simply speaking. Without it they must use push-to-talk.", group: "Voice", text: false, voice: true },
  { perm: Permission.PRIORITY_SPEAKER, title: "Priority Speaker", description: "Allows members to be heard more easily: others are quieter while they talk.", group: "Voice", text: false, voice: true },
  { perm: Permission.MUTE_MEMBERS, title: "Mute Members", description: "Allows members to server-mute other members in voice channels.", group: "Voice", text: false, voice: true },
  { perm: Permission.DEAFEN_MEMBERS, title: "Deafen Members", description: "Allows members to server-deafen other members in voice channels.", group: "Voice", text: false, voice: true },
  { perm: Permission.MOVE_MEMBERS, title: "Move Members", description: "Allows members to move other members between voice channels or disconnect them.", group: "Voice", text: false, voice: true },
  { perm: Permission.ADMINISTRATOR, title: "Administrator", description: "Members with this permission have every permission and bypass all channel overwrites. This is a dangerous permission to grant.", group: "Advanced", text: false, voice: false },
];

export const GROUP_ORDER: PermissionGroup[] = ["General", "Membership", "Text", "Voice", "Advanced"];

export const GROUP_TITLES: Record<PermissionGroup, string> = {
  General: "General Server Permissions",
  Membership: "Membership Permissions",
  Text: "Text Channel Permissions",
  Voice: "Voice Channel Permissions",
  Advanced: "Advanced Permissions",
};

export function permissionTitle(p: Permission): string {
  return PERMISSIONS.find((x) => x.perm === p)?.title ?? Permission[p] ?? `Permission ${p}`;
}

/** Permissions offered as overwrites in a channel of this kind ("text", "voice" or "category"). */
export function channelPermissionList(kind: "text" | "voice" | "category"): PermissionInfo[] {
  return PERMISSIONS.filter((p) => (kind === "text" ? p.text : kind === "voice" ? p.voice : p.text || p.voice));
}
