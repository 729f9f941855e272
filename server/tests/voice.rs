//! Voice channels: state, who sees it, moderation, the signalling relay and ICE servers,
//! against the real server on both backends. Every wait is an event wait with a timeout.

mod common;

use base64::Engine as _;
use common::{
    Backend, TestServer, admin_and_member, bit, code, create_server,
    events::Events,
    join, users,
    voice::{join_voice, removed, updated, voice_channel, voice_channel_with},
};
use decentra_sdk::{Client, proto};
use hmac::{Hmac, KeyInit, Mac};
use proto::{Permission as P, subscribe_response::Event};

backend_tests!(
    state_follows_joins_leaves_and_visibility,
    limits_caps_and_moderation,
    signals_stay_inside_the_session,
    ice_servers_come_from_settings,
    calls_ring_accept_decline_and_cancel,
    unanswered_calls_time_out,
);

/// An update of `user` in `channel` whose state passes `check`.
fn updated_where<'a>(
    user: &'a str,
    channel: &'a str,
    check: impl Fn(&proto::VoiceState) -> bool + 'a,
) -> impl FnMut(&Event) -> bool + 'a {
    move |e| {
        matches!(e, Event::VoiceStateUpdated(u)
            if u.voice_state.as_ref().is_some_and(|v| v.user_id == user && v.channel_id == channel && check(v)))
    }
}

fn any_voice_in(channel: &str) -> impl FnMut(&Event) -> bool + '_ {
    move |e| match e {
        Event::VoiceStateUpdated(u) => u
            .voice_state
            .as_ref()
            .is_some_and(|v| v.channel_id == channel),
        Event::VoiceStateRemoved(r) => r.channel_id == channel,
        _ => false,
    }
}

fn state_of(e: Event) -> proto::VoiceState {
    match e {
        Event::VoiceStateUpdated(u) => u.voice_state.expect("state"),
        other => panic!("expected voice_state_updated, got {other:?}"),
    }
}

