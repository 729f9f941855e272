// The event stream survives the server going away: the "Reconnecting…" bar shows, the client
// backs off and reconnects on its own, re-syncs (the restarted server has no replay window),
// reloads the open channel, and chat works again — without a page reload.
import { afterAll, beforeAll, expect, test } from "vitest";
import type { Browser } from "playwright-core";
import { launch, newUser, register, shot, startServer, type Server, type User } from "./harness";

let server: Server;
let browser: Browser;
let user: User;

beforeAll(async () => {
  server = await startServer();
  browser = await launch();
  user = await newUser(browser, server.url);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test("a server restart shows the reconnecting bar, then the client recovers by itself", async () => {
  const p = user.page;
  await register(p, "carol", "correct horse battery staple");
  await p.getByRole("button", { name: "Add a server" }).click();
  await p.getByRole("button", { name: "Create", exact: true }).click();
  const box = p.getByRole("textbox", { name: /^Message / });
  await box.fill("before the restart");
  await box.press("Enter");
  await p.getByText("before the restart", { exact: true }).waitFor();

  const bar = p.getByRole("status").filter({ hasText: "Reconnecting…" });
  const restarted = server.restart();
  await bar.waitFor();
  await shot(p, "reconnecting-dark");
  await restarted;
  await bar.waitFor({ state: "detached", timeout: 60_000 });

  // History came back after the re-sync, and sending works on the new stream.
  await p.getByText("before the restart", { exact: true }).waitFor();
  await box.fill("after the restart");
  await box.press("Enter");
  await p.getByRole("article").filter({ hasText: "after the restart" }).waitFor();
  await expect.poll(() => p.getByRole("article").filter({ hasText: "after the restart" }).evaluate((el) => el.classList.contains("pending"))).toBe(false);
  // While the server was down the browser logged refused connections; nothing else.
  expect(user.errors.filter((e) => !/ERR_CONNECTION_REFUSED|Failed to load resource|net::ERR/.test(e))).toEqual([]);
});
