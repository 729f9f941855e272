//! A small command-line client: log in, list servers and channels, read history, tail a
//! channel, send.
//!
//! ```sh
//! export DECENTRA_URL=http://127.0.0.1:8765 DECENTRA_USERNAME=alice DECENTRA_PASSWORD=…
//! cargo run -p decentra-sdk --example cli -- servers
//! cargo run -p decentra-sdk --example cli -- channels <server id>
//! cargo run -p decentra-sdk --example cli -- history <channel id>
//! cargo run -p decentra-sdk --example cli -- tail <channel id>
//! cargo run -p decentra-sdk --example cli -- send <channel id> hello there
//! ```

use decentra_sdk::{
    Client, Error,
    events::{Event, ServerEvent},
    proto,
};
use futures::TryStreamExt;

const USAGE: &str = "usage: cli servers | channels <server id> | history <channel id> | tail <channel id> | send <channel id> <text>";

fn line(m: &proto::Message) -> String {
    let author = m.author.as_ref().map_or("?", |a| a.username.as_str());
    format!("[{}] {author}: {}", m.id, m.content)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(command), rest) = (args.first(), args.get(1..).unwrap_or_default()) else {
        eprintln!("{USAGE}");
        std::process::exit(2);
    };
    let url = std::env::var("DECENTRA_URL").unwrap_or_else(|_| "http://127.0.0.1:8765".into());
    let client = Client::connect(url).await?;
    let username = std::env::var("DECENTRA_USERNAME").unwrap_or_default();
    let password = std::env::var("DECENTRA_PASSWORD").unwrap_or_default();
    client.login(&username, &password).await?;

    match (command.as_str(), rest) {
        ("servers", []) => {
            for s in client.servers_list().await? {
                println!("{}  {}", s.id, s.name);
            }
        }
        ("channels", [server_id]) => {
            for c in client.channels_of(server_id).await? {
                println!("{}  #{}", c.id, c.name);
            }
        }
        ("history", [channel_id]) => {
            let mut pages = std::pin::pin!(client.history(channel_id));
            while let Some(page) = pages.try_next().await? {
                for m in page {
                    println!("{}", line(&m));
                }
            }
        }
        ("tail", [channel_id]) => {
            let mut events = client.events();
            while let Some(event) = events.next().await {
                match event? {
                    Event::Server(ServerEvent::MessageCreated(e)) => {
                        if let Some(m) = e.message.filter(|m| &m.channel_id == channel_id) {
                            println!("{}", line(&m));
                        }
                    }
                    Event::Reconnecting(r) => eprintln!("(reconnecting in {:?})", r.delay),
                    _ => {}
                }
            }
        }
        ("send", [channel_id, words @ ..]) if !words.is_empty() => {
            let m = client.send_message(channel_id, &words.join(" ")).await?;
            println!("{}", line(&m));
        }
        _ => {
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    }
    Ok(())
}
