//! One port, several protocols: gRPC-web over HTTP/1.1, CORS, gRPC health, reflection, REST.

mod common;

use common::{Backend, TestServer, register};
use decentra_sdk::proto;
use prost::Message;

/// Frames a protobuf message for gRPC-web: flag 0, big-endian length, bytes.
fn grpc_web_frame(msg: &impl Message) -> Vec<u8> {
    let body = msg.encode_to_vec();
    let mut out = vec![0u8];
    out.extend_from_slice(&(body.len() as u32).to_be_bytes());
    out.extend_from_slice(&body);
    out
}

/// Splits a gRPC-web response body into (data frames, trailer text).
fn parse_grpc_web(mut body: &[u8]) -> (Vec<Vec<u8>>, String) {
    let (mut data, mut trailers) = (Vec::new(), String::new());
    while body.len() >= 5 {
        let flag = body[0];
        let len = u32::from_be_bytes([body[1], body[2], body[3], body[4]]) as usize;
        let payload = body[5..5 + len].to_vec();
        body = &body[5 + len..];
        if flag & 0x80 != 0 {
            trailers = String::from_utf8(payload).expect("trailers are text");
        } else {
            data.push(payload);
        }
    }
    (data, trailers)
}

async fn grpc_web_unary_over_http1(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (_, reg) = register(&server, "webuser", None).await.expect("register");
    let http = reqwest::Client::builder()
        .http1_only()
        .build()
        .expect("client");
    let url = format!("{}/decentra.v1.UserService/GetCurrentUser", server.url());

    let resp = http
        .post(&url)
        .header("content-type", "application/grpc-web+proto")
        .header("x-grpc-web", "1")
        .header("origin", "http://example.test")
        .header("authorization", format!("Bearer {}", reg.access_token))
        .body(grpc_web_frame(&proto::GetCurrentUserRequest {}))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.version(), reqwest::Version::HTTP_11);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .is_ok_and(|ct| ct.starts_with("application/grpc-web")),
    );
    assert_eq!(
        resp.headers()
            .get("access-control-allow-origin")
            .map(|v| v.as_bytes()),
        Some(&b"http://example.test"[..])
    );
    let (data, trailers) = parse_grpc_web(&resp.bytes().await.expect("body"));
    assert!(trailers.contains("grpc-status:0"), "{trailers}");
    let reply = proto::GetCurrentUserResponse::decode(&data[0][..]).expect("decode");
    assert_eq!(reply.user.expect("user").username, "webuser");

    // Without a token the same call is refused in gRPC-web form.
    let resp = http
        .post(&url)
        .header("content-type", "application/grpc-web+proto")
        .body(grpc_web_frame(&proto::GetCurrentUserRequest {}))
        .send()
        .await
        .expect("send");
    let status = resp
        .headers()
        .get("grpc-status")
        .map(|v| v.to_str().unwrap_or_default().to_owned());
    let body = resp.bytes().await.expect("body");
    let trailer_status = parse_grpc_web(&body).1;
    assert!(
        status.as_deref() == Some("16") || trailer_status.contains("grpc-status:16"),
        "expected UNAUTHENTICATED, headers status {status:?}, trailers {trailer_status:?}"
    );

    // CORS preflight for a browser on another origin.
    let resp = http
        .request(reqwest::Method::OPTIONS, &url)
        .header("origin", "http://example.test")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,x-grpc-web,authorization",
        )
        .send()
        .await
        .expect("preflight");
    assert!(resp.status().is_success(), "{}", resp.status());
    let exposed = resp
        .headers()
        .get("access-control-allow-headers")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(
        exposed.contains("authorization") && exposed.contains("x-grpc-web"),
        "{exposed}"
    );
    server.stop().await;
}

