//! E-mail against a real SMTP server (aiosmtpd on loopback): verification and password-reset
//! mails arrive and their tokens work exactly once; mail queued while SMTP is down is
//! delivered once it is back, across a restart; the SMTP password is sealed at rest and never
//! read back or logged; the admin's user tools and their refusals. On both backends.

mod common;

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    sync::{Arc, Mutex},
    time::Duration,
};

use common::{
    Backend, JWT_SECRET, TestServer, create_server, db_count, db_scalar,
    events::Events,
    join, pg,
    smtp::{SmtpSink, free_port, wait_for_mail},
};
use decentra_sdk::{
    Client, proto,
    tonic::{Code, Request},
};

backend_tests!(
    verification_mail_arrives_and_its_token_works_once,
    password_reset_by_mail_works_once_and_revokes_sessions,
    mail_queued_while_smtp_is_down_is_delivered_after_a_restart,
    a_stopping_mail_worker_hands_back_a_stalled_send,
    admin_user_tools_and_their_refusals,
    smtp_password_is_sealed_and_never_read_or_logged,
    admin_lists_and_deletes_servers,
    admin_changes_are_in_the_instance_audit_log,
    settings_and_invite_changes_are_in_the_instance_audit_log,
    notification_mail_once_per_offline_period_and_only_to_opted_in_offline_users,
    unsubscribe_link_turns_notifications_off_once,
    a_pending_notification_survives_a_restart,
);

const SMTP_PASSWORD: &str = "Sm7p-s3cret-never-shown";
const TURN_SECRET: &str = "Turn-s3cret-never-audited";

/// A server whose mail links and retries suit tests (retries within a second).
async fn mail_server(backend: Backend) -> TestServer {
    TestServer::start_with(backend, |c| {
        c.public_url = "http://chat.test".to_owned();
        c.mail_retry_base_ms = 100;
        c.mail_retry_max_ms = 1_000;
    })
    .await
}

/// Points the instance's SMTP settings at 127.0.0.1:`port` (no TLS, no login) and applies
/// `tweak` to the rest of the patch.
async fn use_smtp(
    admin: &Client,
    port: u16,
    tweak: impl FnOnce(&mut proto::UpdateInstanceSettingsRequest),
) -> proto::InstanceSettings {
    let mut req = proto::UpdateInstanceSettingsRequest {
        instance_name: Some("Test Chat".to_owned()),
        smtp: Some(proto::SmtpSettingsUpdate {
            enabled: Some(true),
            host: Some("127.0.0.1".to_owned()),
            port: Some(u32::from(port)),
            tls_mode: Some(proto::SmtpTlsMode::None as i32),
            from_address: Some("noreply@chat.test".to_owned()),
            from_name: Some("Test Chat".to_owned()),
            username: Some(String::new()),
            ..Default::default()
        }),
        ..Default::default()
    };
    tweak(&mut req);
    admin
        .admin()
        .update_instance_settings(req)
        .await
        .expect("update settings")
        .into_inner()
        .settings
        .expect("settings")
}

/// Registers the instance's first account, "admin" (which makes it the instance admin),
/// without an e-mail address.
async fn register_admin(server: &TestServer) -> Client {
    let admin = server.client().await;
    admin
        .register(proto::RegisterRequest {
            username: "admin".into(),
            password: "admin-password".into(),
            ..Default::default()
        })
        .await
        .expect("admin");
    admin
}

async fn register_with_email(server: &TestServer, username: &str, email: &str) -> Client {
    let client = server.client().await;
    client
        .register(proto::RegisterRequest {
            username: username.to_owned(),
            password: format!("{username}-password"),
            email: Some(email.to_owned()),
            invite_code: None,
        })
        .await
        .expect("register");
    client
}

fn code<T: std::fmt::Debug>(r: Result<T, decentra_sdk::tonic::Status>) -> Code {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(s) => s.code(),
    }
}

/// Runs one statement on the server's database (to age tokens without waiting).
async fn sql(server: &TestServer, statement: &'static str) {
    use sqlx::Connection;
    if server.database_url.starts_with("sqlite:") {
        let mut c = sqlx::SqliteConnection::connect(&server.database_url)
            .await
            .expect("sqlite");
        sqlx::query(statement).execute(&mut c).await.expect("sql");
    } else {
        let mut c = sqlx::PgConnection::connect(&server.database_url)
            .await
            .expect("pg");
        sqlx::query(statement).execute(&mut c).await.expect("sql");
    }
}

async fn verification_mail_arrives_and_its_token_works_once(backend: Backend) {
    let maildir = tempfile::tempdir().expect("maildir");
    let sink = SmtpSink::start(free_port(), maildir.path()).await;
    let server = mail_server(backend).await;
    let admin = register_admin(&server).await;
    use_smtp(&admin, sink.port, |r| {
        r.registration_mode = Some(proto::RegistrationMode::Open as i32);
        r.require_email_verification = Some(true);
    })
    .await;

    // Verification required: registering without an address is refused.
    let nobody = server.client().await;
    let refused = nobody
        .register(proto::RegisterRequest {
            username: "noaddress".into(),
            password: "noaddress-password".into(),
            ..Default::default()
        })
        .await;
    assert_eq!(refused.expect_err("no email").code(), Code::InvalidArgument);

    let ann = register_with_email(&server, "ann", "ann@example.test").await;
    let mail = sink
        .wait_for("ann@example.test", "Verify your e-mail")
        .await;
    assert!(mail.text.contains("Test Chat") && mail.html.contains("Test Chat"));
    assert!(mail.text.contains("http://chat.test/verify-email?token="));
    assert!(common::smtp::header(&mail.raw, "From").contains("noreply@chat.test"));
    let token = mail.token("verify-email");

    // Unverified: may sign in and read, may not create or join servers.
    let me = ann.me().await.expect("me");
    assert!(!me.email_verified);
    let blocked = ann
        .servers()
        .create_server(proto::CreateServerRequest {
            name: "Ann's".into(),
            ..Default::default()
        })
        .await;
    assert_eq!(code(blocked), Code::FailedPrecondition);
    let owned = create_server(&admin, "Admin's").await;
    let invite = admin
        .invites()
        .create_invite(proto::CreateInviteRequest {
            server_id: owned.id.clone(),
            ..Default::default()
        })
        .await
        .expect("invite")
        .into_inner()
        .invite
        .expect("invite");
    let join = ann
        .invites()
        .accept_invite(proto::AcceptInviteRequest {
            code: invite.code.clone(),
        })
        .await;
    assert_eq!(code(join), Code::FailedPrecondition);

    // A wrong token is refused; the right one works once.
    let anon = server.client().await;
    let wrong = anon
        .auth()
        .verify_email(proto::VerifyEmailRequest {
            token: "not-a-token".into(),
        })
        .await;
    assert_eq!(code(wrong), Code::NotFound);
    anon.auth()
        .verify_email(proto::VerifyEmailRequest {
            token: token.clone(),
        })
        .await
        .expect("verify");
    let again = anon
        .auth()
        .verify_email(proto::VerifyEmailRequest { token })
        .await;
    assert_eq!(code(again), Code::NotFound);
    assert!(ann.me().await.expect("me").email_verified);
    ann.invites()
        .accept_invite(proto::AcceptInviteRequest { code: invite.code })
        .await
        .expect("verified users may join");

    // Changing the address re-verifies it; an expired token is refused; resending is limited.
    let changed = ann
        .auth()
        .change_email(proto::ChangeEmailRequest {
            current_password: "ann-password".into(),
            email: "ann2@example.test".into(),
        })
        .await
        .expect("change email")
        .into_inner()
        .user
        .expect("user");
    assert_eq!(changed.email, "ann2@example.test");
    assert!(!changed.email_verified);
    let first = sink
        .wait_for("ann2@example.test", "Verify your e-mail")
        .await;
    sql(
        &server,
        "UPDATE email_tokens SET expires_at = 1, created_at = 1",
    )
    .await;
    let expired = anon
        .auth()
        .verify_email(proto::VerifyEmailRequest {
            token: first.token("verify-email"),
        })
        .await;
    assert_eq!(code(expired), Code::NotFound);
    ann.auth()
        .resend_verification_email(proto::ResendVerificationEmailRequest {})
        .await
        .expect("resend");
    let too_soon = ann
        .auth()
        .resend_verification_email(proto::ResendVerificationEmailRequest {})
        .await;
    assert_eq!(code(too_soon), Code::ResourceExhausted);
    let mails = wait_for_mail(maildir.path(), "ann2@example.test", "Verify", 2).await;
    let fresh = mails.last().expect("second mail").token("verify-email");
    anon.auth()
        .verify_email(proto::VerifyEmailRequest { token: fresh })
        .await
        .expect("fresh token verifies");
    assert!(ann.me().await.expect("me").email_verified);
    server.stop().await;
}

