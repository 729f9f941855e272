//! Messaging acceptance: send/get/list, idempotent nonces, content limits, edit/delete
//! rights, reactions, pins, read state, history pagination and attachments — on both
//! backends, through the SDK against the real server.

mod common;

use common::{Backend, TestServer, admin_and_member, code, join, send, user_id};
use decentra_sdk::{Client, proto};
use proto::subscribe_response::Event;
use tonic::{Code, Status};

/// A server owned by the admin, with its channel ids.
struct Room {
    server_id: String,
    general: String,
    voice: String,
}

/// The field named by an INVALID_ARGUMENT status.
fn bad_field<T: std::fmt::Debug>(r: Result<T, Status>) -> String {
    let err = r.expect_err("should be refused");
    assert_eq!(err.code(), Code::InvalidArgument, "{err:?}");
    let details = tonic_types::StatusExt::get_details_bad_request(&err).expect("field details");
    details.field_violations[0].field.clone()
}

/// Creates a server owned by `owner` and reads its channel ids from the `ready` snapshot.
async fn room(owner: &Client) -> Room {
    let server_id = owner
        .servers()
        .create_server(proto::CreateServerRequest {
            name: "Test Server".to_owned(),
            ..Default::default()
        })
        .await
        .expect("create server")
        .into_inner()
        .server
        .expect("server")
        .id;
    let mut stream = owner
        .event_service()
        .subscribe(proto::SubscribeRequest {
            resume_cursor: String::new(),
        })
        .await
        .expect("subscribe")
        .into_inner();
    let first = tokio::time::timeout(std::time::Duration::from_secs(10), stream.message())
        .await
        .expect("ready in time")
        .expect("stream ok")
        .expect("a message");
    let Some(Event::Ready(ready)) = first.event else {
        panic!("expected ready first, got {first:?}");
    };
    let snapshot = ready
        .servers
        .into_iter()
        .find(|s| s.server.as_ref().is_some_and(|s| s.id == server_id))
        .expect("server in ready");
    let find = |t: proto::ChannelType| {
        snapshot
            .channels
            .iter()
            .find(|c| c.r#type == t as i32)
            .expect("channel of type")
            .id
            .clone()
    };
    Room {
        general: find(proto::ChannelType::Text),
        voice: find(proto::ChannelType::Voice),
        server_id,
    }
}

fn text(channel: &str, content: &str) -> proto::SendMessageRequest {
    proto::SendMessageRequest {
        channel_id: channel.to_owned(),
        content: content.to_owned(),
        ..Default::default()
    }
}

async fn try_send(
    client: &Client,
    req: proto::SendMessageRequest,
) -> Result<proto::Message, Status> {
    Ok(client
        .messages()
        .send_message(req)
        .await?
        .into_inner()
        .message
        .expect("message"))
}

async fn try_get(client: &Client, channel: &str, id: &str) -> Result<proto::Message, Status> {
    Ok(client
        .messages()
        .get_message(proto::GetMessageRequest {
            channel_id: channel.to_owned(),
            message_id: id.to_owned(),
        })
        .await?
        .into_inner()
        .message
        .expect("message"))
}

async fn get(client: &Client, channel: &str, id: &str) -> proto::Message {
    try_get(client, channel, id).await.expect("get")
}

async fn try_list(
    client: &Client,
    req: proto::ListMessagesRequest,
) -> Result<Vec<proto::Message>, Status> {
    Ok(client
        .messages()
        .list_messages(req)
        .await?
        .into_inner()
        .messages)
}

fn ids(messages: &[proto::Message]) -> Vec<String> {
    messages.iter().map(|m| m.id.clone()).collect()
}

fn num(id: &str) -> i64 {
    id.parse().expect("numeric id")
}

async fn send_get_list(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, outsider) = admin_and_member(&server).await;
    let owner_id = user_id(&owner).await;
    let room = room(&owner).await;

    let sent = send(&owner, &room.general, "  hello <@999> world  ").await;
    assert_eq!(sent.content, "hello <@999> world", "content is trimmed");
    assert_eq!(sent.channel_id, room.general);
    assert_eq!(sent.server_id, room.server_id);
    assert_eq!(
        sent.author.as_ref().map(|a| a.id.clone()),
        Some(owner_id.clone())
    );
    assert!(sent.mentions.is_empty(), "unknown users are not mentions");
    assert!(sent.created_at.is_some() && sent.edited_at.is_none());
    assert_eq!(sent.r#type, proto::MessageType::Default as i32);

    let fetched = get(&owner, &room.general, &sent.id).await;
    assert_eq!(fetched, sent);

    // Mentions are resolved server-side; @everyone counts for someone holding
    // MENTION_EVERYONE (the owner holds everything).
    let mention = send(
        &owner,
        &room.general,
        &format!("hey <@{owner_id}> <@&{}> @everyone", room.server_id),
    )
    .await;
    assert_eq!(mention.mentions.len(), 2, "{:?}", mention.mentions);
    let user_mention = &mention.mentions[0];
    assert_eq!(user_mention.r#type, proto::MentionType::User as i32);
    assert_eq!(user_mention.id, owner_id);
    assert_eq!(
        user_mention.user.as_ref().map(|u| u.id.clone()),
        Some(owner_id.clone())
    );
    assert_eq!(
        mention.mentions[1].r#type,
        proto::MentionType::Everyone as i32
    );

    // Replies carry a preview of the message they answer.
    let reply = try_send(
        &owner,
        proto::SendMessageRequest {
            reply_to_id: sent.id.clone(),
            ..text(&room.general, "a reply")
        },
    )
    .await
    .expect("reply");
    assert_eq!(reply.reply_to_id, sent.id);
    let preview = reply.reply_to.expect("preview");
    assert_eq!(preview.content, sent.content);
    assert!(!preview.deleted);
    assert_eq!(
        bad_field(
            try_send(
                &owner,
                proto::SendMessageRequest {
                    reply_to_id: "12345".to_owned(),
                    ..text(&room.general, "dangling")
                },
            )
            .await
        ),
        "reply_to_id"
    );

    let listed = try_list(
        &owner,
        proto::ListMessagesRequest {
            channel_id: room.general.clone(),
            ..Default::default()
        },
    )
    .await
    .expect("list");
    assert_eq!(ids(&listed), vec![reply.id.clone(), mention.id, sent.id]);

    // Voice channels hold no messages; outsiders learn nothing about the channel.
    assert_eq!(
        bad_field(try_send(&owner, text(&room.voice, "hi")).await),
        "channel_id"
    );
    assert_eq!(
        code(try_send(&outsider, text(&room.general, "hi")).await),
        Code::NotFound
    );
    assert_eq!(
        code(try_get(&outsider, &room.general, &reply.id).await),
        Code::NotFound
    );
    assert_eq!(
        code(
            try_list(
                &outsider,
                proto::ListMessagesRequest {
                    channel_id: room.general.clone(),
                    ..Default::default()
                }
            )
            .await
        ),
        Code::NotFound
    );
    server.stop().await;
}

async fn same_nonce_is_one_message(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, _) = admin_and_member(&server).await;
    let room = room(&owner).await;
    let req = proto::SendMessageRequest {
        nonce: "retry-42".to_owned(),
        ..text(&room.general, "only once")
    };
    let first = try_send(&owner, req.clone()).await.expect("first");
    let second = try_send(&owner, req).await.expect("retry");
    assert_eq!(first.id, second.id);
    assert_eq!(first.nonce, "retry-42");
    let listed = try_list(
        &owner,
        proto::ListMessagesRequest {
            channel_id: room.general.clone(),
            ..Default::default()
        },
    )
    .await
    .expect("list");
    assert_eq!(ids(&listed), vec![first.id.clone()]);
    // A different nonce is a different message.
    let other = try_send(
        &owner,
        proto::SendMessageRequest {
            nonce: "retry-43".to_owned(),
            ..text(&room.general, "only once")
        },
    )
    .await
    .expect("other nonce");
    assert_ne!(other.id, first.id);
    assert_eq!(
        bad_field(
            try_send(
                &owner,
                proto::SendMessageRequest {
                    nonce: "n".repeat(65),
                    ..text(&room.general, "x")
                }
            )
            .await
        ),
        "nonce"
    );
    server.stop().await;
}

async fn content_limits(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, _) = admin_and_member(&server).await;
    let room = room(&owner).await;
    assert_eq!(
        bad_field(try_send(&owner, text(&room.general, &"a".repeat(4001))).await),
        "content"
    );
    assert_eq!(
        bad_field(try_send(&owner, text(&room.general, " \n\t  ")).await),
        "content"
    );
    assert_eq!(
        bad_field(try_send(&owner, text(&room.general, "")).await),
        "content"
    );
    // The limit counts characters, not bytes.
    let long = send(&owner, &room.general, &"é".repeat(4000)).await;
    assert_eq!(long.content.chars().count(), 4000);
    server.stop().await;
}

