//! The event stream: delivery to exactly those who may see, on every open stream, lossless
//! resume by cursor, and isolation from stalled subscribers — on both backends.

mod common;

use common::{
    Backend, TestServer, bit, code, create_server, events::Events, general_channel, join, register,
    send, users,
};
use decentra_sdk::{Client, proto};
use proto::{Permission as P, subscribe_response::Event};
use tonic::Code;

fn created_in(e: &Event, channel: &str) -> bool {
    matches!(e, Event::MessageCreated(m) if m.message.as_ref().is_some_and(|m| m.channel_id == channel))
}

fn created_with(e: &Event, content: &str) -> bool {
    matches!(e, Event::MessageCreated(m) if m.message.as_ref().is_some_and(|m| m.content == content))
}

/// A owns a server with B and C; C is denied VIEW_CHANNEL on #secret.
struct Scene {
    ts: TestServer,
    a: Client,
    b: Client,
    c: Client,
    b_id: String,
    c_id: String,
    server: String,
    general: String,
    secret: String,
}

async fn scene(backend: Backend) -> Scene {
    scene_with(backend, |_| {}).await
}

async fn scene_with(backend: Backend, tweak: impl FnOnce(&mut decentra::Config)) -> Scene {
    let ts = TestServer::start_with(backend, tweak).await;
    let (a, _) = register(&ts, "alice", None).await.expect("alice");
    let mut people = users(&ts, &a, &["bob", "carol"]).await;
    let (c, c_id) = people.pop().expect("carol");
    let (b, b_id) = people.pop().expect("bob");
    let server = create_server(&a, "Chat").await.id;
    join(&a, &b, &server).await;
    join(&a, &c, &server).await;
    let general = general_channel(&a, &server).await;
    let secret = a
        .channels()
        .create_channel(proto::CreateChannelRequest {
            server_id: server.clone(),
            name: "secret".into(),
            r#type: proto::ChannelType::Text.into(),
            permission_overwrites: vec![proto::PermissionOverwrite {
                target_id: c_id.clone(),
                target_type: proto::OverwriteTargetType::Member.into(),
                allow: 0,
                deny: bit(P::ViewChannel),
            }],
            ..Default::default()
        })
        .await
        .expect("secret channel")
        .into_inner()
        .channel
        .expect("channel")
        .id;
    Scene {
        ts,
        a,
        b,
        c,
        b_id,
        c_id,
        server,
        general,
        secret,
    }
}

