import { createMemo, createSignal, For } from "solid-js";
import { useNavigate } from "@solidjs/router";
import { ChannelType } from "../gen/decentra/v1/channels_pb";
import { state } from "../state/store";
import { Dialog } from "../ui/Dialog";
import { privateChannels, textChannels } from "../channels/order";
import { channelTitle } from "../messages/ChannelView";

interface Target {
  label: string;
  detail: string;
  path: string;
}

/** Ctrl/Cmd+K: jump to any channel or conversation by name. */
export function QuickSwitcher(props: { onClose: () => void }) {
  const navigate = useNavigate();
  const [query, setQuery] = createSignal("");
  const [pick, setPick] = createSignal(0);
  const all = createMemo<Target[]>(() => [
    ...privateChannels(state).map((c) => ({ label: channelTitle(c), detail: c.type === ChannelType.DM ? "Direct message" : "Group", path: `/channels/@me/${c.id}` })),
    ...state.serverOrder.flatMap((sid) => textChannels(state, sid).map((c) => ({ label: `#${c.name}`, detail: state.servers[sid]?.name ?? "", path: `/channels/${sid}/${c.id}` }))),
  ]);
  const matches = createMemo(() => {
    const q = query().toLowerCase().replace(/^#/, "");
    return all()
      .filter((t) => t.label.toLowerCase().replace(/^#/, "").includes(q))
      .slice(0, 10);
  });
  const go = (t: Target | undefined) => {
    if (!t) return;
    props.onClose();
    navigate(t.path);
  };
  return (
    <Dialog title="Quick switcher" onClose={props.onClose}>
      <input
        class="input"
        aria-label="Where would you like to go?"
        placeholder="Where would you like to go?"
        value={query()}
        onInput={(e) => (setQuery(e.currentTarget.value), setPick(0))}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown" || e.key === "ArrowUp") {
            e.preventDefault();
            const n = matches().length || 1;
            setPick((p) => (p + (e.key === "ArrowDown" ? 1 : -1) + n) % n);
          } else if (e.key === "Enter") {
            e.preventDefault();
            go(matches()[pick()]);
          }
        }}
      />
      <ul class="switcher-list" role="listbox" aria-label="Results">
        <For each={matches()} fallback={<li class="muted">No matches</li>}>
          {(t, i) => (
            <li role="option" aria-selected={i() === pick()} classList={{ selected: i() === pick() }} onClick={() => go(t)}>
              <span>{t.label}</span> <span class="faint">{t.detail}</span>
            </li>
          )}
        </For>
      </ul>
    </Dialog>
  );
}
