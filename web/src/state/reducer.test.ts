import { beforeEach, describe, expect, it } from "vitest";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { ChannelSchema, ChannelType } from "../gen/decentra/v1/channels_pb";
import {
  ChannelDeletedEventSchema,
  MemberRemovedEventSchema,
  MessageCreatedEventSchema,
  MessageDeletedEventSchema,
  ReactionAddedEventSchema,
  ReactionRemovedEventSchema,
  ReadStateUpdatedEventSchema,
  ReadyEventSchema,
  ServerSnapshotSchema,
  CallEndedEventSchema,
  CallRingingEventSchema,
  CallUpdatedEventSchema,
  VoiceStateUpdatedEventSchema,
} from "../gen/decentra/v1/events_pb";
import { CallSchema, VoiceStateSchema } from "../gen/decentra/v1/voice_pb";
import { MentionSchema, MentionType, MessageSchema, ReactionSchema, ReadStateSchema, type Mention } from "../gen/decentra/v1/messages_pb";
import { RelationshipSchema } from "../gen/decentra/v1/relationships_pb";
import { RoleSchema } from "../gen/decentra/v1/roles_pb";
import { MemberSchema, ServerSchema } from "../gen/decentra/v1/servers_pb";
import { UserSchema } from "../gen/decentra/v1/users_pb";
import { emptyState, type ChatMessage, type Message, type State } from "./model";
import { addMessage, applyEvent, type StreamEvent } from "./reducer";

const ME = "1";
const OTHER = "2";
const user = (id: string) => create(UserSchema, { id, username: `user${id}` });

function message(id: string, channelId: string, author: string, extra: { serverId?: string; nonce?: string; mentions?: Mention[] } = {}): Message {
  return create(MessageSchema, {
    id,
    channelId,
    serverId: extra.serverId ?? "S",
    author: user(author),
    content: "hello",
    createdAt: timestampFromMs(1_700_000_000_000),
    nonce: extra.nonce ?? "",
    mentions: extra.mentions ?? [],
  });
}

const mention = (type: MentionType, id = "") => create(MentionSchema, { type, id });

const created = (m: Message): StreamEvent => ({ case: "messageCreated", value: create(MessageCreatedEventSchema, { message: m }) });

/** Signed in as ME; server S (channels 10, 11, 12; ME holds role R1), server T (channel 20). */
function base(): State {
  const s = emptyState();
  s.me = user(ME);
  s.users[ME] = s.me;
  s.ready = true;
  s.connection = "online";
  for (const [id, name] of [["S", "Alpha"], ["T", "Beta"]]) {
    s.servers[id] = create(ServerSchema, { id, name, ownerId: OTHER, memberCount: 3 });
    s.serverOrder.push(id);
  }
  for (const [id, serverId] of [["10", "S"], ["11", "S"], ["12", "S"], ["20", "T"]]) {
    s.channels[id] = create(ChannelSchema, { id, serverId, type: ChannelType.TEXT, name: `c${id}`, lastMessageId: "100" });
  }
  s.roles.R1 = create(RoleSchema, { id: "R1", serverId: "S", name: "held" });
  s.roles.R2 = create(RoleSchema, { id: "R2", serverId: "S", name: "not-held" });
  s.roles.R3 = create(RoleSchema, { id: "R3", serverId: "T", name: "other-server" });
  s.selfMembers.S = create(MemberSchema, { user: s.me, serverId: "S", roleIds: ["R1"] });
  s.selfMembers.T = create(MemberSchema, { user: s.me, serverId: "T", roleIds: [] });
  s.members.S = { [ME]: s.selfMembers.S, [OTHER]: create(MemberSchema, { user: user(OTHER), serverId: "S" }) };
  s.history["10"] = { messages: [{ msg: message("99", "10", OTHER) }, { msg: message("100", "10", OTHER) }], hasOlder: false, hasNewer: false };
  s.history["20"] = { messages: [{ msg: message("100", "20", OTHER, { serverId: "T" }) }], hasOlder: false, hasNewer: false };
  s.readStates["10"] = create(ReadStateSchema, { channelId: "10", lastReadMessageId: "100", mentionCount: 0, unread: false });
  return s;
}

let s: State;
beforeEach(() => {
  s = base();
});

const ids = (list: ChatMessage[]) => list.map((x) => x.msg.id);

