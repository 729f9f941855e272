// The tab title and favicon show how many mentions and unread DMs wait.
import { createEffect } from "solid-js";
import { state } from "../state/store";
import { totalBadge } from "../state/unread";

export function useTitleBadge(): void {
  createEffect(() => {
    const n = totalBadge(state);
    document.title = n > 0 ? `(${n}) Decentra` : "Decentra";
    const link = document.querySelector<HTMLLinkElement>("link[rel=icon]");
    if (link) link.href = n > 0 ? "/favicon-unread.svg" : "/favicon.svg";
  });
}
