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

test("the API reference renders SendMessage and its path", async () => {
  const user = await newUser(browser, server.url);
  const foreign: string[] = [];
  user.page.on("request", (r) => {
    if (!r.url().startsWith(server.url) && !r.url().startsWith("data:") && !r.url().startsWith("blob:")) foreign.push(r.url());
  });
  await user.page.goto("/api/docs");
  // Redoc lists each operation by its summary or operationId; the path shows in its panel.
  const operation = user.page.getByText("MessageService_SendMessage").or(user.page.getByText("SendMessage", { exact: false })).first();
  await operation.waitFor();
  await operation.click();
  await user.page.getByText("/api/v1/channels/{channel_id}/messages").first().waitFor();
  await shot(user.page, "api-docs");
  expect(foreign).toEqual([]);
  expect(user.errors).toEqual([]);
  await user.close();
});