async fn password_reset_by_mail_works_once_and_revokes_sessions(backend: Backend) {
    let maildir = tempfile::tempdir().expect("maildir");
    let sink = SmtpSink::start(free_port(), maildir.path()).await;
    let server = mail_server(backend).await;
    let admin = register_with_email(&server, "admin", "admin@example.test").await;
    use_smtp(&admin, sink.port, |r| {
        r.registration_mode = Some(proto::RegistrationMode::Open as i32);
    })
    .await;
    let bob = register_with_email(&server, "bob", "Bob@Example.test").await;
    let old_refresh = bob.refresh_token().expect("refresh token");

    // The same answer for a known and an unknown address; only the known one gets mail.
    let anon = server.client().await;
    for email in ["nobody@example.test", "bob@example.test"] {
        anon.auth()
            .request_password_reset(proto::RequestPasswordResetRequest {
                email: email.to_owned(),
            })
            .await
            .expect("same answer either way");
    }
    let bad = anon
        .auth()
        .request_password_reset(proto::RequestPasswordResetRequest {
            email: "not an address".into(),
        })
        .await;
    assert_eq!(code(bad), Code::InvalidArgument);
    let mail = sink
        .wait_for("Bob@Example.test", "Reset your password")
        .await;
    assert!(mail.text.contains("http://chat.test/reset-password?token="));
    let token = mail.token("reset-password");

    let weak = anon
        .auth()
        .reset_password(proto::ResetPasswordRequest {
            token: token.clone(),
            new_password: "short".into(),
        })
        .await;
    assert_eq!(code(weak), Code::InvalidArgument);
    anon.auth()
        .reset_password(proto::ResetPasswordRequest {
            token: token.clone(),
            new_password: "brand-new-password".into(),
        })
        .await
        .expect("reset");
    let reused = anon
        .auth()
        .reset_password(proto::ResetPasswordRequest {
            token,
            new_password: "another-password".into(),
        })
        .await;
    assert_eq!(code(reused), Code::NotFound);

    // Every session is gone: the access token and the refresh token are refused.
    assert_eq!(
        bob.me().await.expect_err("revoked").code(),
        Code::Unauthenticated
    );
    let refresh = anon
        .auth()
        .refresh_token(proto::RefreshTokenRequest {
            refresh_token: old_refresh,
        })
        .await;
    assert_eq!(code(refresh), Code::Unauthenticated);
    let fresh = server.client().await;
    assert_eq!(
        fresh
            .login("bob", "bob-password")
            .await
            .expect_err("old password")
            .code(),
        Code::Unauthenticated
    );
    fresh
        .login("bob", "brand-new-password")
        .await
        .expect("new password works");

    // An expired reset token is refused.
    anon.auth()
        .request_password_reset(proto::RequestPasswordResetRequest {
            email: "bob@example.test".into(),
        })
        .await
        .expect("request");
    let mails = wait_for_mail(maildir.path(), "Bob@Example.test", "Reset", 2).await;
    sql(&server, "UPDATE email_tokens SET expires_at = 1").await;
    let expired = anon
        .auth()
        .reset_password(proto::ResetPasswordRequest {
            token: mails.last().expect("mail").token("reset-password"),
            new_password: "expired-token-password".into(),
        })
        .await;
    assert_eq!(code(expired), Code::NotFound);
    server.stop().await;
}

async fn mail_queued_while_smtp_is_down_is_delivered_after_a_restart(backend: Backend) {
    // The SMTP server's virtualenv is made before the mail is queued: its first set-up (a
    // package install) must not eat into the mail's retries.
    tokio::task::spawn_blocking(common::smtp::python)
        .await
        .expect("aiosmtpd virtualenv");
    let maildir = tempfile::tempdir().expect("maildir");
    let port = free_port();
    let server = mail_server(backend).await;
    let admin = register_admin(&server).await;
    // Nothing listens on `port` yet.
    use_smtp(&admin, port, |r| {
        r.registration_mode = Some(proto::RegistrationMode::Open as i32);
        r.require_email_verification = Some(true);
    })
    .await;
    let carol = register_with_email(&server, "carol", "carol@example.test").await;
    assert_eq!(carol.me().await.expect("signed in").username, "carol");

    // The server goes down and comes back with the mail still queued; then SMTP comes up.
    // The stopped server's worker records (or hands back) a send in flight before the
    // restart returns, so the mail is never left leased to a process that is gone.
    let server = server.restart().await;
    let sink = SmtpSink::start(port, maildir.path()).await;
    let mail = sink
        .wait_for("carol@example.test", "Verify your e-mail")
        .await;
    let anon = server.client().await;
    anon.auth()
        .verify_email(proto::VerifyEmailRequest {
            token: mail.token("verify-email"),
        })
        .await
        .expect("the delayed token works");
    // Delivered once, not once per attempt.
    assert_eq!(
        wait_for_mail(maildir.path(), "carol@example.test", "Verify", 1)
            .await
            .len(),
        1
    );
    server.stop().await;
}

