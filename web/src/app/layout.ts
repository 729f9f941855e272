// Narrow-screen drawers: the navigation (rail + sidebar) and the member list.
import { createSignal } from "solid-js";

export const [nav, setNav] = createSignal(false);
export const [membersOpen, setMembersOpen] = createSignal(typeof window === "undefined" || window.innerWidth > 768);
