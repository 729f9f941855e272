// Small formatting helpers shared by the settings screens.
import { timestampMs, type Timestamp } from "@bufbuild/protobuf/wkt";

export function tsMs(t: Timestamp | undefined): number | undefined {
  return t ? timestampMs(t) : undefined;
}

/** "12 Mar 2026, 14:05" */
export function fmtDateTime(t: Timestamp | undefined): string {
  const ms = tsMs(t);
  if (ms === undefined) return "";
  return new Date(ms).toLocaleString(undefined, { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" });
}

export function fmtDate(t: Timestamp | undefined): string {
  const ms = tsMs(t);
  if (ms === undefined) return "";
  return new Date(ms).toLocaleDateString(undefined, { day: "numeric", month: "short", year: "numeric" });
}

/** "in 3 days", "5 minutes ago" */
export function fmtRelative(ms: number, now = Date.now()): string {
  const diff = ms - now;
  const abs = Math.abs(diff);
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ["year", 365 * 86_400_000],
    ["month", 30 * 86_400_000],
    ["day", 86_400_000],
    ["hour", 3_600_000],
    ["minute", 60_000],
  ];
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  for (const [unit, size] of units) if (abs >= size) return rtf.format(Math.round(diff / size), unit);
  return diff >= 0 ? "in a moment" : "just now";
}

export function colourHex(c: number): string {
  return `#${c.toString(16).padStart(6, "0")}`;
}

export function parseHex(s: string): number {
  const n = parseInt(s.replace("#", ""), 16);
  return Number.isFinite(n) ? n & 0xffffff : 0;
}

/** Expiry choices for invites (seconds; 0 = never). */
export const EXPIRY_CHOICES: { label: string; seconds: number }[] = [
  { label: "30 minutes", seconds: 1800 },
  { label: "1 hour", seconds: 3600 },
  { label: "6 hours", seconds: 6 * 3600 },
  { label: "12 hours", seconds: 12 * 3600 },
  { label: "1 day", seconds: 86_400 },
  { label: "7 days", seconds: 7 * 86_400 },
  { label: "Never", seconds: 0 },
];

/** Max-use choices for invites (0 = no limit). */
export const MAX_USES_CHOICES = [0, 1, 5, 10, 25, 50, 100];

export function inviteUses(uses: number, max: number | undefined): string {
  return max ? `${uses} / ${max}` : `${uses}`;
}

/** Copies text; resolves false when the browser refuses (insecure origin). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