async fn admin_user_tools_and_their_refusals(backend: Backend) {
    let server = mail_server(backend).await;
    let (admin, member) = common::admin_and_member(&server).await;
    let member_id = member.me().await.expect("me").id;
    let admin_id = admin.me().await.expect("me").id;

    // Non-admins are refused, over gRPC…
    assert_eq!(
        code(
            member
                .admin()
                .list_users(proto::ListUsersRequest::default())
                .await
        ),
        Code::PermissionDenied
    );
    assert_eq!(
        code(
            member
                .admin()
                .update_user(proto::UpdateUserRequest {
                    user_id: admin_id.clone(),
                    disabled: Some(true),
                    ..Default::default()
                })
                .await
        ),
        Code::PermissionDenied
    );
    assert_eq!(
        code(
            member
                .admin()
                .delete_user(proto::DeleteUserRequest {
                    user_id: admin_id.clone(),
                })
                .await
        ),
        Code::PermissionDenied
    );
    assert_eq!(
        code(
            member
                .admin()
                .send_test_email(proto::SendTestEmailRequest {
                    to: "x@example.test".into(),
                })
                .await
        ),
        Code::PermissionDenied
    );
    // …and over REST.
    let http = reqwest::Client::new();
    let member_rest = server.client().await;
    let signed_in = member_rest
        .login("member", "member-password")
        .await
        .expect("login");
    for (method, path, body) in [
        (reqwest::Method::GET, "/api/v1/admin/users".to_owned(), None),
        (
            reqwest::Method::PATCH,
            format!("/api/v1/admin/users/{admin_id}"),
            Some(serde_json::json!({"disabled": true})),
        ),
        (
            reqwest::Method::DELETE,
            format!("/api/v1/admin/users/{admin_id}"),
            None,
        ),
        (
            reqwest::Method::POST,
            "/api/v1/admin/test-email".to_owned(),
            Some(serde_json::json!({"to": "x@example.test"})),
        ),
    ] {
        let mut rq = http
            .request(method.clone(), format!("{}{path}", server.url()))
            .bearer_auth(&signed_in.access_token);
        if let Some(b) = body {
            rq = rq.json(&b);
        }
        let status = rq.send().await.expect("rest").status();
        assert_eq!(status, reqwest::StatusCode::FORBIDDEN, "{method} {path}");
        let anonymous = http
            .request(method.clone(), format!("{}{path}", server.url()))
            .send()
            .await
            .expect("rest")
            .status();
        assert_eq!(
            anonymous,
            reqwest::StatusCode::UNAUTHORIZED,
            "{method} {path}"
        );
    }

    // Listing: search and paging.
    for name in ["dora", "dorian", "eve"] {
        common::register(
            &server,
            name,
            Some(common::create_invite(&admin, None, None).await.code),
        )
        .await
        .expect("register");
    }
    let found = admin
        .admin()
        .list_users(proto::ListUsersRequest {
            query: "DOR".into(),
            ..Default::default()
        })
        .await
        .expect("search")
        .into_inner();
    let names: Vec<_> = found.users.iter().map(|u| u.username.as_str()).collect();
    assert_eq!(names, ["dora", "dorian"]);
    let mut seen = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = admin
            .admin()
            .list_users(proto::ListUsersRequest {
                page_size: 2,
                page_token: page_token.clone(),
                query: String::new(),
            })
            .await
            .expect("page")
            .into_inner();
        assert!(page.users.len() <= 2);
        seen.extend(page.users.into_iter().map(|u| u.username));
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    assert_eq!(seen, ["admin", "member", "dora", "dorian", "eve"]);

    // Never demote or disable the last admin, nor oneself.
    assert_eq!(
        code(
            admin
                .admin()
                .update_user(proto::UpdateUserRequest {
                    user_id: admin_id.clone(),
                    is_admin: Some(false),
                    ..Default::default()
                })
                .await
        ),
        Code::FailedPrecondition
    );
    assert_eq!(
        code(
            admin
                .admin()
                .update_user(proto::UpdateUserRequest {
                    user_id: admin_id.clone(),
                    disabled: Some(true),
                    ..Default::default()
                })
                .await
        ),
        Code::FailedPrecondition
    );
    assert_eq!(
        code(
            admin
                .admin()
                .update_user(proto::UpdateUserRequest {
                    user_id: "12345".into(),
                    disabled: Some(true),
                    ..Default::default()
                })
                .await
        ),
        Code::NotFound
    );
    assert_eq!(
        code(
            admin
                .admin()
                .update_user(proto::UpdateUserRequest {
                    user_id: "not-an-id".into(),
                    ..Default::default()
                })
                .await
        ),
        Code::InvalidArgument
    );

    // Promote, then the first admin may step down: the member is now the last admin.
    let promoted = admin
        .admin()
        .update_user(proto::UpdateUserRequest {
            user_id: member_id.clone(),
            is_admin: Some(true),
            ..Default::default()
        })
        .await
        .expect("promote")
        .into_inner()
        .user
        .expect("user");
    assert!(promoted.is_admin);
    admin
        .admin()
        .update_user(proto::UpdateUserRequest {
            user_id: admin_id.clone(),
            is_admin: Some(false),
            ..Default::default()
        })
        .await
        .expect("demote self while another admin exists");
    assert_eq!(
        code(
            member
                .admin()
                .update_user(proto::UpdateUserRequest {
                    user_id: member_id.clone(),
                    is_admin: Some(false),
                    ..Default::default()
                })
                .await
        ),
        Code::FailedPrecondition
    );
    member
        .admin()
        .update_user(proto::UpdateUserRequest {
            user_id: admin_id.clone(),
            is_admin: Some(true),
            ..Default::default()
        })
        .await
        .expect("promote back");

    // Disabling ends the user's sessions and event stream at once.
    let eve = server.client().await;
    eve.login("eve", "eve-password").await.expect("login");
    let eve_id = eve.me().await.expect("me").id;
    let mut stream = eve
        .event_service()
        .subscribe(proto::SubscribeRequest::default())
        .await
        .expect("subscribe")
        .into_inner();
    let ready = stream.message().await.expect("ready").expect("ready");
    assert!(matches!(
        ready.event,
        Some(proto::subscribe_response::Event::Ready(_))
    ));
    admin
        .admin()
        .update_user(proto::UpdateUserRequest {
            user_id: eve_id.clone(),
            disabled: Some(true),
            ..Default::default()
        })
        .await
        .expect("disable");
    tokio::time::timeout(Duration::from_secs(30), async {
        // Anything still queued drains; then the stream ends (or errors).
        while let Ok(Some(_)) = stream.message().await {}
    })
    .await
    .expect("the stream ended");
    assert_eq!(
        eve.me().await.expect_err("revoked").code(),
        Code::Unauthenticated
    );
    let again = server.client().await;
    assert_eq!(
        again
            .login("eve", "eve-password")
            .await
            .expect_err("disabled")
            .code(),
        Code::PermissionDenied
    );

    // Deleting: owners of servers are refused until they no longer own one; self is refused.
    let dora = server.client().await;
    dora.login("dora", "dora-password").await.expect("login");
    let dora_id = dora.me().await.expect("me").id;
    let owned = create_server(&dora, "Dora's").await;
    assert_eq!(
        code(
            admin
                .admin()
                .delete_user(proto::DeleteUserRequest {
                    user_id: dora_id.clone(),
                })
                .await
        ),
        Code::FailedPrecondition
    );
    dora.servers()
        .delete_server(proto::DeleteServerRequest {
            server_id: owned.id,
        })
        .await
        .expect("delete server");
    admin
        .admin()
        .delete_user(proto::DeleteUserRequest {
            user_id: dora_id.clone(),
        })
        .await
        .expect("delete user");
    assert_eq!(
        dora.me().await.expect_err("gone").code(),
        Code::Unauthenticated
    );
    assert_eq!(
        code(
            admin
                .admin()
                .delete_user(proto::DeleteUserRequest { user_id: dora_id })
                .await
        ),
        Code::NotFound
    );
    assert_eq!(
        code(
            admin
                .admin()
                .delete_user(proto::DeleteUserRequest { user_id: admin_id })
                .await
        ),
        Code::FailedPrecondition
    );
    server.stop().await;
}

