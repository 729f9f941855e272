//! Echo bot: answers every `!ping` it can see with a `pong` reply, exactly once, across
//! disconnects and server restarts (see `decentra_sdk::bot`). It runs as a bot account with
//! its bot token (`authorization: Bot <token>`).
//!
//! ```sh
//! # Once: create the bot as its owner (prints its id and token, shown only this once), then
//! # add it to a server you manage (AddBotToServer, e.g. POST /api/v1/servers/{id}/bots).
//! DECENTRA_USERNAME=alice DECENTRA_PASSWORD=… DECENTRA_CREATE_BOT=echo \
//!     cargo run -p decentra-sdk --example echo_bot
//! # Run it:
//! DECENTRA_URL=http://127.0.0.1:8765 DECENTRA_BOT_TOKEN=… cargo run -p decentra-sdk --example echo_bot
//! ```
//!
//! Prints one line per state change (`ready`, `resync`, `reconnecting`, `pong <id>`).

use decentra_sdk::{
    Client, Error,
    bot::Commands,
    events::{Event, ServerEvent},
    proto,
};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let url = std::env::var("DECENTRA_URL").unwrap_or_else(|_| "http://127.0.0.1:8765".into());
    if let Ok(name) = std::env::var("DECENTRA_CREATE_BOT") {
        return create_bot(url, name).await;
    }
    let Ok(token) = std::env::var("DECENTRA_BOT_TOKEN") else {
        eprintln!("set DECENTRA_BOT_TOKEN (or DECENTRA_CREATE_BOT with the owner's credentials)");
        std::process::exit(2);
    };
    let client = Client::bot(url, &token).await?;
    let mut bot = Commands::new(client.clone(), "!")
        .await?
        .command("ping", |_message, _args| "pong".to_owned())
        .command("echo", |_message, args| args.to_owned());
    let name = bot.me().username.clone();
    let mut events = client.events();
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

/// Signs in as the owner (`DECENTRA_USERNAME` / `DECENTRA_PASSWORD`) and creates the bot.
async fn create_bot(url: String, name: String) -> Result<(), Error> {
    let (Ok(username), Ok(password)) = (
        std::env::var("DECENTRA_USERNAME"),
        std::env::var("DECENTRA_PASSWORD"),
    ) else {
        eprintln!("creating a bot needs DECENTRA_USERNAME and DECENTRA_PASSWORD of its owner");
        std::process::exit(2);
    };
    let owner = Client::connect(url).await?;
    owner.login(&username, &password).await?;
    let created = owner
        .bots()
        .create_bot(proto::CreateBotRequest {
            name,
            ..Default::default()
        })
        .await?
        .into_inner();
    let id = created.bot.map(|b| b.id).unwrap_or_default();
    println!("bot id {id}");
    println!("bot token {} (shown once)", created.token);
    Ok(())
}
