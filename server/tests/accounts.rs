//! Foundation acceptance: registration gates, sessions, token checks — on both backends,
//! through the generated gRPC client against the real server.

mod common;

use common::{Backend, JWT_SECRET, TestServer, admin_and_member, create_invite, register};
use decentra_sdk::{Client, proto};
use tonic::Code;

fn code_of(r: Result<impl Sized, decentra_sdk::Error>) -> Code {
    match r {
        Ok(_) => Code::Ok,
        Err(decentra_sdk::Error::Status(s)) => s.code(),
        Err(e) => panic!("transport error: {e}"),
    }
}

async fn me(client: &Client) -> Result<proto::User, decentra_sdk::Error> {
    Ok(client
        .users()
        .get_current_user(proto::GetCurrentUserRequest {})
        .await?
        .into_inner()
        .user
        .unwrap_or_default())
}

async fn first_user_is_admin_and_invites_gate_registration(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (admin, first) = register(&server, "Founder", None)
        .await
        .expect("first user");
    assert!(
        first.user.as_ref().is_some_and(|u| u.is_admin),
        "first user is admin"
    );
    assert!(!first.access_token.is_empty() && !first.refresh_token.is_empty());

    // Invite-only is the default: no code, bad code → refused with the field named.
    let err = register(&server, "nocode", None)
        .await
        .expect_err("needs a code");
    assert_eq!(err.code(), Code::InvalidArgument, "{err:?}");
    assert!(err.message().contains("invite"), "{}", err.message());
    let err = register(&server, "badcode", Some("nope".into()))
        .await
        .expect_err("bad code");
    assert_eq!(err.code(), Code::InvalidArgument);

    // A one-use code works once, then is exhausted.
    let once = create_invite(&admin, Some(1), None).await;
    assert_eq!((once.max_uses, once.uses), (Some(1), 0));
    let (_, second) = register(&server, "second", Some(once.code.clone()))
        .await
        .expect("valid code");
    assert!(
        !second.user.as_ref().is_some_and(|u| u.is_admin),
        "only the first user is admin"
    );
    let err = register(&server, "third", Some(once.code.clone()))
        .await
        .expect_err("exhausted");
    assert_eq!(err.code(), Code::InvalidArgument);
    assert!(err.message().contains("maximum uses"), "{}", err.message());

    // Revoked codes are refused.
    let revocable = create_invite(&admin, None, None).await;
    let revoked = admin
        .admin()
        .revoke_instance_invite(proto::RevokeInstanceInviteRequest {
            code: revocable.code.clone(),
        })
        .await
        .expect("revoke")
        .into_inner()
        .invite
        .expect("invite");
    assert!(revoked.revoked);
    let err = register(&server, "fourth", Some(revocable.code))
        .await
        .expect_err("revoked");
    assert!(err.message().contains("revoked"), "{}", err.message());

    // Expired codes are refused. Expiry is set in the past directly in the database rather
    // than by waiting for the clock.
    let expiring = create_invite(&admin, None, Some(3600)).await;
    assert!(expiring.expires_at.is_some());
    common::db_exec(
        &server,
        "UPDATE instance_invites SET expires_at = 1 WHERE code = $1",
        &expiring.code,
    )
    .await;
    let err = register(&server, "fifth", Some(expiring.code))
        .await
        .expect_err("expired");
    assert!(err.message().contains("expired"), "{}", err.message());

    // Usage is recorded and listed.
    let listed = admin
        .admin()
        .list_instance_invites(proto::ListInstanceInvitesRequest {
            page_size: 10,
            page_token: String::new(),
        })
        .await
        .expect("list")
        .into_inner()
        .invites;
    assert_eq!(listed.len(), 3);
    assert_eq!(
        listed.iter().find(|i| i.code == once.code).map(|i| i.uses),
        Some(1)
    );

    // Duplicate usernames, in any case, are refused.
    let dup = create_invite(&admin, None, None).await;
    for name in ["second", "SECOND", "Second"] {
        let err = register(&server, name, Some(dup.code.clone()))
            .await
            .expect_err("duplicate");
        assert_eq!(err.code(), Code::AlreadyExists, "{name}: {err:?}");
    }
    server.stop().await;
}

