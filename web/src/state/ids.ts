// Ids are decimal strings of time-ordered 64-bit numbers: compare by length, then text.

export function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A client nonce for optimistic sends: unique enough within one user's channel. */
export function newNonce(): string {
  return `${Date.now()}${Math.floor(Math.random() * 1e6)}`;
}
