// Decentra's JavaScript/TypeScript client: every generated service client over one gRPC-web
// transport (connect-web), which runs in browsers, Node 18+ and Deno (all have fetch).
// Types: index.d.ts. Generated API: ./gen/decentra/v1/*_pb.js (from proto/, checked in).

import { createClient as createServiceClient } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";

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

/** The `authorization` metadata value for `auth` (see index.d.ts), or undefined for none. */
async function header(auth) {
  if (auth === undefined || auth === null) return undefined;
  if (typeof auth === "string") return auth === "" ? undefined : `Bearer ${auth}`;
  if (typeof auth === "function") {
    const token = await auth();
    return token ? `Bearer ${token}` : undefined;
  }
  if (typeof auth === "object" && typeof auth.bot === "string" && auth.bot !== "") {
    return `Bot ${auth.bot}`;
  }
  throw new TypeError("auth must be an access token, a function returning one, or { bot: token }");
}

/** A gRPC-web transport to `baseUrl` that authenticates every call with `auth`. */
export function createTransport(baseUrl, auth, options = {}) {
  // Checked once here, so a wrong `auth` fails at creation rather than on the first call.
  if (typeof auth === "object" && auth !== null && typeof auth.bot !== "string") {
    throw new TypeError("auth must be an access token, a function returning one, or { bot: token }");
  }
  return createGrpcWebTransport({
    ...options,
    baseUrl,
    interceptors: [
      (next) => async (req) => {
        const value = await header(auth);
        if (value !== undefined) req.header.set("authorization", value);
        return next(req);
      },
      ...(options.interceptors ?? []),
    ],
  });
}

/** Every service client of the API on one transport (see index.d.ts for `auth`). */
export function createClient(baseUrl, auth, options = {}) {
  const transport = createTransport(baseUrl, auth, options);
  return {
    transport,
    auth: createServiceClient(AuthService, transport),
    users: createServiceClient(UserService, transport),
    relationships: createServiceClient(RelationshipService, transport),
    servers: createServiceClient(ServerService, transport),
    invites: createServiceClient(InviteService, transport),
    channels: createServiceClient(ChannelService, transport),
    roles: createServiceClient(RoleService, transport),
    messages: createServiceClient(MessageService, transport),
    events: createServiceClient(EventService, transport),
    voice: createServiceClient(VoiceService, transport),
    admin: createServiceClient(AdminService, transport),
    bots: createServiceClient(BotService, transport),
  };
}
