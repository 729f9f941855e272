import { createEffect, createSignal, For, Show } from "solid-js";
import { ensureMembers } from "../members/load";
import { A, useNavigate, useParams } from "@solidjs/router";
import { ChannelType } from "../gen/decentra/v1/channels_pb";
import { Permission } from "../gen/decentra/v1/permissions_pb";
import { api } from "../api/client";
import { state } from "../state/store";
import { channelPermissions, has, serverPermissions } from "../state/permissions";
import { isUnread, mentionCount } from "../state/unread";
import { Avatar, displayName } from "../ui/Avatar";
import { Confirm } from "../ui/Dialog";
import { IconChevron, IconGear, IconHash, IconPlus, IconSpeaker } from "../ui/icons";
import { openChannelSettings, openServerSettings } from "../app/overlays";
import { sidebarGroups } from "./order";
import { CreateChannelDialog } from "./CreateChannelDialog";
import { InviteDialog } from "../servers/InviteDialog";
import type { Channel } from "../state/model";
import { UserPopover } from "../members/UserPopover";
import { joinVoice, speaking, voice } from "../voice/voice";
import { VoiceFlagIcons, voiceFlags } from "../voice/CallView";

const COLLAPSED_KEY = "decentra.collapsed";
const [collapsed, setCollapsed] = createSignal<Record<string, boolean>>(JSON.parse(localStorage.getItem(COLLAPSED_KEY) ?? "{}"));
function toggle(id: string) {
  const next = { ...collapsed(), [id]: !collapsed()[id] };
  localStorage.setItem(COLLAPSED_KEY, JSON.stringify(next));
  setCollapsed(next);
}

/** A server's channel list with its header menu. */
export function ChannelSidebar(props: { serverId: string }) {
  const navigate = useNavigate();
  const params = useParams<{ channelId?: string }>();
  const [menu, setMenu] = createSignal(false);
  const [dialog, setDialog] = createSignal<"invite" | "channel" | "leave" | null>(null);
  const [parentForNew, setParentForNew] = createSignal("");
  const server = () => state.servers[props.serverId];
  const perms = () => serverPermissions(state, props.serverId);
  const canManageChannels = () => has(perms(), Permission.MANAGE_CHANNELS);
  const canSettings = () =>
    [Permission.MANAGE_SERVER, Permission.MANAGE_ROLES, Permission.MANAGE_CHANNELS, Permission.KICK_MEMBERS, Permission.BAN_MEMBERS, Permission.VIEW_AUDIT_LOG].some((p) =>
      has(perms(), p),
    );
  const visible = (c: Channel) => has(channelPermissions(state, c), Permission.VIEW_CHANNEL);
  const isOwner = () => server()?.ownerId === state.me?.id;
  // Names of the people in voice channels come with the member list.
  createEffect(() => {
    if (Object.values(state.voice).some((v) => v.serverId === props.serverId && !state.users[v.userId])) void ensureMembers(props.serverId).catch(() => undefined);
  });

  return (
    <>
      <header class="sidebar-header">
        <h2>{server()?.name}</h2>
        <button class="icon-btn" aria-label="Server menu" aria-haspopup="menu" aria-expanded={menu()} onClick={() => setMenu((v) => !v)}>
          <IconChevron />
        </button>
      </header>
      <Show when={menu()}>
        <div class="menu" role="menu" aria-label="Server menu" style={{ background: "var(--bg-floating)", margin: "8px", "border-radius": "var(--radius)" }} onClick={() => setMenu(false)}>
          <Show when={has(perms(), Permission.CREATE_INVITE)}>
            <button role="menuitem" onClick={() => setDialog("invite")}>
              Invite people
            </button>
          </Show>
          <Show when={canSettings()}>
            <button role="menuitem" onClick={() => openServerSettings(props.serverId)}>
              Server settings
            </button>
          </Show>
          <Show when={canManageChannels()}>
            <button role="menuitem" onClick={() => (setParentForNew(""), setDialog("channel"))}>
              Create channel
            </button>
          </Show>
          <Show when={!isOwner()}>
            <button role="menuitem" class="danger" onClick={() => setDialog("leave")}>
              Leave server
            </button>
          </Show>
        </div>
      </Show>
      <nav class="sidebar-scroll" aria-label={`${server()?.name ?? ""} channels`}>
        <For each={sidebarGroups(state, props.serverId)}>
          {(group) => {
            const channels = () => group.channels.filter(visible);
            const open = () => !group.category || !collapsed()[group.category.id];
            return (
              <Show when={!group.category || channels().length > 0 || canManageChannels()}>
                <Show when={group.category}>
                  {(cat) => (
                    <div style={{ display: "flex", "align-items": "center" }}>
                      <button class="category" aria-expanded={open()} onClick={() => toggle(cat().id)}>
                        <span class="chev">
                          <IconChevron size={12} />
                        </span>
                        {cat().name}
                      </button>
                      <Show when={canManageChannels()}>
                        <button class="icon-btn" style={{ "margin-top": "16px", width: "24px", height: "24px" }} aria-label={`Create channel in ${cat().name}`} onClick={() => (setParentForNew(cat().id), setDialog("channel"))}>
                          <IconPlus size={14} />
                        </button>
                      </Show>
                    </div>
                  )}
                </Show>
                <For each={channels()}>
                  {(c) => (
                    <Show when={open() || c.id === params.channelId}>
                      <ChannelLink channel={c} />
                    </Show>
                  )}
                </For>
              </Show>
            );
          }}
        </For>
      </nav>
      <Show when={dialog() === "invite"}>
        <InviteDialog serverId={props.serverId} onClose={() => setDialog(null)} />
      </Show>
      <Show when={dialog() === "channel"}>
        <CreateChannelDialog serverId={props.serverId} parentId={parentForNew()} onClose={() => setDialog(null)} />
      </Show>
      <Show when={dialog() === "leave"}>
        <Confirm
          title={`Leave '${server()?.name}'`}
          body="Are you sure you want to leave? You won't be able to rejoin unless you are re-invited."
          action="Leave server"
          onClose={() => setDialog(null)}
          onConfirm={() => {
            void api.servers.leaveServer({ serverId: props.serverId }).then(() => navigate("/channels/@me"));
          }}
        />
      </Show>
    </>
  );
}

