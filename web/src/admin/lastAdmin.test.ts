import { describe, expect, it } from "vitest";
import { countEnabledAdmins, isLastAdmin, type AdminFlags } from "./lastAdmin";
import type { ResultPage } from "./pagedSearch";

const user = (id: string, isAdmin = false, disabled = false): AdminFlags => ({ id, isAdmin, disabled });

/** Serves `pages` in order by token ("" then "1", "2", …), recording the tokens asked for. */
function pagedList(pages: AdminFlags[][]) {
  const asked: string[] = [];
  const fetchPage = async (token: string): Promise<ResultPage<AdminFlags>> => {
    asked.push(token);
    const i = token === "" ? 0 : Number(token);
    return { items: pages[i], nextPageToken: i + 1 < pages.length ? String(i + 1) : "" };
  };
  return { asked, fetchPage };
}

describe("countEnabledAdmins", () => {
  it("reads every page when the instance has a single admin", async () => {
    const list = pagedList([[user("me", true), user("a")], [user("b")], [user("c")]]);
    expect(await countEnabledAdmins(list.fetchPage)).toBe(1);
    expect(list.asked).toEqual(["", "1", "2"]);
  });

  it("finds a second admin on a later page, which a search or the first page alone would miss", async () => {
    const list = pagedList([[user("me", true), user("a")], [user("b", true)], [user("c")]]);
    expect(await countEnabledAdmins(list.fetchPage)).toBe(2);
    // It stops once it knows there are two.
    expect(list.asked).toEqual(["", "1"]);
  });

  it("does not count disabled admins (the server does not either)", async () => {
    const list = pagedList([[user("me", true), user("old", true, true)]]);
    expect(await countEnabledAdmins(list.fetchPage)).toBe(1);
  });

  it("caps the count", async () => {
    const list = pagedList([[user("a", true), user("b", true), user("c", true)]]);
    expect(await countEnabledAdmins(list.fetchPage)).toBe(2);
    expect(await countEnabledAdmins(list.fetchPage, 5)).toBe(3);
  });
});

describe("isLastAdmin", () => {
  it("holds for the one enabled admin only", () => {
    expect(isLastAdmin(user("me", true), 1)).toBe(true);
    expect(isLastAdmin(user("me", true), 2)).toBe(false);
    expect(isLastAdmin(user("a"), 1)).toBe(false);
    expect(isLastAdmin(user("old", true, true), 1)).toBe(false);
  });

  it("offers the button while the count is unknown (the server still refuses)", () => {
    expect(isLastAdmin(user("me", true), undefined)).toBe(false);
  });
});
