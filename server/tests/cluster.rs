//! Several nodes over NATS JetStream: three server instances on one PostgreSQL database and
//! one NATS event stream (a prefix per test), one client on each. Every event reaches every
//! client that may see it, in order, once; a permission change on one node stops delivery
//! on another at once; a logout on one node ends the session's streams on the others; a
//! client resumes on any node with its cursor and gets exactly what it missed. A node
//! receives only the events (stored and ephemeral) of its users' audiences: a DM's reach only
//! its participants' nodes; an event to several servers still reaches a member of both once;
//! presence is right on a node that heard no announcement.
//!
//! PostgreSQL only (SQLite cannot be shared by nodes); skipped where PostgreSQL or NATS is
//! absent.

mod common;

use std::collections::HashSet;

use futures::StreamExt;

use common::{
    TestServer, bit, code, create_invite, create_server,
    events::Events,
    general_channel, join,
    process::Process,
    register, send, user_id,
    voice::{join_voice, removed, updated, voice_channel},
};
use decentra_sdk::{Client, proto};
use proto::{Permission as P, subscribe_response::Event};
use tonic::Code;

fn created_with(e: &Event, content: &str) -> bool {
    matches!(e, Event::MessageCreated(m) if m.message.as_ref().is_some_and(|m| m.content == content))
}

fn created_in(e: &Event, channel: &str) -> bool {
    matches!(e, Event::MessageCreated(m) if m.message.as_ref().is_some_and(|m| m.channel_id == channel))
}

/// The stream sequence in a cursor (`epoch.seq`).
fn seq(cursor: &str) -> u64 {
    cursor
        .split_once('.')
        .and_then(|(_, s)| s.parse().ok())
        .unwrap_or_else(|| panic!("malformed cursor {cursor:?}"))
}

/// Alice on node A, Bob on node B, Carol on node C, all in Alice's server.
struct Scene {
    nodes: Vec<TestServer>,
    alice: Client,
    bob: Client,
    carol: Client,
    alice_tokens: (String, String),
    bob_tokens: (String, String),
    carol_tokens: (String, String),
    carol_id: String,
    server: String,
    general: String,
    other: String,
    _db: common::pg::TestDatabase,
    stream: common::nats::TestStream,
}

impl Scene {
    async fn new() -> Self {
        Self::with(|_| {}).await
    }

    async fn with(tweak: impl Fn(&mut decentra::Config)) -> Self {
        let (nodes, db, stream) = TestServer::cluster(3, tweak).await;
        let (alice, alice_reg) = register(&nodes[0], "alice", None).await.expect("alice");
        let code = create_invite(&alice, Some(1), None).await.code;
        let (bob, bob_reg) = register(&nodes[1], "bob", Some(code)).await.expect("bob");
        let code = create_invite(&alice, Some(1), None).await.code;
        let (carol, carol_reg) = register(&nodes[2], "carol", Some(code))
            .await
            .expect("carol");
        let server = create_server(&alice, "Chat").await.id;
        join(&alice, &bob, &server).await;
        join(&alice, &carol, &server).await;
        let general = general_channel(&alice, &server).await;
        let other = alice
            .channels()
            .create_channel(proto::CreateChannelRequest {
                server_id: server.clone(),
                name: "other".into(),
                r#type: proto::ChannelType::Text.into(),
                ..Default::default()
            })
            .await
            .expect("channel")
            .into_inner()
            .channel
            .expect("channel")
            .id;
        Self {
            nodes,
            alice,
            bob,
            carol,
            alice_tokens: (alice_reg.access_token, alice_reg.refresh_token),
            bob_tokens: (bob_reg.access_token, bob_reg.refresh_token),
            carol_tokens: (carol_reg.access_token.clone(), carol_reg.refresh_token),
            carol_id: carol_reg.user.expect("user").id,
            server,
            general,
            other,
            _db: db,
            stream,
        }
    }

    /// The same session as `tokens`, through another node.
    async fn on(&self, node: &TestServer, tokens: &(String, String)) -> Client {
        let client = node.client().await;
        client.set_tokens(&tokens.0, &tokens.1).expect("tokens");
        client
    }

    async fn stop(self) {
        for node in self.nodes {
            node.stop().await;
        }
    }
}

/// Reads message events up to the one with `end`, returning (cursor seq, content) of each.
async fn messages_until(events: &mut Events, end: &str) -> Vec<(u64, String)> {
    let mut out = Vec::new();
    loop {
        if let Event::MessageCreated(m) = events.next().await {
            let content = m.message.expect("message").content;
            out.push((seq(&events.cursor), content.clone()));
            if content == end {
                return out;
            }
        }
    }
}

/// Three senders on three nodes at once: each client (one per node) receives every message
/// exactly once, all in the same order (the stream's), each sender's in the order sent.
async fn every_event_reaches_every_client_once_in_order() {
    let s = Scene::new().await;
    let mut streams = Vec::new();
    for c in [&s.alice, &s.bob, &s.carol] {
        streams.push(Events::ready(c).await.0);
    }
    let burst = |client: &Client, who: &'static str| {
        let client = client.clone();
        let general = s.general.clone();
        async move {
            for i in 0..15 {
                send(&client, &general, &format!("{who} {i}")).await;
            }
        }
    };
    tokio::join!(
        burst(&s.alice, "alice"),
        burst(&s.bob, "bob"),
        burst(&s.carol, "carol")
    );
    send(&s.alice, &s.general, "end").await;

    let mut seen = Vec::new();
    for events in &mut streams {
        seen.push(messages_until(events, "end").await);
    }
    let first = &seen[0];
    assert_eq!(first.len(), 46, "45 messages and the end marker: {first:?}");
    let unique: HashSet<&String> = first.iter().map(|(_, c)| c).collect();
    assert_eq!(unique.len(), 46, "no message twice");
    assert!(
        first.windows(2).all(|w| w[0].0 < w[1].0),
        "cursors increase: {first:?}"
    );
    for who in ["alice", "bob", "carol"] {
        let order: Vec<&String> = first
            .iter()
            .map(|(_, c)| c)
            .filter(|c| c.starts_with(who))
            .collect();
        let sent: Vec<String> = (0..15).map(|i| format!("{who} {i}")).collect();
        assert_eq!(order, sent.iter().collect::<Vec<_>>(), "{who}'s order");
    }
    assert_eq!(seen[1], seen[0], "node B's client saw the same events");
    assert_eq!(seen[2], seen[0], "node C's client saw the same events");
    drop(streams);
    s.stop().await;
}

