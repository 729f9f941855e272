import { describe, expect, it } from "vitest";
import { notifyEmailHint } from "./notifyEmail";

describe("notifyEmailHint", () => {
  it("says the instance must enable the mails first", () => {
    const h = notifyEmailHint({ instanceEnabled: false, hasEmail: true, verified: true });
    expect(h.ready).toBe(false);
    expect(h.text).toMatch(/does not send notification e-mails/);
  });

  it("asks for an address, then for its verification", () => {
    expect(notifyEmailHint({ instanceEnabled: true, hasEmail: false, verified: false })).toMatchObject({ ready: false, text: expect.stringMatching(/Add an e-mail address/) });
    expect(notifyEmailHint({ instanceEnabled: true, hasEmail: true, verified: false })).toMatchObject({ ready: false, text: expect.stringMatching(/Verify your e-mail/) });
  });

  it("explains what the mails are once they can arrive", () => {
    const h = notifyEmailHint({ instanceEnabled: true, hasEmail: true, verified: true });
    expect(h.ready).toBe(true);
    expect(h.text).toMatch(/unsubscribe link/);
  });
});
