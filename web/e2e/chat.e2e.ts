// Two users in two browser contexts: sign-up, a server, an invite link, live chat and
// everything done to messages, an image, a DM, permissions and moderation taking effect live,
// a reload, and the phone-sized layout. No console errors anywhere.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { AdminService } from "../src/gen/decentra/v1/admin_pb";
import { AuthService } from "../src/gen/decentra/v1/auth_pb";
import { apiClient, axe, launch, newUser, register, shot, startServer, type Server, type User } from "./harness";

const PASSWORD = "correct horse battery staple";
let server: Server;
let browser: Browser;
let alice: User;
let bob: User;
let serverName = "";

/** The message whose text (rendered, after markdown) is exactly `text`. */
const message = (page: Page, text: string) => page.getByRole("article").filter({ has: page.locator(".msg-body").getByText(text, { exact: true }) });
const composer = (page: Page) => page.getByRole("textbox", { name: /^Message / });

/** Sends `text` and waits until it is shown (as `shown`, when markdown changes it). */
async function send(page: Page, text: string, shown = text) {
  await composer(page).fill(text);
  await composer(page).press("Enter");
  await expect.poll(() => message(page, shown).count()).toBe(1);
}

async function accessToken(page: Page): Promise<string> {
  return page.evaluate(() => JSON.parse(localStorage.getItem("decentra.session") ?? "{}").accessToken as string);
}