/// A permission change made on node A stops delivery on node C at once: the invalidation
/// travels in the event stream ahead of the events that follow it, even those another node
/// publishes.
async fn a_permission_change_on_one_node_stops_delivery_on_another() {
    let s = Scene::new().await;
    let (mut carol_events, _) = Events::ready(&s.carol).await;
    send(&s.bob, &s.general, "visible").await;
    carol_events.wait_for(|e| created_with(e, "visible")).await;

    s.alice
        .channels()
        .set_permission_overwrite(proto::SetPermissionOverwriteRequest {
            channel_id: s.general.clone(),
            target_id: s.carol_id.clone(),
            target_type: proto::OverwriteTargetType::Member.into(),
            allow: 0,
            deny: bit(P::ViewChannel),
        })
        .await
        .expect("deny carol on node A");
    carol_events
        .wait_for(|e| matches!(e, Event::ChannelDeleted(d) if d.channel_id == s.general))
        .await;
    // Published by node B, delivered by node C: neither made the change.
    send(&s.bob, &s.general, "carol must not see this").await;
    send(&s.bob, &s.other, "marker").await;
    carol_events
        .none_before(|e| created_in(e, &s.general), |e| created_with(e, "marker"))
        .await;
    s.stop().await;
}

/// Logging out through node A ends the session's stream on node B, and nodes B and C
/// refuse its access token from then on.
async fn logout_on_one_node_ends_the_stream_on_another() {
    let s = Scene::new().await;
    let (mut bob_events, _) = Events::ready(&s.bob).await;
    let bob_on_a = s.on(&s.nodes[0], &s.bob_tokens).await;
    bob_on_a.logout().await.expect("logout on node A");
    // What was already queued may still arrive; then the stream must end (a stream that keeps
    // going fails inside `ended` when its wait runs out).
    while bob_events.ended().await.is_some() {}
    for node in [&s.nodes[1], &s.nodes[2]] {
        let again = s.on(node, &s.bob_tokens).await;
        let reopened = again
            .event_service()
            .subscribe(proto::SubscribeRequest::default())
            .await;
        assert_eq!(code(reopened), Code::Unauthenticated);
    }
    s.stop().await;
}

/// Reads a resumed stream: the replayed messages (content), then `resumed`.
async fn replayed(events: &mut Events) -> Vec<String> {
    let mut got = Vec::new();
    loop {
        match events.next().await {
            Event::MessageCreated(m) => got.push(m.message.expect("message").content),
            Event::Resumed(r) => {
                assert_eq!(r.replayed as usize, got.len());
                return got;
            }
            Event::Ready(_) | Event::ResyncRequired(_) => panic!("expected a replay, not a resync"),
            _ => {}
        }
    }
}

/// A client that leaves node C resumes on node B with its cursor and gets exactly what it
/// missed (sent through nodes A and B); leaving again, it resumes on a node started after
/// those events, which reads them back from the stream. No gap, no duplicate, and live
/// delivery goes on.
async fn a_client_resumes_on_another_node_with_its_cursor() {
    let s = Scene::new().await;
    let (mut on_c, _) = Events::ready(&s.carol).await;
    send(&s.alice, &s.general, "before").await;
    on_c.wait_for(|e| created_with(e, "before")).await;
    let cursor = on_c.cursor.clone();
    drop(on_c);

    let mut missed = Vec::new();
    for i in 0..20 {
        let (sender, name) = if i % 2 == 0 {
            (&s.alice, "alice")
        } else {
            (&s.bob, "bob")
        };
        let content = format!("missed {i} by {name}");
        send(sender, &s.general, &content).await;
        missed.push(content);
    }
    let carol_on_b = s.on(&s.nodes[1], &s.carol_tokens).await;
    let mut on_b = Events::open(&carol_on_b, &cursor).await;
    assert_eq!(
        replayed(&mut on_b).await,
        missed,
        "exactly the missed, in order"
    );
    send(&s.bob, &s.general, "live on B").await;
    on_b.wait_for(|e| created_with(e, "live on B")).await;
    let cursor = on_b.cursor.clone();
    drop(on_b);

    let mut missed = Vec::new();
    for i in 0..5 {
        let content = format!("later {i}");
        send(&s.alice, &s.general, &content).await;
        missed.push(content);
    }
    // A node that did not exist when those were sent: its own window starts after them.
    let late = TestServer::node(&s.nodes[0].database_url, &s.stream, 4, |_| {}).await;
    let carol_on_d = s.on(&late, &s.carol_tokens).await;
    let mut on_d = Events::open(&carol_on_d, &cursor).await;
    assert_eq!(
        replayed(&mut on_d).await,
        missed,
        "read back from the stream"
    );
    send(&s.bob, &s.general, "live on D").await;
    on_d.wait_for(|e| created_with(e, "live on D")).await;
    drop(on_d);
    late.stop().await;
    s.stop().await;
}

fn presence_is(e: &Event, user: &str, status: proto::PresenceStatus) -> bool {
    matches!(e, Event::PresenceUpdated(p) if p.presence.as_ref().is_some_and(|p| p.user_id == user && p.status() == status))
}

fn lists_online(ready: &proto::ReadyEvent, user: &str) -> bool {
    ready
        .presences
        .iter()
        .any(|p| p.user_id == user && p.status() == proto::PresenceStatus::Online)
}

/// Presence is the cluster's: Carol, connected to node C, is online for Alice on node A and
/// in a snapshot from node B; with streams on two nodes she stays online when node C lets
/// her go; she goes offline (once) when both are gone.
async fn presence_spans_the_nodes() {
    // Short grace: the test waits for the offline announcement.
    let s = Scene::with(|c| c.presence_grace_ms = 50).await;
    let (mut alice_events, _) = Events::ready(&s.alice).await;
    let (on_c, _) = Events::ready(&s.carol).await;
    alice_events
        .wait_for(|e| presence_is(e, &s.carol_id, proto::PresenceStatus::Online))
        .await;
    let (_, bob_ready) = Events::ready(&s.bob).await;
    assert!(lists_online(&bob_ready, &s.carol_id), "node B knows");
    // The directory of who holds Carol (a key-value entry listing the nodes), watched so the
    // test knows when node C has let her go without waiting on a clock.
    let js = async_nats::jetstream::new(
        async_nats::connect(common::nats::url())
            .await
            .expect("NATS"),
    );
    let directory = js
        .get_key_value(format!("{}_PRESENCE", s.stream.prefix.to_ascii_uppercase()))
        .await
        .expect("presence bucket");
    let mut holders = directory.watch(s.carol_id.as_str()).await.expect("watch");
    let mut until_held_by = async |nodes: usize| loop {
        let entry = tokio::time::timeout(common::events::WAIT, holders.next())
            .await
            .expect("presence directory did not change")
            .expect("watch ended")
            .expect("entry");
        let held = std::str::from_utf8(&entry.value)
            .expect("text")
            .split(',')
            .filter(|n| !n.is_empty())
            .count();
        if held == nodes {
            return;
        }
    };
    let carol_on_a = s.on(&s.nodes[0], &s.carol_tokens).await;
    let (on_a, _) = Events::ready(&carol_on_a).await;
    until_held_by(2).await;
    drop(on_c);
    until_held_by(1).await;
    // Node C let her go after its grace period and found node A holding her: no offline.
    send(&s.bob, &s.general, "still online").await;
    alice_events
        .none_before(
            |e| presence_is(e, &s.carol_id, proto::PresenceStatus::Offline),
            |e| created_with(e, "still online"),
        )
        .await;
    let (_, bob_ready) = Events::ready(&s.bob).await;
    assert!(lists_online(&bob_ready, &s.carol_id), "still on node A");
    drop(on_a);
    alice_events
        .wait_for(|e| presence_is(e, &s.carol_id, proto::PresenceStatus::Offline))
        .await;
    send(&s.bob, &s.general, "marker").await;
    alice_events
        .none_before(
            |e| presence_is(e, &s.carol_id, proto::PresenceStatus::Offline),
            |e| created_with(e, "marker"),
        )
        .await;
    s.stop().await;
}

