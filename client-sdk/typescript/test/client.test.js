// Against a running server: DECENTRA_URL, a user (DECENTRA_USERNAME / DECENTRA_PASSWORD) and
// the name of a server that user is in (DECENTRA_SERVER_NAME). server/tests/typescript_sdk.rs
// starts the server, makes the user and runs this with `npm test`.
import assert from "node:assert/strict";
import { test } from "node:test";

import { Code, ConnectError } from "@connectrpc/connect";

import { createClient } from "../index.js";

function env(name) {
  const value = process.env[name];
  assert.ok(value, `${name} must be set (run through cargo test -p decentra --test typescript_sdk)`);
  return value;
}

const url = env("DECENTRA_URL");
const username = env("DECENTRA_USERNAME");
const password = env("DECENTRA_PASSWORD");
const serverName = env("DECENTRA_SERVER_NAME");

/** A fetch that records the `authorization` header of every request. */
function recordingFetch(seen) {
  return (input, init) => {
    seen.push(new Headers(init?.headers).get("authorization"));
    return fetch(input, init);
  };
}

async function code(promise) {
  try {
    await promise;
  } catch (e) {
    return ConnectError.from(e).code;
  }
  assert.fail("the call succeeded");
}

test("logs in and lists the user's servers", async () => {
  const anonymous = createClient(url);
  const login = await anonymous.auth.login({ username, password });
  assert.equal(login.user?.username, username);
  assert.ok(login.accessToken);

  const seen = [];
  const client = createClient(url, login.accessToken, { fetch: recordingFetch(seen) });
  const { servers } = await client.servers.listServers({});
  assert.deepEqual(
    servers.map((s) => s.name),
    [serverName],
  );
  assert.deepEqual(seen, [`Bearer ${login.accessToken}`]);
});

test("a token function is asked before every call", async () => {
  const { accessToken } = await createClient(url).auth.login({ username, password });
  let asked = 0;
  const client = createClient(url, () => {
    asked += 1;
    return accessToken;
  });
  const me = await client.users.getCurrentUser({});
  assert.equal(me.user?.username, username);
  await client.users.getCurrentUser({});
  assert.equal(asked, 2);
});

test("the event stream starts with ready", async () => {
  const { accessToken } = await createClient(url).auth.login({ username, password });
  const client = createClient(url, accessToken);
  for await (const event of client.events.subscribe({ resumeCursor: "" })) {
    assert.equal(event.event.case, "ready");
    assert.equal(event.event.value.user?.username, username);
    assert.deepEqual(
      event.event.value.servers.map((s) => s.server?.name),
      [serverName],
    );
    break; // leaving the loop closes the stream
  }
});

test("calls without a valid token are refused; bot tokens go as Bot", async () => {
  assert.equal(await code(createClient(url).servers.listServers({})), Code.Unauthenticated);
  const seen = [];
  const bot = createClient(url, { bot: "not-a-bot-token" }, { fetch: recordingFetch(seen) });
  assert.equal(await code(bot.users.getCurrentUser({})), Code.Unauthenticated);
  assert.deepEqual(seen, ["Bot not-a-bot-token"]);
  assert.throws(() => createClient(url, { bearer: "x" }), TypeError);
});