/// Joining, leaving, switching channels, own flags and the stream's close; events reach
/// those who can see the channel and nobody else; the ready snapshot carries the states.
async fn state_follows_joins_leaves_and_visibility(backend: Backend) {
    let ts = TestServer::start(backend).await;
    let (owner, _) = admin_and_member(&ts).await;
    let people = users(&ts, &owner, &["alice", "bob"]).await;
    let (alice, alice_id) = &people[0];
    let (bob, bob_id) = &people[1];
    let owner_id = common::user_id(&owner).await;
    let sid = create_server(&owner, "Voice").await.id;
    join(&owner, alice, &sid).await;
    join(&owner, bob, &sid).await;
    let lounge = voice_channel(&owner, &sid, "Lounge", 0).await;
    let hidden = voice_channel_with(
        &owner,
        &sid,
        "Hidden",
        0,
        vec![proto::PermissionOverwrite {
            target_id: sid.clone(),
            target_type: proto::OverwriteTargetType::Role.into(),
            allow: 0,
            deny: bit(P::ViewChannel),
        }],
    )
    .await;

    // Voice needs the event stream the signals arrive on.
    assert_eq!(
        code(join_voice(alice, &lounge).await),
        tonic::Code::FailedPrecondition
    );
    let (mut owner_ev, _) = Events::ready(&owner).await;
    let (mut alice_ev, _) = Events::ready(alice).await;
    let (mut bob_ev, _) = Events::ready(bob).await;

    let joined = join_voice(alice, &lounge).await.expect("alice joins");
    assert!(!joined.session_id.is_empty());
    assert!(joined.can_speak && !joined.push_to_talk_only);
    assert_eq!(joined.voice_states.len(), 1);
    assert_eq!(joined.voice_states[0].user_id, *alice_id);
    owner_ev.wait_for(updated(alice_id, &lounge)).await;

    // The owner in the hidden channel: members who cannot see it learn nothing of it.
    join_voice(&owner, &hidden)
        .await
        .expect("owner joins hidden");
    owner_ev.wait_for(updated(&owner_id, &hidden)).await;
    assert_eq!(
        code(join_voice(alice, &hidden).await),
        tonic::Code::NotFound
    );
    let both = join_voice(bob, &lounge).await.expect("bob joins");
    assert_eq!(both.voice_states.len(), 2);
    alice_ev
        .none_before(any_voice_in(&hidden), updated(bob_id, &lounge))
        .await;

    // A fresh snapshot shows who is where, as far as the reader can see.
    let (_, ready) = Events::ready(alice).await;
    let snapshot = ready
        .servers
        .iter()
        .find(|s| s.server.as_ref().is_some_and(|x| x.id == sid));
    let mut seen: Vec<(String, String)> = snapshot
        .expect("server in ready")
        .voice_states
        .iter()
        .map(|v| (v.user_id.clone(), v.channel_id.clone()))
        .collect();
    seen.sort();
    let mut expected = vec![
        (alice_id.clone(), lounge.clone()),
        (bob_id.clone(), lounge.clone()),
    ];
    expected.sort();
    assert_eq!(seen, expected);
    let (_, owner_ready) = Events::ready(&owner).await;
    let owner_sees = owner_ready
        .servers
        .iter()
        .flat_map(|s| s.voice_states.iter())
        .filter(|v| v.channel_id == hidden)
        .count();
    assert_eq!(owner_sees, 1);

    // One session per user: joining elsewhere leaves the old channel.
    join_voice(&owner, &lounge).await.expect("owner switches");
    owner_ev.wait_for(removed(&owner_id, &hidden)).await;
    alice_ev.wait_for(updated(&owner_id, &lounge)).await;

    // Own flags.
    let muted = alice
        .voice()
        .update_voice_state(proto::UpdateVoiceStateRequest {
            self_mute: Some(true),
            ..Default::default()
        })
        .await
        .expect("self mute")
        .into_inner()
        .voice_state
        .expect("state");
    assert!(muted.self_mute && !muted.server_mute);
    bob_ev
        .wait_for(updated_where(alice_id, &lounge, |v| v.self_mute))
        .await;

    // Leaving, and leaving twice.
    bob.voice()
        .leave_voice(proto::LeaveVoiceRequest::default())
        .await
        .expect("leave");
    bob.voice()
        .leave_voice(proto::LeaveVoiceRequest::default())
        .await
        .expect("leave again");
    alice_ev.wait_for(removed(bob_id, &lounge)).await;
    let err = bob
        .voice()
        .update_voice_state(proto::UpdateVoiceStateRequest {
            self_deaf: Some(true),
            ..Default::default()
        })
        .await;
    assert_eq!(code(err), tonic::Code::FailedPrecondition);

    // Closing the last stream leaves voice.
    drop(alice_ev);
    owner_ev.wait_for(removed(alice_id, &lounge)).await;
    ts.stop().await;
}

