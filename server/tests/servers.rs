//! Servers, channels, roles, invites and moderation — every rule checked against the real
//! server on both backends: outsiders learn nothing, under-privileged members are refused
//! and nothing changes, private channels stay private, role hierarchy holds.

mod common;

use common::{
    Backend, TestServer, bit, bits, code, create_server, db_count, db_script, events::Events,
    general_channel, join, register, users,
};
use decentra_sdk::{Client, proto};
use proto::{Permission as P, subscribe_response::Event};
use tonic::Code;

async fn set_everyone(owner: &Client, server_id: &str, permissions: u64) {
    owner
        .roles()
        .update_role(proto::UpdateRoleRequest {
            server_id: server_id.to_owned(),
            role_id: server_id.to_owned(),
            permissions: Some(permissions),
            ..Default::default()
        })
        .await
        .expect("update @everyone");
}

async fn create_role(owner: &Client, server_id: &str, name: &str, permissions: u64) -> proto::Role {
    owner
        .roles()
        .create_role(proto::CreateRoleRequest {
            server_id: server_id.to_owned(),
            name: name.to_owned(),
            permissions: Some(permissions),
            ..Default::default()
        })
        .await
        .expect("create role")
        .into_inner()
        .role
        .expect("role")
}

async fn give_role(owner: &Client, server_id: &str, user_id: &str, role_id: &str) {
    owner
        .roles()
        .add_member_role(proto::AddMemberRoleRequest {
            server_id: server_id.to_owned(),
            user_id: user_id.to_owned(),
            role_id: role_id.to_owned(),
        })
        .await
        .expect("add member role");
}

async fn state(owner: &Client, server_id: &str) -> (String, usize, usize, u32, usize) {
    let server = owner
        .servers()
        .get_server(proto::GetServerRequest {
            server_id: server_id.to_owned(),
        })
        .await
        .expect("get")
        .into_inner()
        .server
        .expect("server");
    let channels = owner
        .channels()
        .list_channels(proto::ListChannelsRequest {
            server_id: server_id.to_owned(),
        })
        .await
        .expect("channels")
        .into_inner()
        .channels;
    let roles = owner
        .roles()
        .list_roles(proto::ListRolesRequest {
            server_id: server_id.to_owned(),
        })
        .await
        .expect("roles")
        .into_inner()
        .roles;
    let bans = owner
        .servers()
        .list_bans(proto::ListBansRequest {
            server_id: server_id.to_owned(),
            ..Default::default()
        })
        .await
        .expect("bans")
        .into_inner()
        .bans;
    let overwrites: usize = channels.iter().map(|c| c.permission_overwrites.len()).sum();
    (
        server.name,
        channels.len() + overwrites,
        roles.len(),
        server.member_count,
        bans.len(),
    )
}

/// Who calls in the authorization matrix.
#[derive(Debug, Clone, Copy)]
enum Caller {
    /// Not a member of the server.
    Outsider,
    /// A member holding only @everyone's permissions.
    Member,
}

/// One RPC of the authorization matrix, with its request.
#[derive(Debug, Clone)]
enum Rpc {
    UpdateServer(proto::UpdateServerRequest),
    DeleteServer(proto::DeleteServerRequest),
    TransferOwnership(proto::TransferOwnershipRequest),
    UpdateMember(proto::UpdateMemberRequest),
    KickMember(proto::KickMemberRequest),
    BanMember(proto::BanMemberRequest),
    UnbanMember(proto::UnbanMemberRequest),
    ListBans(proto::ListBansRequest),
    ListAuditLog(proto::ListAuditLogRequest),
    CreateInvite(proto::CreateInviteRequest),
    ListInvites(proto::ListInvitesRequest),
    RevokeInvite(proto::RevokeInviteRequest),
    CreateChannel(proto::CreateChannelRequest),
    UpdateChannel(proto::UpdateChannelRequest),
    DeleteChannel(proto::DeleteChannelRequest),
    ReorderChannels(proto::ReorderChannelsRequest),
    SetPermissionOverwrite(proto::SetPermissionOverwriteRequest),
    DeletePermissionOverwrite(proto::DeletePermissionOverwriteRequest),
    GetEffectivePermissions(proto::GetEffectivePermissionsRequest),
    CreateRole(proto::CreateRoleRequest),
    UpdateRole(proto::UpdateRoleRequest),
    DeleteRole(proto::DeleteRoleRequest),
    ReorderRoles(proto::ReorderRolesRequest),
    AddMemberRole(proto::AddMemberRoleRequest),
    RemoveMemberRole(proto::RemoveMemberRoleRequest),
    GetServer(proto::GetServerRequest),
    ListMembers(proto::ListMembersRequest),
    GetMember(proto::GetMemberRequest),
    ListChannels(proto::ListChannelsRequest),
    GetChannel(proto::GetChannelRequest),
    ListRoles(proto::ListRolesRequest),
    AddBotToServer(proto::AddBotToServerRequest),
}

impl Rpc {
    /// Makes the call as `c` and returns its status code.
    async fn call(self, c: &Client) -> Code {
        match self {
            Rpc::UpdateServer(q) => code(c.servers().update_server(q).await),
            Rpc::DeleteServer(q) => code(c.servers().delete_server(q).await),
            Rpc::TransferOwnership(q) => code(c.servers().transfer_ownership(q).await),
            Rpc::UpdateMember(q) => code(c.servers().update_member(q).await),
            Rpc::KickMember(q) => code(c.servers().kick_member(q).await),
            Rpc::BanMember(q) => code(c.servers().ban_member(q).await),
            Rpc::UnbanMember(q) => code(c.servers().unban_member(q).await),
            Rpc::ListBans(q) => code(c.servers().list_bans(q).await),
            Rpc::ListAuditLog(q) => code(c.servers().list_audit_log(q).await),
            Rpc::CreateInvite(q) => code(c.invites().create_invite(q).await),
            Rpc::ListInvites(q) => code(c.invites().list_invites(q).await),
            Rpc::RevokeInvite(q) => code(c.invites().revoke_invite(q).await),
            Rpc::CreateChannel(q) => code(c.channels().create_channel(q).await),
            Rpc::UpdateChannel(q) => code(c.channels().update_channel(q).await),
            Rpc::DeleteChannel(q) => code(c.channels().delete_channel(q).await),
            Rpc::ReorderChannels(q) => code(c.channels().reorder_channels(q).await),
            Rpc::SetPermissionOverwrite(q) => code(c.channels().set_permission_overwrite(q).await),
            Rpc::DeletePermissionOverwrite(q) => {
                code(c.channels().delete_permission_overwrite(q).await)
            }
            Rpc::GetEffectivePermissions(q) => {
                code(c.channels().get_effective_permissions(q).await)
            }
            Rpc::CreateRole(q) => code(c.roles().create_role(q).await),
            Rpc::UpdateRole(q) => code(c.roles().update_role(q).await),
            Rpc::DeleteRole(q) => code(c.roles().delete_role(q).await),
            Rpc::ReorderRoles(q) => code(c.roles().reorder_roles(q).await),
            Rpc::AddMemberRole(q) => code(c.roles().add_member_role(q).await),
            Rpc::RemoveMemberRole(q) => code(c.roles().remove_member_role(q).await),
            Rpc::GetServer(q) => code(c.servers().get_server(q).await),
            Rpc::ListMembers(q) => code(c.servers().list_members(q).await),
            Rpc::GetMember(q) => code(c.servers().get_member(q).await),
            Rpc::ListChannels(q) => code(c.channels().list_channels(q).await),
            Rpc::GetChannel(q) => code(c.channels().get_channel(q).await),
            Rpc::ListRoles(q) => code(c.roles().list_roles(q).await),
            Rpc::AddBotToServer(q) => code(c.bots().add_bot_to_server(q).await),
        }
    }
}

