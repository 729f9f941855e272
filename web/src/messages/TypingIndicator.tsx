import { createSignal, onCleanup, Show } from "solid-js";
import { state } from "../state/store";
import { nameIn } from "../members/names";

/** "Alice is typing…" under the history; expiries come with the events. */
export function TypingIndicator(props: { channelId: string }) {
  const [now, setNow] = createSignal(Date.now());
  const timer = setInterval(() => setNow(Date.now()), 1_000);
  onCleanup(() => clearInterval(timer));
  const serverId = () => state.channels[props.channelId]?.serverId ?? "";
  const who = () =>
    Object.entries(state.typing[props.channelId] ?? {})
      .filter(([, until]) => until > now())
      .map(([id]) => nameIn(serverId(), id) ?? "Someone");
  const text = () => {
    const w = who();
    if (w.length === 1) return `${w[0]} is typing…`;
    if (w.length === 2) return `${w[0]} and ${w[1]} are typing…`;
    if (w.length === 3) return `${w[0]}, ${w[1]} and ${w[2]} are typing…`;
    return "Several people are typing…";
  };
  return (
    <div class="typing" aria-live="polite">
      <Show when={who().length > 0}>
        <span class="dots" aria-hidden="true">
          <i />
          <i />
          <i />
        </span>
        <span>{text()}</span>
      </Show>
    </div>
  );
}
