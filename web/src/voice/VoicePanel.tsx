import { createSignal, For, onCleanup, onMount, Show } from "solid-js";
import { Permission } from "../gen/decentra/v1/permissions_pb";
import { state } from "../state/store";
import { channelPermissions, has } from "../state/permissions";
import { displayName } from "../ui/Avatar";
import { IconHangUp, IconHeadphones, IconHeadphonesOff, IconMic, IconMicOff, IconSignal, IconSliders } from "../ui/icons";
import { devices, dismissVoiceError, joinVoice, leaveVoice, refreshDevices, setSetting, settings, toggleDeafen, toggleMute, usingPtt, voice } from "./voice";
import "./voice.css";

/** Where the voice connection goes, as the panel names it. */
function where(channelId: string): { title: string; sub: string } {
  const c = state.channels[channelId];
  if (!c) return { title: "Voice", sub: "" };
  if (c.serverId) return { title: c.name, sub: state.servers[c.serverId]?.name ?? "" };
  const others = c.recipients.filter((u) => u.id !== state.me?.id);
  return { title: c.name || others.map(displayName).join(", ") || "Call", sub: "Call" };
}

/** Mute and deafen toggles for the signed-in user's voice state. */
export function MuteDeafen() {
  const mine = () => state.voice[state.me?.id ?? ""];
  const muted = () => !!mine()?.selfMute || !!mine()?.serverMute;
  const deaf = () => !!mine()?.selfDeaf || !!mine()?.serverDeaf;
  return (
    <>
      <button class="icon-btn" classList={{ "voice-off": muted() }} aria-label="Mute" aria-pressed={muted()} title={mine()?.serverMute ? "Server muted" : muted() ? "Unmute" : "Mute"} disabled={!mine() || mine()!.serverMute} onClick={() => void toggleMute().catch(() => undefined)}>
        {muted() ? <IconMicOff /> : <IconMic />}
      </button>
      <button class="icon-btn" classList={{ "voice-off": deaf() }} aria-label="Deafen" aria-pressed={deaf()} title={mine()?.serverDeaf ? "Server deafened" : deaf() ? "Undeafen" : "Deafen"} disabled={!mine() || mine()!.serverDeaf} onClick={() => void toggleDeafen().catch(() => undefined)}>
        {deaf() ? <IconHeadphonesOff /> : <IconHeadphones />}
      </button>
    </>
  );
}

/** Bottom of the sidebar while in voice: status, where, mute, deafen, settings, disconnect. */
export function VoicePanel() {
  const [open, setOpen] = createSignal(false);
  const place = () => where(voice.channelId);
  return (
    <Show when={voice.status !== "idle"}>
      <section class="voice-panel" aria-label="Voice connection">
        <div class="voice-status-row">
          <div class="voice-status" classList={{ [voice.status]: true }} role="status">
            <IconSignal size={16} />
            <strong>{voice.status === "connected" ? "Voice Connected" : voice.status === "connecting" ? "Connecting…" : "Couldn't Connect"}</strong>
          </div>
          <Show when={voice.status !== "error"}>
            <button class="icon-btn" aria-label="Disconnect" title="Disconnect" onClick={() => void leaveVoice().catch(() => undefined)}>
              <IconHangUp />
            </button>
          </Show>
        </div>
        <Show when={voice.status === "error"}>
          <p class="voice-error" role="alert">
            {voice.error}
          </p>
          <div class="voice-error-actions">
            <Show when={state.channels[voice.channelId]?.serverId}>
              <button class="btn link small" onClick={() => void joinVoice(voice.channelId)}>
                Try again
              </button>
            </Show>
            <button class="btn link small" onClick={dismissVoiceError}>
              Dismiss
            </button>
          </div>
        </Show>
        <Show when={voice.status !== "error"}>
          <div class="voice-where">
            {place().title}
            <Show when={place().sub}> / {place().sub}</Show>
          </div>
          <div class="voice-controls">
            <MuteDeafen />
            <button class="icon-btn" aria-label="Voice settings" title="Voice settings" aria-haspopup="dialog" aria-expanded={open()} onClick={() => (void refreshDevices(), setOpen((v) => !v))}>
              {/* Not a gear: the user settings gear sits just below. */}
              <IconSliders />
            </button>
            <Show when={usingPtt()}>
              <span class="faint ptt-hint">Push to talk: {keyName(settings.pttKey)}</span>
            </Show>
          </div>
        </Show>
        <Show when={open()}>
          <VoiceSettings onClose={() => setOpen(false)} />
        </Show>
      </section>
    </Show>
  );
}

