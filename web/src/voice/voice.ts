// Voice in the client: what the UI shows (connection, who is speaking, settings) and the
// actions (join, call, mute, leave). The WebRTC engine itself (`engine.ts`) is loaded on the
// first join, outside the first-load bundle.
import { createSignal } from "solid-js";
import { createStore } from "solid-js/store";
import { ConnectError } from "@connectrpc/connect";
import { api } from "../api/client";
import { mutate, state } from "../state/store";
import type { IceServer, VoiceState } from "../gen/decentra/v1/voice_pb";
import type { Engine } from "./engine";

export type VoiceStatus = "idle" | "connecting" | "connected" | "error";

export interface VoiceConnection {
  status: VoiceStatus;
  /** The voice channel or DM / group DM of the call (also while connecting). */
  channelId: string;
  /** What went wrong (status "error"). */
  error: string;
  /** The server refuses voice activity here (no USE_VOICE_ACTIVITY). */
  pushToTalkOnly: boolean;
  /** SPEAK granted (and not server-muted when joining). */
  canSpeak: boolean;
}

const idle: VoiceConnection = { status: "idle", channelId: "", error: "", pushToTalkOnly: false, canSpeak: true };
export const [voice, setVoice] = createStore<VoiceConnection>({ ...idle });

/** User id -> currently speaking (local and remote), fed by the engine's level meter. */
export const [speaking, setSpeaking] = createStore<Record<string, boolean>>({});

export interface VoiceSettings {
  inputId: string;
  outputId: string;
  /** Percent, 0..200. */
  inputVolume: number;
  mode: "vad" | "ptt";
  /** KeyboardEvent.code of the push-to-talk key. */
  pttKey: string;
}

const SETTINGS_KEY = "decentra.voice";
const defaults: VoiceSettings = { inputId: "", outputId: "", inputVolume: 100, mode: "vad", pttKey: "Backquote" };
function loadSettings(): VoiceSettings {
  try {
    return { ...defaults, ...(JSON.parse(localStorage.getItem(SETTINGS_KEY) ?? "{}") as Partial<VoiceSettings>) };
  } catch {
    return { ...defaults };
  }
}
export const [settings, setSettingsStore] = createStore<VoiceSettings>(loadSettings());
export function setSetting<K extends keyof VoiceSettings>(key: K, value: VoiceSettings[K]): void {
  setSettingsStore(key, value as never);
  localStorage.setItem(SETTINGS_KEY, JSON.stringify({ ...settings }));
}

/** The push-to-talk key is held. */
export const [pttDown, setPttDown] = createSignal(false);

/** Input and output devices (labels appear once the microphone was granted). */
export const [devices, setDevices] = createSignal<MediaDeviceInfo[]>([]);
export async function refreshDevices(): Promise<void> {
  if (!navigator.mediaDevices?.enumerateDevices) return;
  setDevices(await navigator.mediaDevices.enumerateDevices());
}

/** Push-to-talk is in effect (chosen, or imposed by the channel's permissions). */
export const usingPtt = () => settings.mode === "ptt" || voice.pushToTalkOnly;

let engine: Engine | null = null;

interface Joined {
  sessionId: string;
  iceServers: IceServer[];
  voiceStates: VoiceState[];
  canSpeak?: boolean;
  pushToTalkOnly?: boolean;
}

/** Turns an error into the sentence the voice panel shows. */
export function describeVoiceError(err: unknown): string {
  const name = err instanceof DOMException || (err instanceof Error && err.name) ? (err as Error).name : "";
  switch (name) {
    case "NotAllowedError":
    case "SecurityError":
      return "Microphone access was denied. Allow this site to use your microphone in the browser's site settings, then try again.";
    case "NotFoundError":
    case "OverconstrainedError":
      return "No microphone was found. Connect one and try again.";
    case "NotReadableError":
    case "AbortError":
      return "Your microphone could not be started: another application may be using it.";
    case "InsecureContextError":
      return "Voice needs a secure connection: open this site over HTTPS.";
  }
  if (err instanceof ConnectError) return err.rawMessage || "The server refused to connect you.";
  return err instanceof Error && err.message ? err.message : "Could not connect to voice.";
}