beforeAll(async () => {
  server = await startServer();
  browser = await launch();
  alice = await newUser(browser, server.url);
  bob = await newUser(browser, server.url);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("two users", () => {
  test("the first account signs up without an invite; the second needs one", async () => {
    await register(alice.page, "alice", PASSWORD);
    await shot(alice.page, "home-empty-dark");
    const admin = apiClient(server.url, AdminService, await accessToken(alice.page));
    const { invite } = await admin.createInstanceInvite({ maxUses: 1, expiresInSeconds: 3600n });
    expect(invite?.code).toBeTruthy();

    await bob.page.goto("/register");
    await expect.poll(() => bob.page.getByLabel("Invite code").count()).toBe(1);
    await shot(bob.page, "register-invite-dark");
    await bob.page.getByLabel("Username").fill("bob");
    await bob.page.getByLabel("Password").fill(PASSWORD);
    await bob.page.getByRole("button", { name: "Create account" }).click();
    await expect.poll(() => bob.page.getByRole("alert").textContent()).toMatch(/invite/i);
    await register(bob.page, "bob", PASSWORD, invite!.code);
  });

  test("alice creates a server and bob joins through the invite link", async () => {
    const p = alice.page;
    const channelHeading = (page: Page) => page.getByRole("heading", { name: "general", exact: true });
    await p.getByRole("button", { name: "Add a server" }).click();
    serverName = "Rustaceans";
    await p.getByLabel("Server name").fill(serverName);
    await p.getByRole("button", { name: "Create", exact: true }).click();
    await channelHeading(p).waitFor();
    await p.getByRole("button", { name: "Server menu" }).click();
    await p.getByRole("menuitem", { name: "Invite people" }).click();
    const link = p.getByRole("textbox", { name: "Invite link" });
    await expect.poll(() => link.inputValue()).toMatch(/\/invite\/\w+/);
    const url = await link.inputValue();
    await shot(p, "invite-dialog-dark");
    await p.keyboard.press("Escape");

    await bob.page.goto(new URL(url).pathname);
    await bob.page.getByRole("heading", { name: serverName }).waitFor();
    await shot(bob.page, "invite-preview-dark");
    await bob.page.getByRole("button", { name: "Accept invite" }).click();
    await channelHeading(bob.page).waitFor();
    // Alice's member list shows bob live, and online (not "bob, offline").
    await alice.page.getByRole("complementary", { name: "Members" }).getByRole("button", { name: "bob", exact: true }).waitFor();
  });

  test("both chat live; edit, react, reply, pin and delete reach the other side", async () => {
    await send(alice.page, "Hello **bob**, welcome!", "Hello bob, welcome!");
    await message(bob.page, "Hello bob, welcome!").waitFor();
    await expect.poll(() => message(bob.page, "Hello bob, welcome!").locator("strong").textContent()).toBe("bob");

    await send(bob.page, "hi alice");
    await message(alice.page, "hi alice").waitFor();

    // Edit with Up-arrow on the empty composer.
    await composer(alice.page).focus();
    await composer(alice.page).press("ArrowUp");
    const edit = alice.page.getByRole("textbox", { name: "Edit message" });
    await edit.fill("Hello **bob**, welcome aboard!");
    await edit.press("Enter");
    await message(bob.page, "Hello bob, welcome aboard!").getByText("(edited)").waitFor();

    // Reaction from bob, seen by alice.
    const target = message(bob.page, "Hello bob, welcome aboard!");
    await target.hover();
    await target.getByRole("button", { name: "Add reaction" }).click();
    await bob.page.getByRole("button", { name: "React with 👍" }).click();
    await message(alice.page, "Hello bob, welcome aboard!").getByRole("button", { name: /👍 1 reaction/ }).waitFor();

    // Reply from bob: alice sees the quoted preview.
    await target.hover();
    await target.getByRole("button", { name: "Reply" }).click();
    await send(bob.page, "thanks!");
    await message(alice.page, "thanks!").getByRole("button", { name: /^Jump to replied message: alice/ }).waitFor();

    // Alice pins her message; bob finds it in the pins panel.
    const mine = message(alice.page, "Hello bob, welcome aboard!");
    await mine.hover();
    await mine.getByRole("button", { name: "Pin message" }).click();
    await bob.page.getByRole("button", { name: "Pinned messages" }).click();
    await bob.page.getByRole("complementary", { name: "Pinned messages" }).getByText("Hello bob, welcome aboard!").waitFor();
    await shot(bob.page, "pins-dark");
    await bob.page.getByRole("button", { name: "Close pinned messages" }).click();
    // Pinning updates the message; its reactions stay.
    await message(bob.page, "Hello bob, welcome aboard!").getByRole("button", { name: /👍 1 reaction/ }).waitFor();

    // Alice deletes a message after confirming; it disappears for bob.
    await send(alice.page, "oops, wrong channel");
    await message(bob.page, "oops, wrong channel").waitFor();
    const oops = message(alice.page, "oops, wrong channel");
    await oops.hover();
    await oops.getByRole("button", { name: "Delete message" }).click();
    await alice.page.getByRole("dialog", { name: "Delete message" }).getByRole("button", { name: "Delete" }).click();
    await expect.poll(() => message(bob.page, "oops, wrong channel").count()).toBe(0);
    await shot(alice.page, "chat-dark");
  });

  test("an uploaded image shows as a preview on the other side", async () => {
    const png = readFileSync(new URL("./fixtures/pixel.png", import.meta.url));
    await bob.page.getByLabel("Files to upload").setInputFiles({ name: "pixel.png", mimeType: "image/png", buffer: png });
    await bob.page.getByRole("list", { name: "Attachments to send" }).getByText("pixel.png").waitFor();
    await expect.poll(() => bob.page.getByRole("list", { name: "Attachments to send" }).textContent()).not.toMatch(/Uploading/);
    await send(bob.page, "look at this");
    const img = message(alice.page, "look at this").getByRole("img", { name: "pixel.png" });
    await img.waitFor();
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
  });

  test("a friend request, then a DM", async () => {
    await bob.page.getByRole("link", { name: "Direct messages" }).click();
    await bob.page.getByRole("tab", { name: "Add Friend" }).click();
    await bob.page.getByRole("textbox", { name: "Username" }).fill("alice");
    await bob.page.getByRole("button", { name: "Send friend request" }).click();
    await bob.page.getByRole("tab", { name: /^Pending/ }).click();
    await bob.page.getByRole("button", { name: "Cancel friend request to alice" }).waitFor();

    await alice.page.getByRole("link", { name: "Direct messages" }).click();
    await alice.page.getByRole("tab", { name: /^Pending\W+1 incoming/ }).click();
    await shot(alice.page, "friends-pending-dark");
    await alice.page.getByRole("button", { name: "User settings" }).click();
    await shot(alice.page, "user-settings-dark");
    await alice.page.getByRole("button", { name: "Close settings" }).click();
    await alice.page.getByRole("button", { name: "Accept friend request from bob" }).click();
    await alice.page.getByRole("tab", { name: "All" }).click();
    await alice.page.getByRole("button", { name: "Message bob" }).click();
    await composer(alice.page).waitFor();
    await send(alice.page, "hey bob, this is a DM");

    const dm = bob.page.getByRole("navigation", { name: "Conversations" }).getByRole("link", { name: /^alice\W+unread/ });
    await dm.click();
    await message(bob.page, "hey bob, this is a DM").waitFor();
    await send(bob.page, "got it");
    await message(alice.page, "got it").waitFor();
    await shot(bob.page, "dm-dark");
  });

  test("a reload keeps the session", async () => {
    await bob.page.reload();
    await bob.page.getByRole("navigation", { name: "Servers" }).waitFor();
    await bob.page.getByRole("link", { name: new RegExp(`^${serverName}`) }).click();
    await message(bob.page, "look at this").waitFor();
  });

  test("the 375 px layout: drawers for navigation and members, chat still works", async () => {
    const phone = await newUser(browser, server.url, { width: 375, height: 740 });
    const p = phone.page;
    await p.goto("/login");
    await p.getByLabel("Username").fill("bob");
    await p.getByLabel("Password").fill(PASSWORD);
    await p.getByRole("button", { name: "Sign in" }).click();
    await p.getByRole("heading", { name: "Friends" }).waitFor();
    await shot(p, "phone-friends-dark");
    // The rail is off-screen until the drawer opens.
    const rail = p.getByRole("navigation", { name: "Servers" });
    await expect.poll(() => rail.evaluate((el) => el.getBoundingClientRect().right)).toBeLessThanOrEqual(0);
    await p.getByRole("button", { name: "Open navigation" }).click();
    await expect.poll(() => rail.evaluate((el) => el.getBoundingClientRect().left)).toBe(0);
    await shot(p, "phone-drawer-dark");
    await rail.getByRole("link", { name: new RegExp(`^${serverName}`) }).click();
    await p.getByRole("heading", { name: "general", exact: true }).waitFor();
    await expect.poll(() => rail.evaluate((el) => el.getBoundingClientRect().right)).toBeLessThanOrEqual(0);
    await send(p, "sent from a phone");
    await shot(p, "phone-chat-dark");
    const width = await p.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(375);
    expect(phone.errors).toEqual([]);
    await phone.close();
  });

  test("light theme screenshots of the main screens", async () => {
    const light = await newUser(browser, server.url, { theme: "light" });
    const p = light.page;
    await p.goto("/login");
    await shot(p, "login-light");
    await p.getByLabel("Username").fill("alice");
    await p.getByLabel("Password").fill(PASSWORD);
    await p.getByRole("button", { name: "Sign in" }).click();
    await p.getByRole("heading", { name: "Friends" }).waitFor();
    await shot(p, "friends-light");
    await p.getByRole("link", { name: new RegExp(`^${serverName}`) }).click();
    await message(p, "sent from a phone").waitFor();
    await shot(p, "chat-light");
    expect(await axe(p)).toEqual([]);
    await p.getByRole("button", { name: "User settings" }).click();
    await p.getByRole("dialog", { name: "User settings" }).waitFor();
    await shot(p, "user-settings-light");
    expect(await axe(p)).toEqual([]);
    await p.keyboard.press("Escape");
    await p.getByRole("dialog", { name: "User settings" }).waitFor({ state: "detached" });

    // Keyboard: Ctrl+K finds a channel by name, Enter goes there.
    await p.getByRole("link", { name: "Direct messages" }).click();
    await p.keyboard.press("Control+k");
    await p.getByRole("textbox", { name: "Where would you like to go?" }).fill("gene");
    await shot(p, "quick-switcher-light");
    await p.keyboard.press("Enter");
    await p.getByRole("heading", { name: "general", exact: true }).waitFor();

    // Logging out revokes the session on the server: the stored refresh token is refused.
    const refresh = await p.evaluate(() => JSON.parse(localStorage.getItem("decentra.session") ?? "{}").refreshToken as string);
    await p.getByRole("button", { name: "User settings" }).click();
    await p.getByRole("dialog", { name: "User settings" }).getByRole("button", { name: "Log Out" }).click();
    await p.getByRole("dialog", { name: "Log Out" }).getByRole("button", { name: "Log Out" }).click();
    await p.getByRole("button", { name: "Sign in" }).waitFor();
    await expect(apiClient(server.url, AuthService).refreshToken({ refreshToken: refresh })).rejects.toThrow();
    expect(light.errors).toEqual([]);
    await light.close();
  });

  test("an overwrite that hides a channel removes it for bob, live", async () => {
    const p = alice.page;
    const bobChannels = () => bob.page.getByRole("navigation", { name: `${serverName} channels` });
    await p.getByRole("link", { name: new RegExp(`^${serverName}`) }).click();
    await p.getByRole("button", { name: "Server menu" }).click();
    await p.getByRole("menuitem", { name: "Create channel" }).click();
    await p.getByLabel("Channel name").fill("secret");
    await p.getByRole("dialog", { name: "Create channel" }).getByRole("button", { name: "Create channel" }).click();
    await p.getByRole("heading", { name: "secret", exact: true }).waitFor();
    await bob.page.getByRole("link", { name: new RegExp(`^${serverName}`) }).click();
    await bobChannels().getByRole("link", { name: /^secret/ }).waitFor();

    await p.getByRole("button", { name: "Edit channel secret" }).click();
    const settings = p.getByRole("dialog", { name: "Channel settings" });
    await settings.getByRole("navigation", { name: "Channel settings sections" }).getByRole("button", { name: "Permissions" }).click();
    await settings.getByRole("button", { name: "Deny View Channels for @everyone" }).click();
    await shot(p, "channel-permissions-dark");
    expect(await axe(p)).toEqual([]);
    await settings.getByRole("button", { name: "Save changes" }).click();
    await expect.poll(() => bobChannels().getByRole("link", { name: /^secret/ }).count()).toBe(0);
    await expect.poll(() => bobChannels().getByRole("link", { name: /^general/ }).count()).toBe(1);
    await settings.getByRole("button", { name: "Close settings" }).click();
  });

  test("a kick removes the server from bob's rail, live", async () => {
    const p = alice.page;
    await p.getByRole("button", { name: "Server menu" }).click();
    await p.getByRole("menuitem", { name: "Server settings" }).click();
    const settings = p.getByRole("dialog", { name: "Server settings" });
    await settings.getByRole("navigation", { name: "Server settings sections" }).getByRole("button", { name: "Roles" }).click();
    await shot(p, "server-roles-dark");
    expect(await axe(p)).toEqual([]);
    await settings.getByRole("navigation", { name: "Server settings sections" }).getByRole("button", { name: "Members" }).click();
    await settings.getByRole("button", { name: "More options for bob" }).click();
    await p.getByRole("menuitem", { name: "Kick bob" }).click();
    await p.getByRole("dialog", { name: "Kick bob from the server" }).getByRole("button", { name: "Kick" }).click();
    const bobRail = bob.page.getByRole("navigation", { name: "Servers" });
    await expect.poll(() => bobRail.getByRole("link", { name: new RegExp(`^${serverName}`) }).count()).toBe(0);
    // Bob was in the server's channel: he is sent home.
    await bob.page.getByRole("heading", { name: "Friends" }).waitFor();
    await settings.getByRole("button", { name: "Close settings" }).click();
  });

  test("main screens pass the accessibility check", async () => {
    for (const [name, page] of [["alice: a channel", alice.page], ["bob: friends, after the kick", bob.page]] as const) {
      expect({ name, violations: await axe(page) }).toEqual({ name, violations: [] });
    }
  });

  test("no console errors", () => {
    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });
});
