// The client's normalized state: everything the views show, keyed by id, fed by the one
// event stream (and by history pages the views load). Pure data, no Solid here, so the
// reducer can be tested on plain objects.
import type { Channel, PermissionOverwrite } from "../gen/decentra/v1/channels_pb";
import type { Message, ReadState } from "../gen/decentra/v1/messages_pb";
import type { Relationship } from "../gen/decentra/v1/relationships_pb";
import type { Role } from "../gen/decentra/v1/roles_pb";
import type { Member, Server } from "../gen/decentra/v1/servers_pb";
import type { Presence, User } from "../gen/decentra/v1/users_pb";
import type { Call, VoiceState } from "../gen/decentra/v1/voice_pb";

export type { Call, Channel, Member, Message, PermissionOverwrite, Presence, ReadState, Relationship, Role, Server, User, VoiceState };

/** A message as the client holds it: the server's, or a local one still being sent. */
export interface ChatMessage {
  msg: Message;
  /** Set on optimistic messages: "sending" until the server answers, "failed" after. */
  pending?: "sending" | "failed";
}

/** The loaded window of a channel's history, oldest first. */
export interface History {
  messages: ChatMessage[];
  /** Older messages exist on the server (scrolling up loads them). */
  hasOlder: boolean;
  /** Newer messages exist past the window (after a jump or scrolling far up); live
   * messages are not appended until the window reaches the present again. */
  hasNewer: boolean;
}

export type ConnectionStatus = "connecting" | "online" | "reconnecting";

export interface State {
  me: User | null;
  /** The Ready snapshot arrived at least once. */
  ready: boolean;
  connection: ConnectionStatus;
  servers: Record<string, Server>;
  /** Server ids in rail order (join order). */
  serverOrder: string[];
  channels: Record<string, Channel>;
  roles: Record<string, Role>;
  /** The signed-in user's own membership, per server id. */
  selfMembers: Record<string, Member>;
  /** Member lists loaded for the member sidebar: server id -> user id -> member. */
  members: Record<string, Record<string, Member>>;
  users: Record<string, User>;
  presences: Record<string, Presence>;
  relationships: Record<string, Relationship>;
  readStates: Record<string, ReadState>;
  history: Record<string, History>;
  /** channel id -> user id -> expiry (ms). */
  typing: Record<string, Record<string, number>>;
  /** Voice states by user id. */
  voice: Record<string, VoiceState>;
  /** Ringing or running DM / group DM calls, by channel id. */
  calls: Record<string, Call>;
}

export function emptyState(): State {
  return {
    me: null,
    ready: false,
    connection: "connecting",
    servers: {},
    serverOrder: [],
    channels: {},
    roles: {},
    selfMembers: {},
    members: {},
    users: {},
    presences: {},
    relationships: {},
    readStates: {},
    history: {},
    typing: {},
    voice: {},
    calls: {},
  };
}