/// For every RPC of servers/channels/roles/invites: an outsider gets NOT_FOUND, a member
/// without the permission gets PERMISSION_DENIED, and the server is unchanged afterwards.
async fn authorization_matrix(backend: Backend) {
    let ts = TestServer::start(backend).await;
    let (owner, _) = register(&ts, "owner", None).await.expect("owner");
    let mut people = users(&ts, &owner, &["member", "outsider", "victim"]).await;
    let (victim, victim_id) = people.pop().expect("victim");
    let (outsider, _) = people.pop().expect("outsider");
    let (member, member_id) = people.pop().expect("member");
    let server = create_server(&owner, "Fortress").await;
    let sid = server.id.clone();
    join(&owner, &member, &sid).await;
    join(&owner, &victim, &sid).await;
    // @everyone may only look and talk: every management RPC must be refused.
    set_everyone(
        &owner,
        &sid,
        bits(&[P::ViewChannel, P::SendMessages, P::ReadMessageHistory]),
    )
    .await;
    let general = general_channel(&owner, &sid).await;
    let role = create_role(&owner, &sid, "Helpers", 0).await;
    let invite = owner
        .invites()
        .create_invite(proto::CreateInviteRequest {
            server_id: sid.clone(),
            ..Default::default()
        })
        .await
        .expect("invite")
        .into_inner()
        .invite
        .expect("invite")
        .code;
    let members_bot = member
        .bots()
        .create_bot(proto::CreateBotRequest {
            name: "members-bot".into(),
            ..Default::default()
        })
        .await
        .expect("bot")
        .into_inner()
        .bot
        .expect("bot")
        .id;
    let before = state(&owner, &sid).await;

    let (s, g, v, r) = (
        sid.clone(),
        general.clone(),
        victim_id.clone(),
        role.id.clone(),
    );
    let denied = Code::PermissionDenied;
    use Caller::{Member, Outsider};
    // (RPC, caller, expected code). Outsiders learn nothing (NOT_FOUND); @everyone may only
    // look and talk, so every management RPC refuses the member; reads are allowed.
    let mut table: Vec<(Rpc, Caller, Code)> = Vec::new();
    let mut row = |rpc: Rpc, member: Code| {
        table.push((rpc.clone(), Outsider, Code::NotFound));
        table.push((rpc, Member, member));
    };
    row(
        Rpc::UpdateServer(proto::UpdateServerRequest {
            server_id: s.clone(),
            name: Some("Pwned".into()),
            ..Default::default()
        }),
        denied,
    );
    row(
        Rpc::DeleteServer(proto::DeleteServerRequest {
            server_id: s.clone(),
        }),
        denied,
    );
    row(
        Rpc::TransferOwnership(proto::TransferOwnershipRequest {
            server_id: s.clone(),
            new_owner_id: member_id.clone(),
        }),
        denied,
    );
    row(
        Rpc::UpdateMember(proto::UpdateMemberRequest {
            server_id: s.clone(),
            user_id: v.clone(),
            nickname: Some("renamed".into()),
            ..Default::default()
        }),
        denied,
    );
    row(
        Rpc::UpdateMember(proto::UpdateMemberRequest {
            server_id: s.clone(),
            user_id: v.clone(),
            server_mute: Some(true),
            ..Default::default()
        }),
        denied,
    );
    row(
        Rpc::KickMember(proto::KickMemberRequest {
            server_id: s.clone(),
            user_id: v.clone(),
            reason: String::new(),
        }),
        denied,
    );
    row(
        Rpc::BanMember(proto::BanMemberRequest {
            server_id: s.clone(),
            user_id: v.clone(),
            ..Default::default()
        }),
        denied,
    );
    row(
        Rpc::UnbanMember(proto::UnbanMemberRequest {
            server_id: s.clone(),
            user_id: v.clone(),
            reason: String::new(),
        }),
        denied,
    );
    row(
        Rpc::ListBans(proto::ListBansRequest {
            server_id: s.clone(),
            ..Default::default()
        }),
        denied,
    );
    row(
        Rpc::ListAuditLog(proto::ListAuditLogRequest {
            server_id: s.clone(),
            ..Default::default()
        }),
        denied,
    );
    row(
        Rpc::CreateInvite(proto::CreateInviteRequest {
            server_id: s.clone(),
            ..Default::default()
        }),
        denied,
    );
    row(
        Rpc::ListInvites(proto::ListInvitesRequest {
            server_id: s.clone(),
            ..Default::default()
        }),
        denied,
    );
    row(
        Rpc::RevokeInvite(proto::RevokeInviteRequest {
            code: invite.clone(),
        }),
        denied,
    );
    row(
        Rpc::CreateChannel(proto::CreateChannelRequest {
            server_id: s.clone(),
            name: "new".into(),
            r#type: proto::ChannelType::Text.into(),
            ..Default::default()
        }),
        denied,
    );
    row(
        Rpc::UpdateChannel(proto::UpdateChannelRequest {
            channel_id: g.clone(),
            name: Some("renamed".into()),
            ..Default::default()
        }),
        denied,
    );
    row(
        Rpc::DeleteChannel(proto::DeleteChannelRequest {
            channel_id: g.clone(),
        }),
        denied,
    );
    row(
        Rpc::ReorderChannels(proto::ReorderChannelsRequest {
            server_id: s.clone(),
            positions: vec![proto::ChannelPosition {
                channel_id: g.clone(),
                position: 9,
                parent_id: None,
            }],
        }),
        denied,
    );
    row(
        Rpc::SetPermissionOverwrite(proto::SetPermissionOverwriteRequest {
            channel_id: g.clone(),
            target_id: s.clone(),
            target_type: proto::OverwriteTargetType::Role.into(),
            allow: 0,
            deny: bit(P::SendMessages),
        }),
        denied,
    );
    row(
        Rpc::DeletePermissionOverwrite(proto::DeletePermissionOverwriteRequest {
            channel_id: g.clone(),
            target_id: s.clone(),
        }),
        denied,
    );
    row(
        Rpc::GetEffectivePermissions(proto::GetEffectivePermissionsRequest {
            channel_id: g.clone(),
            user_id: v.clone(),
        }),
        denied,
    );
    row(
        Rpc::CreateRole(proto::CreateRoleRequest {
            server_id: s.clone(),
            name: "Mine".into(),
            ..Default::default()
        }),
        denied,
    );
    row(
        Rpc::UpdateRole(proto::UpdateRoleRequest {
            server_id: s.clone(),
            role_id: r.clone(),
            name: Some("x".into()),
            ..Default::default()
        }),
        denied,
    );
    row(
        Rpc::DeleteRole(proto::DeleteRoleRequest {
            server_id: s.clone(),
            role_id: r.clone(),
        }),
        denied,
    );
    row(
        Rpc::ReorderRoles(proto::ReorderRolesRequest {
            server_id: s.clone(),
            positions: vec![proto::RolePosition {
                role_id: r.clone(),
                position: 5,
            }],
        }),
        denied,
    );
    row(
        Rpc::AddMemberRole(proto::AddMemberRoleRequest {
            server_id: s.clone(),
            user_id: v.clone(),
            role_id: r.clone(),
        }),
        denied,
    );
    row(
        Rpc::RemoveMemberRole(proto::RemoveMemberRoleRequest {
            server_id: s.clone(),
            user_id: v.clone(),
            role_id: r.clone(),
        }),
        denied,
    );
    row(
        Rpc::GetServer(proto::GetServerRequest {
            server_id: s.clone(),
        }),
        Code::Ok,
    );
    row(
        Rpc::ListMembers(proto::ListMembersRequest {
            server_id: s.clone(),
            ..Default::default()
        }),
        Code::Ok,
    );
    row(
        Rpc::GetMember(proto::GetMemberRequest {
            server_id: s.clone(),
            user_id: v.clone(),
        }),
        Code::Ok,
    );
    row(
        Rpc::ListChannels(proto::ListChannelsRequest {
            server_id: s.clone(),
        }),
        Code::Ok,
    );
    row(
        Rpc::GetChannel(proto::GetChannelRequest {
            channel_id: g.clone(),
        }),
        Code::Ok,
    );
    row(
        Rpc::ListRoles(proto::ListRolesRequest {
            server_id: s.clone(),
        }),
        Code::Ok,
    );
    // The member's own bot: owning it is not enough without MANAGE_SERVER.
    row(
        Rpc::AddBotToServer(proto::AddBotToServerRequest {
            bot_id: members_bot.clone(),
            server_id: s.clone(),
        }),
        denied,
    );
    for (rpc, caller, expected) in table {
        let client = match caller {
            Outsider => &outsider,
            Member => &member,
        };
        let got = rpc.clone().call(client).await;
        assert_eq!(got, expected, "{caller:?} calling {rpc:?}");
    }
    let s = || sid.clone();
    let v = || victim_id.clone();
    // An outsider cannot leave a server they are not in; the owner cannot leave at all.
    let r = outsider
        .servers()
        .leave_server(proto::LeaveServerRequest { server_id: s() })
        .await;
    assert_eq!(code(r), Code::NotFound);
    let r = owner
        .servers()
        .leave_server(proto::LeaveServerRequest { server_id: s() })
        .await;
    assert_eq!(code(r), Code::FailedPrecondition);
    // A made-up server id is indistinguishable from a real one the caller is not in.
    let r = member
        .servers()
        .get_server(proto::GetServerRequest {
            server_id: "123456789".into(),
        })
        .await;
    assert_eq!(code(r), Code::NotFound);

    assert_eq!(
        state(&owner, &sid).await,
        before,
        "a refused call changed something"
    );
    let nick = owner
        .servers()
        .get_member(proto::GetMemberRequest {
            server_id: s(),
            user_id: v(),
        })
        .await
        .expect("member")
        .into_inner()
        .member
        .expect("member");
    assert!(nick.nickname.is_empty() && !nick.server_mute);
    ts.stop().await;
}