/// The real binary, its log captured: the SMTP password set through the API never comes back
/// in a read (gRPC or REST), an error, the test mail's report or a log line, and it is not
/// stored in clear.
async fn smtp_password_is_sealed_and_never_read_or_logged(backend: Backend) {
    let maildir = tempfile::tempdir().expect("maildir");
    let sink = SmtpSink::start(free_port(), maildir.path()).await;
    let data_dir = tempfile::tempdir().expect("data dir");
    let pg_db = match backend {
        Backend::Postgres => Some(pg::fresh_database().await),
        Backend::Sqlite => None,
    };
    let database_url = match &pg_db {
        Some(db) => db.url.clone(),
        None => format!("sqlite://{}", data_dir.path().join("decentra.db").display()),
    };
    let port = free_port();
    let log = Arc::new(Mutex::new(String::new()));
    let mut child = Command::new(env!("CARGO_BIN_EXE_decentra"))
        .env("DECENTRA_BIND", format!("127.0.0.1:{port}"))
        .env("DECENTRA_DATA_DIR", data_dir.path())
        .env("DATABASE_URL", &database_url)
        .env("DECENTRA_JWT_SECRET", JWT_SECRET)
        .env("DECENTRA_LOG", "debug")
        .env("DECENTRA_MAIL_RETRY_BASE_MS", "100")
        .env("DECENTRA_MAIL_RETRY_MAX_MS", "1000")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn decentra");
    let (listening, ready) = tokio::sync::oneshot::channel();
    let mut listening = Some(listening);
    let mut readers = Vec::new();
    for pipe in [
        Box::new(child.stdout.take().expect("stdout")) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().expect("stderr")),
    ] {
        let log = Arc::clone(&log);
        let tx = listening.take();
        readers.push(std::thread::spawn(move || {
            let mut tx = tx;
            for line in BufReader::new(pipe).lines() {
                let Ok(line) = line else { break };
                if line.contains("listening")
                    && let Some(tx) = tx.take()
                {
                    let _ = tx.send(());
                }
                let mut log = log.lock().unwrap_or_else(|e| e.into_inner());
                log.push_str(&line);
                log.push('\n');
            }
        }));
    }
    tokio::time::timeout(Duration::from_secs(60), ready)
        .await
        .expect("server did not start within 60 s")
        .expect("server exited before listening");
    let url = format!("http://127.0.0.1:{port}");
    let admin = Client::connect(url.clone()).await.expect("connect");
    let signed_in = admin
        .register(proto::RegisterRequest {
            username: "admin".into(),
            password: "admin-password".into(),
            ..Default::default()
        })
        .await
        .expect("admin");

    // Set a login: aiosmtpd offers no AUTH, so the test mail is refused with the server's
    // reason, which must not hold the password.
    let saved = use_smtp(&admin, sink.port, |r| {
        if let Some(smtp) = r.smtp.as_mut() {
            smtp.username = Some("mailer".into());
            smtp.password = Some(SMTP_PASSWORD.into());
        }
    })
    .await;
    let smtp = saved.smtp.expect("smtp");
    assert!(smtp.password.is_empty() && smtp.password_set);
    let report = admin
        .admin()
        .send_test_email(proto::SendTestEmailRequest {
            to: "admin@example.test".into(),
        })
        .await
        .expect("test e-mail")
        .into_inner();
    assert!(!report.accepted);
    assert!(!report.server_reply.is_empty());
    assert!(!report.server_reply.contains(SMTP_PASSWORD));
    let bad = admin
        .admin()
        .send_test_email(proto::SendTestEmailRequest { to: "nope".into() })
        .await
        .expect_err("bad address");
    assert_eq!(bad.code(), Code::InvalidArgument);
    assert!(!bad.message().contains(SMTP_PASSWORD));

    // A mail the server cannot send (the AUTH step fails) is logged and retried.
    let user = Client::connect(url.clone()).await.expect("connect");
    admin
        .admin()
        .update_instance_settings(proto::UpdateInstanceSettingsRequest {
            registration_mode: Some(proto::RegistrationMode::Open as i32),
            ..Default::default()
        })
        .await
        .expect("open");
    user.register(proto::RegisterRequest {
        username: "fay".into(),
        password: "fay-password".into(),
        email: Some("fay@example.test".into()),
        invite_code: None,
    })
    .await
    .expect("register");

    // Without the login the same settings deliver, and the answer is reported.
    use_smtp(&admin, sink.port, |_| {}).await;
    let report = admin
        .admin()
        .send_test_email(proto::SendTestEmailRequest {
            to: "admin@example.test".into(),
        })
        .await
        .expect("test e-mail")
        .into_inner();
    assert!(report.accepted, "{}", report.server_reply);
    assert!(
        report.server_reply.starts_with("250"),
        "{}",
        report.server_reply
    );
    sink.wait_for("admin@example.test", "Test e-mail from Test Chat")
        .await;
    sink.wait_for("fay@example.test", "Verify your e-mail")
        .await;

    // Reads over gRPC and REST never hold it.
    let read = admin
        .admin()
        .get_instance_settings(Request::new(proto::GetInstanceSettingsRequest {}))
        .await
        .expect("read")
        .into_inner()
        .settings
        .expect("settings")
        .smtp
        .expect("smtp");
    assert!(read.password.is_empty());
    let rest = reqwest::Client::new()
        .get(format!("{url}/api/v1/admin/settings"))
        .bearer_auth(&signed_in.access_token)
        .send()
        .await
        .expect("rest")
        .text()
        .await
        .expect("body");
    assert!(
        rest.contains("127.0.0.1") && !rest.contains(SMTP_PASSWORD),
        "{rest}"
    );

    // Not in the database in clear.
    use sqlx::Connection;
    let stored: String = if database_url.starts_with("sqlite:") {
        let mut c = sqlx::SqliteConnection::connect(&database_url)
            .await
            .expect("sqlite");
        sqlx::query_scalar("SELECT data FROM instance_settings")
            .fetch_one(&mut c)
            .await
            .expect("settings row")
    } else {
        let mut c = sqlx::PgConnection::connect(&database_url)
            .await
            .expect("pg");
        sqlx::query_scalar("SELECT data FROM instance_settings")
            .fetch_one(&mut c)
            .await
            .expect("settings row")
    };
    assert!(stored.contains("password_sealed") && !stored.contains(SMTP_PASSWORD));

    let _ = child.kill();
    let _ = child.wait();
    for r in readers {
        let _ = r.join();
    }
    let log = log.lock().unwrap_or_else(|e| e.into_inner()).clone();
    assert!(
        log.contains("mail not sent; will retry"),
        "the failed attempt is logged"
    );
    assert!(log.contains("mail sent"), "the delivery is logged");
    assert!(
        !log.contains(SMTP_PASSWORD),
        "the SMTP password appears in the log"
    );
    drop(pg_db);
}