/// Every node restarts while a client is away: it resumes on a restarted node with its
/// cursor and gets exactly what it missed (read back from the stream), no resync.
async fn resume_survives_restarting_every_node() {
    let mut s = Scene::new().await;
    let (mut on_c, _) = Events::ready(&s.carol).await;
    send(&s.alice, &s.general, "before").await;
    on_c.wait_for(|e| created_with(e, "before")).await;
    let cursor = on_c.cursor.clone();
    drop(on_c);
    let mut missed = Vec::new();
    for i in 0..10 {
        let content = format!("before the restart {i}");
        send(&s.bob, &s.general, &content).await;
        missed.push(content);
    }
    let mut restarted = Vec::new();
    for node in s.nodes.drain(..) {
        restarted.push(node.restart().await);
    }
    s.nodes = restarted;
    let alice = s.on(&s.nodes[0], &s.alice_tokens).await;
    for i in 0..5 {
        let content = format!("after the restart {i}");
        send(&alice, &s.general, &content).await;
        missed.push(content);
    }
    let carol = s.on(&s.nodes[1], &s.carol_tokens).await;
    let mut resumed = Events::open(&carol, &cursor).await;
    assert_eq!(replayed(&mut resumed).await, missed, "no gap, no duplicate");
    drop(resumed);
    s.stop().await;
}

/// The number of stored events node `n`'s feed has received so far.
fn received(node: &TestServer) -> u64 {
    node.services
        .cluster_received()
        .expect("a node of a cluster")
}

/// Carol marks `message` read: an event to her alone, a marker in her stream that her node
/// took everything stored before it.
async fn carol_marks(s: &Scene, events: &mut Events, message: &proto::Message) {
    s.carol
        .messages()
        .ack_message(proto::AckMessageRequest {
            channel_id: message.channel_id.clone(),
            message_id: message.id.clone(),
        })
        .await
        .expect("ack");
    events
        .wait_for(|e| matches!(e, Event::ReadStateUpdated(r) if r.read_state.as_ref().is_some_and(|r| r.last_read_message_id == message.id)))
        .await;
}

/// A node carries only the audiences its connected users need: node C, whose only user
/// (Carol) is in no server of Alice's, receives none of the server's messages. Once Bob, a
/// member, connects to node C, it carries the server: Bob resumes there from a cursor
/// handed out on node B and gets exactly what he missed, then live messages.
async fn a_node_receives_only_what_its_users_need() {
    let s = Scene::new().await;
    let quiet = create_server(&s.alice, "Quiet").await.id;
    join(&s.alice, &s.bob, &quiet).await;
    let quiet_general = general_channel(&s.alice, &quiet).await;
    let hello = send(&s.alice, &s.general, "hello").await;
    let (mut carol_events, _) = Events::ready(&s.carol).await;
    let (mut bob_events, _) = Events::ready(&s.bob).await;
    // Carol is in the first server (Chat), never in Quiet.
    let before = received(&s.nodes[2]);
    let mut cursor = String::new();
    for i in 0..10 {
        let content = format!("quiet {i}");
        send(&s.alice, &quiet_general, &content).await;
        bob_events.wait_for(|e| created_with(e, &content)).await;
        if i == 4 {
            cursor = bob_events.cursor.clone();
        }
    }
    carol_marks(&s, &mut carol_events, &hello).await;
    let idle = received(&s.nodes[2]) - before;
    assert_eq!(
        idle, 1,
        "node C received only Carol's own event, none of Quiet's"
    );
    let at_b = received(&s.nodes[1]);
    assert!(
        at_b >= 10,
        "node B (Bob's) received Quiet's messages: {at_b}"
    );

    // Bob moves to node C and resumes with the cursor node B gave him.
    drop(bob_events);
    let bob_on_c = s.on(&s.nodes[2], &s.bob_tokens).await;
    let mut on_c = Events::open(&bob_on_c, &cursor).await;
    let missed: Vec<String> = (5..10).map(|i| format!("quiet {i}")).collect();
    assert_eq!(
        replayed(&mut on_c).await,
        missed,
        "exactly the missed, in order"
    );
    let before = received(&s.nodes[2]);
    send(&s.alice, &quiet_general, "live on C").await;
    on_c.wait_for(|e| created_with(e, "live on C")).await;
    assert!(
        received(&s.nodes[2]) > before,
        "node C carries Quiet now that a member is connected"
    );
    drop((on_c, carol_events));
    s.stop().await;
}

/// The number of ephemeral events (typing, presence, voice signals) node `n` has received.
fn received_ephemeral(node: &TestServer) -> u64 {
    node.services
        .cluster_received_ephemeral()
        .expect("a node of a cluster")
}

fn typing_in(e: &Event, channel: &str) -> bool {
    matches!(e, Event::TypingStarted(t) if t.channel_id == channel)
}

async fn typing(client: &Client, channel: &str) {
    client
        .messages()
        .trigger_typing(proto::TriggerTypingRequest {
            channel_id: channel.to_owned(),
        })
        .await
        .expect("typing");
}

