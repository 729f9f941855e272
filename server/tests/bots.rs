//! Bot accounts (`BotService`) against the real server, on SQLite and PostgreSQL: the
//! lifecycle over gRPC and over REST (create, list, add to a server, reset the token, delete),
//! tokens stored only hashed, refused after a reset and after deletion and for password
//! login, what bots may not do (befriend, DM a stranger, join by invite, manage bots), rate
//! limits (slow mode) applying to bots, the MANAGE_SERVER rule of AddBotToServer, and deleting
//! an owner's bots.

mod common;

use common::{Backend, TestServer, code, events::Events, rest};
use decentra_sdk::{Client, proto};
use proto::subscribe_response::Event;
use reqwest::{Method, StatusCode};
use serde_json::json;
use tonic::Code;

/// Creates a bot owned by `owner`; returns it and its token.
async fn create_bot(owner: &Client, name: &str) -> (proto::Bot, String) {
    let r = owner
        .bots()
        .create_bot(proto::CreateBotRequest {
            name: name.to_owned(),
            display_name: format!("{name} (bot)"),
            ..Default::default()
        })
        .await
        .expect("create bot")
        .into_inner();
    (r.bot.expect("bot"), r.token)
}

async fn add_bot(owner: &Client, bot_id: &str, server_id: &str) -> Result<(), tonic::Status> {
    owner
        .bots()
        .add_bot_to_server(proto::AddBotToServerRequest {
            bot_id: bot_id.to_owned(),
            server_id: server_id.to_owned(),
        })
        .await
        .map(drop)
}

/// The code `GetCurrentUser` answers a client with.
async fn me_code(client: &Client) -> Code {
    code(
        client
            .users()
            .get_current_user(proto::GetCurrentUserRequest {})
            .await,
    )
}

/// Asserts that the database holds the token's SHA-256 and nowhere the token itself.
async fn assert_stored_hashed(ts: &TestServer, bot_id: &str, token: &str) {
    let id: i64 = bot_id.parse().expect("id");
    let hash: Vec<u8> =
        common::db_scalar(ts, "SELECT token_hash FROM bots WHERE user_id = $1", id).await;
    assert_eq!(
        hash,
        decentra_core::auth::tokens::hash_refresh_token(token),
        "the stored value is the token's SHA-256"
    );
    assert_ne!(hash, token.as_bytes(), "the token itself is not stored");
    // Nor in any text column of the bot's account.
    let sql = "SELECT COUNT(*) FROM users WHERE username LIKE $1 OR display_name LIKE $1 \
               OR password_hash LIKE $1 OR avatar_url LIKE $1 OR bio LIKE $1";
    let n: i64 = common::db_scalar(ts, sql, format!("%{token}%")).await;
    assert_eq!(n, 0, "the token appears in the users table");
}

/// Reads a stream's remaining events until the server ends it (each read bounded).
async fn ends(events: &mut Events) {
    while events.ended().await.is_some() {}
}

