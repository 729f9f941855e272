// Voice in two Chromium contexts with a fake microphone (Chromium's periodic beep): both join
// the server's voice channel through the sidebar, audio flows both ways (inbound-rtp bytes
// keep growing on each side), the speaking rings light, a moderator's server mute reaches
// everyone, and disconnecting updates the other side. Then a DM call: ring, accept, audio
// both ways, hang up on one side ends it on both. Then a group DM call among three (one on a
// phone): both others are rung and accept, every pair connects with audio both ways, and when
// one hangs up the other two stay connected. A call among five keeps its avatars on one row on
// the phone.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Browser, Page } from "playwright-core";
import { AdminService } from "../src/gen/decentra/v1/admin_pb";
import { AuthService } from "../src/gen/decentra/v1/auth_pb";
import { ChannelService } from "../src/gen/decentra/v1/channels_pb";
import { RelationshipService } from "../src/gen/decentra/v1/relationships_pb";
import { FAKE_MEDIA, apiClient, axe, launch, newUser, register, shot, startServer, type Server, type User } from "./harness";

const PASSWORD = "correct horse battery staple";
let server: Server;
let browser: Browser;
let alice: User;
let bob: User;
let carol: User;

interface PeerStats {
  userId: string;
  connectionState: string;
  bytesReceived: number;
  bytesSent: number;
}

/** The voice client's per-peer numbers (RTCPeerConnection.getStats), via its read-only debug hook. */
const stats = (page: Page): Promise<PeerStats[]> =>
  page.evaluate(() => (window as unknown as { __decentraVoice: { stats(): Promise<PeerStats[]> } }).__decentraVoice.stats());

/** Audio bytes received from all peers, or from one peer. */
const received = async (page: Page, from?: string) => (await stats(page)).filter((s) => !from || s.userId === from).reduce((n, s) => n + s.bytesReceived, 0);

/** Waits until audio arrives on `page` (from `from`, or from anyone) and keeps arriving (the
 * count grows past a later reading). */
async function audioFlows(page: Page, from?: string) {
  await expect.poll(() => received(page, from), { timeout: 30_000 }).toBeGreaterThan(0);
  const first = await received(page, from);
  await expect.poll(() => received(page, from), { timeout: 30_000 }).toBeGreaterThan(first);
}

/** The peers `page` has, by user id, with their connection states. */
const peerStates = async (page: Page) =>
  Object.fromEntries((await stats(page)).map((s) => [s.userId, s.connectionState]));

const voiceChannel = (page: Page) => page.getByRole("button", { name: /^General ?, voice channel/ });
const inGeneral = (page: Page) => page.getByRole("list", { name: "In General" });
const panel = (page: Page) => page.getByRole("region", { name: "Voice connection" });

async function accessToken(page: Page): Promise<string> {
  return page.evaluate(() => JSON.parse(localStorage.getItem("decentra.session") ?? "{}").accessToken as string);
}

const call = (page: Page) => page.getByRole("region", { name: "Call", exact: true });

/** Runs `fn` with `page` in the light theme (what the theme setting does: `data-theme` on <html>). */
async function inLight(page: Page, fn: () => Promise<void>) {
  await page.evaluate(() => (document.documentElement.dataset.theme = "light"));
  try {
    await fn();
  } finally {
    await page.evaluate(() => (document.documentElement.dataset.theme = "dark"));
  }
}

/** Runs `fn` with `page` 375 px wide (a phone), then restores its size. */
async function asPhone(page: Page, fn: () => Promise<void>) {
  const size = page.viewportSize()!;
  await page.setViewportSize({ width: 375, height: 740 });
  try {
    await fn();
  } finally {
    await page.setViewportSize(size);
  }
}

/** Nothing sticks out sideways at a phone's width. */
async function fitsWidth(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
}