/// A sends, B receives; C (no VIEW_CHANNEL) receives nothing and cannot read history; edit,
/// reactions, pins and delete reach B.
async fn delivery_follows_visibility(backend: Backend) {
    let s = scene(backend).await;
    let (mut b_events, _) = Events::ready(&s.b).await;
    let (mut c_events, c_ready) = Events::ready(&s.c).await;
    assert!(
        c_ready.servers[0]
            .channels
            .iter()
            .all(|ch| ch.id != s.secret)
    );

    let m = send(&s.a, &s.secret, "for bob's eyes").await;
    match b_events.wait_for(|e| created_in(e, &s.secret)).await {
        Event::MessageCreated(e) => {
            let got = e.message.expect("message");
            assert_eq!(
                (got.id.as_str(), got.content.as_str()),
                (m.id.as_str(), "for bob's eyes")
            );
            assert_eq!(got.author.expect("author").username, "alice");
        }
        _ => unreachable!(),
    }
    send(&s.a, &s.general, "marker").await;
    c_events
        .none_before(|e| created_in(e, &s.secret), |e| created_with(e, "marker"))
        .await;
    let history =
        s.c.messages()
            .list_messages(proto::ListMessagesRequest {
                channel_id: s.secret.clone(),
                ..Default::default()
            })
            .await;
    assert_eq!(code(history), Code::NotFound);
    let history =
        s.c.messages()
            .get_message(proto::GetMessageRequest {
                channel_id: s.secret.clone(),
                message_id: m.id.clone(),
            })
            .await;
    assert_eq!(code(history), Code::NotFound);

    let (ch, id) = (s.secret.clone(), m.id.clone());
    s.a.messages()
        .edit_message(proto::EditMessageRequest {
            channel_id: ch.clone(),
            message_id: id.clone(),
            content: "edited".into(),
        })
        .await
        .expect("edit");
    b_events.wait_for(|e| matches!(e, Event::MessageUpdated(u) if u.message.as_ref().is_some_and(|m| m.content == "edited" && m.edited_at.is_some()))).await;
    s.a.messages()
        .add_reaction(proto::AddReactionRequest {
            channel_id: ch.clone(),
            message_id: id.clone(),
            emoji: "🎉".into(),
        })
        .await
        .expect("react");
    b_events
        .wait_for(|e| matches!(e, Event::ReactionAdded(r) if r.message_id == id && r.emoji == "🎉"))
        .await;
    s.a.messages()
        .remove_reaction(proto::RemoveReactionRequest {
            channel_id: ch.clone(),
            message_id: id.clone(),
            emoji: "🎉".into(),
            user_id: String::new(),
        })
        .await
        .expect("unreact");
    b_events
        .wait_for(|e| matches!(e, Event::ReactionRemoved(r) if r.message_id == id))
        .await;
    s.a.messages()
        .pin_message(proto::PinMessageRequest {
            channel_id: ch.clone(),
            message_id: id.clone(),
        })
        .await
        .expect("pin");
    b_events
        .wait_for(|e| matches!(e, Event::MessagePinned(p) if p.message_id == id))
        .await;
    s.a.messages()
        .unpin_message(proto::UnpinMessageRequest {
            channel_id: ch.clone(),
            message_id: id.clone(),
        })
        .await
        .expect("unpin");
    b_events
        .wait_for(|e| matches!(e, Event::MessageUnpinned(p) if p.message_id == id))
        .await;
    s.a.messages()
        .delete_message(proto::DeleteMessageRequest {
            channel_id: ch.clone(),
            message_id: id.clone(),
        })
        .await
        .expect("delete");
    b_events
        .wait_for(|e| matches!(e, Event::MessageDeleted(d) if d.message_id == id))
        .await;

    // None of it reached C.
    send(&s.a, &s.general, "marker 2").await;
    c_events
        .none_before(
            |e| match e {
                Event::MessageCreated(m) => {
                    m.message.as_ref().is_some_and(|m| m.channel_id == s.secret)
                }
                Event::MessageUpdated(m) => {
                    m.message.as_ref().is_some_and(|m| m.channel_id == s.secret)
                }
                Event::MessageDeleted(d) => d.channel_id == s.secret,
                Event::ReactionAdded(r) => r.channel_id == s.secret,
                Event::ReactionRemoved(r) => r.channel_id == s.secret,
                Event::MessagePinned(p) => p.channel_id == s.secret,
                Event::MessageUnpinned(p) => p.channel_id == s.secret,
                _ => false,
            },
            |e| created_with(e, "marker 2"),
        )
        .await;
    s.ts.stop().await;
}

/// A user with two open streams gets every event on both.
async fn every_stream_of_a_user_receives(backend: Backend) {
    let s = scene(backend).await;
    let (mut one, _) = Events::ready(&s.b).await;
    let (mut two, _) = Events::ready(&s.b).await;
    let sent = send(&s.a, &s.general, "hello both").await;
    for stream in [&mut one, &mut two] {
        match stream.wait_for(|e| created_with(e, "hello both")).await {
            Event::MessageCreated(m) => assert_eq!(m.message.expect("m").id, sent.id),
            _ => unreachable!(),
        }
    }
    // Typing reaches B's devices too, and read state moves on B's other device.
    s.a.messages()
        .trigger_typing(proto::TriggerTypingRequest {
            channel_id: s.general.clone(),
        })
        .await
        .expect("typing");
    one.wait_for(|e| matches!(e, Event::TypingStarted(t) if t.channel_id == s.general))
        .await;
    s.b.messages()
        .ack_message(proto::AckMessageRequest {
            channel_id: s.general.clone(),
            message_id: sent.id.clone(),
        })
        .await
        .expect("ack");
    match two
        .wait_for(|e| matches!(e, Event::ReadStateUpdated(_)))
        .await
    {
        Event::ReadStateUpdated(r) => {
            let r = r.read_state.expect("read state");
            assert_eq!(
                (
                    r.channel_id.as_str(),
                    r.last_read_message_id.as_str(),
                    r.unread
                ),
                (s.general.as_str(), sent.id.as_str(), false)
            );
        }
        _ => unreachable!(),
    }
    s.ts.stop().await;
}

