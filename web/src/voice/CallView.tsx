import { createMemo, For, Show } from "solid-js";
import { Portal } from "solid-js/web";
import { useNavigate } from "@solidjs/router";
import { ChannelType } from "../gen/decentra/v1/channels_pb";
import type { Channel, VoiceState } from "../state/model";
import { state } from "../state/store";
import { Avatar, displayName } from "../ui/Avatar";
import { IconHangUp, IconHeadphonesOff, IconMicOff, IconPhone } from "../ui/icons";
import { acceptCall, declineCall, leaveVoice, speaking, voice } from "./voice";
import { MuteDeafen } from "./VoicePanel";
import "./voice.css";

/** Flags of a voice state as words (for accessible names). */
export function voiceFlags(v: VoiceState): string {
  const parts: string[] = [];
  if (speaking[v.userId]) parts.push("speaking");
  if (v.serverMute) parts.push("server muted");
  else if (v.selfMute) parts.push("muted");
  if (v.serverDeaf) parts.push("server deafened");
  else if (v.selfDeaf) parts.push("deafened");
  return parts.map((p) => `, ${p}`).join("");
}

/** The mute / deafen marks next to a participant. */
export function VoiceFlagIcons(props: { v: VoiceState }) {
  return (
    <>
      <Show when={props.v.selfMute || props.v.serverMute}>
        <span class="voice-flag" classList={{ server: props.v.serverMute }} aria-hidden="true">
          <IconMicOff size={14} />
        </span>
      </Show>
      <Show when={props.v.selfDeaf || props.v.serverDeaf}>
        <span class="voice-flag" classList={{ server: props.v.serverDeaf }} aria-hidden="true">
          <IconHeadphonesOff size={14} />
        </span>
      </Show>
    </>
  );
}

/** The call in a DM / group DM: participants with speaking rings, who is rung, controls. */
export function CallView(props: { channel: Channel }) {
  const id = () => props.channel.id;
  const call = () => state.calls[id()];
  const inCall = createMemo(() => Object.values(state.voice).filter((v) => v.channelId === id()));
  const joined = () => voice.channelId === id() && voice.status !== "idle" && voice.status !== "error";
  const ringing = () => (call()?.ringingUserIds ?? []).filter((u) => !inCall().some((v) => v.userId === u));
  const user = (uid: string) => state.users[uid] ?? props.channel.recipients.find((u) => u.id === uid);
  return (
    <Show when={call() || joined()}>
      <section class="call-view" aria-label="Call">
        {/* One row: narrow screens get smaller avatars, and scroll the row (by keyboard too)
            when even those do not fit. */}
        <ul class="call-people" aria-label="People in the call" tabindex="0">
          <For each={inCall()}>
            {(v) => (
              <li class="call-person" aria-label={`${displayName(user(v.userId))}${voiceFlags(v)}`}>
                <span class="speaking-ring" classList={{ on: !!speaking[v.userId] }}>
                  <Avatar user={user(v.userId)} size="var(--call-avatar)" />
                </span>
                <span class="call-flags">
                  <VoiceFlagIcons v={v} />
                </span>
              </li>
            )}
          </For>
          <For each={ringing()}>
            {(uid) => (
              <li class="call-person ringing" aria-label={`${displayName(user(uid))}, ringing`}>
                <span class="speaking-ring">
                  <Avatar user={user(uid)} size="var(--call-avatar)" />
                </span>
              </li>
            )}
          </For>
        </ul>
        <p class="call-state" role="status">
          {voice.channelId === id() && voice.status === "connecting" ? "Connecting…" : joined() ? (inCall().length < 2 ? "Calling…" : `In call — ${inCall().length} people`) : "A call is in progress"}
        </p>
        <Show when={voice.channelId === id() && voice.status === "error"}>
          <p class="voice-error" role="alert">
            {voice.error}
          </p>
        </Show>
        <div class="call-controls">
          <Show
            when={joined()}
            fallback={
              <button class="round-btn join" aria-label="Join call" title="Join call" onClick={() => void acceptCall(id())}>
                <IconPhone />
              </button>
            }
          >
            <MuteDeafen />
            <button class="round-btn hangup" aria-label="Hang up" title="Hang up" onClick={() => void leaveVoice().catch(() => undefined)}>
              <IconHangUp />
            </button>
          </Show>
        </div>
      </section>
    </Show>
  );
}

/** The ringing modal for calls that ring the signed-in user. */
export function IncomingCalls() {
  const navigate = useNavigate();
  const rung = createMemo(() => {
    const me = state.me?.id ?? "";
    return Object.values(state.calls).filter((c) => c.ringingUserIds.includes(me) && !(voice.channelId === c.channelId && voice.status !== "error" && voice.status !== "idle"));
  });
  return (
    <Show when={rung()[0]}>
      {(c) => {
        const channel = () => state.channels[c().channelId];
        const caller = () => state.users[c().initiatorId] ?? channel()?.recipients.find((u) => u.id === c().initiatorId);
        const title = () => {
          const ch = channel();
          return ch?.name || displayName(caller());
        };
        return (
          <Portal>
            <div class="backdrop ring-backdrop">
              <div class="dialog ring-dialog" role="alertdialog" aria-modal="true" aria-label={`Incoming call from ${title()}`}>
                <span class="speaking-ring on ringing-pulse">
                  <Avatar user={caller()} size={96} />
                </span>
                <h2>{title()}</h2>
                <p class="muted">{channel()?.type === ChannelType.GROUP_DM ? `${displayName(caller())} is calling…` : "Incoming call…"}</p>
                <div class="ring-actions">
                  <button class="round-btn hangup" aria-label="Decline" title="Decline" onClick={() => void declineCall(c().channelId).catch(() => undefined)}>
                    <IconHangUp />
                  </button>
                  <button
                    class="round-btn join"
                    aria-label="Accept"
                    title="Accept"
                    onClick={() => {
                      const id = c().channelId;
                      navigate(`/channels/@me/${id}`);
                      void acceptCall(id);
                    }}
                  >
                    <IconPhone />
                  </button>
                </div>
              </div>
            </div>
          </Portal>
        );
      }}
    </Show>
  );
}