beforeAll(async () => {
  server = await startServer();
  browser = await launch(FAKE_MEDIA);
  alice = await newUser(browser, server.url, { voiceDebug: true });
  bob = await newUser(browser, server.url, { voiceDebug: true });
  // Carol uses a phone (375 px wide).
  carol = await newUser(browser, server.url, { voiceDebug: true, width: 375, height: 740 });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("voice", () => {
  test("two users end up in one server", async () => {
    await register(alice.page, "alice", PASSWORD);
    const admin = apiClient(server.url, AdminService, await accessToken(alice.page));
    const { invite } = await admin.createInstanceInvite({ maxUses: 1, expiresInSeconds: 3600n });
    await register(bob.page, "bob", PASSWORD, invite!.code);

    const p = alice.page;
    await p.getByRole("button", { name: "Add a server" }).click();
    await p.getByLabel("Server name").fill("Voice Lab");
    await p.getByRole("button", { name: "Create", exact: true }).click();
    await p.getByRole("heading", { name: "general", exact: true }).waitFor();
    await p.getByRole("button", { name: "Server menu" }).click();
    await p.getByRole("menuitem", { name: "Invite people" }).click();
    const link = p.getByRole("textbox", { name: "Invite link" });
    await expect.poll(() => link.inputValue()).toMatch(/\/invite\/\w+/);
    const url = await link.inputValue();
    await p.keyboard.press("Escape");
    await bob.page.goto(new URL(url).pathname);
    await bob.page.getByRole("button", { name: "Accept invite" }).click();
    await bob.page.getByRole("heading", { name: "general", exact: true }).waitFor();
  });

  test("both join the voice channel; audio flows both ways and the speaking rings light", async () => {
    await voiceChannel(alice.page).click();
    await panel(alice.page).getByText("Voice Connected").waitFor();
    await voiceChannel(bob.page).click();
    await panel(bob.page).getByText("Voice Connected").waitFor();

    // Each sees both participants under the channel.
    for (const u of [alice, bob]) {
      await inGeneral(u.page).getByRole("button", { name: /^alice/ }).waitFor();
      await inGeneral(u.page).getByRole("button", { name: /^bob/ }).waitFor();
    }
    await expect.poll(async () => (await stats(alice.page)).map((s) => s.connectionState), { timeout: 30_000 }).toEqual(["connected"]);
    await expect.poll(async () => (await stats(bob.page)).map((s) => s.connectionState), { timeout: 30_000 }).toEqual(["connected"]);
    await audioFlows(alice.page);
    await audioFlows(bob.page);

    // The fake microphone beeps: each side sees the other (and itself) speaking.
    await inGeneral(bob.page).getByRole("button", { name: /^alice, speaking/ }).waitFor({ timeout: 30_000 });
    await inGeneral(alice.page).getByRole("button", { name: /^bob, speaking/ }).waitFor({ timeout: 30_000 });
    await inGeneral(alice.page).getByRole("button", { name: /^alice, speaking/ }).waitFor({ timeout: 30_000 });
    await shot(bob.page, "voice-channel-dark");
    expect(await axe(bob.page)).toEqual([]);
    await inLight(bob.page, async () => {
      await shot(bob.page, "voice-channel-light");
      expect(await axe(bob.page)).toEqual([]);
    });
    // On a phone the sidebar, with the voice panel at its foot, is a drawer.
    await asPhone(bob.page, async () => {
      await bob.page.getByRole("button", { name: "Open navigation" }).click();
      await panel(bob.page).getByText("Voice Connected").waitFor();
      await fitsWidth(bob.page);
      await shot(bob.page, "voice-channel-phone-dark");
      await bob.page.getByRole("link", { name: /^general ?, text channel/ }).click();
    });

    // The settings popover: devices, volume, input mode.
    await panel(alice.page).getByRole("button", { name: "Voice settings" }).click();
    const settings = alice.page.getByRole("dialog", { name: "Voice settings" });
    await settings.getByLabel("Input device").waitFor();
    await settings.getByLabel("Output device").waitFor();
    await settings.getByLabel(/^Input volume/).waitFor();
    await settings.getByRole("radio", { name: "Push to talk" }).waitFor();
    await shot(alice.page, "voice-settings-dark");
    // The input-mode radios sit on their labels' centre line (Chromium's default radio margin,
    // 3px above and none below, used to push them down).
    for (const name of ["Voice activity", "Push to talk"]) {
      const offset = await settings.getByRole("radio", { name }).evaluate((input) => {
        const text = [...input.parentElement!.childNodes].find((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim())!;
        const range = document.createRange();
        range.selectNodeContents(text);
        const t = range.getBoundingClientRect();
        const r = input.getBoundingClientRect();
        return r.top + r.height / 2 - (t.top + t.height / 2);
      });
      expect(Math.abs(offset), name).toBeLessThanOrEqual(0.5);
    }
    await inLight(alice.page, () => shot(alice.page, "voice-settings-light"));
    await alice.page.keyboard.press("Escape");
    await settings.waitFor({ state: "detached" });
  });

  test("self mute and a moderator's server mute show on every side", async () => {
    await panel(bob.page).getByRole("button", { name: "Mute" }).click();
    await inGeneral(alice.page).getByRole("button", { name: /^bob, muted/ }).waitFor();
    await panel(bob.page).getByRole("button", { name: "Mute" }).click();
    await inGeneral(alice.page).getByRole("button", { name: /^bob(, speaking)?$/ }).waitFor({ timeout: 30_000 });

    // Alice owns the server: bob's card offers the voice moderation.
    await inGeneral(alice.page).getByRole("button", { name: /^bob/ }).click();
    const card = alice.page.getByRole("dialog", { name: "Profile of bob" });
    await card.getByRole("button", { name: "Server Mute" }).click();
    await inGeneral(bob.page).getByRole("button", { name: /^bob, server muted/ }).waitFor();
    await shot(alice.page, "voice-moderation-dark");
    await card.getByRole("button", { name: "Server Unmute" }).click();
    await inGeneral(bob.page).getByRole("button", { name: /^bob(, speaking)?$/ }).waitFor({ timeout: 30_000 });
    await alice.page.keyboard.press("Escape");
  });

  test("disconnecting updates the other side", async () => {
    await panel(bob.page).getByRole("button", { name: "Disconnect" }).click();
    await panel(bob.page).waitFor({ state: "detached" });
    await expect.poll(() => inGeneral(alice.page).getByRole("button").count()).toBe(1);
    await expect.poll(async () => (await stats(alice.page)).length).toBe(0);
    await panel(alice.page).getByRole("button", { name: "Disconnect" }).click();
    await inGeneral(bob.page).waitFor({ state: "detached" });
  });

  test("a DM call rings, is accepted, carries audio both ways, and hanging up ends it for both", async () => {
    // Alice opens the DM from bob's card in the member list.
    await alice.page.getByRole("complementary", { name: "Members" }).getByRole("button", { name: "bob", exact: true }).click();
    await alice.page.getByRole("dialog", { name: "Profile of bob" }).getByRole("button", { name: "Message" }).click();
    await alice.page.getByRole("heading", { name: "bob", exact: true, level: 1 }).waitFor();
    await alice.page.getByRole("button", { name: "Start voice call" }).click();
    await call(alice.page).getByRole("listitem", { name: "bob, ringing" }).waitFor();

    const ring = bob.page.getByRole("alertdialog", { name: "Incoming call from alice" });
    await ring.waitFor();
    await shot(bob.page, "call-ringing-dark");
    await ring.getByRole("button", { name: "Accept" }).click();
    await ring.waitFor({ state: "detached" });
    await call(bob.page).getByRole("listitem", { name: /^alice/ }).waitFor();
    await call(alice.page).getByRole("listitem", { name: /^bob(, speaking)?$/ }).waitFor();

    await audioFlows(alice.page);
    await audioFlows(bob.page);
    await call(alice.page).getByRole("listitem", { name: /^bob, speaking/ }).waitFor({ timeout: 30_000 });
    await call(bob.page).getByRole("listitem", { name: /^alice, speaking/ }).waitFor({ timeout: 30_000 });
    await shot(alice.page, "call-dark");

    await call(bob.page).getByRole("button", { name: "Hang up" }).click();
    await call(alice.page).waitFor({ state: "detached" });
    await call(bob.page).waitFor({ state: "detached" });
    await panel(alice.page).waitFor({ state: "detached" });
    await expect.poll(async () => (await stats(alice.page)).length).toBe(0);
  });

  test("a declined call stops ringing on both sides", async () => {
    await alice.page.getByRole("button", { name: "Start voice call" }).click();
    const ring = bob.page.getByRole("alertdialog", { name: "Incoming call from alice" });
    await ring.getByRole("button", { name: "Decline" }).click();
    await ring.waitFor({ state: "detached" });
    await alice.page.getByRole("region", { name: "Call" }).waitFor({ state: "detached" });
    await panel(alice.page).waitFor({ state: "detached" });
  });

  test("a group DM call: both others are rung, both accept, all three connect; one hangs up and the other two stay connected", async () => {
    // Carol joins the instance and befriends alice, who is friends with bob too; alice makes
    // the group DM (only friends can be added to one).
    const admin = apiClient(server.url, AdminService, await accessToken(alice.page));
    const { invite } = await admin.createInstanceInvite({ maxUses: 1, expiresInSeconds: 3600n });
    await register(carol.page, "carol", PASSWORD, invite!.code);
    const rel = async (u: User) => apiClient(server.url, RelationshipService, await accessToken(u.page));
    const ids: Record<string, string> = {};
    for (const [name, u] of [["bob", bob], ["carol", carol]] as const) {
      const asked = await (await rel(u)).sendFriendRequest({ username: "alice" });
      ids.alice = asked.relationship!.user!.id;
      // Alice's request back accepts theirs.
      const accepted = await (await rel(alice)).sendFriendRequest({ username: name });
      ids[name] = accepted.relationship!.user!.id;
    }
    const channels = apiClient(server.url, ChannelService, await accessToken(alice.page));
    await channels.createGroupDm({ userIds: [ids.bob, ids.carol], name: "Voice Crew" });
    for (const u of [alice, bob]) await u.page.getByRole("navigation", { name: "Servers" }).getByRole("link", { name: "Direct messages" }).click();
    // Carol is on a phone, on the home screen since she signed up: the conversation list is in
    // the navigation drawer.
    await carol.page.getByRole("button", { name: "Open navigation" }).click();
    for (const u of [alice, bob, carol]) {
      await u.page.getByRole("navigation", { name: "Conversations" }).getByRole("link", { name: /^Voice Crew ?, group/ }).click();
      await u.page.getByRole("heading", { name: "Voice Crew", exact: true, level: 1 }).waitFor();
    }

    await alice.page.getByRole("button", { name: "Start voice call" }).click();
    await call(alice.page).getByRole("listitem", { name: "bob, ringing" }).waitFor();
    await call(alice.page).getByRole("listitem", { name: "carol, ringing" }).waitFor();
    const ring = (u: User) => u.page.getByRole("alertdialog", { name: "Incoming call from Voice Crew" });
    await ring(bob).waitFor();
    await ring(carol).waitFor();
    await shot(bob.page, "call-ringing-group-dark");
    await inLight(bob.page, async () => {
      await shot(bob.page, "call-ringing-group-light");
      expect(await axe(bob.page)).toEqual([]);
    });
    await fitsWidth(carol.page);
    await shot(carol.page, "call-ringing-group-phone-dark");

    for (const u of [bob, carol]) {
      await ring(u).getByRole("button", { name: "Accept" }).click();
      await ring(u).waitFor({ state: "detached" });
    }
    // Everyone's call view lists all three, nobody still rung.
    for (const u of [alice, bob, carol]) {
      for (const name of ["alice", "bob", "carol"]) await call(u.page).getByRole("listitem", { name: new RegExp(`^${name}(, speaking)?$`) }).waitFor({ timeout: 30_000 });
      await expect.poll(() => call(u.page).getByRole("listitem").count()).toBe(3);
      await call(u.page).getByRole("status").getByText("In call — 3 people").waitFor();
    }
    // A full mesh: each has a connected peer connection to each of the other two, with audio
    // arriving from both.
    const others = (me: string) => Object.fromEntries(["alice", "bob", "carol"].filter((n) => n !== me).map((n) => [ids[n], "connected"]));
    for (const [name, u] of [["alice", alice], ["bob", bob], ["carol", carol]] as const) {
      await expect.poll(() => peerStates(u.page), { timeout: 30_000 }).toEqual(others(name));
      for (const from of Object.keys(others(name))) await audioFlows(u.page, from);
    }
    await shot(alice.page, "call-group-dark");
    await inLight(bob.page, async () => {
      await shot(bob.page, "call-group-light");
      expect(await axe(bob.page)).toEqual([]);
    });
    await fitsWidth(carol.page);
    await shot(carol.page, "call-group-phone-dark");

    // Carol hangs up: she leaves; alice and bob stay in the call, connected to each other.
    await call(carol.page).getByRole("button", { name: "Hang up" }).click();
    await panel(carol.page).waitFor({ state: "detached" });
    await expect.poll(async () => (await stats(carol.page)).length).toBe(0);
    // Carol still sees the call going on, with the two in it, and can join it again.
    await call(carol.page).getByRole("button", { name: "Join call" }).waitFor();
    await expect.poll(() => call(carol.page).getByRole("listitem").count()).toBe(2);
    for (const [me, other] of [[alice, "bob"], [bob, "alice"]] as const) {
      await expect.poll(() => call(me.page).getByRole("listitem").count()).toBe(2);
      await call(me.page).getByRole("status").getByText("In call — 2 people").waitFor();
      await expect.poll(() => peerStates(me.page), { timeout: 30_000 }).toEqual({ [ids[other]]: "connected" });
      await audioFlows(me.page, ids[other]);
    }

    // Alice hangs up too: bob is alone, so the call ends everywhere.
    await call(alice.page).getByRole("button", { name: "Hang up" }).click();
    for (const u of [alice, bob, carol]) await call(u.page).waitFor({ state: "detached" });
    await expect.poll(async () => (await stats(bob.page)).length).toBe(0);
  });

  test("on a phone, a call among five keeps everyone's avatars on one row", async () => {
    // Dave and erin join (through the API: they only need to be rung) and befriend alice.
    const admin = apiClient(server.url, AdminService, await accessToken(alice.page));
    const { invite } = await admin.createInstanceInvite({ maxUses: 2, expiresInSeconds: 3600n });
    const rel = async (u: User) => apiClient(server.url, RelationshipService, await accessToken(u.page));
    // Bob and carol are alice's friends already.
    const ids = (await (await rel(alice)).listRelationships({})).relationships.map((r) => r.user!.id);
    expect(ids).toHaveLength(2);
    for (const name of ["dave", "erin"]) {
      const joined = await apiClient(server.url, AuthService).register({ username: name, password: PASSWORD, inviteCode: invite!.code });
      await apiClient(server.url, RelationshipService, joined.accessToken).sendFriendRequest({ username: "alice" });
      ids.push((await (await rel(alice)).sendFriendRequest({ username: name })).relationship!.user!.id);
    }
    await apiClient(server.url, ChannelService, await accessToken(alice.page)).createGroupDm({ userIds: ids, name: "Big Call" });
    const open = async (p: Page) => {
      await p.getByRole("navigation", { name: "Conversations" }).getByRole("link", { name: /^Big Call ?, group/ }).click();
      await p.getByRole("heading", { name: "Big Call", exact: true, level: 1 }).waitFor();
    };
    await open(alice.page);
    await carol.page.getByRole("button", { name: "Open navigation" }).click();
    await open(carol.page);

    await alice.page.getByRole("button", { name: "Start voice call" }).click();
    const ring = carol.page.getByRole("alertdialog", { name: "Incoming call from Big Call" });
    await ring.waitFor();
    // Alice in the call and the four she rings, carol among them.
    const people = call(carol.page).getByRole("list", { name: "People in the call" });
    await expect.poll(() => people.getByRole("listitem").count()).toBe(5);
    const row = () =>
      people.evaluate((ul) => ({
        rows: new Set([...ul.children].map((li) => Math.round(li.getBoundingClientRect().top))).size,
        scrolls: ul.scrollWidth > ul.clientWidth,
      }));
    expect(await row()).toEqual({ rows: 1, scrolls: false });
    await fitsWidth(carol.page);
    await ring.getByRole("button", { name: "Decline" }).click();
    await expect.poll(() => people.getByRole("listitem").count()).toBe(4);
    expect(await row()).toEqual({ rows: 1, scrolls: false });
    await shot(carol.page, "call-five-phone-dark");
    expect(await axe(carol.page)).toEqual([]);

    await call(alice.page).getByRole("button", { name: "Hang up" }).click();
    for (const u of [alice, bob, carol]) await call(u.page).waitFor({ state: "detached" });
  });

  test("a refused microphone gets a clear message instead of a silent failure", async () => {
    // Without the fake permission UI, Chromium refuses the microphone prompt.
    const strict = await launch(["--use-fake-device-for-media-stream"]);
    try {
      const again = await newUser(strict, server.url);
      const p = again.page;
      await p.goto("/login");
      await p.getByLabel("Username").fill("bob");
      await p.getByLabel("Password").fill(PASSWORD);
      await p.getByRole("button", { name: "Sign in" }).click();
      await p.getByRole("link", { name: /^Voice Lab/ }).click();
      await voiceChannel(p).click();
      await expect.poll(() => panel(p).getByRole("alert").textContent()).toMatch(/Microphone access was denied/);
      await shot(p, "voice-mic-denied-dark");
      // Nobody was put in the channel.
      await expect.poll(() => inGeneral(alice.page).count()).toBe(0);
      await panel(p).getByRole("button", { name: "Dismiss" }).click();
      await panel(p).waitFor({ state: "detached" });
    } finally {
      await strict.close();
    }
  });

  test("no console errors", () => {
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
    expect(carol.errors).toEqual([]);
  });
});