async fn edit_and_delete_rights(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, member) = admin_and_member(&server).await;
    let room = room(&owner).await;
    join(&owner, &member, &room.server_id).await;

    let mine = send(&member, &room.general, "first draft").await;
    let edited = member
        .messages()
        .edit_message(proto::EditMessageRequest {
            channel_id: room.general.clone(),
            message_id: mine.id.clone(),
            content: " second draft ".to_owned(),
        })
        .await
        .expect("author edits")
        .into_inner()
        .message
        .expect("message");
    assert_eq!(edited.content, "second draft");
    assert!(edited.edited_at.is_some());
    assert_eq!(
        get(&owner, &room.general, &mine.id).await.content,
        "second draft"
    );

    // Nobody else edits, not even the owner.
    let err = owner
        .messages()
        .edit_message(proto::EditMessageRequest {
            channel_id: room.general.clone(),
            message_id: mine.id.clone(),
            content: "hijacked".to_owned(),
        })
        .await
        .expect_err("not the author");
    assert_eq!(err.code(), Code::PermissionDenied);
    let err = member
        .messages()
        .edit_message(proto::EditMessageRequest {
            channel_id: room.general.clone(),
            message_id: mine.id.clone(),
            content: "   ".to_owned(),
        })
        .await
        .expect_err("empty edit");
    assert_eq!(err.code(), Code::InvalidArgument);

    // A member without MANAGE_MESSAGES cannot delete others' messages.
    let owners = send(&owner, &room.general, "owner's").await;
    let delete = |client: &Client, id: &str| {
        let client = client.clone();
        let req = proto::DeleteMessageRequest {
            channel_id: room.general.clone(),
            message_id: id.to_owned(),
        };
        async move { client.messages().delete_message(req).await }
    };
    assert_eq!(
        code(delete(&member, &owners.id).await),
        Code::PermissionDenied
    );
    assert!(try_get(&owner, &room.general, &owners.id).await.is_ok());

    // The author deletes their own; the owner (MANAGE_MESSAGES) deletes anyone's.
    delete(&member, &mine.id).await.expect("author deletes");
    assert_eq!(
        code(try_get(&owner, &room.general, &mine.id).await),
        Code::NotFound
    );
    let again = send(&member, &room.general, "moderate me").await;
    delete(&owner, &again.id).await.expect("moderator deletes");
    assert_eq!(
        code(try_get(&member, &room.general, &again.id).await),
        Code::NotFound
    );
    assert_eq!(code(delete(&owner, &again.id).await), Code::NotFound);
    server.stop().await;
}

