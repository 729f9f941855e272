// The one transport to the API (gRPC-web, same origin) and a typed client per service.
import { Code, ConnectError, createClient, type Client, type Interceptor } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import type { DescService } from "@bufbuild/protobuf";
import { AdminService } from "../gen/decentra/v1/admin_pb";
import { AuthService } from "../gen/decentra/v1/auth_pb";
import { ChannelService } from "../gen/decentra/v1/channels_pb";
import { EventService } from "../gen/decentra/v1/events_pb";
import { InviteService } from "../gen/decentra/v1/invites_pb";
import { MessageService } from "../gen/decentra/v1/messages_pb";
import { RelationshipService } from "../gen/decentra/v1/relationships_pb";
import { RoleService } from "../gen/decentra/v1/roles_pb";
import { ServerService } from "../gen/decentra/v1/servers_pb";
import { UserService } from "../gen/decentra/v1/users_pb";
import { VoiceService } from "../gen/decentra/v1/voice_pb";
import { session } from "../auth/session";

/**
 * Adds the bearer token when signed in (public RPCs ignore it, so which ones are public stays
 * the server's business); on UNAUTHENTICATED refreshes once and retries. AuthService answers
 * UNAUTHENTICATED for a wrong password, which no refresh can fix, so it is never retried.
 */
const bearer: Interceptor = (next) => async (req) => {
  const token = await session.accessToken();
  if (token) req.header.set("authorization", `Bearer ${token}`);
  try {
    return await next(req);
  } catch (err) {
    const retriable = token && !req.stream && req.service.typeName !== AuthService.typeName;
    if (!retriable || ConnectError.from(err).code !== Code.Unauthenticated) throw err;
    const fresh = await session.refresh();
    if (!fresh) throw err;
    req.header.set("authorization", `Bearer ${fresh}`);
    return next(req);
  }
};

export const transport = createGrpcWebTransport({
  baseUrl: typeof location === "undefined" ? "http://localhost" : location.origin,
  interceptors: [bearer],
});

function client<T extends DescService>(service: T): Client<T> {
  return createClient(service, transport);
}

export const api = {
  admin: client(AdminService),
  auth: client(AuthService),
  channels: client(ChannelService),
  events: client(EventService),
  invites: client(InviteService),
  messages: client(MessageService),
  relationships: client(RelationshipService),
  roles: client(RoleService),
  servers: client(ServerService),
  users: client(UserService),
  voice: client(VoiceService),
};
