// E-mail and the admin panel, against a real SMTP server (aiosmtpd on loopback): the admin
// opens registration and sets up SMTP in the panel (the test e-mail reports the server's
// answer), a new user signs up without a code, and a user who forgot their password resets it
// from the link in the mail; the admin searches the users, lists every server and deletes one; a user changes
// their address in settings and the new one gets a verification mail.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { AuthService } from "../src/gen/decentra/v1/auth_pb";
import { ServerService } from "../src/gen/decentra/v1/servers_pb";
import { apiClient, axe, launch, newUser, register, shot, startServer, type Server, type User } from "./harness";

const PASSWORD = "correct horse battery staple";
const NEW_PASSWORD = "a brand new passphrase";
// `cargo test --test browser` passes the virtualenv's python that has the pinned aiosmtpd.
const PYTHON = process.env.DECENTRA_E2E_SMTP_PYTHON ?? "python3";

let server: Server;
let browser: Browser;
let admin: User;
let smtp: ChildProcess;
let smtpPort = 0;
let maildir = "";

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
    srv.on("error", fail);
  });
}

const canConnect = (port: number) =>
  new Promise<boolean>((ok) => {
    const s = createConnection({ host: "127.0.0.1", port }, () => (s.end(), ok(true)));
    s.on("error", () => ok(false));
  });

/** Raw mails to `to` whose subject contains `subject`, oldest first. */
function mails(to: string, subject: string): string[] {
  const out: string[] = [];
  for (const sub of ["new", "cur"]) {
    let names: string[] = [];
    try {
      names = readdirSync(join(maildir, sub));
    } catch {
      continue;
    }
    for (const n of names) {
      const raw = readFileSync(join(maildir, sub, n), "utf8");
      const head = raw.split(/\r?\n\r?\n/)[0];
      if (head.includes(to) && new RegExp(`^Subject:.*${subject}`, "mi").test(head)) out.push(raw);
    }
  }
  return out;
}

/** The first link to `path` in a mail's text part (quoted-printable or not). */
function link(raw: string, path: string): string {
  const text = raw.replace(/=\r?\n/g, "").replace(/=3D/g, "=");
  const m = text.match(new RegExp(`https?://[^\\s"<>]*/${path}\\?token=[A-Za-z0-9_-]+`));
  if (!m) throw new Error(`no ${path} link in mail:\n${raw}`);
  return m[0];
}

beforeAll(async () => {
  maildir = mkdtempSync(join(tmpdir(), "decentra-e2e-mail-"));
  smtpPort = await freePort();
  // Python's Maildir only makes its folders when the directory itself is new.
  smtp = spawn(PYTHON, ["-m", "aiosmtpd", "-n", "-l", `127.0.0.1:${smtpPort}`, "-c", "aiosmtpd.handlers.Mailbox", join(maildir, "box")], { stdio: "inherit" });
  maildir = join(maildir, "box");
  // Bounded wait until aiosmtpd accepts connections.
  for (let i = 0; !(await canConnect(smtpPort)); i++) {
    if (i > 300) throw new Error("aiosmtpd did not listen within 30 s");
    await new Promise((r) => setTimeout(r, 100));
  }
  server = await startServer();
  // The first page load pays for compressing the embedded web client (debug builds do it at
  // start-up): take it here, outside the tests' navigation timeouts.
  await fetch(`${server.url}/`);
  browser = await launch();
  admin = await newUser(browser, server.url);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  smtp?.kill();
  rmSync(join(maildir, ".."), { recursive: true, force: true });
});

