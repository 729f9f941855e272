// Building blocks shared by the settings overlays: the nav + page layout (Esc and the close
// button leave; unsaved changes hold the user back like Discord), the unsaved-changes bar, and
// small status pieces (loading, error, "not available"), the list table.
import { createEffect, createSignal, For, onCleanup, onMount, Show, type JSX } from "solid-js";
import { Code } from "@connectrpc/connect";
import { describeError, errorCode } from "../api/errors";
import { closeOverlay } from "../app/overlays";
import { Dialog } from "../ui/Dialog";
import { IconClose } from "../ui/icons";
import "./settings.css";
import { createAction } from "../ui/action";

const [dirty, setDirty] = createSignal(false);
const [nudge, setNudge] = createSignal(0);

/** True (and the save bar shakes) when unsaved changes must be saved or reset first. */
export function blockedByUnsaved(): boolean {
  if (!dirty()) return false;
  setNudge((n) => n + 1);
  return true;
}

export interface NavEntry {
  id: string;
  label: string;
  danger?: boolean;
  /** Runs instead of switching page (e.g. "Log Out", "Delete Server"). */
  action?: () => void;
}
export interface NavGroup {
  title?: string;
  items: NavEntry[];
}

/** Full-screen settings: nav on the left (a top strip on phones), the page on the right. */
export function SettingsLayout(props: { label: string; groups: NavGroup[]; page: string; onPage: (id: string) => void; children: JSX.Element }) {
  const previous = document.activeElement as HTMLElement | null;
  let nav!: HTMLElement;
  const close = () => {
    if (!blockedByUnsaved()) closeOverlay();
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== "Escape" || e.defaultPrevented) return;
    e.preventDefault();
    close();
  };
  onMount(() => {
    document.addEventListener("keydown", onKey);
    nav.querySelector<HTMLElement>('[aria-current="page"]')?.focus();
  });
  onCleanup(() => {
    document.removeEventListener("keydown", onKey);
    setDirty(false);
    previous?.focus?.();
  });
  const select = (item: NavEntry) => {
    if (item.action) {
      if (!blockedByUnsaved()) item.action();
      return;
    }
    if (item.id === props.page || blockedByUnsaved()) return;
    props.onPage(item.id);
  };
  return (
    <div class="settings settings-overlay" role="dialog" aria-modal="true" aria-label={props.label}>
      <div class="settings-nav-wrap">
        <nav ref={nav} aria-label={`${props.label} sections`}>
          <For each={props.groups.filter((g) => g.items.length > 0)}>
            {(g, i) => (
              <>
                <Show when={i() > 0}>
                  <div class="settings-nav-sep" role="separator" />
                </Show>
                <Show when={g.title}>
                  <h2>{g.title}</h2>
                </Show>
                <For each={g.items}>
                  {(item) => (
                    <button classList={{ danger: item.danger }} aria-current={item.id === props.page ? "page" : undefined} onClick={() => select(item)}>
                      {item.label}
                    </button>
                  )}
                </For>
              </>
            )}
          </For>
        </nav>
      </div>
      <div class="settings-main">
        <section class="settings-page" aria-live="off">
          {props.children}
        </section>
      </div>
      <div class="settings-close">
        <button class="close icon-btn" aria-label="Close settings" onClick={close}>
          <IconClose />
        </button>
        <span aria-hidden="true">ESC</span>
      </div>
    </div>
  );
}

/** "Careful — you have unsaved changes!" with Reset and Save, while `dirty`. */
export function SaveBar(props: { dirty: boolean; saving: boolean; error?: string; onReset: () => void; onSave: () => void }) {
  createEffect(() => setDirty(props.dirty));
  onCleanup(() => setDirty(false));
  const [shake, setShake] = createSignal(false);
  createEffect((prev: number) => {
    const n = nudge();
    if (n !== prev) {
      setShake(true);
      setTimeout(() => setShake(false), 600);
    }
    return n;
  }, nudge());
  return (
    <Show when={props.dirty || props.error}>
      <div class="save-bar" classList={{ shake: shake() }} role="region" aria-label="Unsaved changes">
        <span class="grow">
          <Show when={props.error} fallback={"Careful — you have unsaved changes!"}>
            <span class="error-text" role="alert">
              {props.error}
            </span>
          </Show>
        </span>
        <button class="btn link" onClick={props.onReset} disabled={props.saving}>
          Reset
        </button>
        <button class="btn success" onClick={props.onSave} disabled={props.saving || !props.dirty}>
          {props.saving ? "Saving…" : "Save changes"}
        </button>
      </div>
    </Show>
  );
}

