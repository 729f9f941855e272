// End-to-end harness: the real release server on a fresh SQLite data dir and a free port,
// Debian's Chromium driven by playwright-core, screenshots and accessibility checks.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { createClient, type Client } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import type { DescService } from "@bufbuild/protobuf";

const here = dirname(fileURLToPath(import.meta.url));
export const ARTIFACTS = resolve(here, "artifacts");
const BIN = process.env.DECENTRA_BIN ?? resolve(here, "../../target/release/decentra");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const AXE = readFileSync(resolve(here, "../node_modules/axe-core/axe.min.js"), "utf8");

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

export interface Server {
  url: string;
  log: string[];
  /** Stops the process (SIGTERM, graceful) and starts it again on the same port and data. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `decentra` (or uses DECENTRA_E2E_URL) and resolves once /healthz answers. */
export async function startServer(): Promise<Server> {
  if (process.env.DECENTRA_E2E_URL) {
    const url = process.env.DECENTRA_E2E_URL;
    return { url, log: [], restart: () => Promise.reject(new Error("cannot restart an outside server")), stop: async () => {} };
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "decentra-e2e-"));
  const url = `http://127.0.0.1:${port}`;
  const log: string[] = [];
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith("DECENTRA_") || k === "DATABASE_URL" || k === "RUST_LOG") delete env[k];
  Object.assign(env, {
    DECENTRA_BIND: `127.0.0.1:${port}`,
    DECENTRA_DATA_DIR: dir,
    DECENTRA_LOG: "warn",
    // Many sign-ups from one IP in a few seconds are the test, not an attack.
    DECENTRA_AUTH_RATE_PER_IP: "10000",
    DECENTRA_AUTH_RATE_PER_USERNAME: "10000",
    // Links in e-mails point at this server; failed mail is retried within a second.
    DECENTRA_PUBLIC_URL: url,
    DECENTRA_MAIL_RETRY_BASE_MS: "200",
    DECENTRA_MAIL_RETRY_MAX_MS: "1000",
  });

  let child: ChildProcess;
  let exited: Promise<unknown>;
  const launchProcess = async () => {
    child = spawn(BIN, [], { env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.on("data", (d) => log.push(String(d)));
    child.stderr?.on("data", (d) => log.push(String(d)));
    exited = new Promise((r) => child.once("exit", r));
    // Poll until healthy (bounded): the process needs a moment to open its database.
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${url}/healthz`)).ok) return;
      } catch {
        /* not listening yet */
      }
      if (child.exitCode !== null) throw new Error(`decentra exited early:\n${log.join("")}`);
      if (i > 300) throw new Error(`decentra did not become healthy:\n${log.join("")}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const kill = async () => {
    child.kill("SIGTERM");
    await exited;
  };
  await launchProcess();
  return {
    url,
    log,
    async restart() {
      await kill();
      await launchProcess();
    },
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Chromium flags for voice tests: a fake microphone (a periodic beep), no permission
 * prompt, and peer connections over loopback. */
export const FAKE_MEDIA = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", "--allow-loopback-in-peer-connection"];

export async function launch(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", ...extraArgs],
  });
}

/** A browser context for one user; every console error or page error is recorded. */
export interface User {
  page: Page;
  errors: string[];
  close(): Promise<void>;
}

export async function newUser(browser: Browser, url: string, opts: { width?: number; height?: number; theme?: "dark" | "light"; voiceDebug?: boolean } = {}): Promise<User> {
  const { width = 1280, height = 800, theme } = opts;
  const context = await browser.newContext({ baseURL: url, viewport: { width, height } });
  if (theme) await context.addInitScript((t) => localStorage.setItem("decentra.prefs", JSON.stringify({ theme: t, compact: false })), theme);
  // The voice client's read-only stats hook (window.__decentraVoice), off unless asked for.
  if (opts.voiceDebug) await context.addInitScript(() => localStorage.setItem("decentra.voiceDebug", "1"));
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(e.message));
  return { page, errors, close: () => context.close() };
}

/** Registers through the UI and waits for the signed-in app. */
export async function register(page: Page, username: string, password: string, inviteCode?: string): Promise<void> {
  await page.goto("/register");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  if (inviteCode) await page.getByLabel("Invite code").fill(inviteCode);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("navigation", { name: "Servers" }).waitFor();
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  // Finished animations: a screenshot shows the settled screen, not a frame of a transition.
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), animations: "disabled" });
}

/** Runs axe-core on the page; returns serious and critical violations. */
export interface Violation {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

export async function axe(page: Page): Promise<Violation[]> {
  // Evaluated through the DevTools protocol: the app's CSP (rightly) refuses inline scripts.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE);
  const result: Violation[] = await page.evaluate(async () => {
    type AxeResult = { violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] };
    const r: AxeResult = await (window as unknown as { axe: { run(ctx: Document, o: object): Promise<AxeResult> } }).axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  });
  return result.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/** A direct API client for setting up data quickly (seeding history), as a given user. */
export function apiClient<T extends DescService>(url: string, service: T, token?: string): Client<T> {
  const transport = createGrpcWebTransport({
    baseUrl: url,
    interceptors: [(next) => async (req) => {
      if (token) req.header.set("authorization", `Bearer ${token}`);
      return next(req);
    }],
  });
  return createClient(service, transport);
}