describe("ready", () => {
  it("replaces the whole state with the snapshot, keeping only the connection status", () => {
    const dm = create(ChannelSchema, { id: "50", type: ChannelType.DM, recipients: [user("7")], lastMessageId: "300" });
    const snap = create(ServerSnapshotSchema, {
      server: create(ServerSchema, { id: "U", name: "New" }),
      channels: [create(ChannelSchema, { id: "40", serverId: "U", type: ChannelType.TEXT, name: "general" })],
      roles: [create(RoleSchema, { id: "RU", serverId: "U", name: "@everyone" })],
      selfMember: create(MemberSchema, { user: user(ME), serverId: "U", roleIds: ["RU"] }),
    });
    applyEvent(s, {
      case: "ready",
      value: create(ReadyEventSchema, {
        user: create(UserSchema, { id: ME, username: "renamed" }),
        servers: [snap],
        privateChannels: [dm],
        relationships: [create(RelationshipSchema, { user: user("8") })],
        readStates: [create(ReadStateSchema, { channelId: "40", lastReadMessageId: "5", mentionCount: 2 })],
      }),
    });
    expect(s.ready).toBe(true);
    expect(s.connection).toBe("online");
    expect(s.me?.username).toBe("renamed");
    expect(s.serverOrder).toEqual(["U"]);
    expect(Object.keys(s.servers)).toEqual(["U"]);
    expect(Object.keys(s.channels).sort()).toEqual(["40", "50"]);
    expect(Object.keys(s.roles)).toEqual(["RU"]);
    expect(s.selfMembers.U?.roleIds).toEqual(["RU"]);
    expect(s.selfMembers.S).toBeUndefined();
    expect(s.history).toEqual({});
    expect(s.members).toEqual({});
    expect(Object.keys(s.readStates)).toEqual(["40"]);
    expect(s.readStates["40"].mentionCount).toBe(2);
    expect(s.users["7"]?.username).toBe("user7"); // DM recipient
    expect(s.users["8"]?.username).toBe("user8"); // relationship
    expect(s.relationships["8"]).toBeDefined();
  });
});

describe("messageCreated read state", () => {
  it("a message from someone else marks the channel unread, appends it and moves lastMessageId", () => {
    applyEvent(s, created(message("101", "10", OTHER)));
    expect(s.readStates["10"]).toMatchObject({ unread: true, mentionCount: 0, lastReadMessageId: "100" });
    expect(s.channels["10"].lastMessageId).toBe("101");
    expect(ids(s.history["10"].messages)).toEqual(["99", "100", "101"]);
  });

  it("creates a read state for a channel that had none", () => {
    applyEvent(s, created(message("101", "11", OTHER, { mentions: [mention(MentionType.USER, ME)] })));
    expect(s.readStates["11"]).toMatchObject({ channelId: "11", unread: true, mentionCount: 1, lastReadMessageId: "" });
  });

  it("counts a direct mention of me", () => {
    applyEvent(s, created(message("101", "10", OTHER, { mentions: [mention(MentionType.USER, ME)] })));
    applyEvent(s, created(message("102", "10", OTHER, { mentions: [mention(MentionType.USER, ME)] })));
    expect(s.readStates["10"].mentionCount).toBe(2);
  });

  it("does not count a mention of someone else", () => {
    applyEvent(s, created(message("101", "10", OTHER, { mentions: [mention(MentionType.USER, "3")] })));
    expect(s.readStates["10"]).toMatchObject({ unread: true, mentionCount: 0 });
  });

  it("counts a mention of a role I hold, but not of one I don't", () => {
    applyEvent(s, created(message("101", "10", OTHER, { mentions: [mention(MentionType.ROLE, "R2")] })));
    expect(s.readStates["10"].mentionCount).toBe(0);
    applyEvent(s, created(message("102", "10", OTHER, { mentions: [mention(MentionType.ROLE, "R1")] })));
    expect(s.readStates["10"].mentionCount).toBe(1);
  });

  it("uses my roles in the message's own server", () => {
    // R1 is held in S, not in T.
    applyEvent(s, created(message("101", "20", OTHER, { serverId: "T", mentions: [mention(MentionType.ROLE, "R1")] })));
    expect(s.readStates["20"].mentionCount).toBe(0);
  });

  it("counts @everyone and @here", () => {
    applyEvent(s, created(message("101", "10", OTHER, { mentions: [mention(MentionType.EVERYONE)] })));
    applyEvent(s, created(message("102", "10", OTHER, { mentions: [mention(MentionType.HERE)] })));
    expect(s.readStates["10"].mentionCount).toBe(2);
  });

  it("counts a message once even if it mentions me several ways", () => {
    applyEvent(s, created(message("101", "10", OTHER, { mentions: [mention(MentionType.USER, ME), mention(MentionType.ROLE, "R1"), mention(MentionType.EVERYONE)] })));
    expect(s.readStates["10"].mentionCount).toBe(1);
  });

  it("my own message marks the channel read up to it", () => {
    s.readStates["10"] = create(ReadStateSchema, { channelId: "10", lastReadMessageId: "90", mentionCount: 4, unread: true });
    applyEvent(s, created(message("101", "10", ME)));
    expect(s.readStates["10"]).toMatchObject({ unread: false, mentionCount: 0, lastReadMessageId: "101" });
    expect(s.channels["10"].lastMessageId).toBe("101");
  });

  it("clears the author's typing indicator", () => {
    s.typing["10"] = { [OTHER]: Date.now() + 5_000 };
    applyEvent(s, created(message("101", "10", OTHER)));
    expect(s.typing["10"][OTHER]).toBeUndefined();
  });
});

