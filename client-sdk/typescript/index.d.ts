import type { Client, Transport } from "@connectrpc/connect";
import type { GrpcWebTransportOptions } from "@connectrpc/connect-web";

import { AdminService } from "./gen/decentra/v1/admin_pb.js";
import { AuthService } from "./gen/decentra/v1/auth_pb.js";
import { BotService } from "./gen/decentra/v1/bots_pb.js";
import { ChannelService } from "./gen/decentra/v1/channels_pb.js";
import { EventService } from "./gen/decentra/v1/events_pb.js";
import { InviteService } from "./gen/decentra/v1/invites_pb.js";
import { MessageService } from "./gen/decentra/v1/messages_pb.js";
import { RelationshipService } from "./gen/decentra/v1/relationships_pb.js";
import { RoleService } from "./gen/decentra/v1/roles_pb.js";
import { ServerService } from "./gen/decentra/v1/servers_pb.js";
import { UserService } from "./gen/decentra/v1/users_pb.js";
import { VoiceService } from "./gen/decentra/v1/voice_pb.js";

export {
  AdminService,
  AuthService,
  BotService,
  ChannelService,
  EventService,
  InviteService,
  MessageService,
  RelationshipService,
  RoleService,
  ServerService,
  UserService,
  VoiceService,
};

/**
 * How calls authenticate:
 * - a string: a user's access token, sent as `authorization: Bearer <token>`;
 * - a function: called before every call, returns the current access token (or undefined),
 *   so an app can refresh tokens (AuthService.refreshToken) without recreating the client;
 * - `{ bot: token }`: a bot token, sent as `authorization: Bot <token>`;
 * - undefined: no token (the public AuthService calls: register, login, refreshToken, …).
 */
export type Auth =
  | string
  | { bot: string }
  | (() => string | undefined | Promise<string | undefined>)
  | undefined;

/** connect-web's gRPC-web transport options, less the base URL (given separately). */
export type TransportOptions = Partial<Omit<GrpcWebTransportOptions, "baseUrl">>;

/** A gRPC-web transport to `baseUrl` (e.g. `http://127.0.0.1:8765`) that authenticates every call. */
export declare function createTransport(baseUrl: string, auth?: Auth, options?: TransportOptions): Transport;

/** Every service client of the API on one transport. */
export interface DecentraClient {
  transport: Transport;
  auth: Client<typeof AuthService>;
  users: Client<typeof UserService>;
  relationships: Client<typeof RelationshipService>;
  servers: Client<typeof ServerService>;
  invites: Client<typeof InviteService>;
  channels: Client<typeof ChannelService>;
  roles: Client<typeof RoleService>;
  messages: Client<typeof MessageService>;
  events: Client<typeof EventService>;
  voice: Client<typeof VoiceService>;
  admin: Client<typeof AdminService>;
  bots: Client<typeof BotService>;
}

/** Every service client of the API over gRPC-web to `baseUrl`, authenticated with `auth`. */
export declare function createClient(baseUrl: string, auth?: Auth, options?: TransportOptions): DecentraClient;
