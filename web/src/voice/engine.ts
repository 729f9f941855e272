// The WebRTC side of voice, loaded on the first join. A mesh: one RTCPeerConnection per other
// participant, signalled through VoiceService.SendSignal and the `voice_signal` events, with
// the "perfect negotiation" pattern (the peer with the larger id is polite and yields on
// glare). The microphone goes through WebAudio (input volume, level meter) before it is sent.
import { createEffect, createRoot, on } from "solid-js";
import { api } from "../api/client";
import { onStreamEvent, state } from "../state/store";
import { compareIds } from "../state/ids";
import { SdpType, type IceServer, type SendSignalRequest, type VoiceSignal, type VoiceState } from "../gen/decentra/v1/voice_pb";
import { pttDown, settings, setSpeaking, speaking, usingPtt, voice, type PeerStats } from "./voice";

/** RMS level (0..1) above which someone counts as speaking. */
const SPEAKING_LEVEL = 0.01;
/** How long the indicator stays lit after the level drops. */
const HOLD_MS = 300;

interface Peer {
  pc: RTCPeerConnection;
  polite: boolean;
  makingOffer: boolean;
  ignoreOffer: boolean;
  audio: HTMLAudioElement;
  analyser: AnalyserNode | null;
  /** Incoming signals are applied one at a time, in order. */
  inbox: Promise<void>;
  /** Outgoing signals are sent one at a time, in order. */
  outbox: Promise<void>;
}

type Signal = SendSignalRequest["signal"];

const toSdpType: Record<RTCSdpType, SdpType> = { offer: SdpType.OFFER, answer: SdpType.ANSWER, pranswer: SdpType.PRANSWER, rollback: SdpType.ROLLBACK };
const fromSdpType = (t: SdpType): RTCSdpType => (t === SdpType.ANSWER ? "answer" : t === SdpType.PRANSWER ? "pranswer" : t === SdpType.ROLLBACK ? "rollback" : "offer");

class InsecureContextError extends Error {
  override name = "InsecureContextError";
}

export class Engine {
  sessionId = "";
  private channelId = "";
  private readonly me = state.me?.id ?? "";
  private readonly ctx = new AudioContext();
  private readonly gain = this.ctx.createGain();
  private readonly dest = this.ctx.createMediaStreamDestination();
  private readonly localAnalyser = this.ctx.createAnalyser();
  private mic: MediaStream | null = null;
  private source: MediaStreamAudioSourceNode | null = null;
  private readonly peers = new Map<string, Peer>();
  private iceServers: RTCIceServer[] = [];
  private pending: VoiceSignal[] = [];
  private readonly lastLoud = new Map<string, number>();
  private readonly unlisten: () => void;
  private dispose: () => void = () => undefined;
  private meterTimer: ReturnType<typeof setInterval> | undefined;
  private deaf = false;
  private stopped = false;
  private readonly buf = new Float32Array(512);
  private readonly onOnline = () => this.restartAll();

  constructor(private readonly onEnded: () => void) {
    this.localAnalyser.fftSize = 512;
    this.gain.connect(this.dest);
    this.gain.connect(this.localAnalyser);
    void this.ctx.resume();
    this.unlisten = onStreamEvent((ev) => {
      if (ev.case === "voiceSignal" && ev.value.signal) this.onSignal(ev.value.signal);
    });
    window.addEventListener("online", this.onOnline);
    networkInfo()?.addEventListener("change", this.onOnline);
  }

  /** The track every peer connection sends (the processed microphone). */
  private get track(): MediaStreamTrack {
    return this.dest.stream.getAudioTracks()[0];
  }