describe("e-mail and the admin panel", () => {
  test("the admin opens registration and sets up SMTP in the panel", async () => {
    const p = admin.page;
    await register(p, "root", PASSWORD);
    await p.getByRole("button", { name: "User settings" }).click();
    await p.getByRole("button", { name: "Instance Settings" }).click();
    await p.getByRole("radio", { name: /^Open/ }).check();
    await p.getByRole("switch", { name: "Send e-mail" }).check();
    await p.getByLabel("SMTP host").fill("127.0.0.1");
    await p.getByLabel("Port", { exact: true }).fill(String(smtpPort));
    await p.getByLabel("Encryption").selectOption({ label: "None (local relay only)" });
    await p.getByLabel("Sender address").fill("noreply@chat.test");
    await p.getByLabel("Sender name").fill("E2E Chat");
    await shot(p, "admin-smtp-unsaved-dark");
    await p.getByRole("button", { name: "Save changes" }).click();
    await expect.poll(() => p.getByRole("region", { name: "Unsaved changes" }).count()).toBe(0);

    await p.getByRole("textbox", { name: "Test e-mail recipient" }).fill("root@example.test");
    await p.getByRole("button", { name: "Send test e-mail" }).click();
    await expect.poll(() => p.getByRole("status").filter({ hasText: "SMTP server answered" }).textContent()).toMatch(/250/);
    await expect.poll(() => mails("root@example.test", "Test e-mail").length, { timeout: 30_000 }).toBe(1);
    await shot(p, "admin-smtp-test-sent-dark");
    expect(await axe(p)).toEqual([]);

    await p.getByRole("button", { name: "Users" }).click();
    await p.getByRole("list", { name: "Users" }).waitFor();
    await shot(p, "admin-users-dark");
    await p.getByRole("button", { name: "Close settings" }).click();
    expect(admin.errors).toEqual([]);
  });

  test("a new user signs up without an invite code", async () => {
    const dana = await newUser(browser, server.url);
    const p = dana.page;
    await p.goto("/register");
    await p.getByLabel(/^E-mail address/).waitFor();
    expect(await p.getByLabel("Invite code").count()).toBe(0);
    await p.getByLabel("Username").fill("dana");
    await p.getByLabel("Password").fill(PASSWORD);
    await p.getByLabel(/^E-mail address/).fill("dana@example.test");
    await shot(p, "register-open-dark");
    await p.getByRole("button", { name: "Create account" }).click();
    await p.getByRole("navigation", { name: "Servers" }).waitFor();
    // Her verification mail arrives; its link lands in the web app and works once.
    await expect.poll(() => mails("dana@example.test", "Verify").length, { timeout: 30_000 }).toBe(1);
    const verify = link(mails("dana@example.test", "Verify")[0], "verify-email");
    await p.goto(new URL(verify).pathname + new URL(verify).search);
    await expect.poll(() => p.getByRole("status").textContent()).toMatch(/verified/);
    await shot(p, "verify-email-done-dark");
    await p.reload();
    await expect.poll(() => p.getByRole("alert").textContent()).toMatch(/does not work any more/);
    await shot(p, "verify-email-used-dark");
    expect(dana.errors.filter((e) => !e.includes("404") && !e.includes("Not Found"))).toEqual([]);
    await dana.close();
  });

  test("a user resets a forgotten password from the e-mail link", async () => {
    const dana = await newUser(browser, server.url);
    const p = dana.page;
    await p.goto("/login");
    await p.getByRole("link", { name: "Forgot your password?" }).click();
    await p.getByLabel("E-mail address").fill("dana@example.test");
    await shot(p, "forgot-password-dark");
    await p.getByRole("button", { name: "Send reset link" }).click();
    await expect.poll(() => p.getByRole("status").textContent()).toMatch(/on its way/);
    await expect.poll(() => mails("dana@example.test", "Reset").length, { timeout: 30_000 }).toBe(1);
    const reset = new URL(link(mails("dana@example.test", "Reset")[0], "reset-password"));
    expect(reset.origin).toBe(server.url);

    await p.goto(reset.pathname + reset.search);
    await p.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await p.getByLabel("Repeat the new password", { exact: true }).fill(NEW_PASSWORD);
    await shot(p, "reset-password-dark");
    expect(await axe(p)).toEqual([]);
    await p.getByRole("button", { name: "Change password" }).click();
    await expect.poll(() => p.getByRole("status").textContent()).toMatch(/password was changed/);
    await shot(p, "reset-password-done-dark");

    await p.getByRole("link", { name: "Sign in" }).click();
    await p.getByLabel("Username").fill("dana");
    await p.getByLabel("Password").fill(NEW_PASSWORD);
    await p.getByRole("button", { name: "Sign in" }).click();
    await p.getByRole("navigation", { name: "Servers" }).waitFor();
    expect(dana.errors).toEqual([]);
    await dana.close();
  });

  test("the admin lists every server and deletes one", async () => {
    // Dana owns two servers, made over the API.
    const signedIn = await apiClient(server.url, AuthService).login({ username: "dana", password: NEW_PASSWORD });
    const danaServers = apiClient(server.url, ServerService, signedIn.accessToken);
    await danaServers.createServer({ name: "Dana's Den" });
    await danaServers.createServer({ name: "Book Club" });

    const p = admin.page;
    await p.getByRole("button", { name: "User settings" }).click();
    // The only admin cannot be demoted: the panel does not offer it, and says why.
    await p.getByRole("button", { name: "Users" }).click();
    await p.getByRole("list", { name: "Users" }).waitFor();
    await p.getByRole("button", { name: "Make admin dana" }).waitFor();
    const demoteRoot = p.getByRole("button", { name: "Remove admin from root" });
    await demoteRoot.and(p.locator('[aria-disabled="true"]')).waitFor();
    expect(await demoteRoot.getAttribute("aria-description")).toMatch(/at least one administrator/);
    // The search narrows the list, and says so when nobody matches.
    const users = p.getByRole("list", { name: "Users" });
    await expect.poll(() => users.getByRole("listitem").count()).toBe(2);
    await p.getByRole("searchbox", { name: "Search users" }).fill("dan");
    await expect.poll(() => users.getByRole("listitem").count()).toBe(1);
    expect(await users.textContent()).toMatch(/@dana/);
    // A search that shows only the admin still knows there is no other one.
    await p.getByRole("searchbox", { name: "Search users" }).fill("root");
    await expect.poll(() => users.getByRole("listitem").count()).toBe(1);
    await demoteRoot.and(p.locator('[aria-disabled="true"]')).waitFor();
    await p.getByRole("searchbox", { name: "Search users" }).fill("zz-nobody");
    await p.getByText("Nobody matches that search.").waitFor();
    await p.getByRole("searchbox", { name: "Search users" }).fill("");
    await expect.poll(() => users.getByRole("listitem").count()).toBe(2);

    await p.getByRole("button", { name: "Servers", exact: true }).click();
    const table = p.getByRole("table", { name: "Servers" });
    await table.getByRole("row", { name: /Dana's Den/ }).waitFor();
    const den = table.getByRole("row", { name: /Dana's Den/ });
    expect(await den.textContent()).toMatch(/@dana/);
    await shot(p, "admin-servers-dark");
    expect(await axe(p)).toEqual([]);

    await p.getByRole("searchbox", { name: "Search servers" }).fill("book");
    await expect.poll(() => table.getByRole("row").count()).toBe(2);
    await p.getByRole("button", { name: "Delete server Book Club" }).click();
    const dialog = p.getByRole("dialog", { name: "Delete 'Book Club'" });
    await expect.poll(() => dialog.textContent()).toMatch(/owned by @dana.*1 member.*cannot be undone/);
    await shot(p, "admin-server-delete-dialog-dark");
    await dialog.getByRole("button", { name: "Delete server" }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => table.getByRole("row").count()).toBe(0);
    const left = await danaServers.listServers({});
    expect(left.servers.map((s) => s.name)).toEqual(["Dana's Den"]);
    await p.getByRole("button", { name: "Close settings" }).click();
    expect(admin.errors).toEqual([]);
  });

  test("a user changes their e-mail address and the new one gets a verification mail", async () => {
    const dana = await newUser(browser, server.url);
    const p = dana.page;
    await p.goto("/login");
    await p.getByLabel("Username").fill("dana");
    await p.getByLabel("Password").fill(NEW_PASSWORD);
    await p.getByRole("button", { name: "Sign in" }).click();
    await p.getByRole("navigation", { name: "Servers" }).waitFor();
    await p.getByRole("button", { name: "User settings" }).click();
    await p.getByRole("button", { name: "Change e-mail" }).click();
    const dialog = p.getByRole("dialog", { name: "Change your e-mail address" });
    await dialog.getByLabel("New e-mail address").fill("dana.new@example.test");
    await dialog.getByLabel("Current password").fill(NEW_PASSWORD);
    await shot(p, "change-email-dark");
    expect(await axe(p)).toEqual([]);
    await dialog.getByRole("button", { name: "Change e-mail" }).click();
    await expect.poll(() => p.getByRole("status").filter({ hasText: "Verification e-mail sent" }).textContent()).toMatch(/dana\.new@example\.test/);
    await expect.poll(() => p.getByText("Not verified").count()).toBe(1);
    await shot(p, "change-email-sent-dark");
    // The green confirmation (.ok-text) reads at 4.5:1 on both themes.
    expect(await axe(p)).toEqual([]);
    await p.evaluate(() => (document.documentElement.dataset.theme = "light"));
    await shot(p, "change-email-sent-light");
    expect(await axe(p)).toEqual([]);
    await expect.poll(() => mails("dana.new@example.test", "Verify").length, { timeout: 30_000 }).toBe(1);
    expect(dana.errors).toEqual([]);
    await dana.close();
  });
});