async function connectWith(channelId: string, rpc: () => Promise<Joined>): Promise<void> {
  if (voice.status === "connecting") return;
  if (voice.status === "connected" && voice.channelId === channelId) return;
  stopLocal();
  setVoice({ ...idle, status: "connecting", channelId });
  let eng: Engine | null = null;
  try {
    const { Engine } = await import("./engine");
    eng = new Engine(() => {
      if (engine === eng) {
        stopLocal();
      }
    });
    engine = eng;
    await eng.openMic(settings.inputId);
    void refreshDevices();
    const res = await rpc();
    if (engine !== eng) return; // disconnected meanwhile
    mutate((s) => {
      for (const v of res.voiceStates) s.voice[v.userId] = v;
    });
    setVoice({ status: "connected", channelId, canSpeak: res.canSpeak ?? true, pushToTalkOnly: res.pushToTalkOnly ?? false, error: "" });
    eng.start(res.sessionId, channelId, res.iceServers, res.voiceStates);
  } catch (err) {
    if (engine === eng) {
      eng?.stop();
      engine = null;
      setVoice({ ...idle, status: "error", channelId, error: describeVoiceError(err) });
    }
  }
}

/** Joins a server voice channel (leaving any other voice session). */
export function joinVoice(channelId: string): Promise<void> {
  return connectWith(channelId, () => api.voice.joinVoiceChannel({ channelId }));
}

/** Starts a call in a DM / group DM. */
export function startCall(channelId: string): Promise<void> {
  return connectWith(channelId, async () => {
    const res = await api.voice.startCall({ channelId });
    if (res.call) mutate((s) => void (s.calls[channelId] = res.call!));
    return res;
  });
}

/** Answers (or joins) the call in a DM / group DM. */
export function acceptCall(channelId: string): Promise<void> {
  return connectWith(channelId, async () => {
    const res = await api.voice.acceptCall({ channelId });
    if (res.call) mutate((s) => void (s.calls[channelId] = res.call!));
    return res;
  });
}

export async function declineCall(channelId: string): Promise<void> {
  await api.voice.declineCall({ channelId });
}

/** Leaves voice: hangs up a call, or leaves the voice channel. */
export async function leaveVoice(): Promise<void> {
  const channelId = voice.channelId;
  const wasConnected = voice.status === "connected" || voice.status === "connecting";
  const session = engine?.sessionId ?? "";
  stopLocal();
  if (!wasConnected) return;
  const isCall = !state.channels[channelId]?.serverId;
  if (isCall) await api.voice.endCall({ channelId }).catch(() => undefined);
  else await api.voice.leaveVoice({ sessionId: session });
}

/** Forgets the error shown in the voice panel. */
export function dismissVoiceError(): void {
  if (voice.status === "error") setVoice({ ...idle });
}

function stopLocal(): void {
  engine?.stop();
  engine = null;
  setVoice({ ...idle });
  setSpeaking((s) => {
    const off: Record<string, boolean> = {};
    for (const k of Object.keys(s)) off[k] = false;
    return off;
  });
}

const mine = () => state.voice[state.me?.id ?? ""];

export async function toggleMute(): Promise<void> {
  const v = mine();
  if (!v) return;
  // Unmuting while deafened undeafens too, as Discord does.
  if (v.selfMute) await api.voice.updateVoiceState({ selfMute: false, selfDeaf: false });
  else await api.voice.updateVoiceState({ selfMute: true });
}

let mutedBeforeDeafen = false;
export async function toggleDeafen(): Promise<void> {
  const v = mine();
  if (!v) return;
  if (v.selfDeaf) {
    await api.voice.updateVoiceState({ selfDeaf: false, selfMute: mutedBeforeDeafen });
  } else {
    mutedBeforeDeafen = v.selfMute;
    await api.voice.updateVoiceState({ selfDeaf: true, selfMute: true });
  }
}

/** The engine's per-peer numbers (for the connection-info view and the debug hook). */
export function voiceStats(): Promise<PeerStats[]> {
  return engine?.stats() ?? Promise.resolve([]);
}

export interface PeerStats {
  userId: string;
  connectionState: string;
  bytesReceived: number;
  bytesSent: number;
}

// Push-to-talk: the key counts anywhere except while typing.
if (typeof window !== "undefined") {
  const typing = (t: EventTarget | null) => t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  window.addEventListener("keydown", (e) => {
    if (voice.status === "connected" && e.code === settings.pttKey && !typing(e.target)) setPttDown(true);
  });
  window.addEventListener("keyup", (e) => e.code === settings.pttKey && setPttDown(false));
  window.addEventListener("blur", () => setPttDown(false));
  // A read-only window into the peer connections for tests and troubleshooting, only when
  // asked for (localStorage "decentra.voiceDebug" = "1").
  if (localStorage.getItem("decentra.voiceDebug") === "1") {
    Object.defineProperty(window, "__decentraVoice", { value: Object.freeze({ stats: voiceStats }), writable: false });
  }
}