/// Native gRPC (HTTP/2, `application/grpc`) skips the CORS and gRPC-web layers only when no
/// browser sent it: the same call with an `Origin` still gets its CORS headers.
async fn native_grpc_is_served_with_cors_only_for_browsers(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (_, reg) = register(&server, "nativeuser", None)
        .await
        .expect("register");
    let channel = tonic::transport::Endpoint::from_shared(server.url())
        .expect("url")
        .connect()
        .await
        .expect("connect");
    let mut users = proto::user_service_client::UserServiceClient::new(channel);
    for origin in [None, Some("http://example.test")] {
        let mut req = tonic::Request::new(proto::GetCurrentUserRequest {});
        let bearer = format!("Bearer {}", reg.access_token);
        req.metadata_mut()
            .insert("authorization", bearer.parse().expect("header"));
        if let Some(origin) = origin {
            req.metadata_mut()
                .insert("origin", origin.parse().expect("header"));
        }
        let resp = users.get_current_user(req).await.expect("call");
        assert_eq!(
            resp.metadata()
                .get("access-control-allow-origin")
                .map(|v| v.as_bytes()),
            origin.map(str::as_bytes),
            "origin {origin:?}"
        );
        assert_eq!(resp.into_inner().user.expect("user").username, "nativeuser");
    }
    server.stop().await;
}

async fn health_serving_and_reflection_lists_services(backend: Backend) {
    use tonic_health::pb::{
        HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
    };
    use tonic_reflection::pb::v1::{
        ServerReflectionRequest, server_reflection_client::ServerReflectionClient,
        server_reflection_request::MessageRequest, server_reflection_response::MessageResponse,
    };
    let server = TestServer::start(backend).await;
    let channel = tonic::transport::Endpoint::from_shared(server.url())
        .expect("url")
        .connect()
        .await
        .expect("connect");

    let mut health = HealthClient::new(channel.clone());
    for service in ["", "decentra.v1.AuthService", "decentra.v1.MessageService"] {
        let r = health
            .check(HealthCheckRequest {
                service: service.into(),
            })
            .await
            .expect("health")
            .into_inner();
        assert_eq!(r.status(), ServingStatus::Serving, "{service:?}");
    }

    let mut reflection = ServerReflectionClient::new(channel.clone());
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut stream = reflection
        .server_reflection_info(tokio_stream::once(request))
        .await
        .expect("reflection")
        .into_inner();
    let reply = stream.message().await.expect("reply").expect("one reply");
    let Some(MessageResponse::ListServicesResponse(list)) = reply.message_response else {
        panic!("unexpected reflection reply");
    };
    let names: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
    for expected in [
        "decentra.v1.AuthService",
        "decentra.v1.UserService",
        "decentra.v1.ServerService",
        "decentra.v1.ChannelService",
        "decentra.v1.MessageService",
        "decentra.v1.EventService",
        "decentra.v1.VoiceService",
        "decentra.v1.AdminService",
        "grpc.health.v1.Health",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} missing from {names:?}"
        );
    }

    // The older reflection version (grpcurl before 1.9 speaks only this one), built on its
    // own first call.
    {
        use tonic_reflection::pb::v1alpha::{
            ServerReflectionRequest, server_reflection_client::ServerReflectionClient,
            server_reflection_request::MessageRequest, server_reflection_response::MessageResponse,
        };
        let request = ServerReflectionRequest {
            host: String::new(),
            message_request: Some(MessageRequest::ListServices(String::new())),
        };
        let reply = ServerReflectionClient::new(channel)
            .server_reflection_info(tokio_stream::once(request))
            .await
            .expect("v1alpha reflection")
            .into_inner()
            .message()
            .await
            .expect("v1alpha reply")
            .expect("one v1alpha reply");
        let Some(MessageResponse::ListServicesResponse(list)) = reply.message_response else {
            panic!("unexpected v1alpha reflection reply");
        };
        assert!(
            list.service
                .iter()
                .any(|s| s.name == "decentra.v1.MessageService"),
            "v1alpha lists {:?}",
            list.service
        );
    }

    // The plain HTTP probe used by container health checks.
    let resp = reqwest::get(format!("{}/healthz", server.url()))
        .await
        .expect("healthz");
    assert_eq!(resp.status(), 200);
    server.stop().await;
}