/// VIEW_CHANNEL denied to @everyone and allowed to a role: members without the role cannot
/// see the channel anywhere, nor act on it; the role holder can; taking the role away hides it.
async fn private_channel_is_invisible_without_the_role(backend: Backend) {
    let ts = TestServer::start(backend).await;
    let (owner, _) = register(&ts, "owner", None).await.expect("owner");
    let mut people = users(&ts, &owner, &["staffer", "pleb"]).await;
    let (pleb, _) = people.pop().expect("pleb");
    let (staffer, staffer_id) = people.pop().expect("staffer");
    let server = create_server(&owner, "Office").await;
    let sid = server.id.clone();
    join(&owner, &staffer, &sid).await;
    join(&owner, &pleb, &sid).await;
    let staff = create_role(&owner, &sid, "Staff", 0).await;
    give_role(&owner, &sid, &staffer_id, &staff.id).await;
    let (mut pleb_events, _) = Events::ready(&pleb).await;

    let private = owner
        .channels()
        .create_channel(proto::CreateChannelRequest {
            server_id: sid.clone(),
            name: "Staff Only".into(),
            r#type: proto::ChannelType::Text.into(),
            permission_overwrites: vec![
                proto::PermissionOverwrite {
                    target_id: sid.clone(),
                    target_type: proto::OverwriteTargetType::Role.into(),
                    allow: 0,
                    deny: bit(P::ViewChannel),
                },
                proto::PermissionOverwrite {
                    target_id: staff.id.clone(),
                    target_type: proto::OverwriteTargetType::Role.into(),
                    allow: bit(P::ViewChannel),
                    deny: 0,
                },
            ],
            ..Default::default()
        })
        .await
        .expect("create private channel")
        .into_inner()
        .channel
        .expect("channel");
    assert_eq!(
        private.name, "staff-only",
        "text channel names are lower-kebab"
    );
    // A public channel created afterwards is the marker: the private one never reached pleb.
    let public = owner
        .channels()
        .create_channel(proto::CreateChannelRequest {
            server_id: sid.clone(),
            name: "lobby".into(),
            r#type: proto::ChannelType::Text.into(),
            ..Default::default()
        })
        .await
        .expect("public")
        .into_inner()
        .channel
        .expect("channel");
    pleb_events
        .none_before(
            |e| matches!(e, Event::ChannelCreated(c) if c.channel.as_ref().is_some_and(|c| c.id == private.id)),
            |e| matches!(e, Event::ChannelCreated(c) if c.channel.as_ref().is_some_and(|c| c.id == public.id)),
        )
        .await;

    let listed = |c: &Client| {
        let mut x = c.channels();
        let q = proto::ListChannelsRequest {
            server_id: sid.clone(),
        };
        async move {
            x.list_channels(q)
                .await
                .expect("list")
                .into_inner()
                .channels
                .into_iter()
                .map(|c| c.id)
                .collect::<Vec<_>>()
        }
    };
    assert!(
        !listed(&pleb).await.contains(&private.id),
        "listed to a member without the role"
    );
    assert!(
        listed(&staffer).await.contains(&private.id),
        "hidden from the role holder"
    );
    let (_, ready) = Events::ready(&pleb).await;
    assert!(
        ready
            .servers
            .iter()
            .flat_map(|s| &s.channels)
            .all(|c| c.id != private.id)
    );

    let pid = || private.id.clone();
    assert_eq!(
        code(
            pleb.channels()
                .get_channel(proto::GetChannelRequest { channel_id: pid() })
                .await
        ),
        Code::NotFound
    );
    assert_eq!(
        code(
            pleb.channels()
                .get_effective_permissions(proto::GetEffectivePermissionsRequest {
                    channel_id: pid(),
                    user_id: String::new()
                })
                .await
        ),
        Code::NotFound
    );
    assert_eq!(
        code(
            pleb.channels()
                .update_channel(proto::UpdateChannelRequest {
                    channel_id: pid(),
                    topic: Some("x".into()),
                    ..Default::default()
                })
                .await
        ),
        Code::NotFound
    );
    assert_eq!(
        code(
            pleb.channels()
                .delete_channel(proto::DeleteChannelRequest { channel_id: pid() })
                .await
        ),
        Code::NotFound
    );
    assert_eq!(
        code(
            pleb.invites()
                .create_invite(proto::CreateInviteRequest {
                    server_id: sid.clone(),
                    channel_id: pid(),
                    ..Default::default()
                })
                .await
        ),
        Code::NotFound
    );
    let perms = staffer
        .channels()
        .get_effective_permissions(proto::GetEffectivePermissionsRequest {
            channel_id: pid(),
            user_id: String::new(),
        })
        .await
        .expect("perms")
        .into_inner()
        .permissions;
    assert_ne!(perms & bit(P::ViewChannel), 0);

    // Taking the role away hides the channel at once, and the stream says so.
    let (mut staff_events, _) = Events::ready(&staffer).await;
    owner
        .roles()
        .remove_member_role(proto::RemoveMemberRoleRequest {
            server_id: sid.clone(),
            user_id: staffer_id.clone(),
            role_id: staff.id.clone(),
        })
        .await
        .expect("remove role");
    staff_events
        .wait_for(|e| matches!(e, Event::ChannelDeleted(d) if d.channel_id == private.id))
        .await;
    assert!(!listed(&staffer).await.contains(&private.id));
    assert_eq!(
        code(
            staffer
                .channels()
                .get_channel(proto::GetChannelRequest { channel_id: pid() })
                .await
        ),
        Code::NotFound
    );
    ts.stop().await;
}

