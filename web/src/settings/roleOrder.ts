// Role hierarchy ordering for the roles editor: display order and the position changes a move
// needs (ReorderRoles), touching only the roles between the old and new place.
import type { Role } from "../state/model";
import { compareIds } from "../state/ids";

/** Highest first; @everyone (position 0) last. Ties: the older role ranks higher. */
export function byHierarchy(roles: Role[]): Role[] {
  return [...roles].sort((a, b) => b.position - a.position || compareIds(a.id, b.id));
}

export interface PositionChange {
  roleId: string;
  position: number;
}

/**
 * Moves `id` to index `to` of `ordered` (highest first, @everyone excluded) and returns the
 * position changes. Existing positions are reused in order, so only roles between the two
 * places change; duplicated positions are renumbered n..1.
 */
export function moveRole(ordered: Role[], id: string, to: number): PositionChange[] {
  const from = ordered.findIndex((r) => r.id === id);
  if (from < 0) return [];
  const target = Math.max(0, Math.min(ordered.length - 1, to));
  if (target === from) return [];
  const next = [...ordered];
  const [moved] = next.splice(from, 1);
  next.splice(target, 0, moved);
  const positions = ordered.map((r) => r.position);
  const unique = new Set(positions).size === positions.length && positions.every((p) => p >= 1);
  const slots = unique ? positions : ordered.map((_, i) => ordered.length - i);
  const changes: PositionChange[] = [];
  next.forEach((r, i) => {
    if (r.position !== slots[i]) changes.push({ roleId: r.id, position: slots[i] });
  });
  return changes;
}

/** Whether every role a move touches stays below `top` (the caller's highest position). */
export function moveAllowed(ordered: Role[], changes: PositionChange[], top: number): boolean {
  const pos = new Map(ordered.map((r) => [r.id, r.position]));
  return changes.length > 0 && changes.every((c) => (pos.get(c.roleId) ?? Infinity) < top && c.position < top);
}