/// Every server of the instance with its owner and member count (search and paging), and
/// deleting one as an admin: its members are told, it is gone, the deletion is in the
/// instance audit log. Non-admins are refused over gRPC and REST.
async fn admin_lists_and_deletes_servers(backend: Backend) {
    let server = mail_server(backend).await;
    let (admin, member) = common::admin_and_member(&server).await;
    let alpha = create_server(&member, "Alpha").await;
    let beta = create_server(&member, "Beta Club").await;
    let gamma = create_server(&admin, "Gamma").await;
    common::join(&member, &admin, &alpha.id).await;

    // Non-admins are refused, over gRPC…
    assert_eq!(
        code(
            member
                .admin()
                .list_instance_servers(proto::ListInstanceServersRequest::default())
                .await
        ),
        Code::PermissionDenied
    );
    assert_eq!(
        code(
            member
                .admin()
                .delete_instance_server(proto::DeleteInstanceServerRequest {
                    server_id: gamma.id.clone(),
                })
                .await
        ),
        Code::PermissionDenied
    );
    // …and over REST.
    let signed_in = server
        .client()
        .await
        .login("member", "member-password")
        .await
        .expect("login");
    let http = reqwest::Client::new();
    for (method, path) in [
        (reqwest::Method::GET, "/api/v1/admin/servers".to_owned()),
        (
            reqwest::Method::DELETE,
            format!("/api/v1/admin/servers/{}", gamma.id),
        ),
    ] {
        let status = http
            .request(method.clone(), format!("{}{path}", server.url()))
            .bearer_auth(&signed_in.access_token)
            .send()
            .await
            .expect("rest")
            .status();
        assert_eq!(status, reqwest::StatusCode::FORBIDDEN, "{method} {path}");
    }

    // Search: a case-insensitive substring of the name, with owner and member count.
    let found = admin
        .admin()
        .list_instance_servers(proto::ListInstanceServersRequest {
            query: "CLUB".into(),
            ..Default::default()
        })
        .await
        .expect("search")
        .into_inner();
    assert_eq!(found.servers.len(), 1);
    let club = &found.servers[0];
    assert_eq!(club.server.as_ref().expect("server").id, beta.id);
    assert_eq!(club.owner_username, "member");
    assert_eq!(club.server.as_ref().expect("server").member_count, 1);
    // Paging, oldest first; over REST too.
    let mut seen = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = admin
            .admin()
            .list_instance_servers(proto::ListInstanceServersRequest {
                page_size: 2,
                page_token: page_token.clone(),
                query: String::new(),
            })
            .await
            .expect("page")
            .into_inner();
        assert!(page.servers.len() <= 2);
        seen.extend(page.servers.into_iter().map(|s| {
            let srv = s.server.expect("server");
            (srv.name, s.owner_username, srv.member_count)
        }));
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    let expected = [
        ("Alpha", "member", 2),
        ("Beta Club", "member", 1),
        ("Gamma", "admin", 1),
    ];
    assert_eq!(
        seen,
        expected.map(|(n, o, c)| (n.to_owned(), o.to_owned(), c))
    );
    let admin_rest = server
        .client()
        .await
        .login("admin", "admin-password")
        .await
        .expect("login");
    let listed: serde_json::Value = http
        .get(format!("{}/api/v1/admin/servers?query=alp", server.url()))
        .bearer_auth(&admin_rest.access_token)
        .send()
        .await
        .expect("rest")
        .json()
        .await
        .expect("json");
    assert_eq!(listed["servers"][0]["server"]["name"], "Alpha");
    assert_eq!(listed["servers"][0]["owner_username"], "member");

    // Deleting: every member is told, and the server is gone for them.
    let (mut member_events, _) = Events::ready(&member).await;
    admin
        .admin()
        .delete_instance_server(proto::DeleteInstanceServerRequest {
            server_id: alpha.id.clone(),
        })
        .await
        .expect("delete");
    member_events
        .wait_for(|e| {
            matches!(e, proto::subscribe_response::Event::ServerDeleted(d)
                if d.server_id == alpha.id)
        })
        .await;
    let mine = member
        .servers()
        .list_servers(proto::ListServersRequest {})
        .await
        .expect("list")
        .into_inner();
    assert!(mine.servers.iter().all(|s| s.id != alpha.id));
    assert!(mine.servers.iter().any(|s| s.id == beta.id));
    let alpha_id: i64 = alpha.id.parse().expect("id");
    assert_eq!(
        db_count(
            &server,
            "SELECT COUNT(*) FROM admin_audit_log WHERE action = 3 AND target_id = $1",
            alpha_id,
        )
        .await,
        1
    );
    // Gone: NOT_FOUND, and a bad id is INVALID_ARGUMENT.
    assert_eq!(
        code(
            admin
                .admin()
                .delete_instance_server(proto::DeleteInstanceServerRequest {
                    server_id: alpha.id.clone(),
                })
                .await
        ),
        Code::NotFound
    );
    assert_eq!(
        code(
            admin
                .admin()
                .delete_instance_server(proto::DeleteInstanceServerRequest {
                    server_id: "nope".into(),
                })
                .await
        ),
        Code::InvalidArgument
    );
    server.stop().await;
}

/// Account changes by an admin are written with their instance audit entry (one unit of
/// work): an update records what changed, a deletion records the account.
async fn admin_changes_are_in_the_instance_audit_log(backend: Backend) {
    let server = mail_server(backend).await;
    let (admin, member) = common::admin_and_member(&server).await;
    let member_id = member.me().await.expect("me").id;
    let member_num: i64 = member_id.parse().expect("id");
    admin
        .admin()
        .update_user(proto::UpdateUserRequest {
            user_id: member_id.clone(),
            email_verified: Some(true),
            ..Default::default()
        })
        .await
        .expect("verify");
    assert_eq!(
        db_count(
            &server,
            "SELECT COUNT(*) FROM admin_audit_log \
             WHERE action = 1 AND target_id = $1 AND changes LIKE '%email_verified%'",
            member_num,
        )
        .await,
        1
    );
    // A refused change writes nothing.
    let admin_num: i64 = admin.me().await.expect("me").id.parse().expect("id");
    assert_eq!(
        code(
            admin
                .admin()
                .update_user(proto::UpdateUserRequest {
                    user_id: admin_num.to_string(),
                    is_admin: Some(false),
                    ..Default::default()
                })
                .await
        ),
        Code::FailedPrecondition
    );
    assert_eq!(
        db_count(
            &server,
            "SELECT COUNT(*) FROM admin_audit_log WHERE target_id = $1",
            admin_num,
        )
        .await,
        0
    );
    admin
        .admin()
        .delete_user(proto::DeleteUserRequest { user_id: member_id })
        .await
        .expect("delete");
    assert_eq!(
        db_count(
            &server,
            "SELECT COUNT(*) FROM admin_audit_log WHERE action = 2 AND target_id = $1",
            member_num,
        )
        .await,
        1
    );
    server.stop().await;
}