/// CONNECT, the user limit (MOVE_MEMBERS bypasses it), the mesh cap, server mute in every
/// event, move / disconnect by a moderator, and removal on kick, lost CONNECT and channel
/// deletion.
async fn limits_caps_and_moderation(backend: Backend) {
    let ts = TestServer::start_with(backend, |c| c.voice_mesh_cap = 3).await;
    let (owner, _) = admin_and_member(&ts).await;
    let people = users(&ts, &owner, &["ann", "ben", "cat", "dan"]).await;
    let (a, a_id) = &people[0];
    let (b, b_id) = &people[1];
    let (c, c_id) = &people[2];
    let (d, d_id) = &people[3];
    let owner_id = common::user_id(&owner).await;
    let sid = create_server(&owner, "Voice").await.id;
    for (p, _) in &people {
        join(&owner, p, &sid).await;
    }
    let small = voice_channel(&owner, &sid, "Small", 2).await;
    let lounge = voice_channel_with(
        &owner,
        &sid,
        "Lounge",
        0,
        vec![proto::PermissionOverwrite {
            target_id: d_id.clone(),
            target_type: proto::OverwriteTargetType::Member.into(),
            allow: 0,
            deny: bit(P::Connect),
        }],
    )
    .await;
    let (mut owner_ev, _) = Events::ready(&owner).await;
    let (mut a_ev, _) = Events::ready(a).await;
    let (mut b_ev, _) = Events::ready(b).await;
    let (_c_ev, _) = Events::ready(c).await;
    let (_d_ev, _) = Events::ready(d).await;

    // Without CONNECT: refused.
    let err = join_voice(d, &lounge).await.expect_err("no CONNECT");
    assert_eq!(err.code(), tonic::Code::PermissionDenied, "{err:?}");

    // The user limit; MOVE_MEMBERS (the owner) bypasses it.
    join_voice(a, &small).await.expect("a");
    join_voice(b, &small).await.expect("b");
    let err = join_voice(c, &small).await.expect_err("full");
    assert_eq!(err.code(), tonic::Code::FailedPrecondition);
    assert!(err.message().contains("full"), "{}", err.message());
    join_voice(&owner, &small)
        .await
        .expect("the owner bypasses the limit");

    // The mesh cap (3 here), which nobody bypasses.
    join_voice(a, &lounge).await.expect("a");
    join_voice(b, &lounge).await.expect("b");
    join_voice(c, &lounge).await.expect("c");
    let err = join_voice(&owner, &lounge).await.expect_err("mesh cap");
    assert_eq!(err.code(), tonic::Code::FailedPrecondition);
    assert!(err.message().contains("at most 3"), "{}", err.message());

    // Server mute shows in every event about the member, whatever they change themself.
    owner
        .servers()
        .update_member(proto::UpdateMemberRequest {
            server_id: sid.clone(),
            user_id: a_id.clone(),
            server_mute: Some(true),
            ..Default::default()
        })
        .await
        .expect("server mute");
    b_ev.wait_for(updated_where(a_id, &lounge, |v| v.server_mute))
        .await;
    a.voice()
        .update_voice_state(proto::UpdateVoiceStateRequest {
            self_deaf: Some(true),
            ..Default::default()
        })
        .await
        .expect("self deafen");
    let seen = state_of(
        b_ev.wait_for(updated_where(a_id, &lounge, |v| v.self_deaf))
            .await,
    );
    assert!(
        seen.server_mute,
        "server mute shows in every event: {seen:?}"
    );
    a.voice()
        .leave_voice(proto::LeaveVoiceRequest::default())
        .await
        .expect("leave");
    let rejoined = join_voice(a, &lounge).await.expect("rejoin");
    assert!(!rejoined.can_speak, "a server-muted member cannot speak");
    let mine = rejoined
        .voice_states
        .iter()
        .find(|v| v.user_id == *a_id)
        .expect("own state");
    assert!(mine.server_mute);
    b_ev.wait_for(removed(a_id, &lounge)).await;
    let seen = state_of(b_ev.wait_for(updated(a_id, &lounge)).await);
    assert!(
        seen.server_mute,
        "server mute shows in every event: {seen:?}"
    );

    // Moving needs MOVE_MEMBERS.
    let refused = b
        .servers()
        .update_member(proto::UpdateMemberRequest {
            server_id: sid.clone(),
            user_id: c_id.clone(),
            voice_channel_id: Some(small.clone()),
            ..Default::default()
        })
        .await;
    assert_eq!(code(refused), tonic::Code::PermissionDenied);
    // A move: out of one channel, into the other (the mesh cap still holds there).
    owner
        .servers()
        .update_member(proto::UpdateMemberRequest {
            server_id: sid.clone(),
            user_id: c_id.clone(),
            voice_channel_id: Some(small.clone()),
            ..Default::default()
        })
        .await
        .expect("move");
    b_ev.wait_for(removed(c_id, &lounge)).await;
    b_ev.wait_for(updated(c_id, &small)).await;
    // Disconnect.
    owner
        .servers()
        .update_member(proto::UpdateMemberRequest {
            server_id: sid.clone(),
            user_id: b_id.clone(),
            voice_channel_id: Some(String::new()),
            ..Default::default()
        })
        .await
        .expect("disconnect");
    a_ev.wait_for(removed(b_id, &lounge)).await;
    let not_in_voice = owner
        .servers()
        .update_member(proto::UpdateMemberRequest {
            server_id: sid.clone(),
            user_id: b_id.clone(),
            voice_channel_id: Some(small.clone()),
            ..Default::default()
        })
        .await;
    assert_eq!(code(not_in_voice), tonic::Code::FailedPrecondition);

    // Losing CONNECT removes the member.
    owner
        .channels()
        .set_permission_overwrite(proto::SetPermissionOverwriteRequest {
            channel_id: small.clone(),
            target_id: c_id.clone(),
            target_type: proto::OverwriteTargetType::Member.into(),
            allow: 0,
            deny: bit(P::Connect),
        })
        .await
        .expect("deny CONNECT");
    owner_ev.wait_for(removed(c_id, &small)).await;

    // A kick removes the member.
    owner
        .servers()
        .kick_member(proto::KickMemberRequest {
            server_id: sid.clone(),
            user_id: a_id.clone(),
            ..Default::default()
        })
        .await
        .expect("kick");
    owner_ev.wait_for(removed(a_id, &lounge)).await;

    // Deleting the channel removes whoever is in it (they are told).
    owner
        .channels()
        .delete_channel(proto::DeleteChannelRequest {
            channel_id: small.clone(),
        })
        .await
        .expect("delete channel");
    owner_ev.wait_for(removed(&owner_id, &small)).await;
    let (_, ready) = Events::ready(&owner).await;
    assert!(
        ready.servers.iter().all(|s| s.voice_states.is_empty()),
        "{ready:?}"
    );
    ts.stop().await;
}