/// A DM between Alice (node A) and Bob (node B) travels on its participants' subjects:
/// node C, whose user Carol shares a server with both, receives none of its messages nor
/// its typing, while Alice and Bob get every message once, in order. Bob, resuming on node
/// C with his cursor, gets exactly what he missed there, then live messages.
async fn a_dm_reaches_only_the_nodes_of_its_participants() {
    let s = Scene::new().await;
    let (alice_id, bob_id) = (user_id(&s.alice).await, user_id(&s.bob).await);
    let dm = s.alice.open_dm(&bob_id).await.expect("open dm").id;
    let (mut alice_events, _) = Events::ready(&s.alice).await;
    let (mut bob_events, _) = Events::ready(&s.bob).await;
    // Both announced (to the server, themselves included) before node C carries the
    // server: it never hears those.
    alice_events
        .wait_for(|e| presence_is(e, &alice_id, proto::PresenceStatus::Online))
        .await;
    bob_events
        .wait_for(|e| presence_is(e, &bob_id, proto::PresenceStatus::Online))
        .await;
    let (mut carol_events, _) = Events::ready(&s.carol).await;
    // The last ephemeral event of the setup node C receives: Carol's own announcement.
    carol_events
        .wait_for(|e| presence_is(e, &s.carol_id, proto::PresenceStatus::Online))
        .await;
    let hello = send(&s.alice, &s.general, "hello").await;
    carol_events.wait_for(|e| created_with(e, "hello")).await;
    let (stored, ephemeral) = (received(&s.nodes[2]), received_ephemeral(&s.nodes[2]));

    typing(&s.alice, &dm).await;
    bob_events.wait_for(|e| typing_in(e, &dm)).await;
    let mut sent = Vec::new();
    for i in 0..6 {
        let content = format!("dm {i}");
        let from = if i % 2 == 0 { &s.alice } else { &s.bob };
        send(from, &dm, &content).await;
        sent.push(content);
    }
    for events in [&mut alice_events, &mut bob_events] {
        let mut got = messages_until(events, "dm 5").await;
        got.retain(|(_, c)| c.starts_with("dm "));
        let contents: Vec<String> = got.iter().map(|(_, c)| c.clone()).collect();
        assert_eq!(contents, sent, "every message once, in the order sent");
        assert!(got.windows(2).all(|w| w[0].0 < w[1].0), "cursors rise");
    }
    // Published after the DM, these reach node C after anything it would have had of it.
    typing(&s.alice, &s.general).await;
    carol_events.wait_for(|e| typing_in(e, &s.general)).await;
    carol_marks(&s, &mut carol_events, &hello).await;
    assert_eq!(
        received(&s.nodes[2]) - stored,
        1,
        "node C received Carol's own event only, none of the DM's messages"
    );
    assert_eq!(
        received_ephemeral(&s.nodes[2]) - ephemeral,
        1,
        "node C received the server's typing only, not the DM's"
    );

    // Bob moves to node C and resumes there with the cursor node B gave him.
    let cursor = bob_events.cursor.clone();
    drop(bob_events);
    let missed: Vec<String> = (0..3).map(|i| format!("missed {i}")).collect();
    for content in &missed {
        send(&s.alice, &dm, content).await;
    }
    let bob_on_c = s.on(&s.nodes[2], &s.bob_tokens).await;
    let mut on_c = Events::open(&bob_on_c, &cursor).await;
    assert_eq!(
        replayed(&mut on_c).await,
        missed,
        "exactly the missed, in order"
    );
    send(&s.alice, &dm, "live on C").await;
    on_c.wait_for(|e| created_with(e, "live on C")).await;
    drop((on_c, alice_events, carol_events));
    s.stop().await;
}

fn user_updated(e: &Event, user: &str) -> bool {
    matches!(e, Event::UserUpdated(u) if u.user.as_ref().is_some_and(|u| u.id == user))
}

/// A profile update goes to the user's servers and to them, one copy per audience subject:
/// Bob, in both of Alice's servers, receives it once — live on node B and read back on
/// node C from a cursor before it — and Carol and Alice once each.
async fn a_member_of_two_servers_receives_an_update_to_both_once() {
    let s = Scene::new().await;
    let alice_id = user_id(&s.alice).await;
    let quiet = create_server(&s.alice, "Quiet").await.id;
    join(&s.alice, &s.bob, &quiet).await;
    let (mut alice_events, _) = Events::ready(&s.alice).await;
    let (mut bob_events, _) = Events::ready(&s.bob).await;
    let (mut carol_events, _) = Events::ready(&s.carol).await;
    send(&s.alice, &s.general, "before").await;
    bob_events.wait_for(|e| created_with(e, "before")).await;
    let cursor = bob_events.cursor.clone();
    s.alice
        .users()
        .update_profile(proto::UpdateProfileRequest {
            display_name: Some("Alice A.".into()),
            ..Default::default()
        })
        .await
        .expect("update profile");
    send(&s.alice, &s.general, "after").await;
    for events in [&mut alice_events, &mut bob_events, &mut carol_events] {
        events.wait_for(|e| user_updated(e, &alice_id)).await;
        events
            .none_before(|e| user_updated(e, &alice_id), |e| created_with(e, "after"))
            .await;
    }
    drop(bob_events);
    let bob_on_c = s.on(&s.nodes[2], &s.bob_tokens).await;
    let mut on_c = Events::open(&bob_on_c, &cursor).await;
    let mut updates = 0;
    loop {
        match on_c.next().await {
            e if user_updated(&e, &alice_id) => updates += 1,
            Event::Resumed(_) => break,
            Event::Ready(_) | Event::ResyncRequired(_) => panic!("expected a replay"),
            _ => {}
        }
    }
    assert_eq!(updates, 1, "read back once");
    drop((on_c, alice_events, carol_events));
    s.stop().await;
}

/// Node C hears only the announcements of its users' audiences, and had no user when Alice
/// picked "do not disturb" on node A: Carol's snapshot there still shows Alice so and Bob
/// online (read from the presence directory). Alice opening a second stream on node C
/// stays "do not disturb".
async fn presence_is_right_on_a_node_that_heard_no_announcement() {
    let s = Scene::new().await;
    let (alice_id, bob_id) = (user_id(&s.alice).await, user_id(&s.bob).await);
    let (mut alice_events, _) = Events::ready(&s.alice).await;
    let (mut bob_events, _) = Events::ready(&s.bob).await;
    alice_events
        .wait_for(|e| presence_is(e, &bob_id, proto::PresenceStatus::Online))
        .await;
    s.alice
        .set_presence(proto::PresenceStatus::Dnd)
        .await
        .expect("presence");
    bob_events
        .wait_for(|e| presence_is(e, &alice_id, proto::PresenceStatus::Dnd))
        .await;
    assert_eq!(
        received_ephemeral(&s.nodes[2]),
        0,
        "node C, without users, heard none of it"
    );
    let (_carol_events, ready) = Events::ready(&s.carol).await;
    assert!(
        ready
            .presences
            .iter()
            .any(|p| p.user_id == alice_id && p.status() == proto::PresenceStatus::Dnd),
        "Alice shows as do not disturb: {:?}",
        ready.presences
    );
    assert!(lists_online(&ready, &bob_id), "Bob shows online");
    let alice_on_c = s.on(&s.nodes[2], &s.alice_tokens).await;
    let (_second, ready) = Events::ready(&alice_on_c).await;
    assert_eq!(
        ready.self_presence.expect("self presence").status(),
        proto::PresenceStatus::Dnd
    );
    // Node C, which never heard her pick it, announces her as she picked.
    let told = bob_events
        .wait_for(|e| matches!(e, Event::PresenceUpdated(p) if p.presence.as_ref().is_some_and(|p| p.user_id == alice_id)))
        .await;
    assert!(
        presence_is(&told, &alice_id, proto::PresenceStatus::Dnd),
        "{told:?}"
    );
    drop(alice_events);
    s.stop().await;
}

