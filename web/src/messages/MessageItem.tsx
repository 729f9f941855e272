import { createEffect, createResource, createSignal, For, Show } from "solid-js";
import { api } from "../api/client";
import { MessageType } from "../gen/decentra/v1/messages_pb";
import { Permission } from "../gen/decentra/v1/permissions_pb";
import type { Attachment } from "../gen/decentra/v1/messages_pb";
import type { Channel, ChatMessage, Message } from "../state/model";
import { loadAround, state } from "../state/store";
import { channelPermissions, has } from "../state/permissions";
import { mentionsMe } from "../state/reducer";
import { Avatar, displayName } from "../ui/Avatar";
import { Confirm } from "../ui/Dialog";
import { IconEdit, IconPin, IconReply, IconSmile, IconTrash } from "../ui/icons";
import { renderMarkdown } from "./markdown";
import { formatFull, formatStamp, formatTime, sentAt } from "./grouping";
import { editing, highlight, setEditing, setHighlight } from "./editing";
import { discard, retry } from "./send";
import { blobUrl, download, formatSize } from "./attachments";
import { EmojiPicker } from "./EmojiPicker";
import { memberColour, nameIn } from "../members/names";
import { UserPopover } from "../members/UserPopover";

const mentionNames = (serverId: string) => ({
  user: (id: string) => nameIn(serverId, id),
  role: (id: string) => state.roles[id],
  me: state.me?.id,
});

/** One message: a group header when `head`, content, attachments, reactions, hover actions. */
export function MessageItem(props: { item: ChatMessage; channel: Channel; head: boolean; onReply: (m: Message) => void }) {
  let el!: HTMLElement;
  const m = () => props.item.msg;
  const mine = () => m().author?.id === state.me?.id;
  const perms = () => channelPermissions(state, props.channel);
  const canManage = () => props.channel.serverId !== "" && has(perms(), Permission.MANAGE_MESSAGES);
  const [picker, setPicker] = createSignal(false);
  const [confirmDelete, setConfirmDelete] = createSignal(false);
  const [profile, setProfile] = createSignal<DOMRect | null>(null);
  const html = () => renderMarkdown(m().content, mentionNames(props.channel.serverId));
  const author = () => (m().author ? nameIn(props.channel.serverId, m().author!.id) ?? displayName(m().author) : "Unknown");
  const pending = () => props.item.pending;

  createEffect(() => {
    if (highlight() === m().id) {
      el.scrollIntoView({ block: "center" });
      setTimeout(() => setHighlight(null), 1500);
    }
  });

  const toggleReaction = (emoji: string, me: boolean) => {
    const req = { channelId: m().channelId, messageId: m().id, emoji };
    void (me ? api.messages.removeReaction(req) : api.messages.addReaction(req)).catch(() => undefined);
  };

  const jumpToReply = async () => {
    if (!m().replyToId) return;
    await loadAround(m().channelId, m().replyToId);
    setHighlight(m().replyToId);
  };

  return (
    <article
      ref={el}
      class="message"
      classList={{ head: props.head, pending: pending() === "sending", failed: pending() === "failed", mentioned: mentionsMe(state, m()), flash: highlight() === m().id }}
      aria-label={`${author()}, ${formatStamp(sentAt(m()))}`}
      data-message-id={m().id}
    >
      <Show when={m().replyToId}>
        <button class="reply-preview" onClick={jumpToReply}>
          <span class="reply-spine" aria-hidden="true" />
          <span class="sr-only">Jump to replied message: </span>
          <Show when={m().replyTo} fallback={<em class="muted">Original message was deleted</em>}>
            {(r) => (
              <>
                <Avatar user={r().author} size={16} />
                <strong>{displayName(r().author)}</strong>
                <Show when={r().content} fallback={<span class="reply-text">Click to see attachment</span>}>
                  <span class="reply-text markdown" innerHTML={renderMarkdown(r().content, mentionNames(props.channel.serverId))} />
                </Show>
              </>
            )}
          </Show>
        </button>
      </Show>
      <Show when={props.head} fallback={<time class="gutter-time" datetime={new Date(sentAt(m())).toISOString()} title={formatFull(sentAt(m()))}>{formatTime(sentAt(m()))}</time>}>
        <button class="avatar-btn" aria-label={`Profile of ${author()}`} onClick={(e) => setProfile(e.currentTarget.getBoundingClientRect())}>
          <Avatar user={m().author} size={40} />
        </button>
        <h3 class="msg-head">
          <button class="author" style={{ color: memberColour(props.channel.serverId, m().author?.id ?? "") }} onClick={(e) => setProfile(e.currentTarget.getBoundingClientRect())}>
            {author()}
          </button>
          <Show when={m().author?.isBot}>
            <span class="bot-tag">BOT</span>
          </Show>
          <time datetime={new Date(sentAt(m())).toISOString()} title={formatFull(sentAt(m()))}>
            {formatStamp(sentAt(m()))}
          </time>
        </h3>
      </Show>
      <Show
        when={editing() === m().id}
        fallback={
          <div class="msg-body">
            <Show when={m().type === MessageType.DEFAULT || m().type === MessageType.UNSPECIFIED} fallback={<SystemText message={m()} />}>
              {/* eslint-disable-next-line solid/no-innerhtml -- sanitised by renderMarkdown */}
              <div class="markdown" innerHTML={html()} />
            </Show>
            <Show when={m().editedAt}>
              <span class="edited" title={formatFull(sentAt(m()))}>
                (edited)
              </span>
            </Show>
          </div>
        }
      >
        <EditBox message={m()} />
      </Show>
      <Show when={m().attachments.length > 0}>
        <div class="attachments">
          <For each={m().attachments}>{(a) => <AttachmentView attachment={a} />}</For>
        </div>
      </Show>
      <Show when={m().reactions.length > 0}>
        <div class="reactions" role="group" aria-label="Reactions">
          <For each={m().reactions}>
            {(r) => (
              <button class="reaction" aria-pressed={r.me} aria-label={`${r.emoji} ${r.count} reaction${r.count === 1 ? "" : "s"}${r.me ? ", including you" : ""}`} onClick={() => toggleReaction(r.emoji, r.me)}>
                <span aria-hidden="true">{r.emoji}</span> <span aria-hidden="true">{r.count}</span>
              </button>
            )}
          </For>
        </div>
      </Show>
      <Show when={pending() === "failed"}>
        <div class="send-failed" role="alert">
          Message failed to send.{" "}
          <button class="btn link" onClick={() => retry(m().nonce)}>
            Retry
          </button>{" "}
          <button class="btn link" onClick={() => discard(m().channelId, m().nonce)}>
            Discard
          </button>
        </div>
      </Show>
      <Show when={!pending()}>
        <div class="msg-actions" role="toolbar" aria-label="Message actions">
          <button class="icon-btn" aria-label="Add reaction" onClick={() => setPicker((v) => !v)}>
            <IconSmile size={18} />
          </button>
          <button class="icon-btn" aria-label="Reply" onClick={() => props.onReply(m())}>
            <IconReply size={18} />
          </button>
          <Show when={mine()}>
            <button class="icon-btn" aria-label="Edit message" onClick={() => setEditing(m().id)}>
              <IconEdit size={18} />
            </button>
          </Show>
          <Show when={canManage() || !props.channel.serverId}>
            <button class="icon-btn" aria-label={m().pinned ? "Unpin message" : "Pin message"} onClick={() => void (m().pinned ? api.messages.unpinMessage : api.messages.pinMessage)({ channelId: m().channelId, messageId: m().id }).catch(() => undefined)}>
              <IconPin size={18} />
            </button>
          </Show>
          <Show when={mine() || canManage()}>
            <button class="icon-btn danger" aria-label="Delete message" onClick={() => setConfirmDelete(true)}>
              <IconTrash size={18} />
            </button>
          </Show>
        </div>
      </Show>
      <Show when={picker()}>
        <EmojiPicker onPick={(e) => (setPicker(false), toggleReaction(e, m().reactions.some((r) => r.emoji === e && r.me)))} onClose={() => setPicker(false)} />
      </Show>
      <Show when={confirmDelete()}>
        <Confirm
          title="Delete message"
          body="Are you sure you want to delete this message? This cannot be undone."
          action="Delete"
          onClose={() => setConfirmDelete(false)}
          onConfirm={() => void api.messages.deleteMessage({ channelId: m().channelId, messageId: m().id }).catch(() => undefined)}
        />
      </Show>
      <Show when={profile() && m().author}>
        <UserPopover userId={m().author!.id} serverId={props.channel.serverId} anchor={profile()!} onClose={() => setProfile(null)} />
      </Show>
    </article>
  );
}