/// Signals reach a participant of the same channel only, with the recipient's session.
async fn signals_stay_inside_the_session(backend: Backend) {
    let ts = TestServer::start(backend).await;
    let (owner, _) = admin_and_member(&ts).await;
    let people = users(&ts, &owner, &["ann", "ben", "cat"]).await;
    let (a, _) = &people[0];
    let (b, b_id) = &people[1];
    let (c, c_id) = &people[2];
    let a_id = &people[0].1;
    let sid = create_server(&owner, "Voice").await.id;
    for (p, _) in &people {
        join(&owner, p, &sid).await;
    }
    let lounge = voice_channel(&owner, &sid, "Lounge", 0).await;
    let other = voice_channel(&owner, &sid, "Other", 0).await;
    let (_a_ev, _) = Events::ready(a).await;
    let (mut b_ev, _) = Events::ready(b).await;
    let (mut c_ev, _) = Events::ready(c).await;
    let a_session = join_voice(a, &lounge).await.expect("a").session_id;
    let b_session = join_voice(b, &lounge).await.expect("b").session_id;
    let c_session = join_voice(c, &other).await.expect("c").session_id;

    let offer = |to: &str, session: &str| proto::SendSignalRequest {
        session_id: session.to_owned(),
        to_user_id: to.to_owned(),
        signal: Some(proto::send_signal_request::Signal::Sdp(
            proto::SessionDescription {
                r#type: proto::SdpType::Offer.into(),
                sdp: "v=0\r\n".to_owned(),
            },
        )),
    };
    a.voice()
        .send_signal(offer(b_id, &a_session))
        .await
        .expect("offer");
    let got = b_ev.wait_for(|e| matches!(e, Event::VoiceSignal(_))).await;
    let Event::VoiceSignal(s) = got else {
        unreachable!()
    };
    let s = s.signal.expect("signal");
    assert_eq!(s.from_user_id, *a_id);
    assert_eq!(s.session_id, b_session);
    assert_eq!(s.channel_id, lounge);
    assert!(
        matches!(s.signal, Some(proto::voice_signal::Signal::Sdp(ref d)) if d.sdp == "v=0\r\n")
    );

    b.voice()
        .send_signal(proto::SendSignalRequest {
            session_id: b_session.clone(),
            to_user_id: a_id.clone(),
            signal: Some(proto::send_signal_request::Signal::IceCandidate(
                proto::IceCandidate {
                    candidate: "candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host".into(),
                    sdp_mid: "0".into(),
                    sdp_mline_index: Some(0),
                    username_fragment: "abcd".into(),
                },
            )),
        })
        .await
        .expect("candidate");

    // Outside the session: refused, and nothing reaches the outsider.
    let err = a.voice().send_signal(offer(c_id, &a_session)).await;
    assert_eq!(code(err), tonic::Code::NotFound);
    let err = c.voice().send_signal(offer(b_id, &c_session)).await;
    assert_eq!(code(err), tonic::Code::NotFound);
    let err = a.voice().send_signal(offer(b_id, &c_session)).await;
    assert_eq!(
        code(err),
        tonic::Code::FailedPrecondition,
        "someone else's session"
    );
    let err = a
        .voice()
        .send_signal(proto::SendSignalRequest {
            signal: None,
            ..offer(b_id, &a_session)
        })
        .await;
    assert_eq!(code(err), tonic::Code::InvalidArgument);
    let err = a.voice().send_signal(offer("", &a_session)).await;
    assert_eq!(code(err), tonic::Code::InvalidArgument);
    // The marker: c's own move is the next thing c hears, with no signal before it.
    join_voice(a, &other).await.expect("a moves over");
    c_ev.none_before(
        |e| matches!(e, Event::VoiceSignal(_)),
        updated(a_id, &other),
    )
    .await;
    // The old session ended with the move.
    let err = a.voice().send_signal(offer(b_id, &a_session)).await;
    assert_eq!(code(err), tonic::Code::FailedPrecondition);

    // Signals are rate limited.
    let new_session = join_voice(a, &other).await.expect("rejoin").session_id;
    let mut limited = false;
    for _ in 0..2_000 {
        match a.voice().send_signal(offer(c_id, &new_session)).await {
            Ok(_) => {}
            Err(e) => {
                assert_eq!(e.code(), tonic::Code::ResourceExhausted, "{e:?}");
                limited = true;
                break;
            }
        }
    }
    assert!(limited, "a flood of signals must be limited");
    ts.stop().await;
}