describe("readStateUpdated", () => {
  it("replaces the channel's read state", () => {
    s.readStates["10"] = create(ReadStateSchema, { channelId: "10", lastReadMessageId: "90", mentionCount: 4, unread: true });
    const rs = create(ReadStateSchema, { channelId: "10", lastReadMessageId: "101", mentionCount: 0, unread: false });
    applyEvent(s, { case: "readStateUpdated", value: create(ReadStateUpdatedEventSchema, { readState: rs }) });
    expect(s.readStates["10"]).toEqual(rs);
  });
});

describe("addMessage", () => {
  it("replaces the optimistic message with the confirmed one of the same nonce", () => {
    const h = s.history["10"];
    h.messages.push({ msg: message("pending-n1", "10", ME, { nonce: "n1" }), pending: "sending" });
    h.messages.push({ msg: message("pending-n2", "10", ME, { nonce: "n2" }), pending: "failed" });
    addMessage(s, message("105", "10", ME, { nonce: "n1" }));
    expect(ids(h.messages)).toEqual(["99", "100", "pending-n2", "105"]);
    expect(h.messages.find((x) => x.msg.id === "105")?.pending).toBeUndefined();
    expect(h.messages.filter((x) => x.msg.nonce === "n1")).toHaveLength(1);
  });

  it("ignores a message it already has (RPC answer and event both deliver it)", () => {
    addMessage(s, message("101", "10", OTHER));
    addMessage(s, message("101", "10", OTHER));
    expect(ids(s.history["10"].messages)).toEqual(["99", "100", "101"]);
  });

  it("keeps id order for a late arrival", () => {
    addMessage(s, message("102", "10", OTHER));
    addMessage(s, message("101", "10", OTHER));
    expect(ids(s.history["10"].messages)).toEqual(["99", "100", "101", "102"]);
  });

  it("does not append past a window that is not at the present, nor to unloaded history", () => {
    s.history["10"].hasNewer = true;
    addMessage(s, message("101", "10", OTHER));
    expect(ids(s.history["10"].messages)).toEqual(["99", "100"]);
    addMessage(s, message("101", "11", OTHER));
    expect(s.history["11"]).toBeUndefined();
  });
});

describe("messageDeleted", () => {
  it("removes the message from history", () => {
    applyEvent(s, { case: "messageDeleted", value: create(MessageDeletedEventSchema, { channelId: "10", messageId: "99", serverId: "S" }) });
    expect(ids(s.history["10"].messages)).toEqual(["100"]);
  });
});

describe("reactions", () => {
  const react = (add: boolean, userId: string, emoji: string, messageId = "100"): StreamEvent =>
    add
      ? { case: "reactionAdded", value: create(ReactionAddedEventSchema, { channelId: "10", messageId, userId, emoji, serverId: "S" }) }
      : { case: "reactionRemoved", value: create(ReactionRemovedEventSchema, { channelId: "10", messageId, userId, emoji, serverId: "S" }) };
  const reactions = () => s.history["10"].messages.find((x) => x.msg.id === "100")!.msg.reactions.map((r) => ({ emoji: r.emoji, count: r.count, me: r.me }));

  it("adds a new reaction and counts further ones", () => {
    applyEvent(s, react(true, OTHER, "👍"));
    expect(reactions()).toEqual([{ emoji: "👍", count: 1, me: false }]);
    applyEvent(s, react(true, "3", "👍"));
    applyEvent(s, react(true, OTHER, "🎉"));
    expect(reactions()).toEqual([
      { emoji: "👍", count: 2, me: false },
      { emoji: "🎉", count: 1, me: false },
    ]);
  });

  it("sets the me flag for my own reaction", () => {
    applyEvent(s, react(true, OTHER, "👍"));
    applyEvent(s, react(true, ME, "👍"));
    expect(reactions()).toEqual([{ emoji: "👍", count: 2, me: true }]);
    applyEvent(s, react(true, ME, "🔥"));
    expect(reactions()[1]).toEqual({ emoji: "🔥", count: 1, me: true });
  });

  it("does not double-count my reaction already applied optimistically", () => {
    s.history["10"].messages[1].msg.reactions.push(create(ReactionSchema, { emoji: "👍", count: 1, me: true }));
    applyEvent(s, react(true, ME, "👍"));
    expect(reactions()).toEqual([{ emoji: "👍", count: 1, me: true }]);
  });

  it("decrements on removal, clears me for mine and drops the reaction at zero", () => {
    s.history["10"].messages[1].msg.reactions.push(create(ReactionSchema, { emoji: "👍", count: 3, me: true }));
    applyEvent(s, react(false, OTHER, "👍"));
    expect(reactions()).toEqual([{ emoji: "👍", count: 2, me: true }]);
    applyEvent(s, react(false, ME, "👍"));
    expect(reactions()).toEqual([{ emoji: "👍", count: 1, me: false }]);
    applyEvent(s, react(false, ME, "👍")); // mine was already removed: nothing to do
    expect(reactions()).toEqual([{ emoji: "👍", count: 1, me: false }]);
    applyEvent(s, react(false, "3", "👍"));
    expect(reactions()).toEqual([]);
  });

  it("ignores reactions on messages not loaded", () => {
    applyEvent(s, react(true, OTHER, "👍", "12345"));
    expect(reactions()).toEqual([]);
  });
});

