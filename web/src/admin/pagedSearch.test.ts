import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createRoot } from "solid-js";
import { createPagedSearch, SEARCH_DEBOUNCE_MS, type PagedSearch, type ResultPage } from "./pagedSearch";

/** A fetch whose answers the test hands out one by one, recording what was asked. */
function fakeFetch() {
  const calls: { query: string; pageToken: string; answer(page: ResultPage<string>): void; fail(err: unknown): void }[] = [];
  const fetchPage = (query: string, pageToken: string) =>
    new Promise<ResultPage<string>>((answer, fail) => {
      calls.push({ query, pageToken, answer, fail });
    });
  return { calls, fetchPage };
}

/** Lets the awaited answer settle (microtasks only; no timers). */
const settle = () => vi.advanceTimersByTimeAsync(0);

describe("createPagedSearch", () => {
  let dispose: () => void;
  let search: PagedSearch<string>;
  let calls: ReturnType<typeof fakeFetch>["calls"];

  beforeEach(() => {
    vi.useFakeTimers();
    const f = fakeFetch();
    calls = f.calls;
    createRoot((d) => {
      dispose = d;
      search = createPagedSearch(f.fetchPage);
    });
  });

  afterEach(() => {
    dispose();
    vi.useRealTimers();
  });

  it("loads the first page once the search box has been quiet", async () => {
    expect(search.items()).toBeNull();
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS - 1);
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map((c) => [c.query, c.pageToken])).toEqual([["", ""]]);
    calls[0].answer({ items: ["a", "b"], nextPageToken: "p2" });
    await settle();
    expect(search.items()).toEqual(["a", "b"]);
    expect(search.next()).toBe("p2");
  });

  it("appends further pages with the next token until the last", async () => {
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS);
    calls[0].answer({ items: ["a"], nextPageToken: "p2" });
    await settle();
    void search.loadMore();
    expect(calls[1].pageToken).toBe("p2");
    // The loaded rows stay while the next page loads.
    expect(search.items()).toEqual(["a"]);
    calls[1].answer({ items: ["b"], nextPageToken: "" });
    await settle();
    expect(search.items()).toEqual(["a", "b"]);
    expect(search.next()).toBe("");
  });

  it("searches once per pause in typing, trimmed, and drops the answer to a superseded search", async () => {
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS);
    search.setQuery("a");
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS);
    search.setQuery("al");
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS / 2);
    search.setQuery(" ali ");
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS);
    expect(calls.map((c) => c.query)).toEqual(["", "a", "ali"]);
    expect(search.items()).toBeNull();

    calls[2].answer({ items: ["alice"], nextPageToken: "" });
    await settle();
    // The older searches answer late: ignored.
    calls[1].answer({ items: ["adam", "alice"], nextPageToken: "x" });
    calls[0].fail(new Error("late failure"));
    await settle();
    expect(search.items()).toEqual(["alice"]);
    expect(search.next()).toBe("");
    expect(search.error()).toBeNull();
  });

  it("keeps a failure until the retry succeeds", async () => {
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS);
    const err = new Error("unavailable");
    calls[0].fail(err);
    await settle();
    expect(search.error()).toBe(err);
    void search.reload();
    expect(search.error()).toBeNull();
    expect(calls[1].pageToken).toBe("");
    calls[1].answer({ items: ["a"], nextPageToken: "" });
    await settle();
    expect(search.items()).toEqual(["a"]);
  });

  it("edits rows in place and stops its timer when disposed", async () => {
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS);
    calls[0].answer({ items: ["a", "b"], nextPageToken: "" });
    await settle();
    search.setItems((rows) => rows?.filter((r) => r !== "a") ?? null);
    expect(search.items()).toEqual(["b"]);
    search.setQuery("x");
    dispose();
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS * 2);
    expect(calls).toHaveLength(1);
    dispose = () => undefined;
  });
});
