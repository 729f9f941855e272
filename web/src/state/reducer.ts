// Applies one event of the stream to the state. Mutates `s` in place: the store wraps it in
// Solid's `produce`, tests call it on plain objects.
import type { SubscribeResponse, ServerSnapshot } from "../gen/decentra/v1/events_pb";
import { ChannelType } from "../gen/decentra/v1/channels_pb";
import type { Message, State } from "./model";
import { emptyState } from "./model";
import { compareIds } from "./ids";

export type StreamEvent = SubscribeResponse["event"];

export function applyEvent(s: State, ev: StreamEvent, now = Date.now()): void {
  switch (ev.case) {
    case "ready": {
      const r = ev.value;
      const keep = { connection: s.connection, history: s.history, members: s.members };
      Object.assign(s, emptyState(), keep);
      // History loaded before a resync may miss events: views reload it.
      s.history = {};
      s.members = {};
      s.me = r.user ?? null;
      if (r.user) s.users[r.user.id] = r.user;
      for (const snap of r.servers) addSnapshot(s, snap);
      for (const c of r.privateChannels) putChannel(s, c);
      for (const rel of r.relationships) {
        if (!rel.user) continue;
        s.relationships[rel.user.id] = rel;
        s.users[rel.user.id] = rel.user;
      }
      for (const rs of r.readStates) s.readStates[rs.channelId] = rs;
      for (const p of r.presences) s.presences[p.userId] = p;
      if (r.selfPresence) s.presences[r.selfPresence.userId] = r.selfPresence;
      for (const v of r.privateVoiceStates) s.voice[v.userId] = v;
      for (const c of r.calls) s.calls[c.channelId] = c;
      s.ready = true;
      return;
    }
    case "messageCreated": {
      const m = ev.value.message;
      if (!m) return;
      addMessage(s, m);
      const ch = s.channels[m.channelId];
      if (ch) ch.lastMessageId = m.id;
      if (m.author) {
        s.users[m.author.id] ??= m.author;
        delete s.typing[m.channelId]?.[m.author.id];
      }
      if (m.author && m.author.id === s.me?.id) {
        s.readStates[m.channelId] = { ...readState(s, m.channelId), lastReadMessageId: m.id, unread: false, mentionCount: 0 };
        return;
      }
      const rs = readState(s, m.channelId);
      rs.unread = true;
      if (mentionsMe(s, m)) rs.mentionCount += 1;
      s.readStates[m.channelId] = rs;
      return;
    }
    case "messageUpdated": {
      const m = ev.value.message;
      if (!m) return;
      const h = s.history[m.channelId];
      const at = h?.messages.findIndex((x) => x.msg.id === m.id) ?? -1;
      // Updates carry no reactions (their `me` differs per viewer): keep ours, which the
      // reaction events maintain.
      if (h && at >= 0) h.messages[at] = { msg: { ...m, reactions: h.messages[at].msg.reactions } };
      return;
    }
    case "messageDeleted": {
      const h = s.history[ev.value.channelId];
      if (h) h.messages = h.messages.filter((x) => x.msg.id !== ev.value.messageId);
      return;
    }
    case "reactionAdded":
    case "reactionRemoved": {
      const { channelId, messageId, userId, emoji } = ev.value;
      const m = s.history[channelId]?.messages.find((x) => x.msg.id === messageId)?.msg;
      if (!m) return;
      const add = ev.case === "reactionAdded";
      const mine = userId === s.me?.id;
      const r = m.reactions.find((x) => x.emoji === emoji);
      if (add) {
        if (r) {
          if (mine && r.me) return; // our own optimistic toggle already counted it
          r.count += 1;
          if (mine) r.me = true;
        } else {
          m.reactions.push({ $typeName: "decentra.v1.Reaction", emoji, count: 1, me: mine });
        }
      } else if (r) {
        if (mine && !r.me) return;
        r.count -= 1;
        if (mine) r.me = false;
        if (r.count <= 0) m.reactions = m.reactions.filter((x) => x.emoji !== emoji);
      }
      return;
    }
    case "messagePinned":
    case "messageUnpinned": {
      const m = s.history[ev.value.channelId]?.messages.find((x) => x.msg.id === ev.value.messageId)?.msg;
      if (m) m.pinned = ev.case === "messagePinned";
      return;
    }
    case "typingStarted": {
      const { channelId, userId, expiresAt } = ev.value;
      if (userId === s.me?.id) return;
      const until = expiresAt ? Number(expiresAt.seconds) * 1000 + Math.floor(expiresAt.nanos / 1e6) : now + 10_000;
      (s.typing[channelId] ??= {})[userId] = until;
      return;
    }
    case "readStateUpdated": {
      const rs = ev.value.readState;
      if (rs) s.readStates[rs.channelId] = rs;
      return;
    }
    case "presenceUpdated": {
      const p = ev.value.presence;
      if (p) s.presences[p.userId] = p;
      return;
    }
    case "userUpdated": {
      const u = ev.value.user;
      if (!u) return;
      s.users[u.id] = u;
      if (s.me?.id === u.id) s.me = u;
      for (const members of Object.values(s.members)) if (members[u.id]) members[u.id].user = u;
      if (s.relationships[u.id]) s.relationships[u.id].user = u;
      return;
    }
    case "serverCreated":
      if (ev.value.snapshot) addSnapshot(s, ev.value.snapshot);
      return;
    case "serverUpdated":
      if (ev.value.server) s.servers[ev.value.server.id] = ev.value.server;
      return;
    case "serverDeleted":
      removeServer(s, ev.value.serverId);
      return;
    case "channelCreated":
    case "channelUpdated":
      if (ev.value.channel) putChannel(s, ev.value.channel);
      return;
    case "channelDeleted":
      delete s.channels[ev.value.channelId];
      delete s.history[ev.value.channelId];
      return;
    case "roleCreated":
    case "roleUpdated":
      if (ev.value.role) s.roles[ev.value.role.id] = ev.value.role;
      return;
    case "roleDeleted":
      delete s.roles[ev.value.roleId];
      for (const m of Object.values(s.members[ev.value.serverId] ?? {})) {
        m.roleIds = m.roleIds.filter((r) => r !== ev.value.roleId);
      }
      return;
    case "memberAdded":
    case "memberUpdated": {
      const m = ev.value.member;
      if (!m?.user) return;
      s.users[m.user.id] = m.user;
      if (m.user.id === s.me?.id) s.selfMembers[m.serverId] = m;
      const list = s.members[m.serverId];
      if (list) list[m.user.id] = m;
      const srv = s.servers[m.serverId];
      if (srv && ev.case === "memberAdded" && !list?.[m.user.id]) srv.memberCount += 1;
      return;
    }
    case "memberRemoved": {
      const { serverId, userId } = ev.value;
      if (userId === s.me?.id) {
        removeServer(s, serverId);
        return;
      }
      if (s.members[serverId]) delete s.members[serverId][userId];
      const srv = s.servers[serverId];
      if (srv && srv.memberCount > 0) srv.memberCount -= 1;
      return;
    }
    case "relationshipUpdated": {
      const rel = ev.value.relationship;
      if (!rel?.user) return;
      s.relationships[rel.user.id] = rel;
      s.users[rel.user.id] = rel.user;
      return;
    }
    case "relationshipRemoved":
      delete s.relationships[ev.value.userId];
      return;
    case "voiceStateUpdated":
      if (ev.value.voiceState) s.voice[ev.value.voiceState.userId] = ev.value.voiceState;
      return;
    case "voiceStateRemoved":
      if (s.voice[ev.value.userId]?.channelId === ev.value.channelId) delete s.voice[ev.value.userId];
      return;
    case "callRinging":
      if (ev.value.channel) putChannel(s, ev.value.channel);
      if (ev.value.call) s.calls[ev.value.call.channelId] = ev.value.call;
      return;
    case "callUpdated":
      if (ev.value.call) s.calls[ev.value.call.channelId] = ev.value.call;
      return;
    case "callEnded":
      delete s.calls[ev.value.channelId];
      for (const [id, v] of Object.entries(s.voice)) if (v.channelId === ev.value.channelId) delete s.voice[id];
      return;
    default:
      return;
  }
}