function keyName(code: string): string {
  if (code === "Backquote") return "`";
  if (code === "Space") return "Space";
  return code.replace(/^Key|^Digit/, "");
}

/** Devices, input volume, voice activity or push to talk. */
function VoiceSettings(props: { onClose: () => void }) {
  let box!: HTMLDivElement;
  const [recording, setRecording] = createSignal(false);
  const inputs = () => devices().filter((d) => d.kind === "audioinput");
  const outputs = () => devices().filter((d) => d.kind === "audiooutput");
  const channel = () => state.channels[voice.channelId];
  const vadAllowed = () => !voice.pushToTalkOnly && (!channel()?.serverId || has(channelPermissions(state, channel()!), Permission.USE_VOICE_ACTIVITY));
  const onKey = (e: KeyboardEvent) => {
    if (recording()) {
      e.preventDefault();
      e.stopPropagation();
      if (e.key !== "Escape") setSetting("pttKey", e.code);
      setRecording(false);
    } else if (e.key === "Escape") {
      e.stopPropagation();
      props.onClose();
    }
  };
  const onDown = (e: MouseEvent) => !box.contains(e.target as Node) && props.onClose();
  onMount(() => {
    document.addEventListener("keydown", onKey, true);
    setTimeout(() => document.addEventListener("mousedown", onDown));
    box.focus();
  });
  onCleanup(() => {
    document.removeEventListener("keydown", onKey, true);
    document.removeEventListener("mousedown", onDown);
  });
  return (
    <div ref={box} class="popover voice-settings" role="dialog" aria-label="Voice settings" tabIndex={-1}>
      <label class="label" for="voice-input">
        Input device
      </label>
      <select id="voice-input" value={settings.inputId} onChange={(e) => setSetting("inputId", e.currentTarget.value)}>
        <option value="">Default</option>
        <For each={inputs().filter((d) => d.deviceId && d.deviceId !== "default")}>{(d, i) => <option value={d.deviceId}>{d.label || `Microphone ${i() + 1}`}</option>}</For>
      </select>
      <label class="label" for="voice-output">
        Output device
      </label>
      <select id="voice-output" value={settings.outputId} onChange={(e) => setSetting("outputId", e.currentTarget.value)}>
        <option value="">Default</option>
        <For each={outputs().filter((d) => d.deviceId && d.deviceId !== "default")}>{(d, i) => <option value={d.deviceId}>{d.label || `Speaker ${i() + 1}`}</option>}</For>
      </select>
      <label class="label" for="voice-volume">
        Input volume — {settings.inputVolume}%
      </label>
      <input id="voice-volume" type="range" min="0" max="200" step="5" value={settings.inputVolume} onInput={(e) => setSetting("inputVolume", Number(e.currentTarget.value))} />
      <fieldset class="voice-mode">
        <legend class="label">Input mode</legend>
        <label classList={{ disabled: !vadAllowed() }}>
          <input type="radio" name="voice-mode" checked={!usingPtt()} disabled={!vadAllowed()} onChange={() => setSetting("mode", "vad")} />
          Voice activity
        </label>
        <label>
          <input type="radio" name="voice-mode" checked={usingPtt()} onChange={() => setSetting("mode", "ptt")} />
          Push to talk
        </label>
        <Show when={!vadAllowed()}>
          <p class="faint">This channel requires push to talk.</p>
        </Show>
      </fieldset>
      <button class="btn secondary small" aria-label={recording() ? "Press the push-to-talk key" : `Push-to-talk key: ${keyName(settings.pttKey)}`} onClick={() => setRecording(true)}>
        {recording() ? "Press a key…" : `Push-to-talk key: ${keyName(settings.pttKey)}`}
      </button>
    </div>
  );
}