/// Carol, connected to node C (which carries no server she is not in), joins a server
/// through node A: node C starts carrying it when the join's invalidation arrives, so the
/// server's next messages reach her there, in order. Bob does the same through his own
/// node.
async fn a_member_who_joins_while_connected_receives_the_server_on_her_node() {
    let s = Scene::new().await;
    let quiet = create_server(&s.alice, "Quiet").await.id;
    let quiet_general = general_channel(&s.alice, &quiet).await;
    let (mut carol_events, _) = Events::ready(&s.carol).await;
    send(&s.alice, &quiet_general, "before the join").await;
    let carol_on_a = s.on(&s.nodes[0], &s.carol_tokens).await;
    join(&s.alice, &carol_on_a, &quiet).await;
    carol_events
        .wait_for(|e| matches!(e, Event::ServerCreated(c) if c.snapshot.as_ref().and_then(|n| n.server.as_ref()).is_some_and(|g| g.id == quiet)))
        .await;
    let sent: Vec<String> = (0..5).map(|i| format!("after the join {i}")).collect();
    for content in &sent {
        send(&s.alice, &quiet_general, content).await;
    }
    let mut got = Vec::new();
    while got.len() < sent.len() {
        if let Event::MessageCreated(m) = carol_events.next().await {
            let m = m.message.expect("message");
            assert_eq!(
                m.channel_id, quiet_general,
                "only Quiet's messages: {}",
                m.content
            );
            got.push(m.content);
        }
    }
    assert_eq!(got, sent, "every message after the join, once, in order");

    // Bob joins through his own node (B), whose feed reads back its own invalidation.
    let (mut bob_events, _) = Events::ready(&s.bob).await;
    join(&s.alice, &s.bob, &quiet).await;
    let sent: Vec<String> = (0..5).map(|i| format!("after Bob's join {i}")).collect();
    for content in &sent {
        send(&s.alice, &quiet_general, content).await;
    }
    let mut got = Vec::new();
    while got.len() < sent.len() {
        if let Event::MessageCreated(m) = bob_events.next().await {
            got.push(m.message.expect("message").content);
        }
    }
    assert_eq!(got, sent, "every message after Bob's join, once, in order");
    drop((carol_events, bob_events));
    s.stop().await;
}

/// Node ids are leased: three nodes all configured with node id 0 still stamp three distinct
/// node ids into the ids they generate.
async fn node_ids_are_leased() {
    let s = Scene::with(|c| c.node_id = 0).await;
    let mut nodes = HashSet::new();
    for (client, content) in [(&s.alice, "a"), (&s.bob, "b"), (&s.carol, "c")] {
        let id: i64 = send(client, &s.general, content)
            .await
            .id
            .parse()
            .expect("numeric id");
        // Snowflake: milliseconds, then 10 bits of node id, then 12 bits of sequence.
        nodes.insert((id >> 12) & 1023);
    }
    assert_eq!(nodes.len(), 3, "one node id per node: {nodes:?}");
    s.stop().await;
}

/// Login budgets are the instance's: with 3 attempts per username per minute, three failed
/// logins spread over three nodes spend it, and the fourth is refused on any node.
async fn a_login_burst_over_three_nodes_is_limited_like_one() {
    let s = Scene::with(|c| c.auth_rate_per_username = 3).await;
    let attempt = |node: &TestServer| {
        let url = node.url();
        async move {
            let client = Client::connect(url).await.expect("connect");
            client.login("mallory", "guess").await.map_err(|e| match e {
                decentra_sdk::Error::Status(s) => s,
                other => tonic::Status::internal(other.to_string()),
            })
        }
    };
    for node in &s.nodes {
        assert_eq!(code(attempt(node).await), Code::Unauthenticated);
    }
    for node in &s.nodes {
        assert_eq!(code(attempt(node).await), Code::ResourceExhausted);
    }
    s.stop().await;
}

/// Send limits are the instance's: slow mode (60 s) set through node A holds a member to one
/// message in the channel on every node, and the per-minute budget (120 by default) spent in
/// a round robin over three nodes is refused well before three nodes' worth (360).
async fn a_send_burst_over_three_nodes_is_limited_like_one() {
    let s = Scene::new().await;
    let (mut on_b, _) = Events::ready(&s.bob).await;
    let (mut on_c, _) = Events::ready(&s.carol).await;
    s.alice
        .channels()
        .update_channel(proto::UpdateChannelRequest {
            channel_id: s.general.clone(),
            rate_limit_per_user: Some(60),
            ..Default::default()
        })
        .await
        .expect("slow mode on");
    // A node applied the change once its client saw it (the invalidation precedes it).
    let slow = |e: &Event| matches!(e, Event::ChannelUpdated(u) if u.channel.as_ref().is_some_and(|c| c.rate_limit_per_user == 60));
    on_b.wait_for(slow).await;
    on_c.wait_for(slow).await;
    let bob_on = [
        s.on(&s.nodes[0], &s.bob_tokens).await,
        s.bob.clone(),
        s.on(&s.nodes[2], &s.bob_tokens).await,
    ];
    let attempt = |client: &Client, channel: &str, content: String| {
        let (client, channel) = (client.clone(), channel.to_owned());
        async move {
            client
                .messages()
                .send_message(proto::SendMessageRequest {
                    channel_id: channel,
                    content,
                    ..Default::default()
                })
                .await
        }
    };
    assert_eq!(
        code(attempt(&bob_on[1], &s.general, "first".into()).await),
        Code::Ok
    );
    for (n, client) in [&bob_on[0], &bob_on[2]].into_iter().enumerate() {
        let refused = attempt(client, &s.general, format!("again {n}")).await;
        assert_eq!(
            code(refused),
            Code::ResourceExhausted,
            "slow mode on node {n}"
        );
    }

    let mut admitted = 0usize;
    for i in 0.. {
        let client = &bob_on[i % 3];
        match attempt(client, &s.other, format!("burst {i}")).await {
            Ok(_) => admitted += 1,
            Err(e) => {
                assert_eq!(e.code(), Code::ResourceExhausted, "{e:?}");
                break;
            }
        }
        assert!(
            admitted < 240,
            "the budget is per node: {admitted} admitted"
        );
    }
    // One of the 120 went to "first".
    assert!(admitted >= 119, "the burst fits the budget: {admitted}");
    s.stop().await;
}

/// Instance settings are the instance's: a send budget changed through node A is the one
/// node B applies (it reads the settings again when A's change reaches it).
async fn instance_settings_changed_on_one_node_reach_the_others() {
    let s = Scene::new().await;
    s.alice
        .admin()
        .update_instance_settings(proto::UpdateInstanceSettingsRequest {
            message_rate_limit_per_minute: Some(7),
            ..Default::default()
        })
        .await
        .expect("settings");
    let alice_on_b = s.on(&s.nodes[1], &s.alice_tokens).await;
    // No event tells a client of the reload: ask node B until it answers with the change.
    let reloaded = async {
        loop {
            let settings = alice_on_b
                .admin()
                .get_instance_settings(proto::GetInstanceSettingsRequest {})
                .await
                .expect("settings")
                .into_inner()
                .settings
                .expect("settings");
            if settings.message_rate_limit_per_minute == 7 {
                return;
            }
        }
    };
    tokio::time::timeout(common::events::WAIT, reloaded)
        .await
        .expect("node B did not read the changed settings");
    s.stop().await;
}