/// Settings updates and instance invite codes are written with their instance audit entry
/// (one unit of work each): a settings entry names the changed fields and holds no value, so
/// neither the SMTP password nor the TURN secret ever reaches the audit log.
async fn settings_and_invite_changes_are_in_the_instance_audit_log(backend: Backend) {
    const SETTINGS_UPDATE: i64 = 4;
    const INVITE_CREATE: i64 = 5;
    const INVITE_REVOKE: i64 = 6;
    let server = mail_server(backend).await;
    let (admin, _member) = common::admin_and_member(&server).await;
    let count = |action: i64| {
        db_count(
            &server,
            "SELECT COUNT(*) FROM admin_audit_log WHERE action = $1",
            action,
        )
    };
    assert_eq!(count(SETTINGS_UPDATE).await, 0);

    let saved = use_smtp(&admin, free_port(), |r| {
        if let Some(smtp) = r.smtp.as_mut() {
            smtp.username = Some("mailer".into());
            smtp.password = Some(SMTP_PASSWORD.into());
        }
        r.voice = Some(proto::VoiceSettingsUpdate {
            turn_urls: vec!["turn:turn.chat.test:3478".into()],
            set_turn_urls: true,
            turn_secret: Some(TURN_SECRET.into()),
            ..Default::default()
        });
    })
    .await;
    assert_eq!(saved.instance_name, "Test Chat");
    assert_eq!(count(SETTINGS_UPDATE).await, 1);
    for field in [
        "instance_name",
        "smtp.host",
        "smtp.password",
        "voice.turn_urls",
        "voice.turn_secret",
    ] {
        let named: i64 = common::db_scalar(
            &server,
            &format!(
                "SELECT COUNT(*) FROM admin_audit_log WHERE action = {SETTINGS_UPDATE} \
                 AND changes LIKE '%\"' || $1 || '\"%'"
            ),
            field.to_owned(),
        )
        .await;
        assert_eq!(named, 1, "{field} is named");
    }
    // A refused patch writes nothing.
    assert_eq!(
        code(
            admin
                .admin()
                .update_instance_settings(proto::UpdateInstanceSettingsRequest {
                    max_message_length: Some(0),
                    ..Default::default()
                })
                .await
        ),
        Code::InvalidArgument
    );
    assert_eq!(count(SETTINGS_UPDATE).await, 1);

    // Invites: created and revoked, each audited against the invite's row.
    let invite = common::create_invite(&admin, Some(3), None).await;
    // The audit rows of one action naming the invite with this code.
    let audited = |action: i64, code: String| {
        let sql = format!(
            "SELECT COUNT(*) FROM admin_audit_log a \
             JOIN instance_invites i ON i.id = a.target_id \
             WHERE a.action = {action} AND i.code = $1"
        );
        let server = &server;
        async move { common::db_scalar::<i64, String>(server, &sql, code).await }
    };
    assert_eq!(audited(INVITE_CREATE, invite.code.clone()).await, 1);
    assert_eq!(count(INVITE_REVOKE).await, 0);
    let revoked = admin
        .admin()
        .revoke_instance_invite(proto::RevokeInstanceInviteRequest {
            code: invite.code.clone(),
        })
        .await
        .expect("revoke")
        .into_inner()
        .invite
        .expect("invite");
    assert!(revoked.revoked);
    assert_eq!(audited(INVITE_REVOKE, invite.code.clone()).await, 1);
    // An unknown code is NOT_FOUND and writes nothing.
    assert_eq!(
        code(
            admin
                .admin()
                .revoke_instance_invite(proto::RevokeInstanceInviteRequest {
                    code: "no-such-code".into(),
                })
                .await
        ),
        Code::NotFound
    );
    assert_eq!(count(INVITE_REVOKE).await, 1);

    // No audit row holds a secret.
    for secret in [SMTP_PASSWORD, TURN_SECRET] {
        let holding: i64 = common::db_scalar(
            &server,
            "SELECT COUNT(*) FROM admin_audit_log WHERE changes LIKE '%' || $1 || '%'",
            secret.to_owned(),
        )
        .await;
        assert_eq!(holding, 0);
    }
    server.stop().await;
}

/// A server for notification mails: links to `http://chat.test`, quick retries, presence
/// offline as soon as the last stream closes, and a 200 ms offline delay (the admin sets whole
/// minutes; the test-only `mail_notify_delay_ms` replaces them).
async fn notify_server(backend: Backend) -> TestServer {
    notify_server_with_delay(backend, 200).await
}

async fn notify_server_with_delay(backend: Backend, delay_ms: u64) -> TestServer {
    TestServer::start_with(backend, |c| {
        c.public_url = "http://chat.test".to_owned();
        c.mail_retry_base_ms = 100;
        c.mail_retry_max_ms = 1_000;
        c.presence_grace_ms = 0;
        c.mail_notify_delay_ms = Some(delay_ms);
    })
    .await
}

/// An admin with SMTP pointed at `port`, open registration and notification mails enabled.
async fn notify_admin(server: &TestServer, port: u16) -> Client {
    let admin = register_admin(server).await;
    // The delay is whole minutes, 1 to 1440, and off is the default.
    let before = admin
        .admin()
        .get_instance_settings(proto::GetInstanceSettingsRequest {})
        .await
        .expect("settings")
        .into_inner()
        .settings
        .expect("settings");
    assert!(!before.email_notifications_enabled);
    for bad in [0, 1441] {
        let refused = admin
            .admin()
            .update_instance_settings(proto::UpdateInstanceSettingsRequest {
                email_notification_delay_minutes: Some(bad),
                ..Default::default()
            })
            .await
            .expect_err("out of bounds");
        assert_eq!(refused.code(), Code::InvalidArgument);
        assert!(
            refused
                .message()
                .contains("email_notification_delay_minutes"),
            "{}",
            refused.message()
        );
    }
    let settings = use_smtp(&admin, port, |r| {
        r.registration_mode = Some(proto::RegistrationMode::Open as i32);
        r.email_notifications_enabled = Some(true);
        r.email_notification_delay_minutes = Some(3);
    })
    .await;
    assert!(settings.email_notifications_enabled);
    assert_eq!(settings.email_notification_delay_minutes, 3);
    admin
}

