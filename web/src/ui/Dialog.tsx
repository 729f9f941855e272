import { onCleanup, onMount, type JSX } from "solid-js";
import { Portal } from "solid-js/web";

/** A modal dialog: labelled, focus moves in and returns, Esc and the backdrop close it. */
export function Dialog(props: { title: string; onClose: () => void; children: JSX.Element; wide?: boolean }) {
  let box!: HTMLDivElement;
  const previous = document.activeElement as HTMLElement | null;
  const onKey = (e: KeyboardEvent) => {
    if (e.key === "Escape") {
      e.stopPropagation();
      props.onClose();
    }
  };
  onMount(() => {
    document.addEventListener("keydown", onKey, true);
    const first = box.querySelector<HTMLElement>("input, textarea, select, button:not(.dialog-close)");
    (first ?? box).focus();
  });
  onCleanup(() => {
    document.removeEventListener("keydown", onKey, true);
    previous?.focus?.();
  });
  return (
    <Portal>
      <div class="backdrop" onMouseDown={(e) => e.target === e.currentTarget && props.onClose()}>
        <div ref={box} class="dialog" role="dialog" aria-modal="true" aria-label={props.title} tabIndex={-1} style={props.wide ? { "max-width": "640px" } : undefined}>
          <h2>{props.title}</h2>
          {props.children}
        </div>
      </div>
    </Portal>
  );
}

/** Confirms a destructive action. */
export function Confirm(props: { title: string; body: string; action: string; onConfirm: () => void; onClose: () => void }) {
  return (
    <Dialog title={props.title} onClose={props.onClose}>
      <p class="muted">{props.body}</p>
      <div class="actions">
        <button class="btn secondary" onClick={props.onClose}>
          Cancel
        </button>
        <button
          class="btn danger"
          onClick={() => {
            props.onConfirm();
            props.onClose();
          }}
        >
          {props.action}
        </button>
      </div>
    </Dialog>
  );
}
