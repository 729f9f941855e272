//! In-process fan-out of the event hub alone (no network): N subscriptions, events published
//! to all of them, every subscription drained by its own task. Shows what encode-once +
//! shared bytes deliver before transport costs.
//!
//!     cargo bench -p decentra --bench hub
//!
//! `BENCH_SUBSCRIBERS` (default 10000), `BENCH_EVENTS` (default 200).

use std::{sync::Arc, time::Instant};

use decentra_core::{
    Id,
    access::PermCache,
    events::{Audience, Event, Hub, HubConfig},
    store,
};
use futures::StreamExt;

fn env_num(key: &str, default: usize) -> usize {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let subscribers = env_num("BENCH_SUBSCRIBERS", 10_000);
    let events = env_num("BENCH_EVENTS", 200);
    let dir = tempfile::tempdir().expect("temp dir");
    let store = store::connect(&format!("sqlite://{}", dir.path().join("hub.db").display()))
        .await
        .expect("store");
    let perms = Arc::new(PermCache::new(store));
    let hub = Arc::new(Hub::new(
        Arc::new(decentra::grpc::events::ProtoEncoder),
        perms,
        HubConfig {
            queue_capacity: events + 16,
            ..HubConfig::default()
        },
    ));
    let users: Vec<Id> = (1..=subscribers as i64).map(Id).collect();
    let mut drains = Vec::with_capacity(subscribers);
    for u in &users {
        let (mut sub, _) = hub
            .subscribe(*u, Id(u.0), &[], None)
            .await
            .expect("open hub");
        drains.push(tokio::spawn(async move {
            let mut n = 0usize;
            while n < events {
                match sub.next().await {
                    Some(_) => n += 1,
                    None => break,
                }
            }
            n
        }));
    }
    let start = Instant::now();
    for i in 0..events {
        hub.publish(
            Audience::users(users.clone()),
            Event::MessageDeleted {
                channel_id: Id(1),
                message_id: Id(i as i64 + 1),
                server_id: Some(Id(2)),
            },
        )
        .await;
    }
    let publish = start.elapsed();
    let mut delivered = 0;
    for d in drains {
        delivered += d.await.unwrap_or(0);
    }
    let total = start.elapsed();
    println!("decentra hub fan-out (in process, {subscribers} subscribers, {events} events)");
    println!(
        "  published in {:.3} s: {:.0} queued deliveries/s",
        publish.as_secs_f64(),
        (subscribers * events) as f64 / publish.as_secs_f64()
    );
    println!(
        "  all {delivered} deliveries consumed in {:.3} s: {:.0} deliveries/s",
        total.as_secs_f64(),
        delivered as f64 / total.as_secs_f64()
    );
}