  /** Opens (or switches) the microphone, with the browser's voice processing on. */
  async openMic(deviceId: string): Promise<void> {
    if (!window.isSecureContext || !navigator.mediaDevices?.getUserMedia) throw new InsecureContextError();
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: { deviceId: deviceId ? { ideal: deviceId } : undefined, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      video: false,
    });
    if (this.stopped) {
      for (const t of stream.getTracks()) t.stop();
      return;
    }
    this.source?.disconnect();
    for (const t of this.mic?.getTracks() ?? []) t.stop();
    this.mic = stream;
    this.source = this.ctx.createMediaStreamSource(stream);
    this.source.connect(this.gain);
  }

  /** Connects to everyone already in the channel or call; later arrivals call us. */
  start(sessionId: string, channelId: string, ice: IceServer[], states: VoiceState[]): void {
    this.sessionId = sessionId;
    this.channelId = channelId;
    this.iceServers = ice.map((s) => ({ urls: s.urls, username: s.username || undefined, credential: s.credential || undefined }));
    for (const v of states) if (v.userId !== this.me && v.channelId === channelId) this.peer(v.userId);
    const queued = this.pending;
    this.pending = [];
    for (const s of queued) this.onSignal(s);

    createRoot((dispose) => {
      this.dispose = dispose;
      const mine = () => state.voice[this.me];
      // Removed by the server (disconnected by a moderator, the call ended, the stream
      // dropped): stop. Moved to another channel: reconnect to the people there.
      createEffect(() => {
        const v = mine();
        if (!v) queueMicrotask(() => this.onEnded());
        else if (v.channelId !== this.channelId) this.moveTo(v.channelId);
      });
      // Whoever left the channel loses their connection to us.
      createEffect(() => {
        const where = Object.values(state.voice).map((v) => [v.userId, v.channelId] as const);
        const here = new Set(where.filter(([, c]) => c === this.channelId).map(([u]) => u));
        for (const id of [...this.peers.keys()]) if (!here.has(id)) this.closePeer(id);
      });
      createEffect(() => {
        const v = mine();
        const allowed = voice.canSpeak && !!v && !v.selfMute && !v.serverMute;
        this.track.enabled = allowed && (!usingPtt() || pttDown());
      });
      createEffect(() => {
        const v = mine();
        this.deaf = !!v && (v.selfDeaf || v.serverDeaf);
        for (const p of this.peers.values()) p.audio.muted = this.deaf;
      });
      createEffect(() => {
        this.gain.gain.value = Math.max(0, Math.min(200, settings.inputVolume)) / 100;
      });
      createEffect(() => {
        const sink = settings.outputId;
        for (const p of this.peers.values()) void setSink(p.audio, sink);
      });
      createEffect(
        on(
          () => settings.inputId,
          (id) => void this.openMic(id).catch((e) => console.warn("voice: could not switch the microphone", e)),
          { defer: true },
        ),
      );
    });
    this.meterTimer = setInterval(() => this.meter(), 50);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.meterTimer);
    this.dispose();
    this.unlisten();
    window.removeEventListener("online", this.onOnline);
    networkInfo()?.removeEventListener("change", this.onOnline);
    for (const id of [...this.peers.keys()]) this.closePeer(id);
    for (const t of this.mic?.getTracks() ?? []) t.stop();
    this.track?.stop();
    void this.ctx.close().catch(() => undefined);
  }

  async stats(): Promise<PeerStats[]> {
    const out: PeerStats[] = [];
    for (const [userId, p] of this.peers) {
      let bytesReceived = 0;
      let bytesSent = 0;
      (await p.pc.getStats()).forEach((r: { type: string; kind?: string; bytesReceived?: number; bytesSent?: number }) => {
        if (r.type === "inbound-rtp" && r.kind === "audio") bytesReceived += r.bytesReceived ?? 0;
        if (r.type === "outbound-rtp" && r.kind === "audio") bytesSent += r.bytesSent ?? 0;
      });
      out.push({ userId, connectionState: p.pc.connectionState, bytesReceived, bytesSent });
    }
    return out;
  }

  private moveTo(channelId: string): void {
    for (const id of [...this.peers.keys()]) this.closePeer(id);
    this.channelId = channelId;
    for (const v of Object.values(state.voice)) if (v.userId !== this.me && v.channelId === channelId) this.peer(v.userId);
  }

  private restartAll(): void {
    for (const p of this.peers.values()) if (p.pc.connectionState !== "closed") p.pc.restartIce();
  }

  private peer(userId: string): Peer {
    const known = this.peers.get(userId);
    if (known) return known;
    const pc = new RTCPeerConnection({ iceServers: this.iceServers });
    const audio = new Audio();
    audio.autoplay = true;
    audio.muted = this.deaf;
    void setSink(audio, settings.outputId);
    const p: Peer = { pc, polite: compareIds(this.me, userId) > 0, makingOffer: false, ignoreOffer: false, audio, analyser: null, inbox: Promise.resolve(), outbox: Promise.resolve() };
    this.peers.set(userId, p);
    pc.addTrack(this.track, this.dest.stream);
    pc.onnegotiationneeded = async () => {
      try {
        p.makingOffer = true;
        await pc.setLocalDescription();
        if (pc.localDescription) this.sendSdp(userId, p, pc.localDescription);
      } catch (e) {
        console.warn("voice: offer failed", e);
      } finally {
        p.makingOffer = false;
      }
    };
    pc.onicecandidate = ({ candidate }) => {
      if (!candidate?.candidate) return;
      this.send(userId, p, {
        case: "iceCandidate",
        value: {
          $typeName: "decentra.v1.IceCandidate",
          candidate: candidate.candidate,
          sdpMid: candidate.sdpMid ?? "",
          sdpMlineIndex: candidate.sdpMLineIndex ?? undefined,
          usernameFragment: candidate.usernameFragment ?? "",
        },
      });
    };
    pc.ontrack = (ev) => {
      const stream = ev.streams[0] ?? new MediaStream([ev.track]);
      // Chromium feeds a remote stream to WebAudio only while a media element plays it.
      audio.srcObject = stream;
      void audio.play().catch(() => undefined);
      const analyser = this.ctx.createAnalyser();
      analyser.fftSize = 512;
      this.ctx.createMediaStreamSource(stream).connect(analyser);
      p.analyser = analyser;
    };
    // A path that died (network change, NAT rebinding): gather new candidates.
    pc.oniceconnectionstatechange = () => {
      if (pc.iceConnectionState === "failed") pc.restartIce();
    };
    return p;
  }

  private closePeer(userId: string): void {
    const p = this.peers.get(userId);
    if (!p) return;
    this.peers.delete(userId);
    p.pc.close();
    p.audio.srcObject = null;
    this.lastLoud.delete(userId);
    if (speaking[userId]) setSpeaking(userId, false);
  }

  private sendSdp(to: string, p: Peer, desc: RTCSessionDescription): void {
    this.send(to, p, { case: "sdp", value: { $typeName: "decentra.v1.SessionDescription", type: toSdpType[desc.type], sdp: desc.sdp } });
  }

  private send(to: string, p: Peer, signal: Signal): void {
    const sessionId = this.sessionId;
    p.outbox = p.outbox
      .then(() => api.voice.sendSignal({ sessionId, toUserId: to, signal }))
      .then(
        () => undefined,
        (e) => console.warn("voice: signal not delivered", e),
      );
  }

  private onSignal(sig: VoiceSignal): void {
    if (this.stopped) return;
    if (!this.sessionId) {
      this.pending.push(sig);
      return;
    }
    if (sig.sessionId !== this.sessionId || sig.channelId !== this.channelId || sig.fromUserId === this.me) return;
    const p = this.peer(sig.fromUserId);
    p.inbox = p.inbox.then(() => this.apply(p, sig)).catch((e) => console.warn("voice: signal not applied", e));
  }

  private async apply(p: Peer, sig: VoiceSignal): Promise<void> {
    const pc = p.pc;
    if (pc.signalingState === "closed") return;
    const s = sig.signal;
    if (s.case === "sdp") {
      const desc: RTCSessionDescriptionInit = { type: fromSdpType(s.value.type), sdp: s.value.sdp };
      const collision = desc.type === "offer" && (p.makingOffer || pc.signalingState !== "stable");
      p.ignoreOffer = !p.polite && collision;
      if (p.ignoreOffer) return;
      await pc.setRemoteDescription(desc); // the polite side rolls its own offer back
      if (desc.type === "offer") {
        await pc.setLocalDescription();
        if (pc.localDescription) this.sendSdp(sig.fromUserId, p, pc.localDescription);
      }
    } else if (s.case === "iceCandidate") {
      const c = s.value;
      try {
        await pc.addIceCandidate({ candidate: c.candidate, sdpMid: c.sdpMid || null, sdpMLineIndex: c.sdpMlineIndex ?? null, usernameFragment: c.usernameFragment || null });
      } catch (e) {
        if (!p.ignoreOffer) throw e;
      }
    }
  }

  /** Speaking indicators from the audio levels, ours and everyone else's. */
  private meter(): void {
    const now = performance.now();
    const level = (a: AnalyserNode | null) => {
      if (!a) return 0;
      a.getFloatTimeDomainData(this.buf);
      let sum = 0;
      for (const x of this.buf) sum += x * x;
      return Math.sqrt(sum / this.buf.length);
    };
    const levels: [string, number][] = [[this.me, this.track.enabled ? level(this.localAnalyser) : 0]];
    for (const [id, p] of this.peers) levels.push([id, level(p.analyser)]);
    for (const [id, l] of levels) {
      if (l > SPEAKING_LEVEL) this.lastLoud.set(id, now);
      const on = now - (this.lastLoud.get(id) ?? -Infinity) < HOLD_MS;
      if (!!speaking[id] !== on) setSpeaking(id, on);
    }
  }
}

/** The Network Information API (Chromium): its `change` event marks a new network path. */
function networkInfo(): EventTarget | undefined {
  return (navigator as Navigator & { connection?: EventTarget }).connection;
}

async function setSink(audio: HTMLAudioElement, deviceId: string): Promise<void> {
  const el = audio as HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };
  if (!el.setSinkId) return;
  await el.setSinkId(deviceId).catch(() => undefined);
}