async fn rest_mirrors_auth_with_same_errors(backend: Backend) {
    let server = TestServer::start(backend).await;
    let http = reqwest::Client::new();
    let api = |p: &str| format!("{}/api/v1{p}", server.url());

    let resp = http
        .post(api("/auth/register"))
        .json(&serde_json::json!({"username": "restuser", "password": "restuser-password"}))
        .send()
        .await
        .expect("register");
    assert_eq!(resp.status(), 200);
    let session: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(session["user"]["is_admin"], true);
    let token = session["access_token"].as_str().expect("token").to_owned();

    let me: serde_json::Value = http
        .get(api("/users/@me"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("me")
        .json()
        .await
        .expect("json");
    assert_eq!(me["username"], "restuser");

    let resp = http.get(api("/users/@me")).send().await.expect("anon");
    assert_eq!(resp.status(), 401);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["code"], "UNAUTHENTICATED");

    let resp = http
        .post(api("/auth/register"))
        .json(&serde_json::json!({"username": "a", "password": "restuser-password"}))
        .send()
        .await
        .expect("invalid");
    assert_eq!(resp.status(), 422);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["code"], "INVALID_ARGUMENT");
    assert_eq!(body["fields"][0]["field"], "username");

    let resp = http
        .post(api("/auth/login"))
        .json(&serde_json::json!({"username": "restuser", "password": "nope-nope-nope"}))
        .send()
        .await
        .expect("login");
    assert_eq!(resp.status(), 401);
    server.stop().await;
}

/// Attachments download over REST only for those who can see the message, and are served
/// so that an uploaded page can never run on this origin.
async fn attachments_are_served_only_to_viewers(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (owner, _) = register(&server, "owner", None).await.expect("owner");
    // "outsider" is registered but never joins; both sign in over REST below.
    let mut people = common::users(&server, &owner, &["member", "outsider"]).await;
    let (member, _) = people.remove(0);
    let sid = common::create_server(&owner, "Files").await.id;
    common::join(&owner, &member, &sid).await;
    let general = common::general_channel(&owner, &sid).await;
    let data = b"<html><script>alert(1)</script></html>".to_vec();
    let upload = owner
        .messages()
        .upload_attachment(proto::UploadAttachmentRequest {
            channel_id: general.clone(),
            filename: "page.html".into(),
            content_type: "text/html".into(),
            data: data.clone(),
        })
        .await
        .expect("upload")
        .into_inner()
        .attachment
        .expect("attachment");
    let msg = owner
        .messages()
        .send_message(proto::SendMessageRequest {
            channel_id: general.clone(),
            content: "see attached".into(),
            attachment_ids: vec![upload.id.clone()],
            ..Default::default()
        })
        .await
        .expect("send")
        .into_inner()
        .message
        .expect("message");
    let url = format!("{}{}", server.url(), msg.attachments[0].url);
    let http = reqwest::Client::new();
    let get = |bearer: Option<String>| {
        let mut rq = http.get(&url);
        if let Some(b) = bearer {
            rq = rq.bearer_auth(b);
        }
        rq.send()
    };
    // Plain HTTP clients sign in over REST for a bearer token.
    let login = |name: &str| {
        http.post(format!("{}/api/v1/auth/login", server.url()))
            .json(&serde_json::json!({"username": name, "password": format!("{name}-password")}))
            .send()
    };
    let member_token = login("member")
        .await
        .expect("login")
        .json::<serde_json::Value>()
        .await
        .expect("json")["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let outsider_token = login("outsider")
        .await
        .expect("login")
        .json::<serde_json::Value>()
        .await
        .expect("json")["access_token"]
        .as_str()
        .expect("token")
        .to_owned();

    let resp = get(Some(member_token.clone())).await.expect("download");
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()["content-type"],
        "application/octet-stream",
        "HTML is never served as HTML"
    );
    assert!(
        resp.headers()["content-disposition"]
            .to_str()
            .is_ok_and(|d| d.starts_with("attachment"))
    );
    assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
    assert_eq!(resp.bytes().await.expect("body").to_vec(), data);
    assert_eq!(
        get(Some(outsider_token)).await.expect("outsider").status(),
        404
    );
    assert_eq!(get(None).await.expect("anonymous").status(), 401);

    owner
        .messages()
        .delete_message(proto::DeleteMessageRequest {
            channel_id: general,
            message_id: msg.id,
        })
        .await
        .expect("delete");
    assert_eq!(
        get(Some(member_token))
            .await
            .expect("after delete")
            .status(),
        404
    );
    server.stop().await;
}

backend_tests!(
    attachments_are_served_only_to_viewers,
    grpc_web_unary_over_http1,
    health_serving_and_reflection_lists_services,
    native_grpc_is_served_with_cors_only_for_browsers,
    rest_mirrors_auth_with_same_errors,
);