async fn reactions(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, member) = admin_and_member(&server).await;
    let member_id = user_id(&member).await;
    let room = room(&owner).await;
    join(&owner, &member, &room.server_id).await;
    let msg = send(&owner, &room.general, "react to me").await;

    let react = |client: &Client, emoji: &str| {
        let client = client.clone();
        let req = proto::AddReactionRequest {
            channel_id: room.general.clone(),
            message_id: msg.id.clone(),
            emoji: emoji.to_owned(),
        };
        async move { client.messages().add_reaction(req).await }
    };
    let unreact = |client: &Client, emoji: &str, user: &str| {
        let client = client.clone();
        let req = proto::RemoveReactionRequest {
            channel_id: room.general.clone(),
            message_id: msg.id.clone(),
            emoji: emoji.to_owned(),
            user_id: user.to_owned(),
        };
        async move { client.messages().remove_reaction(req).await }
    };
    react(&owner, "👍").await.expect("owner reacts");
    react(&owner, "👍").await.expect("idempotent");
    react(&member, "👍").await.expect("member reacts");
    react(&member, "🎉").await.expect("second emoji");
    assert_eq!(code(react(&member, "abc").await), Code::InvalidArgument);
    assert_eq!(code(react(&member, "").await), Code::InvalidArgument);

    // (emoji, count, me), sorted by emoji: emojis first used in the same millisecond
    // have no defined order.
    let seen = |m: &proto::Message| -> Vec<(String, u32, bool)> {
        let mut v: Vec<_> = m
            .reactions
            .iter()
            .map(|r| (r.emoji.clone(), r.count, r.me))
            .collect();
        v.sort();
        v
    };
    let by_owner = get(&owner, &room.general, &msg.id).await;
    assert_eq!(
        seen(&by_owner),
        vec![("🎉".to_owned(), 1, false), ("👍".to_owned(), 2, true)]
    );
    let by_member = get(&member, &room.general, &msg.id).await;
    assert_eq!(
        seen(&by_member),
        vec![("🎉".to_owned(), 1, true), ("👍".to_owned(), 2, true)]
    );

    let users = owner
        .messages()
        .list_reactions(proto::ListReactionsRequest {
            channel_id: room.general.clone(),
            message_id: msg.id.clone(),
            emoji: "👍".to_owned(),
            page_size: 1,
            page_token: String::new(),
        })
        .await
        .expect("list reactions")
        .into_inner();
    assert_eq!(users.users.len(), 1);
    assert!(!users.next_page_token.is_empty());
    let rest = owner
        .messages()
        .list_reactions(proto::ListReactionsRequest {
            channel_id: room.general.clone(),
            message_id: msg.id.clone(),
            emoji: "👍".to_owned(),
            page_size: 10,
            page_token: users.next_page_token,
        })
        .await
        .expect("second page")
        .into_inner();
    assert_eq!(rest.users.len(), 1);
    assert!(rest.next_page_token.is_empty());
    assert_ne!(users.users[0].id, rest.users[0].id);

    // Own reaction: removable; someone else's needs MANAGE_MESSAGES.
    let owner_id = user_id(&owner).await;
    assert_eq!(
        code(unreact(&member, "👍", &owner_id).await),
        Code::PermissionDenied
    );
    unreact(&owner, "👍", "").await.expect("remove own");
    unreact(&owner, "👍", "").await.expect("idempotent removal");
    let by_owner = get(&owner, &room.general, &msg.id).await;
    assert_eq!(
        seen(&by_owner),
        vec![("🎉".to_owned(), 1, false), ("👍".to_owned(), 1, false)]
    );
    unreact(&owner, "🎉", &member_id)
        .await
        .expect("moderator removes another's");
    let by_member = get(&member, &room.general, &msg.id).await;
    assert_eq!(seen(&by_member), vec![("👍".to_owned(), 1, true)]);
    server.stop().await;
}