async fn registration_modes_and_admin_only_calls(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (admin, member) = admin_and_member(&server).await;

    // Members cannot use admin RPCs.
    let r = member
        .admin()
        .create_instance_invite(proto::CreateInstanceInviteRequest::default())
        .await;
    assert_eq!(r.map_err(|s| s.code()).err(), Some(Code::PermissionDenied));
    let r = member
        .admin()
        .get_instance_settings(proto::GetInstanceSettingsRequest {})
        .await;
    assert_eq!(r.map_err(|s| s.code()).err(), Some(Code::PermissionDenied));

    let set_mode = |mode: proto::RegistrationMode| {
        let admin = admin.clone();
        async move {
            admin
                .admin()
                .update_instance_settings(proto::UpdateInstanceSettingsRequest {
                    registration_mode: Some(mode.into()),
                    ..Default::default()
                })
                .await
                .expect("update settings")
                .into_inner()
                .settings
                .expect("settings")
        }
    };
    let s = set_mode(proto::RegistrationMode::Closed).await;
    assert_eq!(s.registration_mode(), proto::RegistrationMode::Closed);
    let err = register(&server, "closedout", None)
        .await
        .expect_err("closed");
    assert_eq!(err.code(), Code::FailedPrecondition);
    let code = create_invite(&admin, None, None).await.code;
    let err = register(&server, "closedcode", Some(code))
        .await
        .expect_err("closed even with code");
    assert_eq!(err.code(), Code::FailedPrecondition);

    set_mode(proto::RegistrationMode::Open).await;
    register(&server, "openwelcome", None)
        .await
        .expect("open registration");

    // Bad input is refused with field details.
    let err = register(&server, "x", None)
        .await
        .expect_err("short username");
    assert_eq!(err.code(), Code::InvalidArgument);
    let details = tonic_types::StatusExt::get_details_bad_request(&err).expect("field details");
    assert_eq!(details.field_violations[0].field, "username");
    let weak = server
        .client()
        .await
        .register(proto::RegisterRequest {
            username: "weakling".into(),
            password: "short".into(),
            ..Default::default()
        })
        .await;
    assert_eq!(code_of(weak), Code::InvalidArgument);
    server.stop().await;
}

async fn login_refresh_logout_and_password_change(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (admin, _) = register(&server, "alice", None).await.expect("register");

    // Wrong password and unknown user look the same.
    let anon = server.client().await;
    assert_eq!(
        code_of(anon.login("alice", "wrong-password").await),
        Code::Unauthenticated
    );
    assert_eq!(
        code_of(anon.login("nobody", "wrong-password").await),
        Code::Unauthenticated
    );

    // Login is case-insensitive on the username.
    let device = server.client().await;
    device
        .login("ALICE", "alice-password")
        .await
        .expect("login");
    assert_eq!(me(&device).await.expect("me").username, "alice");

    // Refresh rotates: the old refresh token stops working.
    let old_refresh = device.refresh_token().expect("refresh token");
    device.refresh().await.expect("refresh");
    let new_refresh = device.refresh_token().expect("rotated");
    assert_ne!(old_refresh, new_refresh);
    me(&device).await.expect("new access token works");
    let replay = server.client().await;
    replay.set_tokens("x", &old_refresh).expect("tokens");
    assert_eq!(code_of(replay.refresh().await), Code::Unauthenticated);
    // Replaying a rotated token is treated as theft: the whole session is revoked.
    assert_eq!(code_of(device.refresh().await), Code::Unauthenticated);
    assert_eq!(code_of(me(&device).await), Code::Unauthenticated);

    // Logout revokes the refresh token and the access token at once.
    let laptop = server.client().await;
    laptop
        .login("alice", "alice-password")
        .await
        .expect("login");
    let laptop_refresh = laptop.refresh_token().expect("refresh token");
    let laptop_copy = server.client().await;
    laptop_copy
        .set_tokens("x", &laptop_refresh)
        .expect("tokens");
    laptop.logout().await.expect("logout");
    assert_eq!(code_of(laptop_copy.refresh().await), Code::Unauthenticated);

    // Password change: other sessions die, the caller gets a fresh pair, the old password fails.
    let phone = server.client().await;
    phone.login("alice", "alice-password").await.expect("login");
    let wrong = admin
        .auth()
        .change_password(proto::ChangePasswordRequest {
            current_password: "not-it-at-all".into(),
            new_password: "brand-new-password".into(),
        })
        .await;
    assert_eq!(
        wrong.map_err(|s| s.code()).err(),
        Some(Code::PermissionDenied)
    );
    let fresh = admin
        .auth()
        .change_password(proto::ChangePasswordRequest {
            current_password: "alice-password".into(),
            new_password: "brand-new-password".into(),
        })
        .await
        .expect("change password")
        .into_inner();
    assert_eq!(
        code_of(me(&phone).await),
        Code::Unauthenticated,
        "other session revoked"
    );
    assert_eq!(code_of(phone.refresh().await), Code::Unauthenticated);
    assert_eq!(
        code_of(me(&admin).await),
        Code::Unauthenticated,
        "caller's old token revoked"
    );
    admin
        .set_tokens(&fresh.access_token, &fresh.refresh_token)
        .expect("tokens");
    me(&admin).await.expect("fresh pair works");
    assert_eq!(
        code_of(anon.login("alice", "alice-password").await),
        Code::Unauthenticated
    );
    anon.login("alice", "brand-new-password")
        .await
        .expect("new password");
    server.stop().await;
}

