import { createMemo, createSignal, For, Show } from "solid-js";
import { api } from "../api/client";
import { describeError } from "../api/errors";
import type { Attachment } from "../gen/decentra/v1/messages_pb";
import type { Channel, Message } from "../state/model";
import { state } from "../state/store";
import { askNotificationPermission } from "../state/notify";
import { displayName } from "../ui/Avatar";
import { IconClose, IconPlus } from "../ui/icons";
import { channelTitle } from "./ChannelView";
import { setEditing } from "./editing";
import { sendMessage } from "./send";
import { formatSize } from "./attachments";
import { mentionCandidates, type MentionCandidate } from "./mentions";

const TYPING_EVERY_MS = 8_000;
const MAX_FILES = 10;

interface Upload {
  key: number;
  name: string;
  size: number;
  status: "uploading" | "done" | "failed";
  attachment?: Attachment;
  error?: string;
}

/** The message box: Enter sends, Shift+Enter breaks the line, Up edits your last message,
 * files by button, drag-and-drop or paste, `@` autocompletes members. */
export function Composer(props: { channel: Channel; canSend: boolean; replyTo: Message | null; onCancelReply: () => void }) {
  let input!: HTMLTextAreaElement;
  let fileInput!: HTMLInputElement;
  const [text, setText] = createSignal("");
  const [uploads, setUploads] = createSignal<Upload[]>([]);
  const [dragging, setDragging] = createSignal(false);
  const [error, setError] = createSignal("");
  const [caret, setCaret] = createSignal(0);
  const [pick, setPick] = createSignal(0);
  let lastTyping = 0;
  let uploadKey = 0;

  const query = createMemo(() => {
    const before = text().slice(0, caret());
    const m = /(^|\s)@([\w.-]{0,32})$/.exec(before);
    return m ? m[2] : null;
  });
  const candidates = createMemo<MentionCandidate[]>(() => (query() === null ? [] : mentionCandidates(props.channel, query()!)));

  function complete(c: MentionCandidate) {
    const before = text().slice(0, caret()).replace(/@([\w.-]{0,32})$/, `${c.insert} `);
    const after = text().slice(caret());
    setText(before + after);
    input.value = before + after;
    input.setSelectionRange(before.length, before.length);
    setCaret(before.length);
    input.focus();
  }

  function typing() {
    const now = Date.now();
    if (now - lastTyping < TYPING_EVERY_MS) return;
    lastTyping = now;
    void api.messages.triggerTyping({ channelId: props.channel.id }).catch(() => undefined);
  }

  function submit() {
    const content = text().trim();
    const ready = uploads().filter((u) => u.status === "done" && u.attachment);
    if (uploads().some((u) => u.status === "uploading")) return;
    if (!content && ready.length === 0) return;
    askNotificationPermission();
    sendMessage({
      channelId: props.channel.id,
      content,
      replyToId: props.replyTo?.id,
      attachmentIds: ready.map((u) => u.attachment!.id),
    });
    setText("");
    input.value = "";
    setUploads([]);
    lastTyping = 0;
    props.onCancelReply();
    autosize();
  }

  function editLast() {
    const own = [...(state.history[props.channel.id]?.messages ?? [])].reverse().find((m) => !m.pending && m.msg.author?.id === state.me?.id);
    if (own) setEditing(own.msg.id);
  }

  async function addFiles(files: FileList | File[]) {
    setError("");
    const room = Math.max(0, MAX_FILES - uploads().length);
    if (files.length > room) setError(`You can attach up to ${MAX_FILES} files to a message.`);
    const list = [...files].slice(0, room);
    for (const file of list) {
      const key = ++uploadKey;
      setUploads((u) => [...u, { key, name: file.name || "pasted-image.png", size: file.size, status: "uploading" }]);
      try {
        const data = new Uint8Array(await file.arrayBuffer());
        const res = await api.messages.uploadAttachment({ channelId: props.channel.id, filename: file.name || "pasted-image.png", contentType: file.type, data });
        setUploads((u) => u.map((x) => (x.key === key ? { ...x, status: "done", attachment: res.attachment } : x)));
      } catch (err) {
        setUploads((u) => u.map((x) => (x.key === key ? { ...x, status: "failed", error: describeError(err) } : x)));
      }
    }
  }

  function autosize() {
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight, 300)}px`;
  }

  const placeholder = () => (props.canSend ? `Message ${props.channel.serverId ? "#" : "@"}${channelTitle(props.channel)}` : "You do not have permission to send messages in this channel.");

  return (
    <div
      class="composer-wrap"
      classList={{ dragging: dragging() }}
      onDragOver={(e) => {
        if (!props.canSend || !e.dataTransfer?.types.includes("Files")) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        setDragging(false);
        if (!props.canSend || !e.dataTransfer?.files.length) return;
        e.preventDefault();
        void addFiles(e.dataTransfer.files);
      }}
    >
      <Show when={candidates().length > 0}>
        <ul class="autocomplete" role="listbox" aria-label="Members matching">
          <For each={candidates()}>
            {(c, i) => (
              <li role="option" aria-selected={i() === pick()} classList={{ selected: i() === pick() }} onMouseDown={(e) => (e.preventDefault(), complete(c))}>
                <strong>{c.label}</strong> <span class="faint">{c.detail}</span>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={props.replyTo}>
        {(r) => (
          <div class="reply-bar">
            <span>
              Replying to <strong>{displayName(r().author)}</strong>
            </span>
            <button class="icon-btn" aria-label="Cancel reply" onClick={props.onCancelReply}>
              <IconClose size={16} />
            </button>
          </div>
        )}
      </Show>
      <Show when={uploads().length > 0}>
        <ul class="upload-list" aria-label="Attachments to send">
          <For each={uploads()}>
            {(u) => (
              <li classList={{ failed: u.status === "failed" }}>
                <span class="grow">{u.name}</span>
                <span class="faint">{u.status === "uploading" ? "Uploading…" : u.status === "failed" ? u.error : formatSize(u.size)}</span>
                <button class="icon-btn" aria-label={`Remove ${u.name}`} onClick={() => setUploads((l) => l.filter((x) => x.key !== u.key))}>
                  <IconClose size={14} />
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <div class="composer" classList={{ disabled: !props.canSend }}>
        <button class="icon-btn upload" aria-label="Upload a file" disabled={!props.canSend} onClick={() => fileInput.click()}>
          <IconPlus />
        </button>
        <input ref={fileInput} type="file" multiple hidden aria-label="Files to upload" onChange={(e) => (e.currentTarget.files && void addFiles(e.currentTarget.files), (e.currentTarget.value = ""))} />
        <textarea
          ref={input}
          rows={1}
          aria-label={placeholder()}
          placeholder={placeholder()}
          disabled={!props.canSend}
          value={text()}
          onInput={(e) => {
            setText(e.currentTarget.value);
            setCaret(e.currentTarget.selectionStart);
            setPick(0);
            autosize();
            if (e.currentTarget.value) typing();
          }}
          onClick={(e) => setCaret(e.currentTarget.selectionStart)}
          onPaste={(e) => {
            const files = e.clipboardData?.files;
            if (files && files.length > 0) {
              e.preventDefault();
              void addFiles(files);
            }
          }}
          onKeyDown={(e) => {
            const list = candidates();
            if (list.length > 0 && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
              e.preventDefault();
              setPick((p) => (p + (e.key === "ArrowDown" ? 1 : -1) + list.length) % list.length);
            } else if (list.length > 0 && (e.key === "Enter" || e.key === "Tab")) {
              e.preventDefault();
              complete(list[pick()] ?? list[0]);
            } else if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              submit();
            } else if (e.key === "ArrowUp" && !text()) {
              e.preventDefault();
              editLast();
            } else if (e.key === "Escape" && props.replyTo) {
              props.onCancelReply();
            }
          }}
        />
      </div>
      <Show when={error()}>
        <p class="error-text" role="alert">{error()}</p>
      </Show>
    </div>
  );
}
