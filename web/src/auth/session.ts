// The signed-in session: tokens kept in localStorage so a reload stays signed in, with the
// access token refreshed shortly before it expires. Refresh tokens rotate and reusing an old
// one revokes the session, so tabs take a Web Lock and re-read storage before refreshing.
import { createSignal } from "solid-js";
import { createClient } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { AuthService } from "../gen/decentra/v1/auth_pb";

const KEY = "decentra.session";
/** Refresh this long before the access token expires. */
const MARGIN_MS = 60_000;

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  /** Unix ms when the access token expires. */
  expiresAt: number;
}

function load(): Tokens | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const t = JSON.parse(raw) as Partial<Tokens>;
    if (typeof t.accessToken !== "string" || typeof t.refreshToken !== "string") return null;
    return { accessToken: t.accessToken, refreshToken: t.refreshToken, expiresAt: Number(t.expiresAt) || 0 };
  } catch {
    return null;
  }
}

function store(t: Tokens | null) {
  if (t) localStorage.setItem(KEY, JSON.stringify(t));
  else localStorage.removeItem(KEY);
}

// Refreshing must not go through the authenticated transport (it would recurse).
const plainAuth = createClient(
  AuthService,
  createGrpcWebTransport({ baseUrl: typeof location === "undefined" ? "http://localhost" : location.origin }),
);

const [signedIn, setSignedIn] = createSignal(load() !== null);
let inflight: Promise<string | null> | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;

function schedule(t: Tokens | null) {
  clearTimeout(timer);
  if (!t) return;
  const wait = Math.max(5_000, t.expiresAt - Date.now() - MARGIN_MS);
  timer = setTimeout(() => void session.refresh(), wait);
}

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  if (typeof navigator !== "undefined" && navigator.locks) {
    return navigator.locks.request("decentra.refresh", fn);
  }
  return fn();
}

export const session = {
  /** True while tokens are held (reactive). */
  signedIn,

  /** Adopts the tokens of a Login/Register/ChangePassword answer. */
  begin(accessToken: string, refreshToken: string, expires?: Timestamp) {
    const t = { accessToken, refreshToken, expiresAt: expires ? timestampMs(expires) : Date.now() + 10 * 60_000 };
    store(t);
    schedule(t);
    setSignedIn(true);
  },

  /** A usable access token, refreshed first when it is about to expire. */
  async accessToken(): Promise<string | null> {
    const t = load();
    if (!t) return null;
    if (t.expiresAt - Date.now() > MARGIN_MS / 2) return t.accessToken;
    return this.refresh();
  },

  /** Rotates the refresh token; signs out when the server refuses it. */
  refresh(): Promise<string | null> {
    inflight ??= withLock(async () => {
      const before = load();
      if (!before) return null;
      // Another tab may have refreshed while this one waited for the lock.
      if (before.expiresAt - Date.now() > MARGIN_MS) {
        schedule(before);
        return before.accessToken;
      }
      try {
        const res = await plainAuth.refreshToken({ refreshToken: before.refreshToken });
        session.begin(res.accessToken, res.refreshToken, res.accessTokenExpiresAt);
        return res.accessToken;
      } catch (err) {
        // Offline or server down: keep the session and let callers retry later.
        if (err instanceof TypeError || (err as { code?: number }).code === 14) return before.accessToken;
        session.clear();
        return null;
      }
    }).finally(() => {
      inflight = null;
    });
    return inflight;
  },

  /** The refresh token, for Logout. */
  refreshToken(): string | null {
    return load()?.refreshToken ?? null;
  },

  /** Forgets the session locally. */
  clear() {
    store(null);
    schedule(null);
    setSignedIn(false);
  },

  /** Resumes the refresh timer after a page load. */
  start() {
    schedule(load());
    window.addEventListener("storage", (e) => {
      if (e.key === KEY) setSignedIn(load() !== null);
    });
  },
};