function SystemText(props: { message: Message }) {
  const who = () => displayName(props.message.author);
  const text = () => {
    switch (props.message.type) {
      case MessageType.MEMBER_JOIN:
        return `${who()} joined the server.`;
      case MessageType.PINNED_MESSAGE:
        return `${who()} pinned a message to this channel.`;
      default:
        return props.message.content;
    }
  };
  return <div class="system-text muted">{text()}</div>;
}

function EditBox(props: { message: Message }) {
  const [text, setText] = createSignal(props.message.content);
  const [error, setError] = createSignal("");
  const save = async () => {
    const content = text().trim();
    if (content === props.message.content) return setEditing(null);
    try {
      await api.messages.editMessage({ channelId: props.message.channelId, messageId: props.message.id, content });
      setEditing(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <div class="edit-box">
      <textarea
        aria-label="Edit message"
        value={text()}
        ref={(el) => queueMicrotask(() => (el.focus(), el.setSelectionRange(el.value.length, el.value.length)))}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.stopPropagation();
            setEditing(null);
          } else if (e.key === "Enter" && !e.shiftKey) {
            e.preventDefault();
            void save();
          }
        }}
      />
      <div class="faint">
        escape to <button class="btn link" onClick={() => setEditing(null)}>cancel</button> • enter to <button class="btn link" onClick={() => void save()}>save</button>
      </div>
      <Show when={error()}>
        <p class="error-text" role="alert">{error()}</p>
      </Show>
    </div>
  );
}

function AttachmentView(props: { attachment: Attachment }) {
  const a = () => props.attachment;
  const image = () => a().contentType.startsWith("image/");
  const [src] = createResource(() => (image() ? a().url : false), blobUrl);
  return (
    <Show
      when={image()}
      fallback={
        <div class="file-card">
          <span class="file-icon" aria-hidden="true">📄</span>
          <div class="grow">
            <button class="btn link" onClick={() => void download(a().url, a().filename)} aria-label={`Download ${a().filename}`}>
              {a().filename}
            </button>
            <div class="faint">{formatSize(Number(a().size))}</div>
          </div>
        </div>
      }
    >
      <div class="image-attachment" style={a().width && a().height ? { "aspect-ratio": `${a().width} / ${a().height}`, width: `${Math.min(a().width, 400)}px` } : undefined}>
        <Show when={src()} fallback={<div class="image-placeholder" role="status" aria-label={`Loading ${a().filename}`} />}>
          <img src={src()} alt={a().filename} onClick={() => void download(a().url, a().filename)} />
        </Show>
      </div>
    </Show>
  );
}
