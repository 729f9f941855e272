// Browser notifications for mentions and DMs while the tab is hidden. Permission is asked
// once, from a user action (see `askNotificationPermission`).
import { ChannelType } from "../gen/decentra/v1/channels_pb";
import type { Message } from "./model";
import { mentionsMe } from "./reducer";
import { state } from "./store";

export function askNotificationPermission(): void {
  if (typeof Notification !== "undefined" && Notification.permission === "default") {
    void Notification.requestPermission();
  }
}

export function notifyFor(m: Message): void {
  if (typeof Notification === "undefined" || Notification.permission !== "granted") return;
  if (!document.hidden || !m.author || m.author.id === state.me?.id) return;
  const ch = state.channels[m.channelId];
  const dm = ch && (ch.type === ChannelType.DM || ch.type === ChannelType.GROUP_DM);
  if (!dm && !mentionsMe(state, m)) return;
  const who = m.authorNickname || m.author.displayName || m.author.username;
  const where = dm ? "" : ` in #${ch?.name ?? ""}`;
  const n = new Notification(`${who}${where}`, { body: m.content.slice(0, 200), tag: m.channelId });
  n.onclick = () => {
    window.focus();
    const path = m.serverId ? `/channels/${m.serverId}/${m.channelId}` : `/channels/@me/${m.channelId}`;
    history.pushState(null, "", path);
    window.dispatchEvent(new PopStateEvent("popstate"));
  };
}
