//! Friends, blocks, DMs and group DMs against the real server on both backends: the full
//! request → accept → DM → message round trip over the event stream, every path a block
//! closes, privacy of private channels, and the group DM rules (limit, owner, last leaver).

mod common;

use common::{Backend, TestServer, code, create_server, events::Events, join, register, users};
use decentra_sdk::{Client, proto};
use proto::{RelationshipType as R, subscribe_response::Event};
use tonic::Code;

async fn send_request(from: &Client, username: &str) -> Result<proto::Relationship, tonic::Status> {
    from.relationships()
        .send_friend_request(proto::SendFriendRequestRequest {
            username: username.to_owned(),
            user_id: String::new(),
        })
        .await
        .map(|r| r.into_inner().relationship.expect("relationship"))
}

async fn accept(client: &Client, from_id: &str) -> proto::Relationship {
    client
        .relationships()
        .accept_friend_request(proto::AcceptFriendRequestRequest {
            user_id: from_id.to_owned(),
        })
        .await
        .expect("accept")
        .into_inner()
        .relationship
        .expect("relationship")
}

/// Makes `a` and `b` friends (`a` asks by username, `b` accepts).
async fn befriend(a: &Client, a_id: &str, b: &Client, b_name: &str) {
    send_request(a, b_name).await.expect("friend request");
    accept(b, a_id).await;
}

async fn relationships(client: &Client) -> Vec<(String, R)> {
    client
        .relationships()
        .list_relationships(proto::ListRelationshipsRequest {})
        .await
        .expect("list relationships")
        .into_inner()
        .relationships
        .into_iter()
        .map(|r| {
            let kind = r.r#type();
            (r.user.expect("user").id, kind)
        })
        .collect()
}

async fn open_dm(client: &Client, user_id: &str) -> Result<proto::Channel, tonic::Status> {
    client
        .channels()
        .open_direct_message(proto::OpenDirectMessageRequest {
            user_id: user_id.to_owned(),
        })
        .await
        .map(|r| r.into_inner().channel.expect("channel"))
}

async fn send(
    client: &Client,
    channel_id: &str,
    content: &str,
) -> Result<proto::Message, tonic::Status> {
    client
        .messages()
        .send_message(proto::SendMessageRequest {
            channel_id: channel_id.to_owned(),
            content: content.to_owned(),
            ..Default::default()
        })
        .await
        .map(|r| r.into_inner().message.expect("message"))
}

async fn history(client: &Client, channel_id: &str) -> Result<Vec<String>, tonic::Status> {
    client
        .messages()
        .list_messages(proto::ListMessagesRequest {
            channel_id: channel_id.to_owned(),
            ..Default::default()
        })
        .await
        .map(|r| {
            r.into_inner()
                .messages
                .into_iter()
                .map(|m| m.content)
                .collect()
        })
}

async fn search(client: &Client, query: &str) -> Vec<String> {
    client
        .users()
        .search_users(proto::SearchUsersRequest {
            query: query.to_owned(),
            ..Default::default()
        })
        .await
        .expect("search")
        .into_inner()
        .users
        .into_iter()
        .map(|u| u.username)
        .collect()
}

async fn create_group(
    client: &Client,
    user_ids: &[&String],
) -> Result<proto::Channel, tonic::Status> {
    client
        .channels()
        .create_group_dm(proto::CreateGroupDmRequest {
            user_ids: user_ids.iter().map(|s| (*s).clone()).collect(),
            name: String::new(),
        })
        .await
        .map(|r| r.into_inner().channel.expect("channel"))
}

async fn add_member(
    client: &Client,
    channel_id: &str,
    user_id: &str,
) -> Result<proto::Channel, tonic::Status> {
    client
        .channels()
        .add_group_dm_member(proto::AddGroupDmMemberRequest {
            channel_id: channel_id.to_owned(),
            user_id: user_id.to_owned(),
        })
        .await
        .map(|r| r.into_inner().channel.expect("channel"))
}

async fn leave(client: &Client, channel_id: &str) -> Result<(), tonic::Status> {
    client
        .channels()
        .leave_group_dm(proto::LeaveGroupDmRequest {
            channel_id: channel_id.to_owned(),
        })
        .await
        .map(|_| ())
}