async fn pins(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, member) = admin_and_member(&server).await;
    let room = room(&owner).await;
    join(&owner, &member, &room.server_id).await;
    let a = send(&owner, &room.general, "pin me first").await;
    let b = send(&member, &room.general, "pin me second").await;
    let c = send(&owner, &room.general, "never pinned").await;

    let pin = |client: &Client, id: &str| {
        let client = client.clone();
        let req = proto::PinMessageRequest {
            channel_id: room.general.clone(),
            message_id: id.to_owned(),
        };
        async move { client.messages().pin_message(req).await }
    };
    let unpin = |client: &Client, id: &str| {
        let client = client.clone();
        let req = proto::UnpinMessageRequest {
            channel_id: room.general.clone(),
            message_id: id.to_owned(),
        };
        async move { client.messages().unpin_message(req).await }
    };
    let list_pins = |client: &Client| {
        let client = client.clone();
        let req = proto::ListPinsRequest {
            channel_id: room.general.clone(),
        };
        async move {
            ids(&client
                .messages()
                .list_pins(req)
                .await
                .expect("list pins")
                .into_inner()
                .messages)
        }
    };

    assert_eq!(code(pin(&member, &a.id).await), Code::PermissionDenied);
    pin(&owner, &a.id).await.expect("pin a");
    // Pins in the same millisecond order by id, so b comes first either way.
    pin(&owner, &b.id).await.expect("pin b");
    pin(&owner, &b.id).await.expect("pinning twice is harmless");
    assert_eq!(code(pin(&owner, "12345").await), Code::NotFound);
    assert_eq!(list_pins(&member).await, vec![b.id.clone(), a.id.clone()]);
    assert!(get(&member, &room.general, &a.id).await.pinned);
    assert!(!get(&member, &room.general, &c.id).await.pinned);

    assert_eq!(code(unpin(&member, &a.id).await), Code::PermissionDenied);
    unpin(&owner, &a.id).await.expect("unpin");
    unpin(&owner, &a.id)
        .await
        .expect("unpinning twice is harmless");
    assert_eq!(list_pins(&owner).await, vec![b.id.clone()]);
    assert!(!get(&owner, &room.general, &a.id).await.pinned);
    server.stop().await;
}