function ChannelLink(props: { channel: Channel }) {
  const params = useParams<{ channelId?: string }>();
  const [popover, setPopover] = createSignal<{ userId: string; rect: DOMRect } | null>(null);
  const c = () => props.channel;
  const isVoice = () => c().type === ChannelType.VOICE;
  const inVoice = () => Object.values(state.voice).filter((v) => v.channelId === c().id);
  const mentions = () => mentionCount(state, c().id);
  const unread = () => isUnread(state, c());
  const connected = () => voice.channelId === c().id && voice.status === "connected";
  const full = () => c().userLimit > 0 && inVoice().length >= c().userLimit;
  // Read after the visible name: the accessible name starts with what is on screen.
  const extra = () =>
    isVoice()
      ? `, voice channel${connected() ? ", connected" : ""}${c().userLimit ? `, ${inVoice().length} of ${c().userLimit}` : ""}`
      : `, text channel${mentions() ? `, ${mentions()} mention${mentions() === 1 ? "" : "s"}` : unread() ? ", unread" : ""}`;
  const canManage = () => has(channelPermissions(state, c()), Permission.MANAGE_CHANNELS);
  const canConnect = () => has(channelPermissions(state, c()), Permission.CONNECT);
  const body = () => (
    <>
      <span class="hash" aria-hidden="true">{isVoice() ? <IconSpeaker size={18} /> : <IconHash size={18} />}</span>
      <span class="name">
        {c().name}
        <span class="sr-only">{extra()}</span>
      </span>
    </>
  );
  return (
    <>
      <div style={{ display: "flex", "align-items": "center" }}>
        <Show
          when={isVoice()}
          fallback={
            <A
              href={`/channels/${c().serverId}/${c().id}`}
              class="channel-link"
              classList={{ unread: unread() }}
              style={{ flex: "1", "min-width": "0" }}
              aria-current={params.channelId === c().id ? "page" : undefined}
            >
              {body()}
              <Show when={mentions() > 0}>
                <span class="badge" aria-hidden="true">
                  {mentions()}
                </span>
              </Show>
            </A>
          }
        >
          {/* Clicking a voice channel joins it, as in Discord. */}
          <button
            class="channel-link voice-link"
            classList={{ connected: connected() }}
            style={{ flex: "1", "min-width": "0" }}
            disabled={!canConnect() || (full() && !connected() && !has(channelPermissions(state, c()), Permission.MOVE_MEMBERS))}
            title={!canConnect() ? "You may not connect to this channel" : full() ? "This channel is full" : undefined}
            onClick={() => void joinVoice(c().id)}
          >
            {body()}
            <Show when={c().userLimit > 0}>
              <span class="faint" aria-hidden="true">
                {String(inVoice().length).padStart(2, "0")}/{String(c().userLimit).padStart(2, "0")}
              </span>
            </Show>
          </button>
        </Show>
        <Show when={canManage() && (params.channelId === c().id || connected())}>
          <button class="icon-btn" style={{ width: "24px", height: "24px" }} aria-label={`Edit channel ${c().name}`} onClick={() => openChannelSettings(c().id)}>
            <IconGear size={16} />
          </button>
        </Show>
      </div>
      <Show when={isVoice() && inVoice().length > 0}>
        <ul class="voice-users" aria-label={`In ${c().name}`}>
          <For each={inVoice()}>
            {(v) => (
              <li>
                <button
                  class="voice-user"
                  classList={{ speaking: !!speaking[v.userId] }}
                  aria-label={`${displayName(state.users[v.userId])}${voiceFlags(v)}`}
                  onClick={(e) => setPopover({ userId: v.userId, rect: e.currentTarget.getBoundingClientRect() })}
                >
                  <span class="speaking-ring" classList={{ on: !!speaking[v.userId] }}>
                    <Avatar user={state.users[v.userId]} size={24} />
                  </span>
                  <span class="name">{displayName(state.users[v.userId])}</span>
                  <VoiceFlagIcons v={v} />
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={popover()}>{(o) => <UserPopover userId={o().userId} serverId={c().serverId} anchor={o().rect} onClose={() => setPopover(null)} />}</Show>
    </>
  );
}
