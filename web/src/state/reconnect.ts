// The event stream's connection state machine, kept pure so it can be tested without a
// network: what to do after each thing that happens to the stream.
import type { ConnectionStatus } from "./model";

export interface StreamState {
  status: ConnectionStatus;
  /** Cursor of the last event applied; sent as `resume_cursor` when reconnecting. */
  cursor: string;
  /** Consecutive failed attempts (drives the backoff). */
  attempt: number;
}

export type StreamInput =
  | { type: "event"; cursor: string; kind: string }
  | { type: "failed"; unauthenticated: boolean }
  | { type: "ended" };

export type Effect =
  | { type: "none" }
  /** Open a new stream after `delay` ms, resuming from `cursor` ("" = full re-sync). */
  | { type: "connect"; delay: number }
  /** The session is no longer valid: refresh the token, then connect (or sign out). */
  | { type: "reauthenticate" };

export const initialStream: StreamState = { status: "connecting", cursor: "", attempt: 0 };

const BASE_MS = 1_000;
const MAX_MS = 30_000;

/** Exponential backoff with jitter: 1 s, 2 s, 4 s … capped at 30 s, each scaled by 0.5–1. */
export function backoff(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_MS, BASE_MS * 2 ** Math.min(attempt, 10));
  return Math.round(ceiling * (0.5 + random() / 2));
}

export function step(st: StreamState, input: StreamInput, random: () => number = Math.random): [StreamState, Effect] {
  switch (input.type) {
    case "event":
      if (input.kind === "resyncRequired") {
        // The server cannot replay what we missed: start over with a fresh Ready.
        return [{ status: "reconnecting", cursor: "", attempt: 0 }, { type: "connect", delay: 0 }];
      }
      if (input.kind === "ready" || input.kind === "resumed") {
        return [{ status: "online", cursor: input.cursor || st.cursor, attempt: 0 }, { type: "none" }];
      }
      return [{ ...st, cursor: input.cursor || st.cursor }, { type: "none" }];
    case "failed":
      if (input.unauthenticated) return [{ ...st, status: "reconnecting" }, { type: "reauthenticate" }];
      return [
        { ...st, status: "reconnecting", attempt: st.attempt + 1 },
        { type: "connect", delay: backoff(st.attempt, random) },
      ];
    case "ended":
      // A clean end (server shutdown, heartbeat timeout): reconnect at once, then back off.
      return [
        { ...st, status: "reconnecting", attempt: st.attempt + 1 },
        { type: "connect", delay: st.attempt === 0 ? 0 : backoff(st.attempt, random) },
      ];
  }
}