async fn pin_limit(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, _) = admin_and_member(&server).await;
    let room = room(&owner).await;
    for i in 0..51 {
        let m = send(&owner, &room.general, &format!("pin {i}")).await;
        let r = owner
            .messages()
            .pin_message(proto::PinMessageRequest {
                channel_id: room.general.clone(),
                message_id: m.id,
            })
            .await;
        if i < 50 {
            r.expect("within the limit");
        } else {
            assert_eq!(code(r), Code::FailedPrecondition);
        }
    }
    server.stop().await;
}

async fn ack_read_state(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, member) = admin_and_member(&server).await;
    let owner_id = user_id(&owner).await;
    let room = room(&owner).await;
    join(&owner, &member, &room.server_id).await;
    let m1 = send(&member, &room.general, "one").await;
    let m2 = send(&member, &room.general, "two").await;
    let m3 = send(&member, &room.general, &format!("three <@{owner_id}>")).await;

    let ack = |id: &str| {
        let client = owner.clone();
        let req = proto::AckMessageRequest {
            channel_id: room.general.clone(),
            message_id: id.to_owned(),
        };
        async move {
            client
                .messages()
                .ack_message(req)
                .await
                .map(|r| r.into_inner().read_state.expect("read state"))
        }
    };
    let state = ack(&m2.id).await.expect("ack");
    assert_eq!(state.channel_id, room.general);
    assert_eq!(state.last_read_message_id, m2.id);
    assert!(state.unread);
    assert_eq!(state.mention_count, 1, "m3 mentions the owner");

    // The read position never moves backwards.
    let state = ack(&m1.id).await.expect("older ack");
    assert_eq!(state.last_read_message_id, m2.id);

    let state = ack(&m3.id).await.expect("ack newest");
    assert_eq!(state.last_read_message_id, m3.id);
    assert!(!state.unread);
    assert_eq!(state.mention_count, 0);

    assert_eq!(code(ack("12345").await), Code::NotFound);
    server.stop().await;
}

/// Sends `n` numbered messages and returns their ids, oldest first. `client` must be the
/// instance admin: it lifts the per-user send budget (120 a minute by default) first.
async fn fill(client: &Client, channel: &str, n: usize) -> Vec<String> {
    set_send_budget(client, 100_000).await;
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        out.push(send(client, channel, &format!("message {i}")).await.id);
    }
    out
}

async fn history_walks_1000_messages_both_ways(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, _) = admin_and_member(&server).await;
    let room = room(&owner).await;
    let sent = fill(&owner, &room.general, 1000).await;
    let page = |before: &str, after: &str, limit: u32| proto::ListMessagesRequest {
        channel_id: room.general.clone(),
        before: before.to_owned(),
        after: after.to_owned(),
        around: String::new(),
        limit,
    };

    // Newest → oldest with `before`.
    let mut walked = Vec::new();
    let mut before = String::new();
    loop {
        let got = try_list(&owner, page(&before, "", 100))
            .await
            .expect("page");
        if got.is_empty() {
            break;
        }
        assert!(
            got.windows(2).all(|w| num(&w[0].id) > num(&w[1].id)),
            "newest first"
        );
        before = got.last().expect("non-empty").id.clone();
        walked.extend(ids(&got));
    }
    let mut newest_first = sent.clone();
    newest_first.reverse();
    assert_eq!(walked, newest_first, "no gap, no duplicate going back");

    // Oldest → newest with `after` (each page is still newest first).
    let mut walked = Vec::new();
    let mut after = "1".to_owned();
    loop {
        let got = try_list(&owner, page("", &after, 64)).await.expect("page");
        if got.is_empty() {
            break;
        }
        assert!(
            got.windows(2).all(|w| num(&w[0].id) > num(&w[1].id)),
            "newest first"
        );
        after = got[0].id.clone();
        walked.extend(ids(&got).into_iter().rev());
    }
    assert_eq!(walked, sent, "no gap, no duplicate going forward");

    // Default and bounds.
    let default = try_list(&owner, page("", "", 0))
        .await
        .expect("default page");
    assert_eq!(ids(&default), newest_first[..50].to_vec());
    assert_eq!(
        bad_field(try_list(&owner, page("", "", 101)).await),
        "limit"
    );
    assert_eq!(
        code(try_list(&owner, page(&sent[10], &sent[5], 10)).await),
        Code::InvalidArgument
    );
    server.stop().await;
}

