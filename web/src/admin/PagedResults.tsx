// The view side of the admin panel's searchable, paged lists: the search box, and the
// loading / error / empty states around the rows with "Load more" under them.
import { Show, type Accessor, type JSX } from "solid-js";
import { EmptyState, LoadError, Loading } from "../settings/kit";
import type { PagedSearch } from "./pagedSearch";

/** The search box above a paged list. */
export function SearchToolbar(props: { search: Pick<PagedSearch<unknown>, "query" | "setQuery">; label: string; placeholder: string }) {
  return (
    <div class="toolbar">
      <input class="input" type="search" aria-label={props.label} placeholder={props.placeholder} value={props.search.query()} onInput={(e) => props.search.setQuery(e.currentTarget.value)} />
    </div>
  );
}

/**
 * The rows of a paged search (`children` renders them), "Loading…" while the first page
 * loads, the error with a retry, or the empty state; "Load more" while pages remain.
 */
export function PagedResults<T>(props: {
  search: PagedSearch<T>;
  /** What failed, for the error message ("Listing servers"). */
  what: string;
  emptyTitle: string;
  /** The empty state's text (e.g. different with and without a search). */
  emptyText: JSX.Element;
  children: (rows: Accessor<T[]>) => JSX.Element;
}) {
  return (
    <Show when={!props.search.error()} fallback={<LoadError error={props.search.error()} retry={() => void props.search.reload()} what={props.what} />}>
      <Show when={props.search.items()} fallback={<Loading />}>
        {(rows) => (
          <Show when={rows().length > 0} fallback={<EmptyState title={props.emptyTitle}>{props.emptyText}</EmptyState>}>
            {props.children(rows)}
            <Show when={props.search.next()}>
              <button class="btn secondary load-more" onClick={() => void props.search.loadMore()}>
                Load more
              </button>
            </Show>
          </Show>
        )}
      </Show>
    </Show>
  );
}
