// Consecutive messages by the same author within a few minutes share one header, as in Discord.
import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { ChatMessage, Message } from "../state/model";

/** Messages further apart than this start a new group. */
export const GROUP_GAP_MS = 7 * 60_000;

export function sentAt(m: Message): number {
  return m.createdAt ? timestampMs(m.createdAt) : Date.now();
}

/** Whether `cur` starts a new group after `prev` (a header with avatar and name is shown). */
export function startsGroup(prev: ChatMessage | undefined, cur: ChatMessage, dividerBefore = false): boolean {
  if (!prev || dividerBefore) return true;
  const a = prev.msg;
  const b = cur.msg;
  if (b.replyToId) return true;
  if (a.author?.id !== b.author?.id) return true;
  if (a.type !== b.type) return true;
  if (sentAt(b) - sentAt(a) > GROUP_GAP_MS) return true;
  return new Date(sentAt(a)).toDateString() !== new Date(sentAt(b)).toDateString();
}

/** A day divider goes before `cur` when it is the first message of a calendar day. */
export function startsDay(prev: ChatMessage | undefined, cur: ChatMessage): boolean {
  return !prev || new Date(sentAt(prev.msg)).toDateString() !== new Date(sentAt(cur.msg)).toDateString();
}

const time = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
const day = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "long", day: "numeric" });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "short" });

/** "Today at 14:03", "Yesterday at 09:12", or a date with time. */
export function formatStamp(ms: number, now = Date.now()): string {
  const d = new Date(ms);
  const today = new Date(now);
  const yesterday = new Date(now - 86_400_000);
  if (d.toDateString() === today.toDateString()) return `Today at ${time.format(d)}`;
  if (d.toDateString() === yesterday.toDateString()) return `Yesterday at ${time.format(d)}`;
  return `${day.format(d)} ${time.format(d)}`;
}
export const formatTime = (ms: number) => time.format(new Date(ms));
export const formatDay = (ms: number) => day.format(new Date(ms));
export const formatFull = (ms: number) => full.format(new Date(ms));
