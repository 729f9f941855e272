import { describe, expect, it } from "vitest";
import { create } from "@bufbuild/protobuf";
import { ChannelSchema, ChannelType } from "../gen/decentra/v1/channels_pb";
import { ReadStateSchema } from "../gen/decentra/v1/messages_pb";
import { emptyState, type Channel, type State } from "./model";
import { firstUnreadId, isUnread, mentionCount, serverBadge, totalBadge } from "./unread";
import { compareIds } from "./ids";

function channel(id: string, serverId: string, lastMessageId: string, type = ChannelType.TEXT): Channel {
  return create(ChannelSchema, { id, serverId, type, name: `c${id}`, lastMessageId });
}

function stateWith(channels: Channel[], reads: Array<[string, string, number, boolean?]> = []): State {
  const s = emptyState();
  for (const c of channels) s.channels[c.id] = c;
  for (const [channelId, lastReadMessageId, mentionCount, unread] of reads) {
    s.readStates[channelId] = create(ReadStateSchema, { channelId, lastReadMessageId, mentionCount, unread: unread ?? false });
  }
  return s;
}

describe("compareIds", () => {
  it("orders decimal ids numerically, not lexically", () => {
    expect(compareIds("100", "99")).toBeGreaterThan(0);
    expect(compareIds("99", "100")).toBeLessThan(0);
    expect(compareIds("123", "123")).toBe(0);
    expect(compareIds("124", "123")).toBeGreaterThan(0);
  });
});

describe("isUnread", () => {
  it("is unread when the newest message is past the read marker (numeric order)", () => {
    const c = channel("1", "s", "100");
    expect(isUnread(stateWith([c], [["1", "99", 0]]), c)).toBe(true);
    expect(isUnread(stateWith([c], [["1", "100", 0]]), c)).toBe(false);
    expect(isUnread(stateWith([c], [["1", "101", 0]]), c)).toBe(false);
  });

  it("trusts the server's unread flag", () => {
    const c = channel("1", "s", "100");
    expect(isUnread(stateWith([c], [["1", "100", 0, true]]), c)).toBe(true);
  });

  it("treats a never-read channel as unread only if it has messages", () => {
    expect(isUnread(stateWith([]), channel("1", "s", "5"))).toBe(true);
    expect(isUnread(stateWith([]), channel("1", "s", ""))).toBe(false);
  });

  it("never marks categories or voice channels unread", () => {
    for (const type of [ChannelType.CATEGORY, ChannelType.VOICE]) {
      const c = channel("1", "s", "100", type);
      expect(isUnread(stateWith([c], [["1", "1", 0, true]]), c)).toBe(false);
    }
  });
});

describe("serverBadge", () => {
  const s = stateWith(
    [channel("1", "A", "50"), channel("2", "A", "60"), channel("3", "B", "70"), channel("4", "A", "0", ChannelType.CATEGORY)],
    [
      ["1", "50", 0],
      ["2", "55", 2],
      ["3", "60", 5],
    ],
  );

  it("sums mentions and ORs unread over the server's channels only", () => {
    expect(serverBadge(s, "A")).toEqual({ unread: true, mentions: 2 });
    expect(serverBadge(s, "B")).toEqual({ unread: true, mentions: 5 });
    expect(serverBadge(s, "C")).toEqual({ unread: false, mentions: 0 });
  });

  it("is read when every channel is read", () => {
    const read = stateWith([channel("1", "A", "50"), channel("2", "A", "60")], [["1", "50", 0], ["2", "60", 0]]);
    expect(serverBadge(read, "A")).toEqual({ unread: false, mentions: 0 });
  });

  it("mentionCount reads the read state, 0 without one", () => {
    expect(mentionCount(s, "3")).toBe(5);
    expect(mentionCount(s, "nope")).toBe(0);
  });
});

describe("totalBadge", () => {
  it("counts server mentions plus unread DMs (mentions or 1)", () => {
    const s = stateWith(
      [
        channel("1", "A", "50"), // unread, no mentions: not counted
        channel("2", "A", "60"), // 3 mentions
        channel("10", "", "90", ChannelType.DM), // unread DM: 1
        channel("11", "", "91", ChannelType.GROUP_DM), // 2 mentions: 2
        channel("12", "", "92", ChannelType.DM), // read DM: 0
      ],
      [
        ["1", "40", 0],
        ["2", "50", 3],
        ["10", "80", 0],
        ["11", "80", 2],
        ["12", "92", 0],
      ],
    );
    expect(totalBadge(s)).toBe(3 + 1 + 2);
  });

  it("is zero when everything is read", () => {
    expect(totalBadge(stateWith([channel("1", "A", "5"), channel("2", "", "6", ChannelType.DM)], [["1", "5", 0], ["2", "6", 0]]))).toBe(0);
  });
});

describe("firstUnreadId", () => {
  it("returns the first id past the read marker", () => {
    expect(firstUnreadId(["97", "98", "99", "100", "101"], "99")).toBe("100");
    expect(firstUnreadId(["5", "6"], "4")).toBe("5");
  });

  it("returns null when nothing is past the marker or nothing was ever read", () => {
    expect(firstUnreadId(["97", "98", "99"], "99")).toBeNull();
    expect(firstUnreadId([], "5")).toBeNull();
    expect(firstUnreadId(["1", "2"], "")).toBeNull();
  });
});