fn forge(claims: serde_json::Value, secret: &str) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("encode")
}

async fn bad_tokens_are_unauthenticated(backend: Backend) {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    let server = TestServer::start(backend).await;
    let (alice, reg) = register(&server, "alice", None).await.expect("register");
    let user = reg.user.expect("user");
    let sid = "1";
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64;
    let claims = |exp: i64| serde_json::json!({ "sub": user.id, "sid": sid, "iat": now, "exp": exp, "iss": "decentra" });
    // Sanity: a well-formed token signed with the server's key is accepted…
    let good = forge(claims(now + 600), JWT_SECRET);
    let probe = server.client().await;
    probe.set_tokens(&good, "r").expect("tokens");
    me(&probe).await.expect("forged with the real key works");

    let tampered = {
        let mut parts: Vec<String> = reg.access_token.split('.').map(str::to_owned).collect();
        let mut payload: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&parts[1]).expect("b64")).expect("json");
        payload["sub"] = serde_json::json!("12345");
        parts[1] = URL_SAFE_NO_PAD.encode(payload.to_string());
        parts.join(".")
    };
    let alg_none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(claims(now + 600).to_string())
    );
    let cases = [
        ("expired", forge(claims(now - 3600), JWT_SECRET)),
        (
            "wrong key",
            forge(claims(now + 600), "another-secret-another-secret-another"),
        ),
        ("tampered payload", tampered),
        ("alg none", alg_none),
        ("garbage", "not.a.jwt".to_owned()),
    ];
    for (name, token) in cases {
        let c = server.client().await;
        c.set_tokens(&token, "r").expect("tokens");
        assert_eq!(code_of(me(&c).await), Code::Unauthenticated, "{name}");
    }

    // No token at all on protected RPCs (including not-yet-built ones) → UNAUTHENTICATED.
    let anon = server.client().await;
    assert_eq!(code_of(me(&anon).await), Code::Unauthenticated);
    let r = anon
        .servers()
        .list_servers(proto::ListServersRequest::default())
        .await;
    assert_eq!(r.map_err(|s| s.code()).err(), Some(Code::Unauthenticated));
    let r = anon.auth().logout(proto::LogoutRequest::default()).await;
    assert_eq!(r.map_err(|s| s.code()).err(), Some(Code::Unauthenticated));
    // Authenticated, the same kind of call passes the auth layer (every service is built).
    alice
        .voice()
        .get_ice_servers(proto::GetIceServersRequest::default())
        .await
        .expect("an authenticated call is answered");
    server.stop().await;
}