/// Moderators cannot act on members at or above their highest role, nor hand out roles or
/// permissions above their own.
async fn role_hierarchy_limits_moderators(backend: Backend) {
    let ts = TestServer::start(backend).await;
    let (owner, _) = register(&ts, "owner", None).await.expect("owner");
    let mut people = users(&ts, &owner, &["moddy", "peer", "senior", "newbie"]).await;
    let (newbie, newbie_id) = people.pop().expect("newbie");
    let (senior, senior_id) = people.pop().expect("senior");
    let (peer, peer_id) = people.pop().expect("peer");
    let (moddy, moddy_id) = people.pop().expect("moddy");
    let server = create_server(&owner, "Hierarchy").await;
    let sid = server.id.clone();
    for c in [&moddy, &peer, &senior, &newbie] {
        join(&owner, c, &sid).await;
    }
    let mod_perms = bits(&[
        P::KickMembers,
        P::BanMembers,
        P::ManageRoles,
        P::ManageNicknames,
    ]);
    let mod_role = create_role(&owner, &sid, "Mod", mod_perms).await;
    let senior_role = create_role(&owner, &sid, "Senior", 0).await; // created later = higher
    let low_role = create_role(&owner, &sid, "Low", 0).await;
    // Order (high → low): Mod, Senior, Low → put Senior on top explicitly.
    owner
        .roles()
        .reorder_roles(proto::ReorderRolesRequest {
            server_id: sid.clone(),
            positions: vec![
                proto::RolePosition {
                    role_id: senior_role.id.clone(),
                    position: 3,
                },
                proto::RolePosition {
                    role_id: mod_role.id.clone(),
                    position: 2,
                },
                proto::RolePosition {
                    role_id: low_role.id.clone(),
                    position: 1,
                },
            ],
        })
        .await
        .expect("reorder");
    give_role(&owner, &sid, &moddy_id, &mod_role.id).await;
    give_role(&owner, &sid, &peer_id, &mod_role.id).await;
    give_role(&owner, &sid, &senior_id, &senior_role.id).await;

    let kick = |uid: &str| {
        let mut x = moddy.servers();
        let q = proto::KickMemberRequest {
            server_id: sid.clone(),
            user_id: uid.to_owned(),
            reason: "test".into(),
        };
        async move { x.kick_member(q).await }
    };
    assert_eq!(
        code(kick(&senior_id).await),
        Code::PermissionDenied,
        "kicked someone above"
    );
    assert_eq!(
        code(kick(&peer_id).await),
        Code::PermissionDenied,
        "kicked an equal"
    );
    let ban = moddy
        .servers()
        .ban_member(proto::BanMemberRequest {
            server_id: sid.clone(),
            user_id: senior_id.clone(),
            ..Default::default()
        })
        .await;
    assert_eq!(code(ban), Code::PermissionDenied, "banned someone above");
    let nick = moddy
        .servers()
        .update_member(proto::UpdateMemberRequest {
            server_id: sid.clone(),
            user_id: senior_id.clone(),
            nickname: Some("lol".into()),
            ..Default::default()
        })
        .await;
    assert_eq!(code(nick), Code::PermissionDenied, "renamed someone above");
    let owner_id = server.owner_id.clone();
    assert_eq!(
        code(kick(&owner_id).await),
        Code::PermissionDenied,
        "kicked the owner"
    );

    // Roles: cannot assign one above their own, cannot grant missing permissions.
    let assign = moddy
        .roles()
        .add_member_role(proto::AddMemberRoleRequest {
            server_id: sid.clone(),
            user_id: newbie_id.clone(),
            role_id: senior_role.id.clone(),
        })
        .await;
    assert_eq!(
        code(assign),
        Code::PermissionDenied,
        "assigned a role above own"
    );
    let assign_own = moddy
        .roles()
        .add_member_role(proto::AddMemberRoleRequest {
            server_id: sid.clone(),
            user_id: newbie_id.clone(),
            role_id: mod_role.id.clone(),
        })
        .await;
    assert_eq!(
        code(assign_own),
        Code::PermissionDenied,
        "assigned own (equal) role"
    );
    let admin_role = moddy
        .roles()
        .create_role(proto::CreateRoleRequest {
            server_id: sid.clone(),
            name: "Boss".into(),
            permissions: Some(bit(P::Administrator)),
            ..Default::default()
        })
        .await;
    assert_eq!(
        code(admin_role),
        Code::PermissionDenied,
        "granted ADMINISTRATOR without having it"
    );
    let raise = moddy
        .roles()
        .update_role(proto::UpdateRoleRequest {
            server_id: sid.clone(),
            role_id: low_role.id.clone(),
            permissions: Some(bit(P::ManageServer)),
            ..Default::default()
        })
        .await;
    assert_eq!(
        code(raise),
        Code::PermissionDenied,
        "granted MANAGE_SERVER without having it"
    );

    // A role created later sits below theirs, but its permissions are not theirs to hand out —
    // not even to themselves.
    let admin_role = create_role(&owner, &sid, "Admins", bit(P::Administrator)).await;
    let self_promote = moddy
        .roles()
        .add_member_role(proto::AddMemberRoleRequest {
            server_id: sid.clone(),
            user_id: moddy_id.clone(),
            role_id: admin_role.id.clone(),
        })
        .await;
    assert_eq!(
        code(self_promote),
        Code::PermissionDenied,
        "granted ADMINISTRATOR through a role"
    );
    let strip_senior = moddy
        .roles()
        .remove_member_role(proto::RemoveMemberRoleRequest {
            server_id: sid.clone(),
            user_id: senior_id.clone(),
            role_id: low_role.id.clone(),
        })
        .await;
    assert_eq!(
        code(strip_senior),
        Code::PermissionDenied,
        "changed roles of someone above"
    );

    // Below them it all works, and lands in the audit log.
    moddy
        .roles()
        .add_member_role(proto::AddMemberRoleRequest {
            server_id: sid.clone(),
            user_id: newbie_id.clone(),
            role_id: low_role.id.clone(),
        })
        .await
        .expect("assign lower role");
    kick(&newbie_id).await.expect("kick a plain member");
    let members = owner
        .servers()
        .list_members(proto::ListMembersRequest {
            server_id: sid.clone(),
            ..Default::default()
        })
        .await
        .expect("members")
        .into_inner()
        .members;
    assert!(
        members
            .iter()
            .all(|m| m.user.as_ref().is_some_and(|u| u.id != newbie_id))
    );
    let log = owner
        .servers()
        .list_audit_log(proto::ListAuditLogRequest {
            server_id: sid.clone(),
            ..Default::default()
        })
        .await
        .expect("audit")
        .into_inner();
    let kick_entry = log
        .entries
        .iter()
        .find(|e| e.action() == proto::AuditLogAction::MemberKick)
        .expect("kick audited");
    assert_eq!(
        (
            kick_entry.actor_id.as_str(),
            kick_entry.target_id.as_str(),
            kick_entry.reason.as_str()
        ),
        (moddy_id.as_str(), newbie_id.as_str(), "test")
    );
    assert!(log.users.iter().any(|u| u.id == moddy_id));
    drop(newbie);
    ts.stop().await;
}