async fn history_around(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, _) = admin_and_member(&server).await;
    let room = room(&owner).await;
    let sent = fill(&owner, &room.general, 21).await;
    let around = |id: &str, limit: u32| proto::ListMessagesRequest {
        channel_id: room.general.clone(),
        around: id.to_owned(),
        limit,
        ..Default::default()
    };
    let got = try_list(&owner, around(&sent[10], 5))
        .await
        .expect("around");
    let expected: Vec<String> = sent[8..=12].iter().rev().cloned().collect();
    assert_eq!(ids(&got), expected);

    let got = try_list(&owner, around(&sent[10], 1))
        .await
        .expect("around 1");
    assert_eq!(ids(&got), vec![sent[10].clone()]);

    // Near the edges the page is just shorter.
    let got = try_list(&owner, around(&sent[0], 6)).await.expect("oldest");
    let expected: Vec<String> = sent[0..3].iter().rev().cloned().collect();
    assert_eq!(ids(&got), expected);
    let got = try_list(&owner, around(&sent[20], 6))
        .await
        .expect("newest");
    let expected: Vec<String> = sent[17..=20].iter().rev().cloned().collect();
    assert_eq!(ids(&got), expected);
    server.stop().await;
}

async fn attachments(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, member) = admin_and_member(&server).await;
    let room = room(&owner).await;
    join(&owner, &member, &room.server_id).await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x20\0\0\0\x10rest-of-the-image".to_vec();
    let upload = |client: &Client, name: &str, data: Vec<u8>| {
        let client = client.clone();
        let req = proto::UploadAttachmentRequest {
            channel_id: room.general.clone(),
            filename: name.to_owned(),
            content_type: String::new(),
            data,
        };
        async move {
            client
                .messages()
                .upload_attachment(req)
                .await
                .map(|r| r.into_inner().attachment.expect("attachment"))
        }
    };

    let a = upload(&owner, "../../secret/cat.png", png.clone())
        .await
        .expect("upload");
    assert_eq!(a.filename, "cat.png", "path parts are stripped");
    assert_eq!(a.content_type, "image/png");
    assert_eq!(a.size, png.len() as u64);
    assert_eq!((a.width, a.height), (32, 16));
    assert_eq!(a.url, format!("/api/v1/attachments/{}/cat.png", a.id));
    let uploads = server.config.data_dir.join("uploads");
    let files = |dir: &std::path::Path| -> Vec<std::path::PathBuf> {
        walk(dir)
            .into_iter()
            .filter(|p| {
                !p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            })
            .collect()
    };
    assert_eq!(files(&uploads).len(), 1, "stored once, content-addressed");
    // The same bytes again are stored once.
    let b = upload(&member, "copy.png", png.clone())
        .await
        .expect("second upload");
    assert_eq!(files(&uploads).len(), 1);

    assert_eq!(
        bad_field(upload(&owner, "empty.txt", Vec::new()).await),
        "data"
    );
    assert_eq!(
        bad_field(upload(&owner, "../", b"x".to_vec()).await),
        "filename"
    );

    // Send with the attachment and no text.
    let msg = try_send(
        &owner,
        proto::SendMessageRequest {
            attachment_ids: vec![a.id.clone()],
            ..text(&room.general, "")
        },
    )
    .await
    .expect("send attachment");
    assert_eq!(msg.content, "");
    assert_eq!(msg.attachments, vec![a.clone()]);
    assert_eq!(
        get(&member, &room.general, &msg.id).await.attachments,
        vec![a.clone()]
    );

    // An upload is used once, and only by its uploader.
    assert_eq!(
        bad_field(
            try_send(
                &owner,
                proto::SendMessageRequest {
                    attachment_ids: vec![a.id.clone()],
                    ..text(&room.general, "again")
                },
            )
            .await
        ),
        "attachment_ids"
    );
    assert_eq!(
        bad_field(
            try_send(
                &owner,
                proto::SendMessageRequest {
                    attachment_ids: vec![b.id.clone()],
                    ..text(&room.general, "not mine")
                },
            )
            .await
        ),
        "attachment_ids"
    );
    let failed = try_list(
        &owner,
        proto::ListMessagesRequest {
            channel_id: room.general.clone(),
            ..Default::default()
        },
    )
    .await
    .expect("list");
    assert_eq!(
        ids(&failed),
        vec![msg.id.clone()],
        "refused sends left nothing"
    );

    // Deleting the message keeps the file while the other upload still uses it…
    owner
        .messages()
        .delete_message(proto::DeleteMessageRequest {
            channel_id: room.general.clone(),
            message_id: msg.id.clone(),
        })
        .await
        .expect("delete");
    assert_eq!(files(&uploads).len(), 1);
    // …and removes it with the last message that uses it.
    let msg = try_send(
        &member,
        proto::SendMessageRequest {
            attachment_ids: vec![b.id.clone()],
            ..text(&room.general, "with a file")
        },
    )
    .await
    .expect("member sends attachment");
    member
        .messages()
        .delete_message(proto::DeleteMessageRequest {
            channel_id: room.general.clone(),
            message_id: msg.id,
        })
        .await
        .expect("delete");
    assert!(
        files(&uploads).is_empty(),
        "file removed with its last reference"
    );
    server.stop().await;
}