export function Loading(props: { label?: string }) {
  return (
    <div class="settings-loading" role="status" aria-live="polite">
      <div class="spinner" />
      <span class="sr-only">{props.label ?? "Loading…"}</span>
    </div>
  );
}

/** An error from loading a list: "not available" for UNIMPLEMENTED, else the message + retry. */
export function LoadError(props: { error: unknown; retry?: () => void; what?: string }) {
  return (
    <Show
      when={errorCode(props.error) !== Code.Unimplemented}
      fallback={
        <div class="notice" role="status">
          <strong>Not available on this server yet.</strong>
          <span class="muted">{props.what ? `${props.what} is` : "This feature is"} not implemented by this Decentra server version.</span>
        </div>
      }
    >
      <div class="notice error" role="alert">
        <span>{describeError(props.error)}</span>
        <Show when={props.retry}>
          <button class="btn small secondary" onClick={() => props.retry?.()}>
            Try again
          </button>
        </Show>
      </div>
    </Show>
  );
}

export function EmptyState(props: { title: string; children?: JSX.Element }) {
  return (
    <div class="settings-empty">
      <strong>{props.title}</strong>
      <Show when={props.children}>
        <span class="muted">{props.children}</span>
      </Show>
    </div>
  );
}

/**
 * A list as a table (`.list.stack`: rows stack into labelled cards on narrow screens, so each
 * cell needs its `data-label`): the column headers, then the row actions' column, whose header
 * only screen readers see. `children` are the body's rows.
 */
export function ListTable(props: { label: string; columns: string[]; children: JSX.Element }) {
  return (
    <div class="table-wrap">
      <table class="list stack" aria-label={props.label}>
        <thead>
          <tr>
            <For each={props.columns}>{(c) => <th>{c}</th>}</For>
            <th>
              <span class="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}

/** A confirm dialog whose action is async: stays open with the error when it fails. */
export function ActionDialog(props: {
  title: string;
  action: string;
  danger?: boolean;
  children?: JSX.Element;
  disabled?: boolean;
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
}) {
  const { busy, error, run: attempt } = createAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy() || props.disabled) return;
    await attempt(async () => {
      await props.onConfirm();
      props.onClose();
    });
  };
  return (
    <Dialog title={props.title} onClose={props.onClose}>
      <form onSubmit={submit}>
        {props.children}
        <Show when={error()}>
          <p class="error-text" role="alert">
            {error()}
          </p>
        </Show>
        <div class="actions">
          <button type="button" class="btn secondary" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class={props.danger ? "btn danger" : "btn"} disabled={busy() || props.disabled}>
            {busy() ? "Working…" : props.action}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Local edits over live data: unchanged keys keep following `base` (events), changed keys stick. */
export function createDraft<T extends object>(base: () => T) {
  const [patch, setPatch] = createSignal<Partial<T>>({});
  const get = <K extends keyof T>(k: K): T[K] => (k in patch() ? (patch()[k] as T[K]) : base()[k]);
  const set = <K extends keyof T>(k: K, v: T[K]) => setPatch((p) => ({ ...p, [k]: v }));
  const changed = (): (keyof T)[] => {
    const b = base();
    const p = patch();
    return (Object.keys(p) as (keyof T)[]).filter((k) => p[k] !== b[k]);
  };
  return { get, set, changed, dirty: () => changed().length > 0, reset: () => setPatch({}) };
}

/** A labelled on/off switch row (title, description, switch). */
export function SwitchRow(props: { label: string; description?: string; checked: boolean; disabled?: boolean; onChange: (v: boolean) => void }) {
  const id = `sw-${Math.random().toString(36).slice(2, 9)}`;
  return (
    <div class="switch-row" classList={{ disabled: props.disabled }}>
      <div class="grow">
        <label for={id} class="switch-title">
          {props.label}
        </label>
        <Show when={props.description}>
          <p class="desc" id={`${id}-d`}>
            {props.description}
          </p>
        </Show>
      </div>
      <input
        id={id}
        type="checkbox"
        role="switch"
        class="switch-input"
        checked={props.checked}
        disabled={props.disabled}
        aria-describedby={props.description ? `${id}-d` : undefined}
        onChange={(e) => props.onChange(e.currentTarget.checked)}
      />
    </div>
  );
}