/// Max uses, expiry, revocation and bans are all honoured when joining.
async fn invites_honour_limits_and_bans(backend: Backend) {
    let ts = TestServer::start(backend).await;
    let (owner, _) = register(&ts, "owner", None).await.expect("owner");
    let mut people = users(&ts, &owner, &["ann", "ben", "cat"]).await;
    let (cat, cat_id) = people.pop().expect("cat");
    let (ben, _) = people.pop().expect("ben");
    let (ann, _) = people.pop().expect("ann");
    let server = create_server(&owner, "Club").await;
    let sid = server.id.clone();
    let invite = |max_uses: Option<u32>, expires: Option<i64>| {
        let mut x = owner.invites();
        let q = proto::CreateInviteRequest {
            server_id: sid.clone(),
            max_uses,
            expires_in_seconds: expires,
            ..Default::default()
        };
        async move {
            x.create_invite(q)
                .await
                .expect("invite")
                .into_inner()
                .invite
                .expect("invite")
                .code
        }
    };
    let accept = |c: &Client, code: String| {
        let mut x = c.invites();
        async move { x.accept_invite(proto::AcceptInviteRequest { code }).await }
    };

    // Preview without joining.
    let once = invite(Some(1), None).await;
    let preview = ann
        .invites()
        .get_invite(proto::GetInviteRequest { code: once.clone() })
        .await
        .expect("preview")
        .into_inner()
        .preview
        .expect("preview");
    let ps = preview.server.expect("server");
    assert_eq!(
        (ps.name.as_str(), ps.member_count, preview.already_member),
        ("Club", 1, false)
    );
    assert_eq!(
        code(
            ann.servers()
                .get_server(proto::GetServerRequest {
                    server_id: sid.clone()
                })
                .await
        ),
        Code::NotFound,
        "preview must not join"
    );

    accept(&ann, once.clone()).await.expect("first use");
    accept(&ann, once.clone())
        .await
        .expect("members may re-accept (no-op)");
    assert_eq!(
        code(accept(&ben, once.clone()).await),
        Code::FailedPrecondition,
        "max uses"
    );

    let expiring = invite(None, Some(3600)).await;
    common::db_exec(
        &ts,
        "UPDATE server_invites SET expires_at = 1 WHERE code = $1",
        &expiring,
    )
    .await;
    assert_eq!(
        code(accept(&ben, expiring.clone()).await),
        Code::FailedPrecondition,
        "expired"
    );
    assert_eq!(
        code(
            ben.invites()
                .get_invite(proto::GetInviteRequest { code: expiring })
                .await
        ),
        Code::NotFound
    );

    let revoked = invite(None, None).await;
    owner
        .invites()
        .revoke_invite(proto::RevokeInviteRequest {
            code: revoked.clone(),
        })
        .await
        .expect("revoke");
    assert_eq!(
        code(accept(&ben, revoked).await),
        Code::FailedPrecondition,
        "revoked"
    );
    assert_eq!(
        code(accept(&ben, "nonexistent".into()).await),
        Code::NotFound
    );

    // Bans: a banned user cannot join with any code, until unbanned.
    let open = invite(None, None).await;
    owner
        .servers()
        .ban_member(proto::BanMemberRequest {
            server_id: sid.clone(),
            user_id: cat_id.clone(),
            reason: "spam".into(),
            ..Default::default()
        })
        .await
        .expect("ban a non-member");
    assert_eq!(
        code(accept(&cat, open.clone()).await),
        Code::PermissionDenied,
        "banned user joined"
    );
    let bans = owner
        .servers()
        .list_bans(proto::ListBansRequest {
            server_id: sid.clone(),
            ..Default::default()
        })
        .await
        .expect("bans")
        .into_inner()
        .bans;
    assert_eq!(bans.len(), 1);
    assert_eq!(bans[0].reason, "spam");
    owner
        .servers()
        .unban_member(proto::UnbanMemberRequest {
            server_id: sid.clone(),
            user_id: cat_id.clone(),
            reason: String::new(),
        })
        .await
        .expect("unban");
    accept(&cat, open.clone())
        .await
        .expect("unbanned user joins");
    // Banning a member removes them.
    owner
        .servers()
        .ban_member(proto::BanMemberRequest {
            server_id: sid.clone(),
            user_id: cat_id.clone(),
            ..Default::default()
        })
        .await
        .expect("ban member");
    assert_eq!(
        code(
            cat.servers()
                .get_server(proto::GetServerRequest {
                    server_id: sid.clone()
                })
                .await
        ),
        Code::NotFound
    );
    let listed = owner
        .invites()
        .list_invites(proto::ListInvitesRequest {
            server_id: sid.clone(),
            ..Default::default()
        })
        .await
        .expect("list")
        .into_inner()
        .invites;
    assert!(listed.iter().any(|i| i.code == once && i.uses == 1));
    ts.stop().await;
}