/// Every file under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

async fn typing_is_accepted(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, outsider) = admin_and_member(&server).await;
    let room = room(&owner).await;
    let typing = |client: &Client, channel: &str| {
        let client = client.clone();
        let req = proto::TriggerTypingRequest {
            channel_id: channel.to_owned(),
        };
        async move { client.messages().trigger_typing(req).await }
    };
    typing(&owner, &room.general).await.expect("typing");
    typing(&owner, &room.general)
        .await
        .expect("throttled, still OK");
    assert_eq!(code(typing(&outsider, &room.general).await), Code::NotFound);
    assert_eq!(
        code(typing(&owner, &room.voice).await),
        Code::InvalidArgument
    );
    server.stop().await;
}

async fn events_reach_members_and_own_devices(backend: Backend) {
    use common::events::Events;
    let server = TestServer::start(backend).await;
    let (owner, member) = admin_and_member(&server).await;
    let room = room(&owner).await;
    join(&owner, &member, &room.server_id).await;
    let (mut theirs, _) = Events::ready(&member).await;
    let second_device = member.fresh_session();
    second_device
        .login("member", "member-password")
        .await
        .expect("second device");
    let (mut other_device, _) = Events::ready(&second_device).await;

    let sent = send(&owner, &room.general, "live").await;
    let Event::MessageCreated(created) = theirs
        .wait_for(|e| matches!(e, Event::MessageCreated(_)))
        .await
    else {
        unreachable!()
    };
    assert_eq!(
        created.message.as_ref().map(|m| m.id.clone()),
        Some(sent.id.clone())
    );

    owner
        .messages()
        .edit_message(proto::EditMessageRequest {
            channel_id: room.general.clone(),
            message_id: sent.id.clone(),
            content: "live, edited".to_owned(),
        })
        .await
        .expect("edit");
    let Event::MessageUpdated(updated) = theirs
        .wait_for(|e| matches!(e, Event::MessageUpdated(_)))
        .await
    else {
        unreachable!()
    };
    assert_eq!(
        updated.message.as_ref().map(|m| m.content.clone()),
        Some("live, edited".to_owned())
    );

    owner
        .messages()
        .add_reaction(proto::AddReactionRequest {
            channel_id: room.general.clone(),
            message_id: sent.id.clone(),
            emoji: "🔥".to_owned(),
        })
        .await
        .expect("react");
    let Event::ReactionAdded(reaction) = theirs
        .wait_for(|e| matches!(e, Event::ReactionAdded(_)))
        .await
    else {
        unreachable!()
    };
    assert_eq!(
        (reaction.message_id.as_str(), reaction.emoji.as_str()),
        (sent.id.as_str(), "🔥")
    );

    owner
        .messages()
        .pin_message(proto::PinMessageRequest {
            channel_id: room.general.clone(),
            message_id: sent.id.clone(),
        })
        .await
        .expect("pin");
    theirs
        .wait_for(|e| matches!(e, Event::MessagePinned(p) if p.message_id == sent.id))
        .await;

    owner
        .messages()
        .trigger_typing(proto::TriggerTypingRequest {
            channel_id: room.general.clone(),
        })
        .await
        .expect("typing");
    theirs
        .wait_for(|e| matches!(e, Event::TypingStarted(t) if t.channel_id == room.general))
        .await;

    owner
        .messages()
        .delete_message(proto::DeleteMessageRequest {
            channel_id: room.general.clone(),
            message_id: sent.id.clone(),
        })
        .await
        .expect("delete");
    theirs
        .wait_for(|e| matches!(e, Event::MessageDeleted(d) if d.message_id == sent.id))
        .await;

    // A read position reaches the reader's other devices.
    let last = send(&owner, &room.general, "read me").await;
    member
        .messages()
        .ack_message(proto::AckMessageRequest {
            channel_id: room.general.clone(),
            message_id: last.id.clone(),
        })
        .await
        .expect("ack");
    let Event::ReadStateUpdated(state) = other_device
        .wait_for(|e| matches!(e, Event::ReadStateUpdated(_)))
        .await
    else {
        unreachable!()
    };
    assert_eq!(
        state.read_state.map(|r| r.last_read_message_id),
        Some(last.id)
    );
    server.stop().await;
}