/// B disconnects, A sends 50 messages, B resumes with its cursor: exactly those 50, in
/// order, no duplicates, then `resumed`. A foreign cursor gets a resync and a fresh ready.
async fn resume_replays_exactly_what_was_missed(backend: Backend) {
    let s = scene(backend).await;
    let (mut b_events, _) = Events::ready(&s.b).await;
    send(&s.a, &s.general, "before").await;
    b_events.wait_for(|e| created_with(e, "before")).await;
    let cursor = b_events.cursor.clone();
    assert!(!cursor.is_empty(), "events carry a cursor");
    drop(b_events);

    let mut sent = Vec::new();
    for i in 0..50 {
        sent.push(send(&s.a, &s.general, &format!("missed {i}")).await.id);
    }
    let mut resumed = Events::open(&s.b, &cursor).await;
    let mut got = Vec::new();
    loop {
        match resumed.next().await {
            Event::MessageCreated(m) => got.push(m.message.expect("m").id),
            Event::Resumed(r) => {
                assert_eq!(r.replayed, 50);
                break;
            }
            Event::Ready(_) | Event::ResyncRequired(_) => panic!("expected a replay, not a resync"),
            _ => {}
        }
    }
    assert_eq!(
        got, sent,
        "replay must be exactly the missed messages, in order"
    );
    // Live delivery continues seamlessly after the replay.
    send(&s.a, &s.general, "live again").await;
    resumed.wait_for(|e| created_with(e, "live again")).await;

    let mut foreign = Events::open(&s.b, "999.1").await;
    assert!(matches!(foreign.next().await, Event::ResyncRequired(_)));
    assert!(matches!(foreign.next().await, Event::Ready(_)));
    s.ts.stop().await;
}

/// Losing VIEW_CHANNEL stops a member's events for that channel at once.
async fn losing_view_channel_stops_events(backend: Backend) {
    let s = scene(backend).await;
    let (mut b_events, _) = Events::ready(&s.b).await;
    s.a.channels()
        .set_permission_overwrite(proto::SetPermissionOverwriteRequest {
            channel_id: s.secret.clone(),
            target_id: s.b_id.clone(),
            target_type: proto::OverwriteTargetType::Member.into(),
            allow: 0,
            deny: bit(P::ViewChannel),
        })
        .await
        .expect("deny bob");
    b_events
        .wait_for(|e| matches!(e, Event::ChannelDeleted(d) if d.channel_id == s.secret))
        .await;
    send(&s.a, &s.secret, "bob must not see this").await;
    send(&s.a, &s.general, "marker").await;
    b_events
        .none_before(|e| created_in(e, &s.secret), |e| created_with(e, "marker"))
        .await;
    // And typing in a hidden channel is not shown either.
    s.a.messages()
        .trigger_typing(proto::TriggerTypingRequest {
            channel_id: s.secret.clone(),
        })
        .await
        .expect("typing");
    send(&s.a, &s.general, "marker 2").await;
    b_events
        .none_before(
            |e| matches!(e, Event::TypingStarted(t) if t.channel_id == s.secret),
            |e| created_with(e, "marker 2"),
        )
        .await;
    let _ = (&s.c, &s.c_id, &s.server);
    s.ts.stop().await;
}

/// A subscriber that stops reading is cut off (told to resync) without holding anyone up:
/// sends keep completing and a healthy subscriber receives every message in order.
async fn stalled_subscriber_does_not_hold_up_others(backend: Backend) {
    let s = scene_with(backend, |c| c.event_queue_capacity = 16).await;
    // The stalled client advertises a 1 KiB HTTP/2 window and never reads, so the server's
    // writes stall after ~1 KiB and its queue fills after 16 more events.
    let channel = tonic::transport::Endpoint::from_shared(s.ts.url())
        .expect("url")
        .initial_stream_window_size(Some(1024))
        .initial_connection_window_size(Some(1024))
        .connect()
        .await
        .expect("connect");
    let stalled_client = Client::from_channel(channel);
    stalled_client
        .login("carol", "carol-password")
        .await
        .expect("login");
    let mut stalled = Events::open(&stalled_client, "").await;
    let (mut healthy, _) = Events::ready(&s.b).await;

    let body = "x".repeat(1000);
    let mut sent = Vec::new();
    for i in 0..60 {
        sent.push(send(&s.a, &s.general, &format!("{i} {body}")).await.id);
    }
    let mut got = Vec::new();
    while got.len() < sent.len() {
        if let Event::MessageCreated(m) = healthy.next().await {
            got.push(m.message.expect("m").id);
        }
    }
    assert_eq!(got, sent, "the healthy subscriber got everything, in order");

    // The stalled stream, once read, holds what was queued, then the resync notice, then ends.
    let mut saw_resync = false;
    let mut delivered = 0;
    while let Some(msg) = stalled.ended().await {
        match msg.event {
            Some(Event::ResyncRequired(_)) => saw_resync = true,
            Some(Event::MessageCreated(_)) => delivered += 1,
            _ => {}
        }
    }
    assert!(saw_resync, "a lagging subscriber is told to resync");
    assert!(
        delivered < sent.len(),
        "the stalled subscriber was cut off, not buffered without bound"
    );
    s.ts.stop().await;
}

fn presence_is(e: &Event, user: &str, status: proto::PresenceStatus) -> bool {
    matches!(e, Event::PresenceUpdated(p) if p.presence.as_ref().is_some_and(|p| p.user_id == user && p.status() == status))
}