/// STUN/TURN from the instance settings (the TURN secret write-only), with TURN REST
/// credentials that verify with the same HMAC, returned by GetIceServers and by a join.
async fn ice_servers_come_from_settings(backend: Backend) {
    let ts = TestServer::start(backend).await;
    let (admin, member) = admin_and_member(&ts).await;
    let member_id = common::user_id(&member).await;
    let empty = member
        .voice()
        .get_ice_servers(proto::GetIceServersRequest {})
        .await
        .expect("ice servers")
        .into_inner();
    assert!(empty.ice_servers.is_empty());

    let update = |voice: proto::VoiceSettingsUpdate| proto::UpdateInstanceSettingsRequest {
        voice: Some(voice),
        ..Default::default()
    };
    let err = admin
        .admin()
        .update_instance_settings(update(proto::VoiceSettingsUpdate {
            turn_urls: vec!["turn:turn.example.org:3478".into()],
            set_turn_urls: true,
            ..Default::default()
        }))
        .await
        .expect_err("TURN without a secret");
    assert_eq!(err.code(), tonic::Code::InvalidArgument);
    assert!(
        err.message().contains("voice.turn_secret"),
        "{}",
        err.message()
    );
    let err = admin
        .admin()
        .update_instance_settings(update(proto::VoiceSettingsUpdate {
            stun_urls: vec!["http://stun.example.org".into()],
            set_stun_urls: true,
            ..Default::default()
        }))
        .await
        .expect_err("not a STUN URL");
    assert!(
        err.message().contains("voice.stun_urls"),
        "{}",
        err.message()
    );
    let refused = member
        .admin()
        .update_instance_settings(update(proto::VoiceSettingsUpdate::default()))
        .await;
    assert_eq!(code(refused), tonic::Code::PermissionDenied);

    let secret = "a-shared-turn-secret";
    let settings = admin
        .admin()
        .update_instance_settings(update(proto::VoiceSettingsUpdate {
            stun_urls: vec!["stun:stun.example.org:3478".into()],
            set_stun_urls: true,
            turn_urls: vec![
                "turn:turn.example.org:3478?transport=udp".into(),
                "turn:turn.example.org:3478?transport=tcp".into(),
            ],
            set_turn_urls: true,
            turn_secret: Some(secret.into()),
        }))
        .await
        .expect("settings")
        .into_inner()
        .settings
        .expect("settings")
        .voice
        .expect("voice");
    assert!(settings.turn_secret.is_empty(), "the secret is write-only");
    assert!(settings.turn_secret_set);
    let read = admin
        .admin()
        .get_instance_settings(proto::GetInstanceSettingsRequest {})
        .await
        .expect("get settings")
        .into_inner()
        .settings
        .expect("settings")
        .voice
        .expect("voice");
    assert!(read.turn_secret.is_empty() && read.turn_secret_set);
    assert_eq!(read.turn_urls.len(), 2);

    let got = member
        .voice()
        .get_ice_servers(proto::GetIceServersRequest {})
        .await
        .expect("ice servers")
        .into_inner();
    assert_eq!(got.ice_servers.len(), 2);
    let stun = &got.ice_servers[0];
    assert_eq!(stun.urls, vec!["stun:stun.example.org:3478".to_owned()]);
    assert!(stun.username.is_empty() && stun.credential.is_empty());
    let turn = &got.ice_servers[1];
    let expires = got.expires_at.expect("expires_at").seconds;
    assert_eq!(turn.username, format!("{expires}:{member_id}"));
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(secret.as_bytes()).expect("hmac key");
    mac.update(turn.username.as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    assert_eq!(turn.credential, expected);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64;
    assert!(expires > now, "credentials expire in the future");

    // A join hands out the same servers.
    let sid = create_server(&admin, "Voice").await.id;
    let lounge = voice_channel(&admin, &sid, "Lounge", 0).await;
    let (_ev, _) = Events::ready(&admin).await;
    let joined = join_voice(&admin, &lounge).await.expect("join");
    assert_eq!(joined.ice_servers.len(), 2);
    assert!(
        joined.ice_servers[1]
            .username
            .ends_with(&format!(":{}", common::user_id(&admin).await))
    );
    ts.stop().await;
}

async fn befriend(a: &Client, b: &Client, b_name: &str, a_id: &str) {
    a.relationships()
        .send_friend_request(proto::SendFriendRequestRequest {
            username: b_name.to_owned(),
            user_id: String::new(),
        })
        .await
        .expect("friend request");
    b.relationships()
        .accept_friend_request(proto::AcceptFriendRequestRequest {
            user_id: a_id.to_owned(),
        })
        .await
        .expect("accept");
}

async fn call_user(c: &Client, user_id: &str) -> Result<proto::StartCallResponse, tonic::Status> {
    c.voice()
        .start_call(proto::StartCallRequest {
            user_id: user_id.to_owned(),
            channel_id: String::new(),
        })
        .await
        .map(|r| r.into_inner())
}

fn ringing_in(channel: &str) -> impl FnMut(&Event) -> bool + '_ {
    move |e| matches!(e, Event::CallRinging(r) if r.call.as_ref().is_some_and(|c| c.channel_id == channel))
}