async fn bot_lifecycle_over_grpc(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (alice, alice_reg) = common::register(&server, "alice", None)
        .await
        .expect("alice");
    let alice_id = alice_reg.user.expect("user").id;
    let mut people = common::users(&server, &alice, &["bob"]).await;
    let (bob, bob_id) = people.remove(0);
    let guild = common::create_server(&alice, "Bots").await;
    common::join(&alice, &bob, &guild.id).await;
    let general = common::general_channel(&alice, &guild.id).await;

    // Create: the token is shown once; the bot is a user with is_bot and an owner.
    let (bot, token) = create_bot(&alice, "helper").await;
    assert_eq!(bot.owner_id, alice_id);
    let bot_user = bot.user.clone().expect("bot user");
    assert!(bot_user.is_bot);
    assert_eq!(bot_user.id, bot.id);
    assert_eq!(bot_user.display_name, "helper (bot)");
    assert_stored_hashed(&server, &bot.id, &token).await;
    // The name is taken like a username; bad names name the field.
    let taken = alice
        .bots()
        .create_bot(proto::CreateBotRequest {
            name: "HELPER".into(),
            ..Default::default()
        })
        .await;
    assert_eq!(code(taken), Code::AlreadyExists);
    let bad = alice
        .bots()
        .create_bot(proto::CreateBotRequest {
            name: "no spaces".into(),
            ..Default::default()
        })
        .await
        .expect_err("bad name");
    assert_eq!(bad.code(), Code::InvalidArgument);
    assert!(bad.message().contains("name"), "{}", bad.message());

    // List: the owner's bots only.
    let listed = alice
        .bots()
        .list_bots(proto::ListBotsRequest {})
        .await
        .expect("list")
        .into_inner()
        .bots;
    assert_eq!(
        listed.iter().map(|b| b.id.as_str()).collect::<Vec<_>>(),
        [bot.id.as_str()]
    );
    let bobs = bob
        .bots()
        .list_bots(proto::ListBotsRequest {})
        .await
        .expect("list")
        .into_inner()
        .bots;
    assert!(bobs.is_empty());

    // The bot signs in with its token.
    let helper = Client::bot(server.url(), &token).await.expect("bot client");
    let me = helper.me().await.expect("bot me");
    assert_eq!(me.id, bot.id);
    assert!(me.is_bot);
    // ... and never with a password, not even an empty one.
    for password in ["", "helper-password", &token] {
        let login = server
            .client()
            .await
            .auth()
            .login(proto::LoginRequest {
                username: "helper".into(),
                password: password.to_owned(),
            })
            .await;
        assert_eq!(code(login), Code::Unauthenticated, "password {password:?}");
    }

    // What bots may not do.
    let befriend = helper
        .relationships()
        .send_friend_request(proto::SendFriendRequestRequest {
            user_id: alice_id.clone(),
            ..Default::default()
        })
        .await;
    assert_eq!(code(befriend), Code::PermissionDenied, "bot befriends");
    let befriended = alice
        .relationships()
        .send_friend_request(proto::SendFriendRequestRequest {
            user_id: bot.id.clone(),
            ..Default::default()
        })
        .await;
    assert_eq!(
        code(befriended),
        Code::PermissionDenied,
        "user befriends a bot"
    );
    let accept = helper
        .relationships()
        .accept_friend_request(proto::AcceptFriendRequestRequest {
            user_id: alice_id.clone(),
        })
        .await;
    assert_eq!(code(accept), Code::PermissionDenied, "bot accepts");
    let stranger_dm = helper
        .channels()
        .open_direct_message(proto::OpenDirectMessageRequest {
            user_id: alice_id.clone(),
        })
        .await;
    assert_eq!(
        code(stranger_dm),
        Code::PermissionDenied,
        "DM without a shared server"
    );
    let invite = alice
        .invites()
        .create_invite(proto::CreateInviteRequest {
            server_id: guild.id.clone(),
            ..Default::default()
        })
        .await
        .expect("invite")
        .into_inner()
        .invite
        .expect("invite");
    let joined = helper
        .invites()
        .accept_invite(proto::AcceptInviteRequest { code: invite.code })
        .await;
    assert_eq!(
        code(joined),
        Code::PermissionDenied,
        "bots do not take invites"
    );
    let manage = helper.bots().list_bots(proto::ListBotsRequest {}).await;
    assert_eq!(code(manage), Code::PermissionDenied, "bots manage no bots");

    // AddBotToServer: bob (member, no MANAGE_SERVER) may not add even his own bot; nobody
    // adds someone else's bot (NOT_FOUND); alice adds hers, and everyone sees it join.
    let (bobs_bot, _) = create_bot(&bob, "bobbot").await;
    assert_eq!(
        code(add_bot(&bob, &bobs_bot.id, &guild.id).await),
        Code::PermissionDenied
    );
    assert_eq!(
        code(add_bot(&alice, &bobs_bot.id, &guild.id).await),
        Code::NotFound
    );
    let (mut alice_events, _) = Events::ready(&alice).await;
    let (mut bot_events, ready) = Events::ready(&helper).await;
    assert!(ready.servers.is_empty(), "the bot starts in no server");
    add_bot(&alice, &bot.id, &guild.id).await.expect("add bot");
    alice_events
        .wait_for(|e| {
            matches!(e, Event::MemberAdded(m)
                if m.member.as_ref().and_then(|m| m.user.as_ref()).is_some_and(|u| u.id == bot.id))
        })
        .await;
    bot_events
        .wait_for(|e| {
            matches!(e, Event::ServerCreated(s)
                if s.snapshot.as_ref().and_then(|s| s.server.as_ref()).is_some_and(|s| s.id == guild.id))
        })
        .await;
    assert_eq!(
        code(add_bot(&alice, &bot.id, &guild.id).await),
        Code::AlreadyExists
    );
    let audit = alice
        .servers()
        .list_audit_log(proto::ListAuditLogRequest {
            server_id: guild.id.clone(),
            ..Default::default()
        })
        .await
        .expect("audit")
        .into_inner()
        .entries;
    assert!(
        audit
            .iter()
            .any(|e| e.action == proto::AuditLogAction::BotAdd as i32
                && e.target_id == bot.id
                && e.actor_id == alice_id),
        "{audit:?}"
    );

    // In a shared server the bot posts and may DM a member.
    let posted = common::send(&helper, &general, "hello from a bot").await;
    assert_eq!(posted.author.as_ref().map(|a| a.is_bot), Some(true));
    // Rate limits apply to bots like users: slow mode refuses a second message at once.
    let slow = alice
        .channels()
        .create_channel(proto::CreateChannelRequest {
            server_id: guild.id.clone(),
            name: "slow".into(),
            r#type: proto::ChannelType::Text.into(),
            rate_limit_per_user: 3600,
            ..Default::default()
        })
        .await
        .expect("slow channel")
        .into_inner()
        .channel
        .expect("channel")
        .id;
    common::send(&helper, &slow, "first").await;
    let second = helper
        .messages()
        .send_message(proto::SendMessageRequest {
            channel_id: slow.clone(),
            content: "second".into(),
            ..Default::default()
        })
        .await;
    assert_eq!(code(second), Code::ResourceExhausted, "slow mode for a bot");
    helper
        .channels()
        .open_direct_message(proto::OpenDirectMessageRequest {
            user_id: bob_id.clone(),
        })
        .await
        .expect("DM a member of a shared server");

    // Reset: only the owner; the old token is refused at once and its stream ends.
    let other_reset = bob
        .bots()
        .reset_bot_token(proto::ResetBotTokenRequest {
            bot_id: bot.id.clone(),
        })
        .await;
    assert_eq!(code(other_reset), Code::NotFound);
    let new_token = alice
        .bots()
        .reset_bot_token(proto::ResetBotTokenRequest {
            bot_id: bot.id.clone(),
        })
        .await
        .expect("reset")
        .into_inner()
        .token;
    assert_ne!(new_token, token);
    // The old token's stream ends.
    ends(&mut bot_events).await;
    assert_eq!(me_code(&helper).await, Code::Unauthenticated, "old token");
    assert_stored_hashed(&server, &bot.id, &new_token).await;
    let helper = Client::bot(server.url(), &new_token).await.expect("bot");
    assert_eq!(me_code(&helper).await, Code::Ok, "new token");
    let (mut bot_events, ready) = Events::ready(&helper).await;
    assert_eq!(ready.servers.len(), 1);

    // Delete: only the owner; the token is refused, the bot leaves, its message stays.
    let other_delete = bob
        .bots()
        .delete_bot(proto::DeleteBotRequest {
            bot_id: bot.id.clone(),
        })
        .await;
    assert_eq!(code(other_delete), Code::NotFound);
    alice
        .bots()
        .delete_bot(proto::DeleteBotRequest {
            bot_id: bot.id.clone(),
        })
        .await
        .expect("delete");
    alice_events
        .wait_for(|e| matches!(e, Event::MemberRemoved(m) if m.user_id == bot.id))
        .await;
    // The deleted bot's stream ends.
    ends(&mut bot_events).await;
    assert_eq!(me_code(&helper).await, Code::Unauthenticated, "deleted bot");
    assert_eq!(
        code(
            alice
                .bots()
                .delete_bot(proto::DeleteBotRequest {
                    bot_id: bot.id.clone(),
                })
                .await
        ),
        Code::NotFound
    );
    let history = alice
        .messages()
        .list_messages(proto::ListMessagesRequest {
            channel_id: general.clone(),
            ..Default::default()
        })
        .await
        .expect("history")
        .into_inner()
        .messages;
    assert!(
        history.iter().any(|m| m.id == posted.id),
        "its message stays"
    );
    let listed = alice
        .bots()
        .list_bots(proto::ListBotsRequest {})
        .await
        .expect("list")
        .into_inner()
        .bots;
    assert!(listed.is_empty());
    // The name is free again.
    create_bot(&alice, "helper").await;
    server.stop().await;
}