/// Deleting a server removes everything in it; nothing of it is reachable afterwards.
async fn deleting_a_server_removes_everything(backend: Backend) {
    let ts = TestServer::start(backend).await;
    let (owner, _) = register(&ts, "owner", None).await.expect("owner");
    let mut people = users(&ts, &owner, &["friend"]).await;
    let (friend, _) = people.pop().expect("friend");
    let server = create_server(&owner, "Doomed").await;
    let sid = server.id.clone();
    join(&owner, &friend, &sid).await;
    let general = general_channel(&owner, &sid).await;
    create_role(&owner, &sid, "Temp", 0).await;
    let code_ = owner
        .invites()
        .create_invite(proto::CreateInviteRequest {
            server_id: sid.clone(),
            ..Default::default()
        })
        .await
        .expect("invite")
        .into_inner()
        .invite
        .expect("invite")
        .code;
    let (mut friend_events, _) = Events::ready(&friend).await;

    assert_eq!(
        code(
            friend
                .servers()
                .delete_server(proto::DeleteServerRequest {
                    server_id: sid.clone()
                })
                .await
        ),
        Code::PermissionDenied
    );
    owner
        .servers()
        .delete_server(proto::DeleteServerRequest {
            server_id: sid.clone(),
        })
        .await
        .expect("delete");
    friend_events
        .wait_for(|e| matches!(e, Event::ServerDeleted(d) if d.server_id == sid))
        .await;

    for c in [&owner, &friend] {
        assert_eq!(
            code(
                c.servers()
                    .get_server(proto::GetServerRequest {
                        server_id: sid.clone()
                    })
                    .await
            ),
            Code::NotFound
        );
        assert_eq!(
            code(
                c.channels()
                    .get_channel(proto::GetChannelRequest {
                        channel_id: general.clone()
                    })
                    .await
            ),
            Code::NotFound
        );
        assert_eq!(
            code(
                c.channels()
                    .list_channels(proto::ListChannelsRequest {
                        server_id: sid.clone()
                    })
                    .await
            ),
            Code::NotFound
        );
        assert!(
            c.servers()
                .list_servers(proto::ListServersRequest {})
                .await
                .expect("list")
                .into_inner()
                .servers
                .is_empty()
        );
    }
    assert_eq!(
        code(
            friend
                .invites()
                .accept_invite(proto::AcceptInviteRequest { code: code_ })
                .await
        ),
        Code::NotFound
    );
    let id: i64 = sid.parse().expect("id");
    for table in [
        "channels",
        "roles",
        "members",
        "server_invites",
        "audit_log",
        "member_roles",
        "bans",
    ] {
        let n = common::db_count(
            &ts,
            &format!("SELECT COUNT(*) FROM {table} WHERE server_id = $1"),
            id,
        )
        .await;
        assert_eq!(n, 0, "{table} still has rows of the deleted server");
    }
    ts.stop().await;
}