/// Registers `name` with an address, has the admin mark it verified, sets the opt-in, and
/// returns the client and user id.
async fn notify_user(
    server: &TestServer,
    admin: &Client,
    name: &str,
    opt_in: bool,
) -> (Client, String) {
    let client = register_with_email(server, name, &format!("{name}@example.test")).await;
    let id = client.me().await.expect("me").id;
    admin
        .admin()
        .update_user(proto::UpdateUserRequest {
            user_id: id.clone(),
            email_verified: Some(true),
            ..Default::default()
        })
        .await
        .expect("verify address");
    let me = client
        .users()
        .update_profile(proto::UpdateProfileRequest {
            email_notifications: Some(opt_in),
            ..Default::default()
        })
        .await
        .expect("opt in")
        .into_inner()
        .user
        .expect("user");
    assert_eq!(me.email_notifications, opt_in);
    (client, id)
}

async fn dm(from: &Client, to: &str) -> String {
    from.channels()
        .open_direct_message(proto::OpenDirectMessageRequest {
            user_id: to.to_owned(),
        })
        .await
        .expect("open dm")
        .into_inner()
        .channel
        .expect("channel")
        .id
}

/// Ann (notification mails on) and Dan (off), both in a server of the admin's, and the DM
/// between them.
struct DanToAnn {
    ann: Client,
    ann_id: String,
    dan: Client,
    /// The DM channel.
    to_ann: String,
}

async fn dan_to_ann(server: &TestServer, admin: &Client) -> DanToAnn {
    let (ann, ann_id) = notify_user(server, admin, "ann", true).await;
    let (dan, _) = notify_user(server, admin, "dan", false).await;
    let guild = create_server(admin, "Guild").await;
    join(admin, &ann, &guild.id).await;
    join(admin, &dan, &guild.id).await;
    let to_ann = dm(&dan, &ann_id).await;
    DanToAnn {
        ann,
        ann_id,
        dan,
        to_ann,
    }
}

/// Notification mails to `to` received so far.
fn notifications_to(sink: &SmtpSink, to: &str) -> usize {
    sink.mails()
        .iter()
        .filter(|raw| {
            raw.lines().any(|l| l.starts_with("To:") && l.contains(to))
                && raw.lines().any(|l| {
                    l.starts_with("Subject:")
                        && (l.contains("direct message") || l.contains("mentioned you"))
                })
        })
        .count()
}

const PENDING: &str = "SELECT COUNT(*) FROM mail_notifications WHERE user_id = $1";