async fn set_send_budget(admin: &Client, per_minute: u32) {
    admin
        .admin()
        .update_instance_settings(proto::UpdateInstanceSettingsRequest {
            message_rate_limit_per_minute: Some(per_minute),
            ..Default::default()
        })
        .await
        .expect("update settings");
}

/// Sending is limited per user per minute (instance setting) and per channel by slow mode,
/// which moderators skip; refusals say when to retry.
async fn send_limits_and_slow_mode(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, member) = admin_and_member(&server).await;
    let room = room(&owner).await;
    join(&owner, &member, &room.server_id).await;

    owner
        .channels()
        .update_channel(proto::UpdateChannelRequest {
            channel_id: room.general.clone(),
            rate_limit_per_user: Some(60),
            ..Default::default()
        })
        .await
        .expect("slow mode on");
    send(&member, &room.general, "first").await;
    let err = member
        .messages()
        .send_message(proto::SendMessageRequest {
            channel_id: room.general.clone(),
            content: "second".into(),
            ..Default::default()
        })
        .await
        .expect_err("slow mode");
    assert_eq!(err.code(), Code::ResourceExhausted);
    let retry = tonic_types::StatusExt::get_details_retry_info(&err).expect("retry info");
    assert!(retry.retry_delay.is_some_and(|d| d.as_secs() >= 50));
    send(&owner, &room.general, "moderators are exempt").await;
    send(&owner, &room.general, "twice").await;

    owner
        .channels()
        .update_channel(proto::UpdateChannelRequest {
            channel_id: room.general.clone(),
            rate_limit_per_user: Some(0),
            ..Default::default()
        })
        .await
        .expect("slow mode off");
    set_send_budget(&owner, 3).await;
    for i in 0..3 {
        send(&owner, &room.general, &format!("budget {i}")).await;
    }
    let over = owner
        .messages()
        .send_message(proto::SendMessageRequest {
            channel_id: room.general.clone(),
            content: "one too many".into(),
            ..Default::default()
        })
        .await;
    assert_eq!(code(over), Code::ResourceExhausted);
    server.stop().await;
}

/// Role mentions notify only for mentionable roles, unless the author has MENTION_EVERYONE.
async fn role_mentions_respect_mentionable(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, member) = admin_and_member(&server).await;
    let room = room(&owner).await;
    join(&owner, &member, &room.server_id).await;
    let role = |name: &str, mentionable: bool| {
        let mut r = owner.roles();
        let q = proto::CreateRoleRequest {
            server_id: room.server_id.clone(),
            name: name.to_owned(),
            mentionable,
            ..Default::default()
        };
        async move {
            r.create_role(q)
                .await
                .expect("role")
                .into_inner()
                .role
                .expect("role")
                .id
        }
    };
    let quiet = role("quiet", false).await;
    let loud = role("loud", true).await;
    // @everyone lacks MENTION_EVERYONE by default, so the member pings only the loud role.
    let m = send(&member, &room.general, &format!("<@&{quiet}> <@&{loud}>")).await;
    let pinged: Vec<String> = m
        .mentions
        .iter()
        .filter(|x| x.r#type() == proto::MentionType::Role)
        .map(|x| x.id.clone())
        .collect();
    assert_eq!(pinged, vec![loud.clone()]);
    // The owner has every permission, MENTION_EVERYONE included.
    let m = send(&owner, &room.general, &format!("<@&{quiet}>")).await;
    assert!(m.mentions.iter().any(|x| x.id == quiet));
    server.stop().await;
}

backend_tests!(
    role_mentions_respect_mentionable,
    send_limits_and_slow_mode,
    send_get_list,
    same_nonce_is_one_message,
    content_limits,
    edit_and_delete_rights,
    reactions,
    pins,
    pin_limit,
    ack_read_state,
    history_walks_1000_messages_both_ways,
    history_around,
    attachments,
    typing_is_accepted,
    events_reach_members_and_own_devices,
);
