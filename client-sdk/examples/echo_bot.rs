//! Echo bot: answers every `!ping` it can see with a `pong` reply, exactly once, across
//! disconnects and server restarts (see `decentra_sdk::bot`).
//!
//! ```sh
//! DECENTRA_URL=http://127.0.0.1:8765 DECENTRA_BOT_TOKEN=… cargo run -p decentra-sdk --example echo_bot
//! # or, as a normal account:
//! DECENTRA_USERNAME=echo DECENTRA_PASSWORD=… cargo run -p decentra-sdk --example echo_bot
//! ```
//!
//! Prints one line per state change (`ready`, `resync`, `reconnecting`, `pong <id>`).

use decentra_sdk::{
    Client, Error,
    bot::Commands,
    events::{Event, ServerEvent},
};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let url = std::env::var("DECENTRA_URL").unwrap_or_else(|_| "http://127.0.0.1:8765".into());
    let client = match std::env::var("DECENTRA_BOT_TOKEN") {
        Ok(token) => Client::bot(url, &token).await?,
        Err(_) => {
            let (Ok(username), Ok(password)) = (
                std::env::var("DECENTRA_USERNAME"),
                std::env::var("DECENTRA_PASSWORD"),
            ) else {
                eprintln!("set DECENTRA_BOT_TOKEN, or DECENTRA_USERNAME and DECENTRA_PASSWORD");
                std::process::exit(2);
            };
            let client = Client::connect(url).await?;
            client.login(&username, &password).await?;
            client
        }
    };
    let mut bot = Commands::new(client.clone(), "!")
        .await?
        .command("ping", |_message, _args| "pong".to_owned())
        .command("echo", |_message, args| args.to_owned());
    let name = bot.me().username.clone();
    let mut events = client.event_stream();
    bot.run_on(&mut events, |event, handled| {
        match event {
            Event::Server(ServerEvent::Ready(_)) => println!("ready {name}"),
            Event::Server(ServerEvent::Resumed(_)) => println!("resumed"),
            Event::Server(ServerEvent::ResyncRequired(r)) => println!("resync {}", r.reason),
            Event::Reconnecting(r) => println!(
                "reconnecting attempt={} delay={:?} ({})",
                r.attempt,
                r.delay,
                r.error
                    .as_ref()
                    .map_or("stream ended".into(), |e| e.code().to_string())
            ),
            _ => {}
        }
        for reply in &handled.replies {
            println!("pong {}", reply.reply_to_id);
        }
        for (id, e) in &handled.failed {
            println!("send failed {id} {}", e.code());
        }
    })
    .await
}
