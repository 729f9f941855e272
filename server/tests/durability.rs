//! Durability of sends: the real `decentra` binary is SIGKILLed while several senders send
//! continuously; restarted on the same data, it must hold every message it acknowledged (by id
//! and content), each once. On both backends.

mod common;

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex},
};

use common::{Backend, pg, process::Process};
use decentra_sdk::{Client, proto};
use tokio::sync::watch;

/// Concurrent senders, each on its own connection.
const SENDERS: usize = 6;
/// Acknowledged sends to wait for before the kill.
const ACKS_BEFORE_KILL: usize = 150;

backend_tests!(kill_9_under_load_loses_no_acknowledged_message);

/// Every message of `channel`, id → content, paging back through history.
async fn history(client: &Client, channel: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut before = String::new();
    loop {
        let page = client
            .messages()
            .list_messages(proto::ListMessagesRequest {
                channel_id: channel.to_owned(),
                before: before.clone(),
                limit: 100,
                ..Default::default()
            })
            .await
            .expect("history")
            .into_inner()
            .messages;
        let Some(last) = page.last() else {
            return out;
        };
        before = last.id.clone();
        for m in page {
            assert!(
                out.insert(m.id.clone(), m.content).is_none(),
                "message {} listed twice",
                m.id
            );
        }
    }
}

async fn kill_9_under_load_loses_no_acknowledged_message(backend: Backend) {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let (database_url, pg_database) = match backend {
        Backend::Sqlite => (
            format!("sqlite://{}", data_dir.path().join("decentra.db").display()),
            None,
        ),
        Backend::Postgres => {
            // Dropped (with its database) when the test ends, also when it panics.
            let database = pg::fresh_database().await;
            (database.url.clone(), Some(database))
        }
    };
    let mut server = Process::start(&database_url, data_dir.path(), &[]).await;

    let owner = Client::connect(server.url.clone()).await.expect("connect");
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
    let guild = common::create_server(&owner, "Durable").await;
    let general = common::general_channel(&owner, &guild.id).await;
    let other = owner
        .channels()
        .create_channel(proto::CreateChannelRequest {
            server_id: guild.id.clone(),
            name: "other".into(),
            r#type: proto::ChannelType::Text as i32,
            ..Default::default()
        })
        .await
        .expect("channel")
        .into_inner()
        .channel
        .expect("channel")
        .id;
    let channels = [general.clone(), other.clone()];

    // Senders send until the server dies, recording every acknowledgement (id, channel,
    // content); the watch channel counts them so the kill waits for real progress.
    let acked: Arc<Mutex<Vec<(String, String, String)>>> = Arc::default();
    let (count_tx, mut count_rx) = watch::channel(0usize);
    let count_tx = Arc::new(count_tx);
    let mut tasks = Vec::new();
    for s in 0..SENDERS {
        let client = Client::connect(server.url.clone()).await.expect("connect");
        client.set_tokens(&token, "").expect("token");
        let channel = channels[s % channels.len()].clone();
        let acked = Arc::clone(&acked);
        let count_tx = Arc::clone(&count_tx);
        tasks.push(tokio::spawn(async move {
            let mut messages = client.messages();
            for n in 0.. {
                let content = format!("sender {s} message {n}");
                let sent = messages
                    .send_message(proto::SendMessageRequest {
                        channel_id: channel.clone(),
                        content: content.clone(),
                        nonce: format!("{s}-{n}"),
                        ..Default::default()
                    })
                    .await;
                let Ok(reply) = sent else {
                    // The server is gone: this send was not acknowledged.
                    return;
                };
                let message = reply.into_inner().message.expect("message");
                assert_eq!(message.content, content, "ack carries the sent content");
                acked
                    .lock()
                    .expect("acks")
                    .push((message.id, channel.clone(), content));
                count_tx.send_modify(|c| *c += 1);
            }
        }));
    }
    count_rx
        .wait_for(|c| *c >= ACKS_BEFORE_KILL)
        .await
        .expect("acks counted");
    server.kill_9();
    for t in tasks {
        t.await.expect("sender");
    }
    let acked = std::mem::take(&mut *acked.lock().expect("acks"));
    assert!(acked.len() >= ACKS_BEFORE_KILL);
    let unique: HashSet<&String> = acked.iter().map(|(id, _, _)| id).collect();
    assert_eq!(
        unique.len(),
        acked.len(),
        "a message id was acknowledged twice"
    );

    // The same data, a new process: every acknowledged message is there, with its content.
    let server = Process::start(&database_url, data_dir.path(), &[]).await;
    let reader = Client::connect(server.url.clone()).await.expect("connect");
    reader.set_tokens(&token, "").expect("token");
    let mut stored = HashMap::new();
    for channel in &channels {
        let page = history(&reader, channel).await;
        // No content stored twice (each was sent once; a duplicate would be a double insert).
        let contents: HashSet<&String> = page.values().collect();
        assert_eq!(contents.len(), page.len(), "a message was stored twice");
        stored.insert(channel.clone(), page);
    }
    for (id, channel, content) in &acked {
        assert_eq!(
            stored.get(channel).and_then(|page| page.get(id)),
            Some(content),
            "acknowledged message {id} ({content:?}) is missing after kill -9"
        );
    }
    drop(server);
    drop(pg_database);
}
