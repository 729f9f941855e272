// A small anchored menu (button + popover) that closes on Esc, outside clicks and on choosing.
import { createSignal, For, onCleanup, Show, type JSX } from "solid-js";

export interface PopItem {
  label: string;
  danger?: boolean;
  onSelect: () => void;
  before?: JSX.Element;
}

export function PopMenu(props: { label: string; button: JSX.Element; items: PopItem[]; class?: string; empty?: string }) {
  const [open, setOpen] = createSignal(false);
  let root!: HTMLDivElement;
  let btn!: HTMLButtonElement;
  const onDoc = (e: MouseEvent) => !root.contains(e.target as Node) && setOpen(false);
  const onKey = (e: KeyboardEvent) => {
    if (e.key === "Escape" && open()) {
      e.preventDefault();
      setOpen(false);
      btn.focus();
    }
  };
  const toggle = () => {
    const next = !open();
    setOpen(next);
    if (next) {
      document.addEventListener("mousedown", onDoc);
      queueMicrotask(() => root.querySelector<HTMLElement>('[role="menuitem"]')?.focus());
    } else document.removeEventListener("mousedown", onDoc);
  };
  const onMenuKey = (e: KeyboardEvent) => {
    const items = [...root.querySelectorAll<HTMLElement>('[role="menuitem"]')];
    const i = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      items[(i + (e.key === "ArrowDown" ? 1 : -1) + items.length) % items.length]?.focus();
    }
  };
  onCleanup(() => document.removeEventListener("mousedown", onDoc));
  return (
    <div class="rel" ref={root} onKeyDown={onKey}>
      <button ref={btn} class={props.class ?? "icon-btn"} aria-label={props.label} aria-haspopup="menu" aria-expanded={open()} onClick={toggle}>
        {props.button}
      </button>
      <Show when={open()}>
        <div class="popover menu anchor-menu" role="menu" aria-label={props.label} style={{ position: "absolute" }} onKeyDown={onMenuKey}>
          <For each={props.items} fallback={<span class="faint" style={{ padding: "6px 8px" }}>{props.empty ?? "Nothing to choose"}</span>}>
            {(it) => (
              <button
                role="menuitem"
                classList={{ danger: it.danger }}
                style={{ display: "flex", "align-items": "center", gap: "8px" }}
                onClick={() => {
                  toggle();
                  it.onSelect();
                }}
              >
                {it.before}
                {it.label}
              </button>
            )}
          </For>
        </div>
      </Show>
    </div>
  );
}
