// Narrow-screen drawers: the navigation (rail + sidebar) and the member list.
import { createSignal } from "solid-js";

/** Where the sidebars become drawers (the same width as the stylesheet's media query). */
const NARROW = "(max-width: 768px)";

const narrow = typeof window !== "undefined" && typeof window.matchMedia === "function" ? window.matchMedia(NARROW) : null;

export const [nav, setNav] = createSignal(false);
export const [membersOpen, setMembersOpen] = createSignal(narrow ? !narrow.matches : true);

// Crossing the breakpoint (a window resized, a tablet turned): on a phone the member list is a
// drawer that would cover the screen, so it closes; on a wide screen it is a column again.
narrow?.addEventListener("change", (e) => {
  setMembersOpen(!e.matches);
  if (!e.matches) setNav(false);
});
