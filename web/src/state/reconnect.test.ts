import { describe, expect, it } from "vitest";
import { backoff, initialStream, step, type StreamInput, type StreamState } from "./reconnect";

const low = () => 0;
const high = () => 0.999999;
const mid = () => 0.5;

/** Feeds inputs in order, returning every effect. */
function run(inputs: StreamInput[], from: StreamState = initialStream, random = mid) {
  let st = from;
  const effects = inputs.map((input) => {
    const [next, effect] = step(st, input, random);
    st = next;
    return effect;
  });
  return { st, effects };
}

describe("backoff", () => {
  it("doubles from 1 s and is jittered between half and the full ceiling", () => {
    expect(backoff(0, high)).toBe(1_000);
    expect(backoff(0, low)).toBe(500);
    expect(backoff(1, high)).toBe(2_000);
    expect(backoff(2, high)).toBe(4_000);
    expect(backoff(3, low)).toBe(4_000);
    expect(backoff(2, mid)).toBe(3_000);
  });

  it("is capped at 30 s however many attempts failed", () => {
    expect(backoff(5, high)).toBe(30_000);
    expect(backoff(10, high)).toBe(30_000);
    expect(backoff(1_000, high)).toBe(30_000);
    expect(backoff(1_000, low)).toBe(15_000);
  });

  it("stays within bounds for any random value", () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      const ceiling = Math.min(30_000, 1_000 * 2 ** attempt);
      for (const r of [0, 0.1, 0.37, 0.5, 0.9, 0.999]) {
        const d = backoff(attempt, () => r);
        expect(d).toBeGreaterThanOrEqual(ceiling / 2);
        expect(d).toBeLessThanOrEqual(ceiling);
      }
    }
  });
});

describe("step", () => {
  it("starts connecting with no cursor", () => {
    expect(initialStream).toEqual({ status: "connecting", cursor: "", attempt: 0 });
  });

  it("goes online on ready and resets the attempt counter", () => {
    const [st, eff] = step({ status: "reconnecting", cursor: "", attempt: 4 }, { type: "event", kind: "ready", cursor: "" });
    expect(st).toEqual({ status: "online", cursor: "", attempt: 0 });
    expect(eff).toEqual({ type: "none" });
  });

  it("goes online on resumed, keeping the cursor it resumed from", () => {
    const [st, eff] = step({ status: "reconnecting", cursor: "c41", attempt: 2 }, { type: "event", kind: "resumed", cursor: "" });
    expect(st).toEqual({ status: "online", cursor: "c41", attempt: 0 });
    expect(eff.type).toBe("none");
  });

  it("advances the cursor on durable events and keeps it on ephemeral ones", () => {
    const { st, effects } = run([
      { type: "event", kind: "ready", cursor: "" },
      { type: "event", kind: "messageCreated", cursor: "c1" },
      { type: "event", kind: "messageCreated", cursor: "c2" },
      { type: "event", kind: "heartbeat", cursor: "" },
      { type: "event", kind: "typingStarted", cursor: "" },
    ]);
    expect(st).toEqual({ status: "online", cursor: "c2", attempt: 0 });
    expect(effects.every((e) => e.type === "none")).toBe(true);
  });

  it("replayed events during a resume advance the cursor before resumed", () => {
    const { st } = run([
      { type: "event", kind: "messageCreated", cursor: "c5" },
      { type: "event", kind: "resumed", cursor: "" },
    ], { status: "reconnecting", cursor: "c4", attempt: 1 });
    expect(st).toEqual({ status: "online", cursor: "c5", attempt: 0 });
  });

  it("reconnects after failures with growing, capped, jittered delays and keeps the cursor", () => {
    const online: StreamState = { status: "online", cursor: "c9", attempt: 0 };
    const { st, effects } = run(Array.from({ length: 8 }, () => ({ type: "failed", unauthenticated: false }) as const), online, high);
    expect(effects).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000].map((delay) => ({ type: "connect", delay })));
    expect(st).toEqual({ status: "reconnecting", cursor: "c9", attempt: 8 });

    const jittered = run([{ type: "failed", unauthenticated: false }, { type: "failed", unauthenticated: false }], online, low);
    expect(jittered.effects).toEqual([{ type: "connect", delay: 500 }, { type: "connect", delay: 1_000 }]);
  });

  it("starts backing off from scratch after getting back online", () => {
    const { effects } = run(
      [
        { type: "failed", unauthenticated: false },
        { type: "failed", unauthenticated: false },
        { type: "failed", unauthenticated: false },
        { type: "event", kind: "resumed", cursor: "" },
        { type: "failed", unauthenticated: false },
      ],
      { status: "online", cursor: "c1", attempt: 0 },
      high,
    );
    expect(effects.map((e) => (e.type === "connect" ? e.delay : e.type))).toEqual([1_000, 2_000, 4_000, "none", 1_000]);
  });

  it("on resync_required drops the cursor and reconnects at once", () => {
    const [st, eff] = step({ status: "online", cursor: "c77", attempt: 0 }, { type: "event", kind: "resyncRequired", cursor: "" });
    expect(st).toEqual({ status: "reconnecting", cursor: "", attempt: 0 });
    expect(eff).toEqual({ type: "connect", delay: 0 });
  });

  it("asks to reauthenticate when the session is rejected, keeping the cursor", () => {
    const [st, eff] = step({ status: "online", cursor: "c3", attempt: 0 }, { type: "failed", unauthenticated: true });
    expect(eff).toEqual({ type: "reauthenticate" });
    expect(st.status).toBe("reconnecting");
    expect(st.cursor).toBe("c3");
  });

  it("reconnects immediately after a clean end, then backs off", () => {
    const { st, effects } = run([{ type: "ended" }, { type: "ended" }, { type: "ended" }], { status: "online", cursor: "c2", attempt: 0 }, high);
    expect(effects).toEqual([
      { type: "connect", delay: 0 },
      { type: "connect", delay: 2_000 },
      { type: "connect", delay: 4_000 },
    ]);
    expect(st).toEqual({ status: "reconnecting", cursor: "c2", attempt: 3 });
  });

  it("does not mutate the state it is given", () => {
    const before: StreamState = { status: "online", cursor: "c1", attempt: 0 };
    const copy = { ...before };
    step(before, { type: "failed", unauthenticated: false });
    step(before, { type: "event", kind: "messageCreated", cursor: "c2" });
    expect(before).toEqual(copy);
  });
});