fn ended_in(channel: &str) -> impl FnMut(&Event) -> bool + '_ {
    move |e| matches!(e, Event::CallEnded(r) if r.channel_id == channel)
}

/// 1:1 and group calls: ringing, accepting, declining, the caller cancelling, hanging up,
/// a call already running, the ready snapshot, signals inside a call, and blocks.
async fn calls_ring_accept_decline_and_cancel(backend: Backend) {
    let ts = TestServer::start(backend).await;
    let (owner, _) = admin_and_member(&ts).await;
    let people = users(&ts, &owner, &["ann", "ben", "cat"]).await;
    let (a, a_id) = &people[0];
    let (b, b_id) = &people[1];
    let (c, c_id) = &people[2];
    befriend(a, b, "ben", a_id).await;
    befriend(a, c, "cat", a_id).await;
    let (mut a_ev, _) = Events::ready(a).await;
    let (mut b_ev, _) = Events::ready(b).await;
    let (mut c_ev, _) = Events::ready(c).await;

    // Ring, a second start refused, the snapshot, accept, a signal, hang up.
    let started = call_user(a, b_id).await.expect("start call");
    let call = started.call.expect("call");
    let dm = call.channel_id.clone();
    assert_eq!(call.ringing_user_ids, vec![b_id.clone()]);
    assert_eq!(call.initiator_id, *a_id);
    assert_eq!(started.voice_states.len(), 1);
    b_ev.wait_for(ringing_in(&dm)).await;
    assert_eq!(code(call_user(b, a_id).await), tonic::Code::AlreadyExists);
    let (_, ready) = Events::ready(b).await;
    assert_eq!(ready.calls.len(), 1, "{ready:?}");
    assert_eq!(ready.private_voice_states.len(), 1);
    assert_eq!(ready.private_voice_states[0].user_id, *a_id);
    let accepted = b
        .voice()
        .accept_call(proto::AcceptCallRequest {
            channel_id: dm.clone(),
        })
        .await
        .expect("accept")
        .into_inner();
    assert!(accepted.call.expect("call").ringing_user_ids.is_empty());
    assert_eq!(accepted.voice_states.len(), 2);
    // b's voice state, then the call without anyone left to ring.
    a_ev.wait_for(updated(b_id, &dm)).await;
    a_ev.wait_for(|e| matches!(e, Event::CallUpdated(u) if u.call.as_ref().is_some_and(|c| c.channel_id == dm && c.ringing_user_ids.is_empty())))
        .await;
    a.voice()
        .send_signal(proto::SendSignalRequest {
            session_id: started.session_id.clone(),
            to_user_id: b_id.clone(),
            signal: Some(proto::send_signal_request::Signal::Sdp(
                proto::SessionDescription {
                    r#type: proto::SdpType::Offer.into(),
                    sdp: "v=0\r\n".into(),
                },
            )),
        })
        .await
        .expect("signal inside the call");
    b_ev.wait_for(|e| matches!(e, Event::VoiceSignal(_))).await;
    // Outsiders cannot touch the call.
    let err = c
        .voice()
        .accept_call(proto::AcceptCallRequest {
            channel_id: dm.clone(),
        })
        .await;
    assert_eq!(code(err), tonic::Code::NotFound);
    b.voice()
        .end_call(proto::EndCallRequest {
            channel_id: dm.clone(),
        })
        .await
        .expect("hang up");
    a_ev.wait_for(removed(b_id, &dm)).await;
    a_ev.wait_for(removed(a_id, &dm)).await;
    a_ev.wait_for(ended_in(&dm)).await;
    b_ev.wait_for(ended_in(&dm)).await;

    // Declined: the call ends.
    call_user(a, b_id).await.expect("start call");
    b_ev.wait_for(ringing_in(&dm)).await;
    b.voice()
        .decline_call(proto::DeclineCallRequest {
            channel_id: dm.clone(),
        })
        .await
        .expect("decline");
    a_ev.wait_for(ended_in(&dm)).await;
    b_ev.wait_for(ended_in(&dm)).await;

    // Cancelled by the caller before an answer.
    call_user(a, b_id).await.expect("start call");
    b_ev.wait_for(ringing_in(&dm)).await;
    a.voice()
        .end_call(proto::EndCallRequest {
            channel_id: dm.clone(),
        })
        .await
        .expect("cancel");
    b_ev.wait_for(ended_in(&dm)).await;
    a_ev.wait_for(ended_in(&dm)).await;
    let err = b
        .voice()
        .accept_call(proto::AcceptCallRequest {
            channel_id: dm.clone(),
        })
        .await;
    assert_eq!(code(err), tonic::Code::NotFound, "the call is over");

    // A group call goes on while two talk; it ends when only one is left.
    let group = a
        .channels()
        .create_group_dm(proto::CreateGroupDmRequest {
            user_ids: vec![b_id.clone(), c_id.clone()],
            name: String::new(),
        })
        .await
        .expect("group DM")
        .into_inner()
        .channel
        .expect("channel")
        .id;
    let started = a
        .voice()
        .start_call(proto::StartCallRequest {
            user_id: String::new(),
            channel_id: group.clone(),
        })
        .await
        .expect("group call")
        .into_inner();
    let mut rung = started.call.expect("call").ringing_user_ids;
    rung.sort();
    let mut expected = vec![b_id.clone(), c_id.clone()];
    expected.sort();
    assert_eq!(rung, expected);
    c_ev.wait_for(ringing_in(&group)).await;
    b.voice()
        .accept_call(proto::AcceptCallRequest {
            channel_id: group.clone(),
        })
        .await
        .expect("b accepts");
    c.voice()
        .decline_call(proto::DeclineCallRequest {
            channel_id: group.clone(),
        })
        .await
        .expect("c declines");
    // Still on: a and b talk; a leaves voice (LeaveVoice hangs up too), b is alone: it ends.
    c_ev.none_before(ended_in(&group), |e| {
        matches!(e, Event::CallUpdated(u) if u.call.as_ref().is_some_and(|c| c.channel_id == group && c.ringing_user_ids.is_empty()))
    })
    .await;
    a.voice()
        .leave_voice(proto::LeaveVoiceRequest::default())
        .await
        .expect("leave");
    c_ev.wait_for(ended_in(&group)).await;
    b_ev.wait_for(removed(b_id, &group)).await;

    // Blocks close calls both ways.
    b.relationships()
        .block_user(proto::BlockUserRequest {
            user_id: a_id.clone(),
        })
        .await
        .expect("block");
    assert_eq!(
        code(call_user(a, b_id).await),
        tonic::Code::PermissionDenied
    );
    assert_eq!(
        code(call_user(b, a_id).await),
        tonic::Code::PermissionDenied
    );
    let err = a
        .voice()
        .start_call(proto::StartCallRequest {
            user_id: String::new(),
            channel_id: dm.clone(),
        })
        .await;
    assert_eq!(code(err), tonic::Code::PermissionDenied);
    ts.stop().await;
}

/// An unanswered call stops ringing after the configured timeout and ends.
async fn unanswered_calls_time_out(backend: Backend) {
    let ts = TestServer::start_with(backend, |c| c.call_ring_timeout_ms = 200).await;
    let (owner, _) = admin_and_member(&ts).await;
    let people = users(&ts, &owner, &["ann", "ben"]).await;
    let (a, a_id) = &people[0];
    let (b, b_id) = &people[1];
    befriend(a, b, "ben", a_id).await;
    let (mut a_ev, _) = Events::ready(a).await;
    let (mut b_ev, _) = Events::ready(b).await;
    let dm = call_user(a, b_id)
        .await
        .expect("start call")
        .call
        .expect("call")
        .channel_id;
    b_ev.wait_for(ringing_in(&dm)).await;
    b_ev.wait_for(|e| matches!(e, Event::CallUpdated(u) if u.call.as_ref().is_some_and(|c| c.ringing_user_ids.is_empty())))
        .await;
    b_ev.wait_for(ended_in(&dm)).await;
    a_ev.wait_for(removed(a_id, &dm)).await;
    a_ev.wait_for(ended_in(&dm)).await;
    ts.stop().await;
}
