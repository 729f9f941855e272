// Which full-screen overlay is open. Settings screens are overlays over the chat, like Discord.
import { createSignal } from "solid-js";

export type Overlay =
  | { kind: "user-settings"; page?: string }
  | { kind: "server-settings"; serverId: string; page?: string }
  | { kind: "channel-settings"; channelId: string }
  | null;

export const [overlay, setOverlay] = createSignal<Overlay>(null);

export const openUserSettings = (page?: string) => setOverlay({ kind: "user-settings", page });
export const openServerSettings = (serverId: string, page?: string) => setOverlay({ kind: "server-settings", serverId, page });
export const openChannelSettings = (channelId: string) => setOverlay({ kind: "channel-settings", channelId });
export const closeOverlay = () => setOverlay(null);
