// Attachment downloads need the bearer token, which <img src> cannot send: fetch them once and
// show them from blob URLs (allowed by the CSP's img-src blob:).
import { session } from "../auth/session";

const cache = new Map<string, Promise<string>>();

export function blobUrl(url: string): Promise<string> {
  let hit = cache.get(url);
  if (!hit) {
    hit = (async () => {
      const token = await session.accessToken();
      const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      if (!res.ok) throw new Error(`download failed: ${res.status}`);
      return URL.createObjectURL(await res.blob());
    })();
    hit.catch(() => cache.delete(url));
    cache.set(url, hit);
  }
  return hit;
}

/** Saves an attachment under its own file name. */
export async function download(url: string, filename: string): Promise<void> {
  const a = document.createElement("a");
  a.href = await blobUrl(url);
  a.download = filename;
  a.click();
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