async fn bot_lifecycle_over_rest(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (status, reg) = rest(
        &server,
        Method::POST,
        "/auth/register",
        None,
        Some(json!({"username": "carol", "password": "carol-password"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{reg}");
    let user = Some(format!(
        "Bearer {}",
        reg["access_token"].as_str().expect("token")
    ));
    let (status, guild) = rest(
        &server,
        Method::POST,
        "/servers",
        user.clone(),
        Some(json!({"name": "Scripts"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{guild}");
    let sid = guild["server"]["id"]
        .as_str()
        .expect("server id")
        .to_owned();

    let (status, created) = rest(
        &server,
        Method::POST,
        "/bots",
        user.clone(),
        Some(json!({"name": "scripter"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let bot_id = created["bot"]["id"].as_str().expect("bot id").to_owned();
    assert_eq!(created["bot"]["user"]["is_bot"], json!(true), "{created}");
    let token = created["token"].as_str().expect("token").to_owned();
    assert_stored_hashed(&server, &bot_id, &token).await;
    let bot_auth = |t: &str| Some(format!("Bot {t}"));

    let (status, listed) = rest(&server, Method::GET, "/bots", user.clone(), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed["bots"][0]["id"], json!(bot_id));

    // The bot token works on REST, and SSE streams the bot's events.
    let (status, me) = rest(&server, Method::GET, "/users/@me", bot_auth(&token), None).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["id"], json!(bot_id));
    assert_eq!(me["is_bot"], json!(true));
    let (status, _) = rest(
        &server,
        Method::POST,
        "/auth/login",
        None,
        Some(json!({"username": "scripter", "password": token})),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "password login of a bot");
    let (status, _) = rest(&server, Method::GET, "/bots", bot_auth(&token), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "bots manage no bots");

    let mut sse = reqwest::Client::new()
        .get(format!("{}/api/v1/events", server.url()))
        .header("authorization", format!("Bot {token}"))
        .send()
        .await
        .expect("sse");
    assert_eq!(sse.status(), StatusCode::OK);
    let mut buf = String::new();
    let deadline = tokio::time::Instant::now() + common::events::WAIT;
    // The first event is `ready`; then the bot joins the server and hears about it.
    read_sse_until(&mut sse, &mut buf, deadline, "\"ready\"").await;

    let (status, added) = rest(
        &server,
        Method::POST,
        &format!("/servers/{sid}/bots"),
        user.clone(),
        Some(json!({"bot_id": bot_id})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{added}");
    read_sse_until(&mut sse, &mut buf, deadline, "\"server_created\"").await;

    // Reset: the old token is refused; the new one works.
    let (status, reset) = rest(
        &server,
        Method::POST,
        &format!("/bots/{bot_id}/reset-token"),
        user.clone(),
        Some(json!({})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{reset}");
    let new_token = reset["token"].as_str().expect("token").to_owned();
    let (status, _) = rest(&server, Method::GET, "/users/@me", bot_auth(&token), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "old token");
    let (status, _) = rest(
        &server,
        Method::GET,
        "/users/@me",
        bot_auth(&new_token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "new token");

    // Delete: the token is refused.
    let (status, _) = rest(
        &server,
        Method::DELETE,
        &format!("/bots/{bot_id}"),
        user.clone(),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = rest(
        &server,
        Method::GET,
        "/users/@me",
        bot_auth(&new_token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "deleted bot");
    let (status, listed) = rest(&server, Method::GET, "/bots", user, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed["bots"].as_array().map(Vec::len).unwrap_or(0), 0);
    server.stop().await;
}

/// Reads the SSE body until a chunk containing `needle` arrived (bounded by `deadline`).
async fn read_sse_until(
    resp: &mut reqwest::Response,
    buf: &mut String,
    deadline: tokio::time::Instant,
    needle: &str,
) {
    loop {
        if let Some(at) = buf.find(needle) {
            buf.drain(..at + needle.len());
            return;
        }
        let chunk = tokio::time::timeout_at(deadline, resp.chunk())
            .await
            .expect("timed out waiting for an SSE event")
            .expect("chunk")
            .expect("stream open");
        buf.push_str(std::str::from_utf8(&chunk).expect("utf-8"));
    }
}

/// `BotService::delete_owned_by` (what deleting a user calls) deletes exactly the owner's
/// bots: their tokens are refused, they leave their servers, other owners' bots live on.
async fn deleting_an_owner_deletes_their_bots(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (dave, dave_reg) = common::register(&server, "dave", None).await.expect("dave");
    let dave_id = dave_reg.user.expect("user").id;
    let mut people = common::users(&server, &dave, &["erin"]).await;
    let (erin, _) = people.remove(0);
    let guild = common::create_server(&dave, "Owned").await;
    let (one, one_token) = create_bot(&dave, "one").await;
    let (two, two_token) = create_bot(&dave, "two").await;
    let (_, erins_token) = create_bot(&erin, "erinbot").await;
    add_bot(&dave, &one.id, &guild.id).await.expect("add");
    let (mut events, _) = Events::ready(&dave).await;

    let mut deleted = server
        .services
        .bots
        .delete_owned_by(dave_id.parse().map(decentra_core::Id).expect("id"))
        .await
        .expect("delete owned");
    deleted.sort();
    let mut expected = vec![
        one.id.parse::<i64>().map(decentra_core::Id).expect("id"),
        two.id.parse::<i64>().map(decentra_core::Id).expect("id"),
    ];
    expected.sort();
    assert_eq!(deleted, expected);
    events
        .wait_for(|e| matches!(e, Event::MemberRemoved(m) if m.user_id == one.id))
        .await;
    for token in [&one_token, &two_token] {
        let bot = Client::bot(server.url(), token).await.expect("client");
        assert_eq!(me_code(&bot).await, Code::Unauthenticated);
    }
    let erins = Client::bot(server.url(), &erins_token)
        .await
        .expect("client");
    assert_eq!(
        me_code(&erins).await,
        Code::Ok,
        "another owner's bot lives on"
    );
    let listed = dave
        .bots()
        .list_bots(proto::ListBotsRequest {})
        .await
        .expect("list")
        .into_inner()
        .bots;
    assert!(listed.is_empty());
    server.stop().await;
}

/// An admin deleting an account retires its bots with it; a deletion the instance refuses
/// (the user still owns a server) leaves the bots working.
async fn admin_deleting_a_user_deletes_their_bots(backend: Backend) {
    let server = TestServer::start(backend).await;
    // The first account is the instance admin.
    let (admin, _) = common::register(&server, "admin", None)
        .await
        .expect("admin");
    let mut people = common::users(&server, &admin, &["owner"]).await;
    let (owner, owner_id) = people.remove(0);
    let (_, token) = create_bot(&owner, "helper").await;
    let guild = common::create_server(&owner, "Mine").await;
    let bot = Client::bot(server.url(), &token).await.expect("client");

    let refused = admin
        .admin()
        .delete_user(proto::DeleteUserRequest {
            user_id: owner_id.clone(),
        })
        .await
        .map(|_| ())
        .map_err(|s| s.code());
    assert_eq!(refused, Err(Code::FailedPrecondition), "owners are refused");
    assert_eq!(
        me_code(&bot).await,
        Code::Ok,
        "a refused deletion keeps the bots"
    );

    owner
        .servers()
        .delete_server(proto::DeleteServerRequest {
            server_id: guild.id.clone(),
        })
        .await
        .expect("delete server");
    admin
        .admin()
        .delete_user(proto::DeleteUserRequest { user_id: owner_id })
        .await
        .expect("delete user");
    assert_eq!(me_code(&bot).await, Code::Unauthenticated);
    server.stop().await;
}

backend_tests!(
    bot_lifecycle_over_grpc,
    bot_lifecycle_over_rest,
    deleting_an_owner_deletes_their_bots,
    admin_deleting_a_user_deletes_their_bots,
);
