import { describe, expect, it } from "vitest";
import { Code, ConnectError } from "@connectrpc/connect";
import { describeVoiceError } from "./voice";

describe("describeVoiceError", () => {
  it("tells a refused, missing or busy microphone apart", () => {
    expect(describeVoiceError(new DOMException("Permission denied", "NotAllowedError"))).toMatch(/^Microphone access was denied/);
    expect(describeVoiceError(new DOMException("Requested device not found", "NotFoundError"))).toMatch(/^No microphone was found/);
    expect(describeVoiceError(new DOMException("Could not start audio source", "NotReadableError"))).toMatch(/another application/);
  });

  it("explains that voice needs HTTPS outside a secure context", () => {
    const err = new Error("insecure");
    err.name = "InsecureContextError";
    expect(describeVoiceError(err)).toMatch(/HTTPS/);
  });

  it("shows the server's reason for a refused join", () => {
    expect(describeVoiceError(new ConnectError("the channel is full", Code.FailedPrecondition))).toBe("the channel is full");
  });
});
