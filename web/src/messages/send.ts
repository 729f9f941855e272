// Sending with an optimistic copy: the message shows at once (greyed), the server's answer or
// its message_created event (matched by nonce) replaces it; a failure offers a retry.
import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { api } from "../api/client";
import { MessageSchema, MessageType } from "../gen/decentra/v1/messages_pb";
import { confirmMessage, mutate, state } from "../state/store";
import { newNonce } from "../state/ids";

export interface Draft {
  channelId: string;
  content: string;
  replyToId?: string;
  attachmentIds?: string[];
  mentionReplyAuthor?: boolean;
}

/** Drafts not yet confirmed, by nonce, so a retry resends exactly what was typed. */
const unconfirmed = new Map<string, Draft>();

export function sendMessage(d: Draft): void {
  const nonce = newNonce();
  unconfirmed.set(nonce, d);
  const ch = state.channels[d.channelId];
  const optimistic = create(MessageSchema, {
    id: `pending-${nonce}`,
    channelId: d.channelId,
    serverId: ch?.serverId ?? "",
    author: state.me ?? undefined,
    content: d.content,
    nonce,
    replyToId: d.replyToId ?? "",
    createdAt: timestampNow(),
    type: MessageType.DEFAULT,
  });
  mutate((s) => {
    const h = s.history[d.channelId];
    if (h && !h.hasNewer) h.messages.push({ msg: optimistic, pending: "sending" });
  });
  void deliver(d, nonce);
}

async function deliver(d: Draft, nonce: string): Promise<void> {
  setPending(d.channelId, nonce, "sending");
  try {
    const res = await api.messages.sendMessage({
      channelId: d.channelId,
      content: d.content,
      nonce,
      replyToId: d.replyToId ?? "",
      attachmentIds: d.attachmentIds ?? [],
      mentionReplyAuthor: d.mentionReplyAuthor ?? false,
    });
    unconfirmed.delete(nonce);
    if (res.message) confirmMessage(res.message);
  } catch {
    setPending(d.channelId, nonce, "failed");
  }
}

/** Sends a failed message again with the same nonce, so the server never stores it twice. */
export function retry(nonce: string): void {
  const d = unconfirmed.get(nonce);
  if (d) void deliver(d, nonce);
}

export function discard(channelId: string, nonce: string): void {
  unconfirmed.delete(nonce);
  mutate((s) => {
    const h = s.history[channelId];
    if (h) h.messages = h.messages.filter((x) => !(x.pending && x.msg.nonce === nonce));
  });
}

function setPending(channelId: string, nonce: string, to: "sending" | "failed") {
  mutate((s) => {
    const m = s.history[channelId]?.messages.find((x) => x.pending && x.msg.nonce === nonce);
    if (m) m.pending = to;
  });
}