/// Server lifecycle: defaults on create, update, transfer, leave; events reach members.
async fn server_lifecycle_and_events(backend: Backend) {
    let ts = TestServer::start(backend).await;
    let (owner, _) = register(&ts, "owner", None).await.expect("owner");
    let mut people = users(&ts, &owner, &["heir"]).await;
    let (heir, heir_id) = people.pop().expect("heir");
    let server = create_server(&owner, "Home").await;
    let sid = server.id.clone();
    let channels = owner
        .channels()
        .list_channels(proto::ListChannelsRequest {
            server_id: sid.clone(),
        })
        .await
        .expect("list")
        .into_inner()
        .channels;
    let names: Vec<(&str, proto::ChannelType)> = channels
        .iter()
        .map(|c| (c.name.as_str(), c.r#type()))
        .collect();
    for expected in [
        ("Text Channels", proto::ChannelType::Category),
        ("general", proto::ChannelType::Text),
        ("Voice Channels", proto::ChannelType::Category),
        ("General", proto::ChannelType::Voice),
    ] {
        assert!(
            names.contains(&expected),
            "missing default {expected:?} in {names:?}"
        );
    }
    let roles = owner
        .roles()
        .list_roles(proto::ListRolesRequest {
            server_id: sid.clone(),
        })
        .await
        .expect("roles")
        .into_inner()
        .roles;
    assert_eq!(roles.len(), 1);
    assert_eq!(
        (roles[0].id.as_str(), roles[0].name.as_str()),
        (sid.as_str(), "@everyone")
    );
    assert_eq!(
        server.system_channel_id,
        general_channel(&owner, &sid).await
    );

    let (mut heir_events, _) = Events::ready(&heir).await;
    join(&owner, &heir, &sid).await;
    match heir_events
        .wait_for(|e| matches!(e, Event::ServerCreated(_)))
        .await
    {
        Event::ServerCreated(s) => {
            let snap = s.snapshot.expect("snapshot");
            assert_eq!(snap.server.expect("server").id, sid);
            assert_eq!(snap.channels.len(), 4);
            assert_eq!(
                snap.self_member.expect("member").user.expect("user").id,
                heir_id
            );
        }
        _ => unreachable!(),
    }
    owner
        .servers()
        .update_server(proto::UpdateServerRequest {
            server_id: sid.clone(),
            name: Some("Sweet Home".into()),
            ..Default::default()
        })
        .await
        .expect("rename");
    heir_events.wait_for(|e| matches!(e, Event::ServerUpdated(u) if u.server.as_ref().is_some_and(|s| s.name == "Sweet Home"))).await;
    let bad = owner
        .servers()
        .update_server(proto::UpdateServerRequest {
            server_id: sid.clone(),
            name: Some(" ".into()),
            ..Default::default()
        })
        .await;
    assert_eq!(code(bad), Code::InvalidArgument);

    owner
        .servers()
        .transfer_ownership(proto::TransferOwnershipRequest {
            server_id: sid.clone(),
            new_owner_id: heir_id.clone(),
        })
        .await
        .expect("transfer");
    owner
        .servers()
        .leave_server(proto::LeaveServerRequest {
            server_id: sid.clone(),
        })
        .await
        .expect("former owner leaves");
    heir_events
        .wait_for(|e| matches!(e, Event::MemberRemoved(_)))
        .await;
    let s = heir
        .servers()
        .get_server(proto::GetServerRequest {
            server_id: sid.clone(),
        })
        .await
        .expect("get")
        .into_inner()
        .server
        .expect("server");
    assert_eq!((s.owner_id.as_str(), s.member_count), (heir_id.as_str(), 1));
    ts.stop().await;
}

/// Overwrites naming a member leave with them: after a kick and a rejoin, a channel opened
/// to them personally is closed again.
async fn kicked_members_lose_personal_overwrites(backend: Backend) {
    let ts = TestServer::start(backend).await;
    let (owner, _) = register(&ts, "owner", None).await.expect("owner");
    let mut people = users(&ts, &owner, &["guest"]).await;
    let (guest, guest_id) = people.pop().expect("guest");
    let sid = create_server(&owner, "Lounge").await.id;
    join(&owner, &guest, &sid).await;
    let vip = owner
        .channels()
        .create_channel(proto::CreateChannelRequest {
            server_id: sid.clone(),
            name: "vip".into(),
            r#type: proto::ChannelType::Text.into(),
            permission_overwrites: vec![
                proto::PermissionOverwrite {
                    target_id: sid.clone(),
                    target_type: proto::OverwriteTargetType::Role.into(),
                    allow: 0,
                    deny: bit(P::ViewChannel),
                },
                proto::PermissionOverwrite {
                    target_id: guest_id.clone(),
                    target_type: proto::OverwriteTargetType::Member.into(),
                    allow: bit(P::ViewChannel),
                    deny: 0,
                },
            ],
            ..Default::default()
        })
        .await
        .expect("vip")
        .into_inner()
        .channel
        .expect("channel")
        .id;
    let get = |c: &Client| {
        let mut x = c.channels();
        let q = proto::GetChannelRequest {
            channel_id: vip.clone(),
        };
        async move { x.get_channel(q).await }
    };
    get(&guest).await.expect("the guest sees their channel");
    owner
        .servers()
        .kick_member(proto::KickMemberRequest {
            server_id: sid.clone(),
            user_id: guest_id.clone(),
            reason: String::new(),
        })
        .await
        .expect("kick");
    join(&owner, &guest, &sid).await;
    assert_eq!(
        code(get(&guest).await),
        Code::NotFound,
        "rejoining restored a personal overwrite"
    );
    ts.stop().await;
}

/// Deleting a category uncategorises its channels and deleting the system channel clears it;
/// members hear both.
async fn deleting_a_category_or_the_system_channel(backend: Backend) {
    let ts = TestServer::start(backend).await;
    let (owner, _) = register(&ts, "owner", None).await.expect("owner");
    let mut people = users(&ts, &owner, &["watcher"]).await;
    let (watcher, _) = people.pop().expect("watcher");
    let server = create_server(&owner, "Tidy").await;
    let sid = server.id.clone();
    join(&owner, &watcher, &sid).await;
    let channels = owner
        .channels()
        .list_channels(proto::ListChannelsRequest {
            server_id: sid.clone(),
        })
        .await
        .expect("list")
        .into_inner()
        .channels;
    let general = channels
        .iter()
        .find(|c| c.name == "general")
        .expect("general")
        .clone();
    let (mut events, _) = Events::ready(&watcher).await;

    owner
        .channels()
        .delete_channel(proto::DeleteChannelRequest {
            channel_id: general.parent_id.clone(),
        })
        .await
        .expect("delete category");
    events
        .wait_for(|e| matches!(e, Event::ChannelUpdated(u) if u.channel.as_ref().is_some_and(|c| c.id == general.id && c.parent_id.is_empty())))
        .await;

    owner
        .channels()
        .delete_channel(proto::DeleteChannelRequest {
            channel_id: general.id.clone(),
        })
        .await
        .expect("delete system channel");
    events
        .wait_for(|e| matches!(e, Event::ServerUpdated(u) if u.server.as_ref().is_some_and(|s| s.system_channel_id.is_empty())))
        .await;
    let s = owner
        .servers()
        .get_server(proto::GetServerRequest {
            server_id: sid.clone(),
        })
        .await
        .expect("get")
        .into_inner()
        .server
        .expect("server");
    assert!(s.system_channel_id.is_empty());
    ts.stop().await;
}

/// Icons uploaded as bytes: images only, at most 1 MiB, MANAGE_SERVER, served publicly.
async fn server_icon_upload(backend: Backend) {
    let ts = TestServer::start(backend).await;
    let (owner, _) = register(&ts, "owner", None).await.expect("owner");
    let mut people = users(&ts, &owner, &["member"]).await;
    let (member, _) = people.pop().expect("member");
    let sid = create_server(&owner, "Pretty").await.id;
    join(&owner, &member, &sid).await;
    // A minimal PNG header is enough for the type check.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10".to_vec();
    png.extend_from_slice(&[8, 6, 0, 0, 0]);
    let set = |c: &Client, data: Vec<u8>| {
        let mut x = c.servers();
        let q = proto::UpdateServerRequest {
            server_id: sid.clone(),
            icon_data: Some(data),
            ..Default::default()
        };
        async move { x.update_server(q).await }
    };
    assert_eq!(
        code(set(&member, png.clone()).await),
        Code::PermissionDenied
    );
    assert_eq!(
        code(set(&owner, b"<svg onload=alert(1)>".to_vec()).await),
        Code::InvalidArgument
    );
    assert_eq!(
        code(set(&owner, vec![0x89; 1024 * 1024 + 1]).await),
        Code::InvalidArgument
    );
    let s = set(&owner, png.clone())
        .await
        .expect("set icon")
        .into_inner()
        .server
        .expect("server");
    assert!(s.icon_url.starts_with("/api/v1/icons/"), "{}", s.icon_url);
    let resp = reqwest::get(format!("{}{}", ts.url(), s.icon_url))
        .await
        .expect("fetch icon");
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "image/png");
    assert_eq!(resp.bytes().await.expect("body").to_vec(), png);
    let missing = reqwest::get(format!("{}/api/v1/icons/{}", ts.url(), "0".repeat(64)))
        .await
        .expect("fetch");
    assert_eq!(missing.status(), 404);
    let traversal = reqwest::get(format!("{}/api/v1/icons/..%2F..%2Fjwt_secret", ts.url()))
        .await
        .expect("fetch");
    assert_eq!(traversal.status(), 404);
    ts.stop().await;
}

/// A change and its audit entry commit together: when the audit row cannot be written, the
/// ban is rolled back (the member stays, no ban row) and nobody hears of it.
async fn a_failed_audit_write_rolls_the_change_back(backend: Backend) {
    let ts = TestServer::start(backend).await;
    let (owner, _) = register(&ts, "owner", None).await.expect("owner");
    let people = users(&ts, &owner, &["member"]).await;
    let (member, member_id) = &people[0];
    let server = create_server(&owner, "Guild").await;
    join(&owner, member, &server.id).await;
    let general = general_channel(&owner, &server.id).await;
    let (mut owner_events, _) = Events::ready(&owner).await;
    let (mut member_events, _) = Events::ready(member).await;
    let audit_rows = "SELECT COUNT(*) FROM audit_log WHERE server_id = $1";
    let server_id: i64 = server.id.parse().expect("id");
    let audited_before = db_count(&ts, audit_rows, server_id).await;

    db_script(
        &ts,
        "CREATE TRIGGER audit_unavailable BEFORE INSERT ON audit_log \
         BEGIN SELECT RAISE(ABORT, 'audit log unavailable'); END;",
        "CREATE FUNCTION audit_unavailable() RETURNS trigger LANGUAGE plpgsql AS \
           $$ BEGIN RAISE EXCEPTION 'audit log unavailable'; END $$; \
         CREATE TRIGGER audit_unavailable BEFORE INSERT ON audit_log \
           FOR EACH ROW EXECUTE FUNCTION audit_unavailable();",
    )
    .await;
    let banned = owner
        .servers()
        .ban_member(proto::BanMemberRequest {
            server_id: server.id.clone(),
            user_id: member_id.clone(),
            reason: "spam".to_owned(),
            ..Default::default()
        })
        .await;
    assert_eq!(code(banned), Code::Internal);

    // Nothing happened: still a member, no ban, no audit row.
    let members = owner
        .servers()
        .list_members(proto::ListMembersRequest {
            server_id: server.id.clone(),
            ..Default::default()
        })
        .await
        .expect("members")
        .into_inner()
        .members;
    assert!(
        members
            .iter()
            .any(|m| m.user.as_ref().is_some_and(|u| &u.id == member_id))
    );
    let bans = owner
        .servers()
        .list_bans(proto::ListBansRequest {
            server_id: server.id.clone(),
            ..Default::default()
        })
        .await
        .expect("bans")
        .into_inner()
        .bans;
    assert!(bans.is_empty(), "the ban must be rolled back: {bans:?}");
    assert_eq!(db_count(&ts, audit_rows, server_id).await, audited_before);
    // The member can still post, and that message is the first event either side sees: no
    // BanAdded / MemberRemoved / ServerDeleted was published for the rolled-back ban.
    member
        .messages()
        .send_message(proto::SendMessageRequest {
            channel_id: general.clone(),
            content: "still here".to_owned(),
            ..Default::default()
        })
        .await
        .expect("member still posts");
    let forbidden = |e: &Event| {
        matches!(
            e,
            Event::BanAdded(_) | Event::MemberRemoved(_) | Event::ServerDeleted(_)
        )
    };
    let marker = |e: &Event| matches!(e, Event::MessageCreated(_));
    owner_events.none_before(forbidden, marker).await;
    member_events.none_before(forbidden, marker).await;
    ts.stop().await;
}

backend_tests!(
    a_failed_audit_write_rolls_the_change_back,
    server_icon_upload,
    deleting_a_category_or_the_system_channel,
    kicked_members_lose_personal_overwrites,
    authorization_matrix,
    private_channel_is_invisible_without_the_role,
    role_hierarchy_limits_moderators,
    invites_honour_limits_and_bans,
    deleting_a_server_removes_everything,
    server_lifecycle_and_events,
);
