import { createSignal, For, onCleanup, onMount } from "solid-js";

/** A small set of common emoji; reactions take any emoji string the server accepts. */
export const EMOJI = [
  "👍", "👎", "😂", "❤️", "🎉", "😮", "😢", "😡", "🔥", "👀", "✅", "❌", "🙏", "👏", "💯", "🤔",
  "😀", "😅", "😍", "😎", "🥳", "😴", "🤯", "🙌", "💪", "🚀", "⭐", "🍕", "☕", "🐛", "📌", "💡",
];

/** An emoji grid: arrow keys move, Enter picks, Esc closes. */
export function EmojiPicker(props: { onPick: (emoji: string) => void; onClose: () => void }) {
  let box!: HTMLDivElement;
  const [focus, setFocus] = createSignal(0);
  const onKey = (e: KeyboardEvent) => {
    if (e.key === "Escape") {
      e.stopPropagation();
      props.onClose();
    }
  };
  const onDown = (e: MouseEvent) => !box.contains(e.target as Node) && props.onClose();
  onMount(() => {
    document.addEventListener("keydown", onKey, true);
    setTimeout(() => document.addEventListener("mousedown", onDown));
    box.querySelector<HTMLButtonElement>("button")?.focus();
  });
  onCleanup(() => {
    document.removeEventListener("keydown", onKey, true);
    document.removeEventListener("mousedown", onDown);
  });
  const move = (e: KeyboardEvent) => {
    const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: 8, ArrowUp: -8 }[e.key];
    if (!step) return;
    e.preventDefault();
    const next = (focus() + step + EMOJI.length) % EMOJI.length;
    setFocus(next);
    box.querySelectorAll<HTMLButtonElement>("button")[next]?.focus();
  };
  return (
    <div ref={box} class="emoji-picker" role="dialog" aria-label="Pick a reaction" onKeyDown={move}>
      <For each={EMOJI}>
        {(e, i) => (
          <button class="emoji" aria-label={`React with ${e}`} tabIndex={i() === focus() ? 0 : -1} onClick={() => props.onPick(e)}>
            {e}
          </button>
        )}
      </For>
    </div>
  );
}
