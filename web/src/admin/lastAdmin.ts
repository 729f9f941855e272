// The server refuses to take admin away from the instance's last enabled admin. The admin
// users page hides "Remove admin" there, which needs the number of enabled admins on the whole
// instance, not just on the loaded page or among the search's matches.
import type { ResultPage } from "./pagedSearch";

/** What the count needs of a user. */
export interface AdminFlags {
  id: string;
  isAdmin: boolean;
  disabled: boolean;
}

const enabledAdmin = (u: AdminFlags) => u.isAdmin && !u.disabled;

/**
 * Counts the enabled admins of the instance up to `cap`, paging through the unfiltered user
 * list (`fetchPage(pageToken)`) and stopping as soon as `cap` are found. The list runs oldest
 * first and the first account is an admin, so with two admins this usually ends on the first
 * page; only an instance with a single admin is read to the end.
 */
export async function countEnabledAdmins(fetchPage: (pageToken: string) => Promise<ResultPage<AdminFlags>>, cap = 2): Promise<number> {
  let found = 0;
  let token = "";
  do {
    const page = await fetchPage(token);
    found += page.items.filter(enabledAdmin).length;
    token = page.nextPageToken;
  } while (found < cap && token);
  return Math.min(found, cap);
}

/**
 * Whether removing admin from `u` would be refused: `u` is an enabled admin and the instance
 * has no other (`enabledAdmins` is the capped count above; undefined while it loads, when
 * the button stays and the server has the last word).
 */
export function isLastAdmin(u: AdminFlags, enabledAdmins: number | undefined): boolean {
  return enabledAdmin(u) && enabledAdmins === 1;
}

/** Why "Remove admin" is not offered on the last admin's row. */
export const LAST_ADMIN_REASON = "The instance needs at least one administrator: make someone else admin first.";