async fn users_and_sessions_survive_restart(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (alice, reg) = register(&server, "alice", None).await.expect("register");
    let code = create_invite(&alice, Some(5), None).await.code;
    register(&server, "bob", Some(code.clone()))
        .await
        .expect("bob");

    let server = server.restart().await;
    // Same data: the old access and refresh tokens still work on the new process (the JWT
    // secret and sessions are persisted), users can log in, the invite count persisted.
    let alice2 = server.client().await;
    alice2
        .set_tokens(&reg.access_token, &reg.refresh_token)
        .expect("tokens");
    assert_eq!(
        me(&alice2).await.expect("access token survives").username,
        "alice"
    );
    alice2.refresh().await.expect("refresh token survives");
    let bob = server.client().await;
    bob.login("bob", "bob-password")
        .await
        .expect("bob logs in after restart");
    let invites = alice2
        .admin()
        .list_instance_invites(proto::ListInstanceInvitesRequest::default())
        .await
        .expect("list")
        .into_inner()
        .invites;
    assert_eq!(
        invites.iter().find(|i| i.code == code).map(|i| i.uses),
        Some(1)
    );
    // Still not a fresh instance: a new registration needs a code.
    assert!(register(&server, "carol", None).await.is_err());
    drop(alice);
    server.stop().await;
}

async fn login_is_rate_limited(backend: Backend) {
    let server = TestServer::start_with(backend, |c| c.auth_rate_per_username = 3).await;
    register(&server, "alice", None).await.expect("register"); // 1st attempt for "alice"
    let c = server.client().await;
    c.login("alice", "wrong-password").await.expect_err("wrong");
    c.login("alice", "alice-password")
        .await
        .expect("3rd attempt allowed");
    let status = match c.login("alice", "alice-password").await {
        Err(decentra_sdk::Error::Status(s)) => s,
        other => panic!("expected RESOURCE_EXHAUSTED, got {other:?}"),
    };
    assert_eq!(status.code(), Code::ResourceExhausted);
    let retry = tonic_types::StatusExt::get_details_retry_info(&status).expect("retry info");
    assert!(retry.retry_delay.is_some_and(|d| d.as_secs() >= 1));
    assert!(status.metadata().get("retry-after").is_some());
    // Another username is not affected.
    assert_eq!(
        code_of(c.login("someone", "whatever-pass").await),
        Code::Unauthenticated
    );

    // REST answers 429 with Retry-After and the same error body shape.
    let resp = reqwest::Client::new()
        .post(format!("{}/api/v1/auth/login", server.url()))
        .json(&serde_json::json!({"username": "alice", "password": "alice-password"}))
        .send()
        .await
        .expect("rest");
    assert_eq!(resp.status(), 429);
    assert!(resp.headers().get("retry-after").is_some());
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["code"], "RESOURCE_EXHAUSTED");
    server.stop().await;
}

/// More logins in flight than hash slots: every login succeeds, and the hasher never runs
/// more argon2 hashes (19 MiB each) at once than it was configured for.
async fn concurrent_logins_never_exceed_the_hash_slots(backend: Backend) {
    const SLOTS: usize = 2;
    let server = TestServer::start_with(backend, |c| c.password_hash_concurrency = SLOTS).await;
    register(&server, "alice", None).await.expect("register");
    let logins: Vec<_> = (0..SLOTS + 5)
        .map(|_| {
            let url = server.url();
            tokio::spawn(async move {
                let c = Client::connect(url).await.expect("connect");
                c.login("alice", "alice-password").await.map(|_| ())
            })
        })
        .collect();
    for login in logins {
        login.await.expect("task").expect("login succeeds");
    }
    let high_water = server.password_hasher.high_water_mark();
    assert!(
        (1..=SLOTS).contains(&high_water),
        "{high_water} hashes ran at once"
    );
    server.stop().await;
}

backend_tests!(
    concurrent_logins_never_exceed_the_hash_slots,
    first_user_is_admin_and_invites_gate_registration,
    registration_modes_and_admin_only_calls,
    login_refresh_logout_and_password_change,
    bad_tokens_are_unauthenticated,
    users_and_sessions_survive_restart,
    login_is_rate_limited,
);