/// Presence after nodes die: with a node time-to-live of 3 s, Carol holding streams on
/// nodes A and B (both processes) goes offline for Alice on node C once both are SIGKILLed
/// — no node let her go, their liveness expired.
async fn a_user_goes_offline_when_every_node_holding_them_dies() {
    let db = common::pg::fresh_database().await;
    let stream = common::nats::TestStream::new();
    let ttl = [
        ("DECENTRA_NATS_NODE_TTL_SECS", "3"),
        ("DECENTRA_PRESENCE_GRACE_MS", "50"),
    ];
    let mut a = process(&db.url, &stream.prefix, &ttl).await;
    let mut b = process(&db.url, &stream.prefix, &ttl).await;
    let c = TestServer::node(&db.url, &stream, 3, |c| {
        c.nats_node_ttl_secs = 3;
        c.presence_grace_ms = 50;
    })
    .await;
    let (alice, _) = register(&c, "alice", None).await.expect("alice");
    let code = create_invite(&alice, Some(1), None).await.code;
    let (carol, carol_reg) = register(&c, "carol", Some(code)).await.expect("carol");
    let carol_id = carol_reg.user.expect("user").id;
    let server = create_server(&alice, "Chat").await.id;
    join(&alice, &carol, &server).await;
    let (mut on_c, _) = Events::ready(&alice).await;

    let js = async_nats::jetstream::new(
        async_nats::connect(common::nats::url())
            .await
            .expect("NATS"),
    );
    let directory = js
        .get_key_value(format!("{}_PRESENCE", stream.prefix.to_ascii_uppercase()))
        .await
        .expect("presence bucket");
    let mut holders = directory.watch(carol_id.as_str()).await.expect("watch");
    let carol_on_a = a.client(&carol_reg.access_token).await;
    let carol_on_b = b.client(&carol_reg.access_token).await;
    let (_stream_a, _) = Events::ready(&carol_on_a).await;
    let (_stream_b, _) = Events::ready(&carol_on_b).await;
    on_c.wait_for(|e| presence_is(e, &carol_id, proto::PresenceStatus::Online))
        .await;
    // Both nodes hold her (the directory lists two) before they die.
    loop {
        let entry = tokio::time::timeout(common::events::WAIT, holders.next())
            .await
            .expect("presence directory did not change")
            .expect("watch ended")
            .expect("entry");
        let held = std::str::from_utf8(&entry.value).expect("text");
        if held.split(',').filter(|n| !n.is_empty()).count() == 2 {
            break;
        }
    }
    a.kill_9();
    b.kill_9();
    on_c.wait_for(|e| presence_is(e, &carol_id, proto::PresenceStatus::Offline))
        .await;
    let (_, ready) = Events::ready(&alice).await;
    assert!(
        !lists_online(&ready, &carol_id),
        "offline in a new snapshot"
    );
    c.stop().await;
    drop(db);
}

fn voice_of<'a>(user: &'a str) -> impl FnMut(&Event) -> bool + 'a {
    move |e| match e {
        Event::VoiceStateUpdated(u) => u.voice_state.as_ref().is_some_and(|v| v.user_id == user),
        Event::VoiceStateRemoved(r) => r.user_id == user,
        _ => false,
    }
}

/// Who the snapshot shows in voice in `server`: (user, channel).
fn in_voice(ready: &proto::ReadyEvent, server: &str) -> Vec<(String, String)> {
    ready
        .servers
        .iter()
        .filter(|s| s.server.as_ref().is_some_and(|x| x.id == server))
        .flat_map(|s| &s.voice_states)
        .map(|v| (v.user_id.clone(), v.channel_id.clone()))
        .collect()
}

/// Snapshots of `client` until one shows `wanted` in voice in `server` (a node mirrors the
/// shared voice states as they change: the snapshot may be a moment behind the change).
async fn snapshot_showing(client: &Client, server: &str, wanted: &[(String, String)]) {
    let deadline = tokio::time::Instant::now() + common::events::WAIT;
    loop {
        let (_, ready) = Events::ready(client).await;
        let mut seen = in_voice(&ready, server);
        seen.sort();
        if seen == wanted {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the snapshot shows {seen:?}, not {wanted:?}"
        );
    }
}

/// Bob joins voice on node B: Carol's client on node C receives the join and the leave once
/// each, and a client connecting to C sees him in its snapshot.
async fn voice_states_span_the_nodes() {
    let s = Scene::new().await;
    let bob_id = common::user_id(&s.bob).await;
    let lounge = voice_channel(&s.alice, &s.server, "Lounge", 0).await;
    let (_bob_stream, _) = Events::ready(&s.bob).await;
    let (mut on_c, _) = Events::ready(&s.carol).await;
    join_voice(&s.bob, &lounge).await.expect("bob joins on B");
    on_c.wait_for(updated(&bob_id, &lounge)).await;

    let carol_on_c = s.on(&s.nodes[2], &s.carol_tokens).await;
    snapshot_showing(&carol_on_c, &s.server, &[(bob_id.clone(), lounge.clone())]).await;

    s.bob
        .voice()
        .leave_voice(proto::LeaveVoiceRequest::default())
        .await
        .expect("leave");
    // Once each: no second join before the leave, nothing about Bob after it.
    on_c.none_before(updated(&bob_id, &lounge), removed(&bob_id, &lounge))
        .await;
    send(&s.alice, &s.general, "after the leave").await;
    on_c.none_before(voice_of(&bob_id), |e| created_with(e, "after the leave"))
        .await;
    snapshot_showing(&carol_on_c, &s.server, &[]).await;
    s.stop().await;
}

/// A channel with room for one: Bob takes it through node B, Carol is refused through node C
/// as on one node; when Bob joins another channel through node C (one session per user), his
/// place comes free for Carol.
async fn voice_limits_hold_across_the_nodes() {
    let s = Scene::new().await;
    let bob_id = common::user_id(&s.bob).await;
    let small = voice_channel(&s.alice, &s.server, "Small", 1).await;
    let lounge = voice_channel(&s.alice, &s.server, "Lounge", 0).await;
    let (mut on_a, _) = Events::ready(&s.alice).await;
    let (_bob_stream, _) = Events::ready(&s.bob).await;
    let (_carol_stream, _) = Events::ready(&s.carol).await;
    join_voice(&s.bob, &small).await.expect("bob joins on B");
    let err = join_voice(&s.carol, &small)
        .await
        .expect_err("the channel is full");
    assert_eq!(err.code(), Code::FailedPrecondition, "{err:?}");
    assert!(err.message().contains("full"), "{}", err.message());

    let bob_on_c = s.on(&s.nodes[2], &s.bob_tokens).await;
    let (_bob_stream_c, _) = Events::ready(&bob_on_c).await;
    join_voice(&bob_on_c, &lounge)
        .await
        .expect("bob joins another channel on C");
    on_a.wait_for(removed(&bob_id, &small)).await;
    join_voice(&s.carol, &small)
        .await
        .expect("bob's place came free");
    s.stop().await;
}

