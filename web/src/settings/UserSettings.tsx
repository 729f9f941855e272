// User settings overlay: account, profile, appearance, instance administration (admins), log out.
import { createSignal, Match, Show, Switch } from "solid-js";
import { overlay, closeOverlay } from "../app/overlays";
import { api } from "../api/client";
import { session } from "../auth/session";
import { state } from "../state/store";
import { Confirm } from "../ui/Dialog";
import { SettingsLayout, type NavGroup } from "./kit";
import { AccountPage } from "./AccountPage";
import { ProfilePage } from "./ProfilePage";
import { AppearancePage } from "./AppearancePage";
import { InstancePage } from "../admin/InstancePage";
import { InstanceInvitesPage } from "../admin/InstanceInvitesPage";
import { AdminUsersPage } from "../admin/AdminUsersPage";
import { AdminServersPage } from "../admin/AdminServersPage";

const ADMIN_PAGES = ["instance", "instance-invites", "users", "servers"];

export default function UserSettings() {
  const initial = () => {
    const o = overlay();
    const p = o?.kind === "user-settings" ? o.page : undefined;
    return p && (!ADMIN_PAGES.includes(p) || state.me?.isAdmin) ? p : "account";
  };
  const [page, setPage] = createSignal(initial());
  const [logout, setLogout] = createSignal(false);

  const groups = (): NavGroup[] => [
    {
      title: "User Settings",
      items: [
        { id: "account", label: "My Account" },
        { id: "profile", label: "Profile" },
      ],
    },
    { title: "App Settings", items: [{ id: "appearance", label: "Appearance" }] },
    {
      title: "Instance Admin",
      items: state.me?.isAdmin
        ? [
            { id: "instance", label: "Instance Settings" },
            { id: "instance-invites", label: "Registration Invites" },
            { id: "users", label: "Users" },
            { id: "servers", label: "Servers" },
          ]
        : [],
    },
    { items: [{ id: "logout", label: "Log Out", danger: true, action: () => setLogout(true) }] },
  ];

  const doLogout = async () => {
    const token = session.refreshToken();
    if (token) await api.auth.logout({ refreshToken: token }).catch(() => undefined);
    closeOverlay();
    session.clear();
  };

  return (
    <SettingsLayout label="User settings" groups={groups()} page={page()} onPage={setPage}>
      <Switch>
        <Match when={page() === "account"}>
          <AccountPage onEditProfile={() => setPage("profile")} />
        </Match>
        <Match when={page() === "profile"}>
          <ProfilePage />
        </Match>
        <Match when={page() === "appearance"}>
          <AppearancePage />
        </Match>
        <Match when={page() === "instance" && state.me?.isAdmin}>
          <InstancePage />
        </Match>
        <Match when={page() === "instance-invites" && state.me?.isAdmin}>
          <InstanceInvitesPage />
        </Match>
        <Match when={page() === "users" && state.me?.isAdmin}>
          <AdminUsersPage />
        </Match>
        <Match when={page() === "servers" && state.me?.isAdmin}>
          <AdminServersPage />
        </Match>
      </Switch>
      <Show when={logout()}>
        <Confirm title="Log Out" body="Are you sure you want to log out?" action="Log Out" onConfirm={() => void doLogout()} onClose={() => setLogout(false)} />
      </Show>
    </SettingsLayout>
  );
}