describe("memberRemoved", () => {
  const removed = (serverId: string, userId: string): StreamEvent => ({ case: "memberRemoved", value: create(MemberRemovedEventSchema, { serverId, userId }) });

  it("of myself removes the server with its channels, history, roles and membership", () => {
    applyEvent(s, removed("S", ME));
    expect(s.servers.S).toBeUndefined();
    expect(s.serverOrder).toEqual(["T"]);
    expect(Object.keys(s.channels)).toEqual(["20"]);
    expect(Object.keys(s.history)).toEqual(["20"]);
    expect(Object.keys(s.roles)).toEqual(["R3"]);
    expect(s.selfMembers.S).toBeUndefined();
    expect(s.members.S).toBeUndefined();
    expect(s.servers.T).toBeDefined();
  });

  it("of someone else only removes the member", () => {
    applyEvent(s, removed("S", OTHER));
    expect(s.servers.S.memberCount).toBe(2);
    expect(Object.keys(s.members.S)).toEqual([ME]);
    expect(Object.keys(s.channels).sort()).toEqual(["10", "11", "12", "20"]);
  });
});

describe("channelDeleted", () => {
  it("removes the channel and its history", () => {
    applyEvent(s, { case: "channelDeleted", value: create(ChannelDeletedEventSchema, { channelId: "10", serverId: "S" }) });
    expect(s.channels["10"]).toBeUndefined();
    expect(s.history["10"]).toBeUndefined();
    expect(Object.keys(s.channels).sort()).toEqual(["11", "12", "20"]);
  });
});

describe("calls", () => {
  const dm = () => create(ChannelSchema, { id: "50", type: ChannelType.DM, recipients: [user(ME), user("7")] });
  const call = (ringing: string[]) => create(CallSchema, { channelId: "50", initiatorId: "7", ringingUserIds: ringing });
  const state = (userId: string) => create(VoiceStateSchema, { userId, channelId: "50" });

  it("ringing adds the call and its channel; updates replace it; the end removes it and who was in it", () => {
    applyEvent(s, { case: "callRinging", value: create(CallRingingEventSchema, { call: call([ME]), channel: dm() }) });
    expect(s.calls["50"].ringingUserIds).toEqual([ME]);
    expect(s.channels["50"].type).toBe(ChannelType.DM);
    expect(s.users["7"]).toBeDefined();

    applyEvent(s, { case: "voiceStateUpdated", value: create(VoiceStateUpdatedEventSchema, { voiceState: state("7") }) });
    applyEvent(s, { case: "callUpdated", value: create(CallUpdatedEventSchema, { call: call([]) }) });
    expect(s.calls["50"].ringingUserIds).toEqual([]);

    applyEvent(s, { case: "callEnded", value: create(CallEndedEventSchema, { channelId: "50" }) });
    expect(s.calls["50"]).toBeUndefined();
    expect(s.voice["7"]).toBeUndefined();
  });

  it("the Ready snapshot carries running calls", () => {
    applyEvent(s, { case: "ready", value: create(ReadyEventSchema, { user: user(ME), privateChannels: [dm()], calls: [call(["7"])], privateVoiceStates: [state(ME)] }) });
    expect(Object.keys(s.calls)).toEqual(["50"]);
    expect(s.voice[ME].channelId).toBe("50");
  });
});