/// Waits (polling the database, up to 60 s) until the user has no notification waiting to
/// be looked at (mailed or dropped).
async fn until_no_pending(server: &TestServer, user: i64) {
    let waiting =
        "SELECT COUNT(*) FROM mail_notifications WHERE user_id = $1 AND mailed_at IS NULL";
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while db_count(server, waiting, user).await > 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "notification row of {user} still there after 60 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until `events` (another member's stream) sees `user` go offline: by then the server
/// counts them as having no open stream.
async fn went_offline(events: &mut Events, user: &str) {
    events
        .wait_for(|e| {
            matches!(e, proto::subscribe_response::Event::PresenceUpdated(p)
                if p.presence.as_ref().is_some_and(|p| p.user_id == user
                    && p.status() == proto::PresenceStatus::Offline))
        })
        .await;
}

async fn notification_mail_once_per_offline_period_and_only_to_opted_in_offline_users(
    backend: Backend,
) {
    let maildir = tempfile::tempdir().expect("maildir");
    let sink = SmtpSink::start(free_port(), maildir.path()).await;
    let server = notify_server(backend).await;
    let admin = notify_admin(&server, sink.port).await;
    let (ann, ann_id) = notify_user(&server, &admin, "ann", true).await;
    let (bob, bob_id) = notify_user(&server, &admin, "bob", true).await;
    let (cat, cat_id) = notify_user(&server, &admin, "cat", false).await;
    let (eve, eve_id) = notify_user(&server, &admin, "eve", true).await;
    let (fay, fay_id) = notify_user(&server, &admin, "fay", true).await;
    let (dan, dan_id) = notify_user(&server, &admin, "dan", false).await;
    // Others never see the opt-in.
    let public = dan
        .users()
        .get_user(proto::GetUserRequest {
            user_id: ann_id.clone(),
        })
        .await
        .expect("get user")
        .into_inner()
        .user
        .expect("user");
    assert!(!public.email_notifications);
    let guild = create_server(&admin, "Guild").await;
    for c in [&ann, &bob, &cat, &eve, &fay, &dan] {
        join(&admin, c, &guild.id).await;
    }
    let general = common::general_channel(&admin, &guild.id).await;
    let to_ann = dm(&dan, &ann_id).await;
    let to_bob = dm(&dan, &bob_id).await;
    let to_cat = dm(&dan, &cat_id).await;
    let ann_i64: i64 = ann_id.parse().expect("id");

    // Bob is online (an open stream); Ann and Cat are not; Cat did not opt in.
    let (_bob_events, _) = Events::ready(&bob).await;
    let (mut dan_events, _) = Events::ready(&dan).await;
    for (channel, text) in [
        (&to_ann, "first"),
        (&to_bob, "hi bob"),
        (&to_cat, "hi cat"),
        (&to_ann, "second"),
    ] {
        common::send(&dan, channel, text).await;
    }
    // The period rows are written before a send answers: one for Ann, none for the others.
    assert_eq!(db_count(&server, PENDING, ann_i64).await, 1);
    for other in [&bob_id, &cat_id] {
        let id: i64 = other.parse().expect("id");
        assert_eq!(db_count(&server, PENDING, id).await, 0, "{other}");
    }

    let mail = sink
        .wait_for("ann@example.test", "sent you a direct message")
        .await;
    assert!(
        mail.raw
            .contains("Subject: dan sent you a direct message on Test Chat")
    );
    let conversation = format!("http://chat.test/channels/@me/{to_ann}");
    assert!(mail.text.contains(&conversation), "{}", mail.text);
    assert!(mail.html.contains(&conversation), "{}", mail.html);
    assert!(mail.text.contains("http://chat.test/unsubscribe?token="));
    assert!(mail.html.contains("Test Chat"));
    assert!(!mail.text.contains("first") && !mail.text.contains("second"));

    // Still offline: a third DM and a mention of Ann start nothing new this period. Eve's
    // mention, sent after them and due after them, is the marker: once it arrived, whatever
    // Ann's messages would have caused was sent before it.
    common::send(&dan, &to_ann, "third").await;
    // Fay, offline and opted in, blocked Dan: his mention of her mails nothing.
    fay.relationships()
        .block_user(proto::BlockUserRequest {
            user_id: dan_id.clone(),
        })
        .await
        .expect("block");
    common::send(
        &dan,
        &general,
        &format!("<@{ann_id}>, <@{fay_id}> and <@{eve_id}>, look"),
    )
    .await;
    let eve_mail = sink.wait_for("eve@example.test", "mentioned you").await;
    assert!(
        eve_mail
            .raw
            .contains("Subject: dan mentioned you in #general on Test Chat")
    );
    assert!(
        eve_mail
            .text
            .contains(&format!("http://chat.test/channels/{}/{general}", guild.id))
    );
    assert_eq!(notifications_to(&sink, "ann@example.test"), 1);
    assert_eq!(notifications_to(&sink, "bob@example.test"), 0);
    assert_eq!(notifications_to(&sink, "cat@example.test"), 0);
    let _ = eve;
    // Fay's row is looked at and dropped: nothing was queued for her.
    let fay_i64: i64 = fay_id.parse().expect("id");
    until_no_pending(&server, fay_i64).await;
    assert_eq!(
        db_scalar::<i64, _>(
            &server,
            "SELECT COUNT(*) FROM mail_outbox \
             WHERE recipient = $1 AND subject NOT LIKE 'Verify%'",
            "fay@example.test".to_owned()
        )
        .await,
        0
    );

    // Ann comes online: her period ends. She leaves again (Dan sees her go offline), and the
    // next DM starts a new period with a mail of its own.
    let (ann_events, _) = Events::ready(&ann).await;
    assert_eq!(db_count(&server, PENDING, ann_i64).await, 0);
    drop(ann_events);
    went_offline(&mut dan_events, &ann_id).await;
    common::send(&dan, &to_ann, "you left again").await;
    assert_eq!(
        wait_for_mail(
            maildir.path(),
            "ann@example.test",
            "sent you a direct message",
            2
        )
        .await
        .len(),
        2
    );

    // With the instance's switch off, a send writes nothing for anyone.
    admin
        .admin()
        .update_instance_settings(proto::UpdateInstanceSettingsRequest {
            email_notifications_enabled: Some(false),
            ..Default::default()
        })
        .await
        .expect("turn off");
    let (ann_events, _) = Events::ready(&ann).await;
    drop(ann_events);
    went_offline(&mut dan_events, &ann_id).await;
    common::send(&dan, &to_ann, "nobody is told").await;
    assert_eq!(db_count(&server, PENDING, ann_i64).await, 0);
    server.stop().await;
}

async fn unsubscribe_link_turns_notifications_off_once(backend: Backend) {
    let maildir = tempfile::tempdir().expect("maildir");
    let sink = SmtpSink::start(free_port(), maildir.path()).await;
    let server = notify_server(backend).await;
    let admin = notify_admin(&server, sink.port).await;
    let DanToAnn {
        ann,
        ann_id,
        dan,
        to_ann,
    } = dan_to_ann(&server, &admin).await;
    common::send(&dan, &to_ann, "ping").await;
    let mail = sink
        .wait_for("ann@example.test", "sent you a direct message")
        .await;
    let token = mail.token("unsubscribe");

    // No sign-in needed; the token works once.
    let anon = server.client().await;
    anon.auth()
        .unsubscribe_email_notifications(proto::UnsubscribeEmailNotificationsRequest {
            token: token.clone(),
        })
        .await
        .expect("unsubscribe");
    let me = ann
        .users()
        .get_current_user(proto::GetCurrentUserRequest {})
        .await
        .expect("me")
        .into_inner()
        .user
        .expect("user");
    assert!(!me.email_notifications);
    let again = anon
        .auth()
        .unsubscribe_email_notifications(proto::UnsubscribeEmailNotificationsRequest {
            token: token.clone(),
        })
        .await;
    assert_eq!(code(again), Code::NotFound);
    // Over REST too (the public route needs no sign-in), and the same refusal.
    let (status, _) = common::rest_at(
        &server.url(),
        reqwest::Method::POST,
        "/auth/unsubscribe",
        None,
        Some(serde_json::json!({ "token": token })),
    )
    .await;
    assert_eq!(status, reqwest::StatusCode::NOT_FOUND);

    // Opted out: in her next offline period Ann gets no row (and so no mail) for a DM.
    let (mut dan_events, _) = Events::ready(&dan).await;
    let (ann_events, _) = Events::ready(&ann).await;
    let ann_i64: i64 = ann_id.parse().expect("id");
    assert_eq!(db_count(&server, PENDING, ann_i64).await, 0);
    drop(ann_events);
    went_offline(&mut dan_events, &ann_id).await;
    common::send(&dan, &to_ann, "after unsubscribing").await;
    assert_eq!(db_count(&server, PENDING, ann_i64).await, 0);
    server.stop().await;
}

async fn a_pending_notification_survives_a_restart(backend: Backend) {
    let maildir = tempfile::tempdir().expect("maildir");
    let sink = SmtpSink::start(free_port(), maildir.path()).await;
    // An hour's delay: nothing is mailed before the restart.
    let server = notify_server_with_delay(backend, 3_600_000).await;
    let admin = notify_admin(&server, sink.port).await;
    let DanToAnn {
        ann_id,
        dan,
        to_ann,
        ..
    } = dan_to_ann(&server, &admin).await;
    common::send(&dan, &to_ann, "while you sleep").await;
    let ann_i64: i64 = ann_id.parse().expect("id");
    assert_eq!(db_count(&server, PENDING, ann_i64).await, 1);
    // Age the row (as the token tests do) rather than wait an hour; the server comes back and
    // mails it: the period lives in the database, not in the process.
    sql(&server, "UPDATE mail_notifications SET due_at = 0").await;
    let server = server.restart().await;
    let mail = sink
        .wait_for("ann@example.test", "sent you a direct message")
        .await;
    assert!(
        mail.text
            .contains(&format!("http://chat.test/channels/@me/{to_ann}"))
    );
    assert_eq!(
        db_count(
            &server,
            "SELECT COUNT(*) FROM mail_notifications WHERE user_id = $1 AND mailed_at IS NOT NULL",
            ann_i64
        )
        .await,
        1
    );
    server.stop().await;
}

/// Milliseconds since the Unix epoch (the outbox's clock).
fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// A worker stopped in the middle of a send that does not finish (an SMTP server that accepts
/// and never greets) gives the mail back, unsent and with no attempt counted, before the
/// shutdown completes: the next start may send it at once instead of waiting out a lease.
async fn a_stopping_mail_worker_hands_back_a_stalled_send(backend: Backend) {
    // Accepts connections and says nothing; tells the test when the worker connected.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = silent.local_addr().expect("addr").port();
    let (connected_tx, connected) = tokio::sync::oneshot::channel::<()>();
    let holder = tokio::spawn(async move {
        let mut held = Vec::new();
        let mut tell = Some(connected_tx);
        while let Ok((socket, _)) = silent.accept().await {
            held.push(socket);
            if let Some(tx) = tell.take() {
                let _ = tx.send(());
            }
        }
    });
    let server = mail_server(backend).await;
    let admin = register_admin(&server).await;
    use_smtp(&admin, port, |r| {
        r.registration_mode = Some(proto::RegistrationMode::Open as i32);
    })
    .await;
    register_with_email(&server, "carol", "carol@example.test").await;
    tokio::time::timeout(Duration::from_secs(60), connected)
        .await
        .expect("the worker connects within 60 s")
        .expect("listener");
    // Claimed: leased well into the future.
    let leased = "SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL AND next_attempt_at > $1";
    assert_eq!(db_count(&server, leased, now_ms() + 60_000).await, 1);

    server.services.stop_workers().await;
    let handed_back = "SELECT COUNT(*) FROM mail_outbox \
                       WHERE sent_at IS NULL AND attempts = 0 AND next_attempt_at <= $1";
    assert_eq!(db_count(&server, handed_back, now_ms()).await, 1);
    holder.abort();
    server.stop().await;
}