/// Carol is in voice through node A (a process); A is SIGKILLed: once its liveness expired,
/// Alice on node C receives Carol's removal, and a new snapshot no longer shows her.
async fn voice_states_of_a_dead_node_are_removed() {
    let db = common::pg::fresh_database().await;
    let stream = common::nats::TestStream::new();
    let ttl = [("DECENTRA_NATS_NODE_TTL_SECS", "3")];
    let mut a = process(&db.url, &stream.prefix, &ttl).await;
    let c = TestServer::node(&db.url, &stream, 3, |c| c.nats_node_ttl_secs = 3).await;
    let (alice, _) = register(&c, "alice", None).await.expect("alice");
    let code = create_invite(&alice, Some(1), None).await.code;
    let (carol, carol_reg) = register(&c, "carol", Some(code)).await.expect("carol");
    let carol_id = carol_reg.user.expect("user").id;
    let server = create_server(&alice, "Chat").await.id;
    join(&alice, &carol, &server).await;
    let lounge = voice_channel(&alice, &server, "Lounge", 0).await;
    let (mut on_c, _) = Events::ready(&alice).await;

    let carol_on_a = a.client(&carol_reg.access_token).await;
    let (_stream_a, _) = Events::ready(&carol_on_a).await;
    join_voice(&carol_on_a, &lounge)
        .await
        .expect("carol joins on A");
    on_c.wait_for(updated(&carol_id, &lounge)).await;
    a.kill_9();
    on_c.wait_for_within(
        std::time::Duration::from_secs(30),
        removed(&carol_id, &lounge),
    )
    .await;
    let (_, ready) = Events::ready(&alice).await;
    assert!(in_voice(&ready, &server).is_empty(), "{ready:?}");
    c.stop().await;
    drop(db);
}

/// A DM call started through node A rings Bob on node B; a second start through node C is
/// refused as on one node (the call runs); Bob answers through B, Alice sees it, and her
/// hanging up ends the call for Bob.
async fn calls_span_the_nodes() {
    let s = Scene::new().await;
    let alice_id = common::user_id(&s.alice).await;
    let bob_id = common::user_id(&s.bob).await;
    let (mut on_a, _) = Events::ready(&s.alice).await;
    let (mut on_b, _) = Events::ready(&s.bob).await;
    let call = |c: &Client, user: &str| {
        let (c, user) = (c.clone(), user.to_owned());
        async move {
            c.voice()
                .start_call(proto::StartCallRequest {
                    user_id: user,
                    channel_id: String::new(),
                })
                .await
                .map(|r| r.into_inner())
        }
    };
    let started = call(&s.alice, &bob_id).await.expect("start on A");
    let dm = started.call.expect("call").channel_id;
    on_b.wait_for(|e| matches!(e, Event::CallRinging(r) if r.call.as_ref().is_some_and(|c| c.channel_id == dm)))
        .await;

    let bob_on_c = s.on(&s.nodes[2], &s.bob_tokens).await;
    let (_bob_stream_c, _) = Events::ready(&bob_on_c).await;
    let err = call(&bob_on_c, &alice_id)
        .await
        .expect_err("a call is running");
    assert_eq!(err.code(), Code::AlreadyExists, "{err:?}");

    let accepted = s
        .bob
        .voice()
        .accept_call(proto::AcceptCallRequest {
            channel_id: dm.clone(),
        })
        .await
        .expect("accept on B")
        .into_inner();
    assert_eq!(accepted.voice_states.len(), 2, "{accepted:?}");
    on_a.wait_for(updated(&bob_id, &dm)).await;
    s.alice
        .voice()
        .end_call(proto::EndCallRequest {
            channel_id: dm.clone(),
        })
        .await
        .expect("hang up on A");
    on_b.wait_for(|e| matches!(e, Event::CallEnded(r) if r.channel_id == dm))
        .await;
    s.stop().await;
}

/// A NATS server of this test's own (JetStream on a data dir that outlives restarts), so
/// the test can take it away and bring it back.
struct OwnNats {
    child: Option<std::process::Child>,
    port: u16,
    dir: tempfile::TempDir,
}

impl OwnNats {
    fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let mut nats = Self {
            child: None,
            port,
            dir: tempfile::tempdir().expect("temp dir"),
        };
        nats.restart(true);
        nats
    }

    fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Starts the server again on the same port and data, with JetStream or without.
    fn restart(&mut self, jetstream: bool) {
        let port = self.port.to_string();
        let mut command = std::process::Command::new(common::nats::binary());
        command.args(["-a", "127.0.0.1", "-p", &port, "-sd"]);
        command.arg(self.dir.path());
        if jetstream {
            command.arg("-js");
        }
        let child = command
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn nats-server");
        self.child = Some(child);
        // Polls the port the process was just told to open: start-up, not a synchronisation
        // of the code under test.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "nats-server did not open its port"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    fn kill_9(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("SIGKILL");
            child.wait().expect("reap");
        }
    }
}

impl Drop for OwnNats {
    fn drop(&mut self) {
        self.kill_9();
    }
}

/// NATS goes away: messages sent meanwhile are committed (the sends succeed), and their
/// events, which no stream took, reach a client on another node once JetStream is back —
/// queued and retried, not lost, in order. In between NATS returns without JetStream, so
/// what the client library buffered while NATS was down reaches no stream either.
async fn a_live_event_survives_nats_going_away() {
    let mut nats = OwnNats::start();
    let url = nats.url();
    let s = Scene::with(|c| c.nats_url = url.clone()).await;
    let (mut on_c, _) = Events::ready(&s.carol).await;
    send(&s.alice, &s.general, "before").await;
    on_c.wait_for(|e| created_with(e, "before")).await;
    nats.kill_9();
    send(&s.alice, &s.general, "while NATS is away").await;
    nats.restart(false);
    send(&s.alice, &s.general, "while JetStream is away").await;
    nats.kill_9();
    nats.restart(true);
    send(&s.alice, &s.general, "after NATS is back").await;
    let recovery = std::time::Duration::from_secs(60);
    for content in [
        "while NATS is away",
        "while JetStream is away",
        "after NATS is back",
    ] {
        // In order: waiting for one skips nothing that must come later.
        on_c.wait_for_within(recovery, |e| created_with(e, content))
            .await;
    }
    s.stop().await;
}

/// A node as a child process of the real binary, on this test's NATS stream.
async fn process(database_url: &str, prefix: &str, env: &[(&str, &str)]) -> Process {
    let mut all = vec![
        ("DECENTRA_NATS_URL", common::nats::url()),
        ("DECENTRA_NATS_PREFIX", prefix),
    ];
    all.extend_from_slice(env);
    Process::start_in_temp(database_url, &all).await
}

