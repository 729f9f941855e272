// The API reference at /api/docs: Redoc renders the server's OpenAPI document in Chromium
// under the page's own CSP, with nothing loaded from another origin and no console error.
import { afterAll, beforeAll, expect, test } from "vitest";
import type { Browser } from "playwright-core";
import { launch, newUser, shot, startServer, type Server } from "./harness";

let server: Server;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test("the API reference renders SendMessage (MessageService_SendMessage) and its path", async () => {
  const user = await newUser(browser, server.url);
  // Nothing from another origin ever arrives. (Redoc 2 hard-codes its "Redocly" logo on a
  // CDN; the page's CSP refuses that one image before any request leaves.)
  const foreign: string[] = [];
  user.page.on("response", (r) => {
    if (!r.url().startsWith(server.url) && !r.url().startsWith(`blob:${server.url}`)) foreign.push(r.url());
  });
  // Redoc's link to an operation is its operationId; the heading is the summary (the
  // first sentence of the RPC's proto comment) and the path shows in the request panel.
  await user.page.goto("/api/docs#operation/MessageService_SendMessage");
  await user.page.getByRole("heading", { name: "Posts a message" }).first().waitFor();
  await user.page.getByText("/api/v1/channels/{channel_id}/messages").first().waitFor();
  await shot(user.page, "api-docs");
  expect(foreign).toEqual([]);
  // The one expected error is that refusal.
  const refused = /cdn\.redoc\.ly\/redoc\/logo-mini\.svg.*Content Security Policy/s;
  expect(user.errors.filter((e) => !refused.test(e))).toEqual([]);
  await user.close();
});
