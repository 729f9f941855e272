import { describe, expect, it } from "vitest";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { MessageSchema, MessageType } from "../gen/decentra/v1/messages_pb";
import { UserSchema } from "../gen/decentra/v1/users_pb";
import type { ChatMessage } from "../state/model";
import { formatStamp, GROUP_GAP_MS, sentAt, startsDay, startsGroup } from "./grouping";

let seq = 100;
function msg(author: string, at: Date | number, extra: { replyToId?: string; type?: MessageType } = {}): ChatMessage {
  return {
    msg: create(MessageSchema, {
      id: String(seq++),
      channelId: "10",
      author: create(UserSchema, { id: author, username: `u${author}` }),
      content: "hi",
      createdAt: timestampFromMs(+at),
      type: extra.type ?? MessageType.DEFAULT,
      replyToId: extra.replyToId ?? "",
    }),
  };
}

const t0 = new Date(2024, 4, 15, 12, 0, 0); // local noon, far from midnight
const plus = (ms: number) => new Date(+t0 + ms);

describe("startsGroup", () => {
  it("starts a group for the first message", () => {
    expect(startsGroup(undefined, msg("1", t0))).toBe(true);
  });

  it("groups the same author within 7 minutes", () => {
    const a = msg("1", t0);
    expect(startsGroup(a, msg("1", plus(60_000)))).toBe(false);
    expect(startsGroup(a, msg("1", plus(GROUP_GAP_MS)))).toBe(false);
  });

  it("starts a group after a gap longer than 7 minutes", () => {
    expect(GROUP_GAP_MS).toBe(7 * 60_000);
    expect(startsGroup(msg("1", t0), msg("1", plus(GROUP_GAP_MS + 1_000)))).toBe(true);
  });

  it("starts a group for a different author", () => {
    expect(startsGroup(msg("1", t0), msg("2", plus(1_000)))).toBe(true);
  });

  it("starts a group on a day change even within 7 minutes", () => {
    const late = msg("1", new Date(2024, 4, 15, 23, 58));
    const early = msg("1", new Date(2024, 4, 16, 0, 2));
    expect(startsGroup(late, early)).toBe(true);
  });

  it("starts a group for a reply", () => {
    const a = msg("1", t0);
    expect(startsGroup(a, msg("1", plus(1_000), { replyToId: a.msg.id }))).toBe(true);
  });

  it("starts a group after the new-messages divider", () => {
    const a = msg("1", t0);
    const b = msg("1", plus(1_000));
    expect(startsGroup(a, b, true)).toBe(true);
    expect(startsGroup(a, b, false)).toBe(false);
  });

  it("starts a group when a system message interrupts", () => {
    expect(startsGroup(msg("1", t0), msg("1", plus(1_000), { type: MessageType.MEMBER_JOIN }))).toBe(true);
  });
});

describe("startsDay", () => {
  it("puts a divider before the first message and on each new calendar day", () => {
    expect(startsDay(undefined, msg("1", t0))).toBe(true);
    expect(startsDay(msg("1", t0), msg("2", plus(3 * 3_600_000)))).toBe(false);
    expect(startsDay(msg("1", new Date(2024, 4, 15, 23, 59)), msg("1", new Date(2024, 4, 16, 0, 0)))).toBe(true);
  });
});

describe("sentAt", () => {
  it("reads the creation time in ms", () => {
    expect(sentAt(msg("1", t0).msg)).toBe(+t0);
  });
});

describe("formatStamp", () => {
  const now = +new Date(2024, 4, 15, 0, 30);

  it("says Today for the same calendar day", () => {
    const s = formatStamp(+new Date(2024, 4, 15, 0, 7), now);
    expect(s).toMatch(/^Today at /);
    expect(s).toContain("07");
  });

  it("says Yesterday for the previous calendar day, even minutes ago", () => {
    const s = formatStamp(+new Date(2024, 4, 14, 23, 50), now);
    expect(s).toMatch(/^Yesterday at /);
    expect(s).toContain("50");
  });

  it("shows the date for older messages", () => {
    const s = formatStamp(+new Date(2023, 1, 3, 9, 41), now);
    expect(s).not.toMatch(/^(Today|Yesterday)/);
    expect(s).toContain("2023");
    expect(s).toContain("41");
    expect(formatStamp(+new Date(2024, 4, 13, 23, 59), now)).not.toMatch(/^(Today|Yesterday)/);
  });
});