async fn get_channel(client: &Client, channel_id: &str) -> Result<proto::Channel, tonic::Status> {
    client
        .channels()
        .get_channel(proto::GetChannelRequest {
            channel_id: channel_id.to_owned(),
        })
        .await
        .map(|r| r.into_inner().channel.expect("channel"))
}

fn is_relationship(e: &Event, user_id: &str, kind: R) -> bool {
    matches!(e, Event::RelationshipUpdated(u)
    if u.relationship.as_ref().is_some_and(|r| {
        r.r#type() == kind && r.user.as_ref().is_some_and(|u| u.id == user_id)
    }))
}

fn is_online(e: &Event, user_id: &str) -> bool {
    matches!(e, Event::PresenceUpdated(p) if p.presence.as_ref().is_some_and(|p| {
        p.user_id == user_id && p.status() == proto::PresenceStatus::Online
    }))
}

async fn request_accept_dm_round_trip(backend: Backend) {
    let ts = TestServer::start(backend).await;
    let (admin, _) = register(&ts, "admin", None).await.expect("admin");
    let mut people = users(&ts, &admin, &["alice", "bob", "carol"]).await;
    let (carol, carol_id) = people.pop().expect("carol");
    let (bob, bob_id) = people.pop().expect("bob");
    let (alice, alice_id) = people.pop().expect("alice");
    let (mut alice_events, _) = Events::ready(&alice).await;
    let (mut bob_events, _) = Events::ready(&bob).await;

    // Refusals first: yourself, unknown users, nothing to accept.
    assert_eq!(
        code(send_request(&alice, "alice").await),
        Code::FailedPrecondition
    );
    assert_eq!(code(send_request(&alice, "nobody").await), Code::NotFound);
    let nothing = alice
        .relationships()
        .accept_friend_request(proto::AcceptFriendRequestRequest {
            user_id: bob_id.clone(),
        })
        .await;
    assert_eq!(code(nothing), Code::NotFound);

    // Request (username is case-insensitive) → OUTGOING / INCOMING, on both streams.
    let sent = send_request(&alice, "BOB").await.expect("request");
    assert_eq!(sent.r#type(), R::Outgoing);
    assert_eq!(code(send_request(&alice, "bob").await), Code::AlreadyExists);
    alice_events
        .wait_for(|e| is_relationship(e, &bob_id, R::Outgoing))
        .await;
    bob_events
        .wait_for(|e| is_relationship(e, &alice_id, R::Incoming))
        .await;
    assert_eq!(
        relationships(&bob).await,
        vec![(alice_id.clone(), R::Incoming)]
    );

    // Accept → FRIEND both ways.
    assert_eq!(accept(&bob, &alice_id).await.r#type(), R::Friend);
    alice_events
        .wait_for(|e| is_relationship(e, &bob_id, R::Friend))
        .await;
    bob_events
        .wait_for(|e| is_relationship(e, &alice_id, R::Friend))
        .await;
    // New friends see each other online at once (presence is otherwise announced on change).
    alice_events.wait_for(|e| is_online(e, &bob_id)).await;
    bob_events.wait_for(|e| is_online(e, &alice_id)).await;
    assert_eq!(
        relationships(&alice).await,
        vec![(bob_id.clone(), R::Friend)]
    );
    assert_eq!(code(send_request(&alice, "bob").await), Code::AlreadyExists);

    // Sending to someone who already asked you accepts.
    send_request(&carol, "alice").await.expect("carol asks");
    let crossed = send_request(&alice, "carol")
        .await
        .expect("alice asks back");
    assert_eq!(crossed.r#type(), R::Friend);
    assert!(
        relationships(&carol)
            .await
            .contains(&(alice_id.clone(), R::Friend))
    );

    // Open the DM: created once, announced to both, the same channel when reopened.
    let dm = open_dm(&alice, &bob_id).await.expect("open dm");
    assert_eq!(dm.r#type(), proto::ChannelType::Dm);
    assert!(dm.server_id.is_empty());
    let recipients: Vec<&str> = dm.recipients.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(recipients, vec![bob_id.as_str()]);
    bob_events
        .wait_for(|e| matches!(e, Event::ChannelCreated(c) if c.channel.as_ref().is_some_and(|c| c.id == dm.id)))
        .await;
    assert_eq!(open_dm(&bob, &alice_id).await.expect("reopen").id, dm.id);
    assert_eq!(open_dm(&alice, &bob_id).await.expect("reopen").id, dm.id);

    // A message crosses over the event stream.
    send(&alice, &dm.id, "hi bob").await.expect("send in dm");
    let got = bob_events
        .wait_for(|e| matches!(e, Event::MessageCreated(_)))
        .await;
    let Event::MessageCreated(m) = got else {
        unreachable!()
    };
    let m = m.message.expect("message");
    assert_eq!(
        (m.channel_id.as_str(), m.content.as_str()),
        (dm.id.as_str(), "hi bob")
    );
    assert_eq!(
        history(&bob, &dm.id).await.expect("history"),
        vec!["hi bob"]
    );

    // The private channel and the friendship are part of a fresh snapshot and of the lists.
    let (_, ready) = Events::ready(&bob).await;
    assert!(ready.private_channels.iter().any(|c| c.id == dm.id));
    assert!(
        ready.relationships.iter().any(|r| {
            r.r#type() == R::Friend && r.user.as_ref().is_some_and(|u| u.id == alice_id)
        })
    );
    let listed = bob
        .channels()
        .list_private_channels(proto::ListPrivateChannelsRequest {})
        .await
        .expect("list private channels")
        .into_inner()
        .channels;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].recipients[0].id, alice_id);

    // Unfriending ends it on both sides.
    bob.relationships()
        .remove_friend(proto::RemoveFriendRequest {
            user_id: alice_id.clone(),
        })
        .await
        .expect("remove friend");
    alice_events
        .wait_for(|e| matches!(e, Event::RelationshipRemoved(r) if r.user_id == bob_id))
        .await;
    assert!(
        !relationships(&alice)
            .await
            .iter()
            .any(|(id, _)| *id == bob_id)
    );
    let _ = carol_id;
    ts.stop().await;
}

async fn blocking_closes_every_path(backend: Backend) {
    let ts = TestServer::start(backend).await;
    let (admin, _) = register(&ts, "admin", None).await.expect("admin");
    let mut people = users(&ts, &admin, &["alice", "bob", "carol"]).await;
    let (carol, carol_id) = people.pop().expect("carol");
    let (bob, bob_id) = people.pop().expect("bob");
    let (alice, alice_id) = people.pop().expect("alice");
    befriend(&alice, &alice_id, &bob, "bob").await;
    befriend(&alice, &alice_id, &carol, "carol").await;
    let dm = open_dm(&alice, &bob_id).await.expect("open dm");
    send(&alice, &dm.id, "before the block")
        .await
        .expect("send");
    assert_eq!(search(&alice, "bo").await, vec!["bob"]);
    let (mut alice_events, _) = Events::ready(&alice).await;

    // Bob blocks Alice: the friendship ends; Alice only sees it vanish.
    let blocked = bob
        .relationships()
        .block_user(proto::BlockUserRequest {
            user_id: alice_id.clone(),
        })
        .await
        .expect("block")
        .into_inner()
        .relationship
        .expect("relationship");
    assert_eq!(blocked.r#type(), R::Blocked);
    alice_events
        .none_before(
            |e| is_relationship(e, &bob_id, R::Blocked),
            |e| matches!(e, Event::RelationshipRemoved(r) if r.user_id == bob_id),
        )
        .await;
    assert_eq!(
        relationships(&bob).await,
        vec![(alice_id.clone(), R::Blocked)]
    );
    assert!(
        !relationships(&alice)
            .await
            .iter()
            .any(|(id, _)| *id == bob_id)
    );

    // Every path from Alice to Bob is refused, generically.
    assert_eq!(code(open_dm(&alice, &bob_id).await), Code::PermissionDenied);
    assert_eq!(
        code(send_request(&alice, "bob").await),
        Code::FailedPrecondition
    );
    assert!(search(&alice, "bo").await.is_empty());
    assert_eq!(
        code(create_group(&alice, &[&carol_id, &bob_id]).await),
        Code::PermissionDenied
    );
    let group = create_group(&alice, &[&carol_id]).await.expect("group dm");
    assert_eq!(
        code(add_member(&alice, &group.id, &bob_id).await),
        Code::PermissionDenied
    );
    // The block applies to the blocker too.
    assert_eq!(code(open_dm(&bob, &alice_id).await), Code::PermissionDenied);
    assert_eq!(
        code(send_request(&bob, "alice").await),
        Code::FailedPrecondition
    );

    // The history stays readable by both.
    assert_eq!(
        history(&bob, &dm.id).await.expect("blocker reads"),
        vec!["before the block"]
    );
    assert_eq!(
        history(&alice, &dm.id).await.expect("blocked reads"),
        vec!["before the block"]
    );

    // Unblocking reopens search and requests.
    bob.relationships()
        .unblock_user(proto::UnblockUserRequest {
            user_id: alice_id.clone(),
        })
        .await
        .expect("unblock");
    assert!(relationships(&bob).await.is_empty());
    assert_eq!(search(&alice, "bo").await, vec!["bob"]);
    send_request(&alice, "bob")
        .await
        .expect("request after unblock");
    ts.stop().await;
}

/// Needs `dms::can_post_in_dm` wired into `MessageService::send`.
async fn blocked_user_cannot_post_in_dm(backend: Backend) {
    let ts = TestServer::start(backend).await;
    let (admin, _) = register(&ts, "admin", None).await.expect("admin");
    let mut people = users(&ts, &admin, &["alice", "bob"]).await;
    let (bob, bob_id) = people.pop().expect("bob");
    let (alice, alice_id) = people.pop().expect("alice");
    befriend(&alice, &alice_id, &bob, "bob").await;
    let dm = open_dm(&alice, &bob_id).await.expect("open dm");
    let hello = send(&alice, &dm.id, "hello")
        .await
        .expect("send before block");
    bob.relationships()
        .block_user(proto::BlockUserRequest {
            user_id: alice_id.clone(),
        })
        .await
        .expect("block");
    assert_eq!(
        code(send(&alice, &dm.id, "let me in").await),
        Code::PermissionDenied
    );
    assert_eq!(
        code(send(&bob, &dm.id, "bye").await),
        Code::PermissionDenied
    );
    // Nor can the blocked user reach the blocker by editing, reacting or typing.
    let edit = alice
        .messages()
        .edit_message(proto::EditMessageRequest {
            channel_id: dm.id.clone(),
            message_id: hello.id.clone(),
            content: "now rude".into(),
        })
        .await;
    assert_eq!(code(edit), Code::PermissionDenied);
    let react = alice
        .messages()
        .add_reaction(proto::AddReactionRequest {
            channel_id: dm.id.clone(),
            message_id: hello.id.clone(),
            emoji: "👎".into(),
        })
        .await;
    assert_eq!(code(react), Code::PermissionDenied);
    let typing = alice
        .messages()
        .trigger_typing(proto::TriggerTypingRequest {
            channel_id: dm.id.clone(),
        })
        .await;
    assert_eq!(code(typing), Code::PermissionDenied);
    assert_eq!(history(&bob, &dm.id).await.expect("history"), vec!["hello"]);
    ts.stop().await;
}

async fn private_channels_are_private(backend: Backend) {
    let ts = TestServer::start(backend).await;
    let (admin, _) = register(&ts, "admin", None).await.expect("admin");
    let mut people = users(&ts, &admin, &["alice", "bob", "carol", "dave", "eve"]).await;
    let (eve, eve_id) = people.pop().expect("eve");
    let (dave, dave_id) = people.pop().expect("dave");
    let (carol, carol_id) = people.pop().expect("carol");
    let (bob, bob_id) = people.pop().expect("bob");
    let (alice, alice_id) = people.pop().expect("alice");

    // No friendship and no shared server: no DM. Sharing a server is enough.
    assert_eq!(
        code(open_dm(&dave, &alice_id).await),
        Code::PermissionDenied
    );
    let server = create_server(&alice, "Commons").await;
    join(&alice, &dave, &server.id).await;
    let dm = open_dm(&dave, &alice_id)
        .await
        .expect("dm via shared server");
    assert_eq!(code(open_dm(&dave, &dave_id).await), Code::InvalidArgument);

    befriend(&alice, &alice_id, &bob, "bob").await;
    befriend(&alice, &alice_id, &carol, "carol").await;
    let group = create_group(&alice, &[&bob_id, &carol_id])
        .await
        .expect("group");
    assert_eq!(group.r#type(), proto::ChannelType::GroupDm);
    assert_eq!(group.owner_id, alice_id);
    assert_eq!(group.recipients.len(), 2);
    send(&bob, &group.id, "group hello")
        .await
        .expect("member posts");

    // Eve, a stranger to both, cannot see, read, post in or join either channel.
    for channel in [&dm.id, &group.id] {
        assert_eq!(code(get_channel(&eve, channel).await), Code::NotFound);
        assert_eq!(code(history(&eve, channel).await), Code::NotFound);
        assert_eq!(code(send(&eve, channel, "hi").await), Code::NotFound);
    }
    assert_eq!(
        code(add_member(&eve, &group.id, &eve_id).await),
        Code::NotFound
    );
    assert_eq!(code(leave(&eve, &group.id).await), Code::NotFound);
    // Nor can a group member add someone who is not their friend.
    assert_eq!(
        code(add_member(&bob, &group.id, &eve_id).await),
        Code::PermissionDenied
    );
    let _ = carol;
    ts.stop().await;
}

async fn group_dm_limit_owner_and_last_leaver(backend: Backend) {
    let ts = TestServer::start(backend).await;
    let (admin, _) = register(&ts, "admin", None).await.expect("admin");
    let names = [
        "owner", "u01", "u02", "u03", "u04", "u05", "u06", "u07", "u08", "u09", "u10",
    ];
    let mut people = users(&ts, &admin, &names).await;
    let (owner, owner_id) = people.remove(0);
    for (i, (c, _)) in people.iter().enumerate() {
        befriend(&owner, &owner_id, c, names[i + 1]).await;
    }
    let ids: Vec<&String> = people.iter().map(|(_, id)| id).collect();

    // 11 members is one too many; 10 (the owner included) is the limit.
    assert_eq!(
        code(create_group(&owner, &ids).await),
        Code::FailedPrecondition
    );
    let group = create_group(&owner, &ids[..9]).await.expect("10 members");
    assert_eq!(group.recipients.len(), 9);
    assert_eq!(
        code(add_member(&owner, &group.id, ids[9]).await),
        Code::FailedPrecondition
    );

    // Only the owner removes; then there is room again.
    let (u1, u1_id) = (&people[0].0, &people[0].1);
    let (u2, u2_id) = (&people[1].0, &people[1].1);
    let remove = |c: &Client, user: &str| {
        let c = c.clone();
        let req = proto::RemoveGroupDmMemberRequest {
            channel_id: group.id.clone(),
            user_id: user.to_owned(),
        };
        async move { c.channels().remove_group_dm_member(req).await }
    };
    assert_eq!(code(remove(u1, u2_id).await), Code::PermissionDenied);
    let (mut u1_events, _) = Events::ready(u1).await;
    let after = remove(&owner, u1_id)
        .await
        .expect("owner removes")
        .into_inner()
        .channel
        .expect("channel");
    assert_eq!(after.recipients.len(), 8);
    u1_events
        .wait_for(|e| matches!(e, Event::ChannelDeleted(d) if d.channel_id == group.id))
        .await;
    assert_eq!(code(get_channel(u1, &group.id).await), Code::NotFound);
    add_member(&owner, &group.id, ids[9])
        .await
        .expect("room for one more");

    // Any participant renames it through UpdateChannel; non-participants cannot.
    let renamed = u2
        .channels()
        .update_channel(proto::UpdateChannelRequest {
            channel_id: group.id.clone(),
            name: Some("Weekend plans".into()),
            ..Default::default()
        })
        .await
        .expect("participant renames")
        .into_inner()
        .channel
        .expect("channel");
    assert_eq!(renamed.name, "Weekend plans");
    let outsider_rename = u1
        .channels()
        .update_channel(proto::UpdateChannelRequest {
            channel_id: group.id.clone(),
            name: Some("mine now".into()),
            ..Default::default()
        })
        .await;
    assert_eq!(code(outsider_rename), Code::NotFound);

    // The owner leaves: ownership passes to a remaining member, who is told.
    let (mut u2_events, _) = Events::ready(u2).await;
    leave(&owner, &group.id).await.expect("owner leaves");
    let updated = u2_events
        .wait_for(|e| matches!(e, Event::ChannelUpdated(u) if u.channel.as_ref().is_some_and(|c| c.id == group.id)))
        .await;
    let Event::ChannelUpdated(updated) = updated else {
        unreachable!()
    };
    let updated = updated.channel.expect("channel");
    assert_ne!(updated.owner_id, owner_id);
    assert!(updated.recipients.iter().any(|u| u.id == updated.owner_id));
    assert_eq!(code(get_channel(&owner, &group.id).await), Code::NotFound);
    assert_eq!(
        get_channel(u2, &group.id)
            .await
            .expect("still there")
            .owner_id,
        updated.owner_id
    );

    // Everyone leaves; the last one deletes it.
    let members: Vec<&(Client, String)> = people
        .iter()
        .filter(|(_, id)| updated.recipients.iter().any(|u| u.id == *id))
        .collect();
    assert_eq!(members.len(), 9);
    let (last, _) = members[members.len() - 1];
    let (mut last_events, _) = Events::ready(last).await;
    for (c, _) in &members {
        leave(c, &group.id).await.expect("leave");
    }
    last_events
        .wait_for(|e| matches!(e, Event::ChannelDeleted(d) if d.channel_id == group.id))
        .await;
    let listed = last
        .channels()
        .list_private_channels(proto::ListPrivateChannelsRequest {})
        .await
        .expect("list")
        .into_inner()
        .channels;
    assert!(listed.is_empty());
    ts.stop().await;
}

async fn search_and_profile(backend: Backend) {
    let ts = TestServer::start(backend).await;
    let (admin, _) = register(&ts, "admin", None).await.expect("admin");
    let mut names: Vec<String> = (0..30).map(|i| format!("sam{i:02}")).collect();
    names.push("s_am".to_owned());
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let people = users(&ts, &admin, &refs).await;
    let (sam, _) = &people[0];

    // Pages of at most 25, in username order, covering everything once.
    let first = sam
        .users()
        .search_users(proto::SearchUsersRequest {
            query: "SAM".to_owned(),
            page_size: 100,
            page_token: String::new(),
        })
        .await
        .expect("search")
        .into_inner();
    assert_eq!(first.users.len(), 25);
    assert!(!first.next_page_token.is_empty());
    let second = sam
        .users()
        .search_users(proto::SearchUsersRequest {
            query: "sam".to_owned(),
            page_size: 0,
            page_token: first.next_page_token.clone(),
        })
        .await
        .expect("search page 2")
        .into_inner();
    assert_eq!(second.users.len(), 5);
    assert!(second.next_page_token.is_empty());
    // `_` is literal, not a wildcard.
    assert_eq!(search(sam, "s_").await, vec!["s_am"]);
    let empty = sam
        .users()
        .search_users(proto::SearchUsersRequest::default())
        .await;
    assert_eq!(code(empty), Code::InvalidArgument);

    // Profile edits are validated and announced.
    let (mut events, _) = Events::ready(sam).await;
    let user = sam
        .users()
        .update_profile(proto::UpdateProfileRequest {
            display_name: Some("Samuel".to_owned()),
            avatar_url: Some("/api/v1/attachments/1/a.png".to_owned()),
            bio: Some("hello".to_owned()),
            status_text: Some("busy".to_owned()),
            email_notifications: None,
        })
        .await
        .expect("update profile")
        .into_inner()
        .user
        .expect("user");
    assert_eq!(
        (
            user.display_name.as_str(),
            user.bio.as_str(),
            user.status_text.as_str()
        ),
        ("Samuel", "hello", "busy")
    );
    events
        .wait_for(|e| matches!(e, Event::UserUpdated(u) if u.user.as_ref().is_some_and(|u| u.display_name == "Samuel")))
        .await;
    assert_eq!(search(sam, "samu").await, vec!["sam00"]);
    for bad in [
        proto::UpdateProfileRequest {
            display_name: Some("x".repeat(33)),
            ..Default::default()
        },
        proto::UpdateProfileRequest {
            avatar_url: Some("javascript:alert(1)".to_owned()),
            ..Default::default()
        },
        proto::UpdateProfileRequest {
            bio: Some("x".repeat(191)),
            ..Default::default()
        },
        proto::UpdateProfileRequest {
            status_text: Some("x".repeat(129)),
            ..Default::default()
        },
    ] {
        assert_eq!(
            code(sam.users().update_profile(bad).await),
            Code::InvalidArgument
        );
    }
    ts.stop().await;
}

backend_tests!(
    request_accept_dm_round_trip,
    blocking_closes_every_path,
    blocked_user_cannot_post_in_dm,
    private_channels_are_private,
    group_dm_limit_owner_and_last_leaver,
    search_and_profile,
);