/** Adds a confirmed message to a loaded history, replacing its optimistic twin (same nonce). */
export function addMessage(s: State, m: Message): void {
  const h = s.history[m.channelId];
  if (!h || h.hasNewer) return;
  const list = h.messages;
  if (list.some((x) => x.msg.id === m.id)) return;
  const twin = m.nonce ? list.findIndex((x) => x.pending && x.msg.nonce === m.nonce) : -1;
  if (twin >= 0) list.splice(twin, 1);
  // Keep id order: live events nearly always append.
  let at = list.length;
  while (at > 0 && list[at - 1].pending === undefined && compareIds(list[at - 1].msg.id, m.id) > 0) at--;
  list.splice(at, 0, { msg: m });
  // A busy channel left open must not grow the DOM without bound: past the slack, drop
  // the oldest (they reload on scrolling up).
  if (list.length > LIVE_WINDOW) {
    list.splice(0, list.length - HISTORY_WINDOW);
    h.hasOlder = true;
  }
}

/** Messages a channel's window keeps (see store.ts); live appends may exceed it up to LIVE_WINDOW. */
export const HISTORY_WINDOW = 200;
const LIVE_WINDOW = HISTORY_WINDOW + 25;

function addSnapshot(s: State, snap: ServerSnapshot): void {
  const srv = snap.server;
  if (!srv) return;
  s.servers[srv.id] = srv;
  if (!s.serverOrder.includes(srv.id)) s.serverOrder.push(srv.id);
  for (const c of snap.channels) putChannel(s, c);
  for (const r of snap.roles) s.roles[r.id] = r;
  if (snap.selfMember) s.selfMembers[srv.id] = snap.selfMember;
  for (const v of snap.voiceStates) s.voice[v.userId] = v;
  for (const p of snap.presences) s.presences[p.userId] = p;
}

