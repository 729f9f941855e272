import { For, onCleanup, onMount } from "solid-js";
import { Portal } from "solid-js/web";

export interface MenuItem {
  label: string;
  danger?: boolean;
  onSelect: () => void;
}

/** A small action menu at a point: arrow keys move, Enter picks, Esc and outside clicks close. */
export function Menu(props: { label: string; x: number; y: number; items: MenuItem[]; anchor?: HTMLElement; onClose: () => void }) {
  let box!: HTMLDivElement;
  const buttons = () => [...box.querySelectorAll<HTMLButtonElement>("[role=menuitem]")];
  const onKey = (e: KeyboardEvent) => {
    if (e.key === "Escape" || e.key === "Tab") {
      e.stopPropagation();
      if (e.key === "Escape") e.preventDefault();
      props.onClose();
      return;
    }
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    e.preventDefault();
    const list = buttons();
    const at = list.indexOf(document.activeElement as HTMLButtonElement);
    list[(at + (e.key === "ArrowDown" ? 1 : -1) + list.length) % list.length]?.focus();
  };
  // The trigger toggles the menu itself: a press on it must not close-then-reopen.
  const onDown = (e: MouseEvent) => !box.contains(e.target as Node) && !props.anchor?.contains(e.target as Node) && props.onClose();
  onMount(() => {
    document.addEventListener("keydown", onKey, true);
    document.addEventListener("mousedown", onDown, true);
    buttons()[0]?.focus();
  });
  onCleanup(() => {
    document.removeEventListener("keydown", onKey, true);
    document.removeEventListener("mousedown", onDown, true);
    if (!document.activeElement || document.activeElement === document.body || box.contains(document.activeElement)) props.anchor?.focus();
  });
  const style = () => {
    const width = 230; // .popover min-width plus borders
    const height = props.items.length * 34 + 16;
    return {
      left: `${Math.max(8, Math.min(props.x, window.innerWidth - width - 8))}px`,
      top: `${Math.max(8, Math.min(props.y, window.innerHeight - height - 8))}px`,
    };
  };
  return (
    <Portal>
      <div ref={box} class="popover menu group-menu" role="menu" aria-label={props.label} style={style()}>
        <For each={props.items}>
          {(item) => (
            <button
              role="menuitem"
              classList={{ danger: !!item.danger }}
              onClick={() => {
                props.onClose();
                item.onSelect();
              }}
            >
              {item.label}
            </button>
          )}
        </For>
      </div>
    </Portal>
  );
}