/// Three nodes as processes, three senders (one per node); the node of a reading client is
/// SIGKILLed mid-burst. The client resumes on another node with its cursor and receives
/// every acknowledged message exactly once; every message it received is in the database.
async fn kill_9_of_a_node_loses_nothing_for_its_clients() {
    let db = common::pg::fresh_database().await;
    let stream = common::nats::TestStream::new();
    let a = process(&db.url, &stream.prefix, &[]).await;
    let b = process(&db.url, &stream.prefix, &[]).await;
    let mut c = process(&db.url, &stream.prefix, &[]).await;
    let owner = Client::connect(a.url.clone()).await.expect("connect");
    let token = owner
        .register(proto::RegisterRequest {
            username: "owner".into(),
            password: "owner-password".into(),
            ..Default::default()
        })
        .await
        .expect("register")
        .access_token;
    owner
        .admin()
        .update_instance_settings(proto::UpdateInstanceSettingsRequest {
            message_rate_limit_per_minute: Some(100_000),
            ..Default::default()
        })
        .await
        .expect("settings");
    let guild = create_server(&owner, "Durable").await;
    let general = general_channel(&owner, &guild.id).await;

    let reader = c.client(&token).await;
    let (mut on_c, _) = Events::ready(&reader).await;
    // Senders on A, B and C; C's stops when C dies, the others send a fixed number.
    let acked: std::sync::Arc<std::sync::Mutex<Vec<String>>> = Default::default();
    let (count_tx, mut count_rx) = tokio::sync::watch::channel(0usize);
    let count_tx = std::sync::Arc::new(count_tx);
    let mut senders = Vec::new();
    for (n, node) in [&a, &b, &c].into_iter().enumerate() {
        let client = node.client(&token).await;
        let (general, acked, count_tx) = (
            general.clone(),
            std::sync::Arc::clone(&acked),
            std::sync::Arc::clone(&count_tx),
        );
        senders.push(tokio::spawn(async move {
            for i in 0..80 {
                let sent = client
                    .messages()
                    .send_message(proto::SendMessageRequest {
                        channel_id: general.clone(),
                        content: format!("node {n} message {i}"),
                        nonce: format!("{n}-{i}"),
                        ..Default::default()
                    })
                    .await;
                let Ok(reply) = sent else { return };
                let id = reply.into_inner().message.expect("message").id;
                acked.lock().expect("acks").push(id);
                count_tx.send_modify(|c| *c += 1);
            }
        }));
    }
    // Read on C until it dies, then kill it once enough was acknowledged.
    let mut received: Vec<String> = Vec::new();
    count_rx.wait_for(|n| *n >= 60).await.expect("acks counted");
    c.kill_9();
    let cursor = loop {
        match on_c.try_next().await {
            Some(Event::MessageCreated(m)) => received.push(m.message.expect("message").id),
            Some(_) => {}
            None => break on_c.cursor.clone(),
        }
    };
    for s in senders {
        s.await.expect("sender");
    }
    let acked = std::mem::take(&mut *acked.lock().expect("acks"));

    // Resume on B with the last cursor read on C.
    let reader = b.client(&token).await;
    let mut on_b = Events::open(&reader, &cursor).await;
    let want: HashSet<&String> = acked.iter().collect();
    loop {
        let got: HashSet<&String> = received.iter().collect();
        if want.is_subset(&got) {
            break;
        }
        match on_b.next().await {
            Event::MessageCreated(m) => received.push(m.message.expect("message").id),
            Event::Ready(_) | Event::ResyncRequired(_) => panic!("expected a resume, not a resync"),
            _ => {}
        }
    }
    let unique: HashSet<&String> = received.iter().collect();
    assert_eq!(unique.len(), received.len(), "a message was received twice");
    let stored: HashSet<String> = sqlx::query_scalar::<_, i64>("SELECT id FROM messages")
        .fetch_all(&sqlx::PgPool::connect(&db.url).await.expect("pg"))
        .await
        .expect("ids")
        .into_iter()
        .map(|id| id.to_string())
        .collect();
    for id in &received {
        assert!(stored.contains(id), "received message {id} is not stored");
    }
    drop((a, b, c));
    drop(db);
}

/// `DATABASE_READ_URL`: history pages are read from the read database. Pointed here at a
/// second database with the same schema (a replica that has not caught up), a message just
/// sent is in the primary but not yet in the history.
async fn history_is_read_from_the_read_database() {
    let replica = common::pg::fresh_database().await;
    decentra_core::store::connect(&replica.url)
        .await
        .expect("replica schema");
    let ts = TestServer::start_with(common::Backend::Postgres, |c| {
        c.database_read_url = replica.url.clone();
    })
    .await;
    let (alice, _) = register(&ts, "alice", None).await.expect("alice");
    let server = create_server(&alice, "Chat").await.id;
    let general = general_channel(&alice, &server).await;
    let sent = send(&alice, &general, "hello").await;
    let history = alice
        .messages()
        .list_messages(proto::ListMessagesRequest {
            channel_id: general.clone(),
            limit: 50,
            ..Default::default()
        })
        .await
        .expect("history")
        .into_inner()
        .messages;
    assert!(history.is_empty(), "read from the replica: {history:?}");
    let primary = sqlx::PgPool::connect(&ts.database_url).await.expect("pg");
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE id = $1")
        .bind(sent.id.parse::<i64>().expect("id"))
        .fetch_one(&primary)
        .await
        .expect("count");
    assert_eq!(stored, 1, "written to the primary");
    primary.close().await;
    ts.stop().await;
}

/// Generates PostgreSQL + NATS tests (`#[ignore]`d, i.e. skipped, where either is absent).
macro_rules! cluster_tests {
    ($($name:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[cfg_attr(
                not(all(decentra_pg, decentra_nats)),
                ignore = "PostgreSQL or NATS unavailable"
            )]
            async fn $name() {
                crate::common::bounded(super::$name()).await
            }
        )*
    };
}

mod postgres {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[cfg_attr(not(decentra_pg), ignore = "PostgreSQL unavailable")]
    async fn history_is_read_from_the_read_database() {
        crate::common::bounded(super::history_is_read_from_the_read_database()).await
    }

    cluster_tests!(
        every_event_reaches_every_client_once_in_order,
        a_permission_change_on_one_node_stops_delivery_on_another,
        logout_on_one_node_ends_the_stream_on_another,
        a_client_resumes_on_another_node_with_its_cursor,
        presence_spans_the_nodes,
        node_ids_are_leased,
        a_login_burst_over_three_nodes_is_limited_like_one,
        resume_survives_restarting_every_node,
        kill_9_of_a_node_loses_nothing_for_its_clients,
        a_node_receives_only_what_its_users_need,
        a_member_who_joins_while_connected_receives_the_server_on_her_node,
        a_send_burst_over_three_nodes_is_limited_like_one,
        a_user_goes_offline_when_every_node_holding_them_dies,
        a_live_event_survives_nats_going_away,
        instance_settings_changed_on_one_node_reach_the_others,
        voice_states_span_the_nodes,
        voice_limits_hold_across_the_nodes,
        voice_states_of_a_dead_node_are_removed,
        calls_span_the_nodes,
        a_dm_reaches_only_the_nodes_of_its_participants,
        a_member_of_two_servers_receives_an_update_to_both_once,
        presence_is_right_on_a_node_that_heard_no_announcement,
    );
}
