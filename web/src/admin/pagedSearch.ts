// The data side of the admin panel's searchable, paged lists (servers, users): a search box
// that reloads after a pause in typing, "load more" pages, and answers to superseded requests
// dropped so a slow old search never overwrites a newer one.
import { createEffect, createSignal, on, onCleanup, type Accessor, type Setter } from "solid-js";

/** One page of results as the list RPCs return it. */
export interface ResultPage<T> {
  items: T[];
  /** Empty on the last page. */
  nextPageToken: string;
}

export interface PagedSearch<T> {
  query: Accessor<string>;
  setQuery: (q: string) => void;
  /** The rows loaded so far; null while the first page of a search loads. */
  items: Accessor<T[] | null>;
  /** For edits in place (a row updated or deleted by an action). */
  setItems: Setter<T[] | null>;
  /** The token of the next page; empty when everything is loaded. */
  next: Accessor<string>;
  /** Why the last load failed, null when it did not. */
  error: Accessor<unknown>;
  /** Loads the first page of the current search again. */
  reload(): Promise<void>;
  /** Appends the next page. */
  loadMore(): Promise<void>;
}

/** How long typing must pause before the search runs. */
export const SEARCH_DEBOUNCE_MS = 250;

/**
 * Loads `fetchPage(query, pageToken)` for the current search (the first page once at start,
 * then after each pause in typing). Call inside a component or root: the timer is cleaned up
 * with it.
 */
export function createPagedSearch<T>(fetchPage: (query: string, pageToken: string) => Promise<ResultPage<T>>): PagedSearch<T> {
  const [query, setQuery] = createSignal("");
  const [items, setItems] = createSignal<T[] | null>(null);
  const [next, setNext] = createSignal("");
  const [error, setError] = createSignal<unknown>(null);
  let seq = 0;

  const load = async (more: boolean) => {
    const mine = ++seq;
    setError(null);
    if (!more) setItems(null);
    try {
      const res = await fetchPage(query().trim(), more ? next() : "");
      if (mine !== seq) return;
      setItems((prev) => (more ? [...(prev ?? []), ...res.items] : res.items));
      setNext(res.nextPageToken);
    } catch (err) {
      if (mine === seq) setError(err);
    }
  };

  let timer: ReturnType<typeof setTimeout> | undefined;
  createEffect(
    on(query, () => {
      clearTimeout(timer);
      timer = setTimeout(() => void load(false), SEARCH_DEBOUNCE_MS);
    }),
  );
  onCleanup(() => clearTimeout(timer));

  return { query, setQuery, items, setItems, next, error, reload: () => load(false), loadMore: () => load(true) };
}
