// The message being edited inline (one at a time, like Discord).
import { createSignal } from "solid-js";

export const [editing, setEditing] = createSignal<string | null>(null);
/** A message to scroll to and flash (reply and pin jumps). */
export const [highlight, setHighlight] = createSignal<string | null>(null);