/// A user is online while any of their streams is open and offline a grace period after the
/// last one closes; co-members see it live and in their snapshot.
async fn presence_follows_streams(backend: Backend) {
    let s = scene_with(backend, |c| c.presence_grace_ms = 50).await;
    let (mut a_events, _) = Events::ready(&s.a).await;
    let (first, _) = Events::ready(&s.b).await;
    a_events
        .wait_for(|e| presence_is(e, &s.b_id, proto::PresenceStatus::Online))
        .await;
    let (second, _) = Events::ready(&s.b).await;
    let (_, c_ready) = Events::ready(&s.c).await;
    assert!(
        c_ready
            .presences
            .iter()
            .any(|p| p.user_id == s.b_id && p.status() == proto::PresenceStatus::Online),
        "the snapshot lists connected co-members"
    );
    // With one of two streams closed B is still online; closing the last goes offline.
    drop(first);
    let (_, c_ready) = Events::ready(&s.c).await;
    assert!(c_ready.presences.iter().any(|p| p.user_id == s.b_id));
    drop(second);
    a_events
        .wait_for(|e| presence_is(e, &s.b_id, proto::PresenceStatus::Offline))
        .await;
    s.ts.stop().await;
}

/// Joining a server introduces the joiner's and the members' presences to each other: the
/// members get the joiner's presence, the joiner's `server_created` lists who is online.
async fn joining_shares_presence(backend: Backend) {
    let ts = TestServer::start(backend).await;
    let (a, _) = register(&ts, "alice", None).await.expect("alice");
    let (d, d_id) = users(&ts, &a, &["dave"]).await.pop().expect("dave");
    let a_id = a
        .users()
        .get_current_user(proto::GetCurrentUserRequest {})
        .await
        .expect("me")
        .into_inner()
        .user
        .expect("user")
        .id;
    let server = create_server(&a, "Fresh").await.id;
    let (mut a_events, _) = Events::ready(&a).await;
    let (mut d_events, _) = Events::ready(&d).await;
    join(&a, &d, &server).await;
    a_events
        .wait_for(|e| presence_is(e, &d_id, proto::PresenceStatus::Online))
        .await;
    let snapshot = match d_events
        .wait_for(|e| matches!(e, Event::ServerCreated(_)))
        .await
    {
        Event::ServerCreated(c) => c.snapshot.expect("snapshot"),
        other => panic!("expected server_created, got {other:?}"),
    };
    assert!(
        snapshot
            .presences
            .iter()
            .any(|p| p.user_id == a_id && p.status() == proto::PresenceStatus::Online),
        "the joiner learns who is online: {:?}",
        snapshot.presences
    );
    ts.stop().await;
}

/// A page reload closes the stream and opens a new one; joining in between (the invite page
/// has no stream) must still show the joiner online, as the grace period keeps them online for
/// everyone else.
async fn joining_between_streams_counts_as_online(backend: Backend) {
    let ts = TestServer::start_with(backend, |c| c.presence_grace_ms = 60_000).await;
    let (a, _) = register(&ts, "alice", None).await.expect("alice");
    let (d, d_id) = users(&ts, &a, &["dave"]).await.pop().expect("dave");
    let server = create_server(&a, "Fresh").await.id;
    let (mut a_events, _) = Events::ready(&a).await;
    let (d_events, _) = Events::ready(&d).await;
    drop(d_events);
    join(&a, &d, &server).await;
    a_events
        .wait_for(|e| presence_is(e, &d_id, proto::PresenceStatus::Online))
        .await;
    ts.stop().await;
}

/// Streams opened with a session end when it is revoked (logout here).
async fn logout_ends_the_sessions_streams(backend: Backend) {
    let s = scene(backend).await;
    let (mut stream, _) = Events::ready(&s.b).await;
    s.b.logout().await.expect("logout");
    // What was already queued may still arrive; then the stream must end (a stream that keeps
    // going fails inside `ended` when its wait runs out).
    while stream.ended().await.is_some() {}
    // And the revoked session cannot open a new one.
    let reopened =
        s.b.event_service()
            .subscribe(proto::SubscribeRequest::default())
            .await;
    assert_eq!(code(reopened), Code::Unauthenticated);
    s.ts.stop().await;
}

backend_tests!(
    joining_shares_presence,
    joining_between_streams_counts_as_online,
    logout_ends_the_sessions_streams,
    presence_follows_streams,
    delivery_follows_visibility,
    every_stream_of_a_user_receives,
    resume_replays_exactly_what_was_missed,
    losing_view_channel_stops_events,
    stalled_subscriber_does_not_hold_up_others,
);
