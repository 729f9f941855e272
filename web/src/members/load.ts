// Member lists load on demand (the Ready snapshot carries only the user's own membership);
// member events keep a loaded list current.
import { api } from "../api/client";
import { mutate, state } from "../state/store";

const loading = new Map<string, Promise<void>>();
/** Members listed per server at most; larger servers show the first pages. */
const MAX_PAGES = 10;

export function ensureMembers(serverId: string): Promise<void> {
  if (state.members[serverId]) return Promise.resolve();
  let p = loading.get(serverId);
  if (!p) {
    p = (async () => {
      const all: Record<string, (typeof state.members)[string][string]> = {};
      let token = "";
      for (let i = 0; i < MAX_PAGES; i++) {
        const res = await api.servers.listMembers({ serverId, pageSize: 1000, pageToken: token });
        for (const m of res.members) if (m.user) all[m.user.id] = m;
        token = res.nextPageToken;
        if (!token) break;
      }
      mutate((s) => {
        s.members[serverId] = all;
        for (const m of Object.values(all)) if (m.user) s.users[m.user.id] ??= m.user;
      });
    })().finally(() => loading.delete(serverId));
    loading.set(serverId, p);
  }
  return p;
}