function putChannel(s: State, c: State["channels"][string]): void {
  s.channels[c.id] = c;
  if (c.type === ChannelType.DM || c.type === ChannelType.GROUP_DM) {
    for (const u of c.recipients) s.users[u.id] ??= u;
  }
}

function removeServer(s: State, serverId: string): void {
  delete s.servers[serverId];
  s.serverOrder = s.serverOrder.filter((id) => id !== serverId);
  for (const [id, c] of Object.entries(s.channels)) {
    if (c.serverId === serverId) {
      delete s.channels[id];
      delete s.history[id];
    }
  }
  for (const [id, r] of Object.entries(s.roles)) if (r.serverId === serverId) delete s.roles[id];
  delete s.selfMembers[serverId];
  delete s.members[serverId];
}

function readState(s: State, channelId: string) {
  return { ...(s.readStates[channelId] ?? { $typeName: "decentra.v1.ReadState" as const, channelId, lastReadMessageId: "", mentionCount: 0, unread: false }) };
}

/** Does `m` mention the signed-in user (directly, through a role they hold, or @everyone)? */
export function mentionsMe(s: State, m: Message): boolean {
  const me = s.me?.id;
  if (!me) return false;
  const roles = m.serverId ? (s.selfMembers[m.serverId]?.roleIds ?? []) : [];
  return m.mentions.some((x) => {
    switch (x.type) {
      case 1: // user
        return x.id === me;
      case 2: // role
        return roles.includes(x.id);
      case 3: // @everyone
      case 4: // @here
        return true;
      default:
        return false;
    }
  });
}
